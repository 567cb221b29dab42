package paretonbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/paretonbd"
)

// TestPurchasesIfAliveSeq checks that the sequence is
// ProbabilityOfPurchasesIfAlive bit for bit, for the fitted parameters of
// the shipped log, a heavy-buyer posterior, the exponential-dropout limit,
// dropout scales far below the purchase scale (β ≪ α, also at r = 10⁵),
// a zero horizon and long horizons, and NaN for invalid arguments.
func TestPurchasesIfAliveSeq(t *testing.T) {
	for _, p := range []paretonbd.Params{
		{R: 0.535559, Alpha: 9.88955, S: 0.993663, Beta: 28.7209},
		{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67},
		{R: 2.5, Alpha: 3, S: 40, Beta: 2000},
		{R: 0.5, Alpha: 10, S: 1e9, Beta: 1e10},       // the limit: s ≥ limitShape
		{R: 10, Alpha: 100.0 / 3, S: 0.7, Beta: 0.01}, // β ≪ α: the dropout's cuts
		{R: 1e5, Alpha: 1e6, S: 0.7, Beta: 0.01},
	} {
		m, err := paretonbd.New(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ x, T, t float64 }{
			{0, 52, 12}, {3, 30, 120}, {40, 52, 1200}, {0, 0, 1200}, {2, 10, 0}, {1, 5, 1e-9},
		} {
			next := m.PurchasesIfAliveSeq(c.x, c.T, c.t)
			cum := 0.0
			for n := 0; n < 5000 && 1-cum > 1e-12; n++ {
				got, want := next(), m.ProbabilityOfPurchasesIfAlive(c.x, c.T, n, c.t)
				if math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("%+v x=%v T=%v t=%v: n=%d: sequence %v, ProbabilityOfPurchasesIfAlive %v", p, c.x, c.T, c.t, n, got, want)
				}
				cum += want
			}
			if 1-cum > 1e-9 {
				t.Errorf("%+v %+v: the distribution sums to %v", p, c, cum)
			}
		}
	}
	m, _ := paretonbd.New(paretonbd.Params{R: 0.5, Alpha: 10, S: 0.9, Beta: 20})
	for _, c := range []struct{ x, T, t float64 }{{-1, 5, 10}, {1, -1, 10}, {1, 5, -1}, {1, 5, math.Inf(1)}, {math.NaN(), 5, 10}} {
		if v := m.PurchasesIfAliveSeq(c.x, c.T, c.t)(); !math.IsNaN(v) {
			t.Errorf("%+v: %v, want NaN", c, v)
		}
	}
	var zero paretonbd.Model
	if v := zero.PurchasesIfAliveSeq(1, 5, 10)(); !math.IsNaN(v) {
		t.Errorf("zero model: %v, want NaN", v)
	}
}
