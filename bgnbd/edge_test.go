package bgnbd_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// TestDropoutEdges: two customers whose likelihood is flat in a and b.
// Every edge the estimate sits on is named in FitInfo.Reason: the mean
// dropout probability a/(a+b) running off to 1 or 0 (status AtBoundary,
// naming a and b; NotIdentified after the r/α limit, where every
// heterogeneity has vanished), and a
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
		{"certain dropout at the r/α limit", []clv.Customer{{ID: "A", Frequency: 1, Recency: week(1), T: week(74)}, {ID: "B"}}, bgnbd.BGNBD, clv.NotIdentified,
			[]string{"purchase heterogeneity vanishes", "; and dropout becomes certain: a/(a+b) → 1", "right after the first repeat purchase", "a = ", "b = "}},
		{"no dropout at the r/α limit", []clv.Customer{{ID: "A", Frequency: 1, Recency: week(19), T: week(19)}, {ID: "B", T: week(5)}}, bgnbd.MBGNBD, clv.NotIdentified,
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

// TestHandfulNotIdentified: the first one, two and three customers of a
// log (the job's one.csv and the shipped log's first customers, in weeks)
// do not determine BG/NBD or MBG/NBD: each fit ends at the r/α limit with
// a and b running off toward the no-dropout edge, and is NotIdentified
// with an error naming the number of customers (before, a limit fit with
// a = 1.28e-5 or 1.33e-4, above the limit fit's 1e-5 test for a
// parameter running off toward 0, was accepted at the boundary).
func TestHandfulNotIdentified(t *testing.T) {
	week := func(d float64) float64 { return d / 7 }
	// one.csv: purchases on 2025-01-01, 02-01 and 05-01; the shipped
	// log's first customers: C00052 buying on 2024-01-01 and 08-03,
	// C00107 and C00208 once on 2024-01-01, the log ending 2024-08-03.
	one := clv.Customer{ID: "A", Frequency: 2, Recency: week(120), T: week(120)}
	c52 := clv.Customer{ID: "C00052", Frequency: 1, Recency: week(215), T: week(215)}
	c107 := clv.Customer{ID: "C00107", T: week(215)}
	c208 := clv.Customer{ID: "C00208", T: week(215)}
	for _, cs := range [][]clv.Customer{{one}, {c52}, {c52, c107}, {c52, c107, c208}} {
		for _, v := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
			m, err := bgnbd.Fit(cs, bgnbd.FitOptions{Variant: v})
			if m == nil {
				if !errors.Is(err, clv.ErrNotIdentified) {
					t.Errorf("%d customers, variant %v: no model and %v; want %v", len(cs), v, err, clv.ErrNotIdentified)
				}
				continue
			}
			want := fmt.Sprintf("(%d customers)", len(cs))
			if len(cs) == 1 {
				want = "(1 customer)"
			}
			if st := m.FitInfo().Status; st != clv.NotIdentified || !errors.Is(err, clv.ErrNotIdentified) || !strings.Contains(err.Error(), want) {
				t.Errorf("%d customers, variant %v: status %v, error %v; want %v naming %q", len(cs), v, st, err, clv.NotIdentified, want)
			}
		}
	}
}
