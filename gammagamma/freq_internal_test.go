package gammagamma

import (
	"math"
	"slices"
	"testing"
)

// TestByFreq: the log-likelihood and gradient per frequency (byFreq, with
// its expansion in γ) agree with the sum over customers to 1e-13 at
// points near the last centre and far from it, whichever the order of the
// evaluations; sorting many customers (the radix sort) gives the same
// order as a comparison sort.
func TestByFreq(t *testing.T) {
	// Thousands of customers per frequency up to 5 (sorted by radix),
	// tens above.
	cs := append(draw(Params{P: 6, Q: 4, Gamma: 15}, 30_000, 5, 9), draw(Params{P: 6, Q: 4, Gamma: 15}, 3000, 300, 10)...)
	for i := range cs {
		if i%7 == 0 { // prices that repeat
			cs[i].MonetaryValue = math.Round(cs[i].MonetaryValue)
		}
	}
	d := dataOf(cs)
	for k := range d.xs {
		seg := d.m[d.start[k]:d.start[k+1]]
		if !slices.IsSorted(seg) {
			t.Fatalf("frequency %v: values not sorted", d.xs[k])
		}
	}
	f := newByFreq(d, d.start)
	var part [][4]float64
	g, gf := make([]float64, 3), make([]float64, 3)
	for _, p := range []Params{{6, 4, 15}, {6.1, 3.9, 15.2}, {6, 4, 15.0001}, {0.5, 20, 300}, {50, 1.5, 2}, {6, 4, 16.5}, {6, 4, 14}} {
		want := d.logLik(p, g, &part)
		got := f.logLik(d, p, gf)
		if math.Abs(got-want) > 1e-13*math.Abs(want) {
			t.Errorf("%v: LL %.17g per frequency, %.17g per customer", p, got, want)
		}
		for j := range g {
			if math.Abs(gf[j]-g[j]) > 1e-13*math.Abs(want)+1e-12*math.Abs(g[j]) {
				t.Errorf("%v: ∂LL[%d] %.17g per frequency, %.17g per customer", p, j, gf[j], g[j])
			}
		}
	}
}
