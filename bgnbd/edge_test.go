package bgnbd_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// TestDropoutEdges: two customers whose likelihood is flat in a and b.
// Every edge the estimate sits on is named in FitInfo.Reason: the mean
// dropout probability a/(a+b) running off to 1 or 0 (status AtBoundary,
// after the r/α limit where that was reached too, naming a and b), and a
// likelihood that does not depend on a and b at all (status
// NotIdentified, naming them), rather than a limit fit that names only
// r/α, or a "converged" fit at b = 5e-6.
func TestDropoutEdges(t *testing.T) {
	week := func(d float64) float64 { return d / 7 }
	for _, tc := range []struct {
		name   string
		cs     []clv.Customer
		v      bgnbd.Variant
		status clv.FitStatus
		want   []string
	}{
		{"certain dropout at the r/α limit", []clv.Customer{{ID: "A", Frequency: 1, Recency: week(1), T: week(74)}, {ID: "B"}}, bgnbd.BGNBD, clv.AtBoundary,
			[]string{"purchase heterogeneity vanishes", "; and dropout becomes certain: a/(a+b) → 1", "right after the first repeat purchase", "a = ", "b = "}},
		{"no dropout at the r/α limit", []clv.Customer{{ID: "A", Frequency: 1, Recency: week(19), T: week(19)}, {ID: "B", T: week(5)}}, bgnbd.MBGNBD, clv.AtBoundary,
			[]string{"purchase heterogeneity vanishes", "; and dropout vanishes: a/(a+b) = ", "no customer drops out", "a = ", "b = "}},
		{"certain dropout", []clv.Customer{{ID: "A", Frequency: 1, Recency: week(1), T: week(30)}, {ID: "B", T: 3}}, bgnbd.BGNBD, clv.AtBoundary,
			[]string{"dropout becomes certain: a/(a+b) → 1", "a = ", "b = "}},
		{"flat in a and b", []clv.Customer{{ID: "A", Frequency: 1, Recency: week(19), T: week(19)}, {ID: "B", T: week(5)}}, bgnbd.BGNBD, clv.NotIdentified,
			[]string{"purchase heterogeneity vanishes", "the data do not determine a = 1, b = 1: the log-likelihood is flat in them"}},
	} {
		m, err := bgnbd.Fit(tc.cs, bgnbd.FitOptions{Variant: tc.v})
		if m == nil {
			t.Fatalf("%s: no model: %v", tc.name, err)
		}
		info := m.FitInfo()
		sentinel := clv.ErrBoundary
		if tc.status == clv.NotIdentified {
			sentinel = clv.ErrNotIdentified
		}
		if info.Status != tc.status || !errors.Is(err, sentinel) {
			t.Errorf("%s: %v, %v; want status %v and %v", tc.name, info.Status, err, tc.status, sentinel)
		}
		for _, w := range tc.want {
			if !strings.Contains(info.Reason, w) || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: reason %q (error %q) does not say %q", tc.name, info.Reason, err, w)
			}
		}
		p := m.Params()
		if q := p.A / (p.A + p.B); tc.status == clv.AtBoundary && !(q > 0.999 || q < 0.001) {
			t.Errorf("%s: a/(a+b) = %g, want within 0.001 of 0 or 1", tc.name, q)
		}
	}
}
