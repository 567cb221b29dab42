package bgnbd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
)

// TestParameterRecovery simulates 100,000 customers from known parameters,
// fits, and checks that every parameter comes back within 5% and that the
// truth lies inside the 99% interval (±2.576 standard errors) for most
// parameters.
func TestParameterRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping parameter recovery in short mode")
	}
	truths := []struct {
		v bgnbd.Variant
		p bgnbd.Params
	}{
		{bgnbd.BGNBD, bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}},
		{bgnbd.BGNBD, bgnbd.Params{R: 0.1, Alpha: 2, A: 0.5, B: 0.5}},
		{bgnbd.BGNBD, bgnbd.Params{R: 2, Alpha: 10, A: 3, B: 5}},
		{bgnbd.BGNBD, bgnbd.Params{R: 1, Alpha: 5, A: 1.5, B: 1}},
		{bgnbd.BGNBD, bgnbd.Params{R: 0.5, Alpha: 8, A: 2, B: 4}},
		{bgnbd.MBGNBD, bgnbd.Params{R: 0.52, Alpha: 6.2, A: 0.89, B: 1.6}},
		{bgnbd.MBGNBD, bgnbd.Params{R: 2, Alpha: 10, A: 1.5, B: 6}},
		{bgnbd.MBGNBD, bgnbd.Params{R: 0.8, Alpha: 4, A: 0.5, B: 3}},
	}
	const n = 100_000
	inside, total := 0, 0
	for i, tc := range truths {
		truth := tc.p
		gen, err := bgnbd.NewVariant(tc.v, truth)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := gen.Simulate(rand.NewPCG(uint64(i), 42), uniformT(n, 20, 80, uint64(i)))
		if err != nil {
			t.Fatal(err)
		}
		m, err := bgnbd.Fit(cs, bgnbd.FitOptions{Variant: tc.v})
		if err != nil {
			t.Fatalf("%+v: %v", truth, err)
		}
		got, se := m.Params(), must(m.StdErrors())
		for _, v := range []struct {
			name         string
			got, se, val float64
		}{{"r", got.R, se.R, truth.R}, {"alpha", got.Alpha, se.Alpha, truth.Alpha}, {"a", got.A, se.A, truth.A}, {"b", got.B, se.B, truth.B}} {
			if e := relErr(v.got, v.val); e > 0.05 {
				t.Errorf("truth %+v: %s = %.4f (rel. error %.3f > 5%%)", truth, v.name, v.got, e)
			}
			total++
			if math.Abs(v.got-v.val) <= 2.576*v.se {
				inside++
			}
		}
		t.Logf("truth %+v: fitted %v, std errors %+v", truth, m, se)
	}
	// With 32 intervals at 99%, expect about 0.3 misses; allow 2.
	if total-inside > 2 {
		t.Errorf("the truth lies outside the 99%% interval for %d of %d parameters", total-inside, total)
	}
}

func must[T any](v T, ok bool) T {
	if !ok {
		panic("not available")
	}
	return v
}
