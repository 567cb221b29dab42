package bgnbd_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// TestNothingObserved: customers all first seen at the observation end (T
// = 0) are an error wrapping clv.ErrNotIdentified that names the variant
// fitted and says what to do; a weight-0 customer with T > 0 does not
// count as observed.
func TestNothingObserved(t *testing.T) {
	cs := []clv.Customer{{ID: "a"}, {ID: "b"}, {ID: "c", Frequency: 2, Recency: 3, T: 5}}
	for _, tc := range []struct {
		v    bgnbd.Variant
		name string
	}{{bgnbd.BGNBD, "BG/NBD"}, {bgnbd.MBGNBD, "MBG/NBD"}} {
		m, err := bgnbd.Fit(cs, bgnbd.FitOptions{Variant: tc.v, Weights: []float64{1, 2, 0}})
		if m != nil || !errors.Is(err, clv.ErrNotIdentified) {
			t.Fatalf("%v: %v, %v; want no model and clv.ErrNotIdentified", tc.v, m, err)
		}
		for _, want := range []string{"bgnbd: " + tc.name + ": ", "every customer has T = 0", "observe longer"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%v: %q does not say %q", tc.v, err, want)
			}
		}
	}
}
