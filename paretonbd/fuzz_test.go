package paretonbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// FuzzPredictions: for valid parameters in the documented range and any
// customer, P(alive) and the probabilities lie in [0, 1], expectations are
// finite and ≥ 0, DERT is ≥ 0; for an invalid customer the results are
// NaN. Nothing panics.
func FuzzPredictions(f *testing.F) {
	f.Add(0.55, 10.58, 0.61, 11.67, 2.0, 30.43, 38.86, 39.0)
	f.Add(1.0, 20.0, 0.5, 5.0, 10000.0, 9999.0, 10000.0, 10000.0)
	f.Add(2.0, 3.0, 4.0, 60.0, 0.0, 0.0, 0.0, 1.0)
	f.Add(1e-3, 1e3, 50.0, 1e-1, 7.0, 1.0, 100.0, 0.5)
	f.Add(0.5, 1.0, 1.0, 1.0, 3.0, 2.0, 3.0, 1e4)
	f.Add(0.6, 8.0, 1e6, 4e7, 3.0, 20.0, 52.0, 39.0)
	f.Add(1e6, 1.7e6, 1e12, 4e13, 1e5, 1e8, 1e9, 1e9)
	f.Fuzz(func(t *testing.T, r, alpha, s, beta, x, tx, T, horizon float64) {
		m, err := paretonbd.New(paretonbd.Params{R: r, Alpha: alpha, S: s, Beta: beta})
		if err != nil {
			return
		}
		// The range of bounded cost (TestSeriesBound): r, s in [1e-3, 1e12],
		// α, β in [1e-2, 1e12], x ≤ 10^5, T, t ≤ 10^9.
		if r < 1e-3 || r > 1e12 || s < 1e-3 || s > 1e12 || alpha < 1e-2 || alpha > 1e12 || beta < 1e-2 || beta > 1e12 {
			return
		}
		if math.Abs(x) > 1e5 || math.Abs(T) > 1e9 || math.Abs(horizon) > 1e9 {
			return
		}
		x = math.Round(x)
		c := clv.Customer{Frequency: x, Recency: tx, T: T}
		pa := m.ProbabilityAlive(c)
		e := m.ConditionalExpectedPurchases(c, horizon)
		if c.Validate() != nil || horizon < 0 || math.IsNaN(horizon) {
			if !math.IsNaN(e) || c.Validate() != nil && !math.IsNaN(pa) {
				t.Fatalf("invalid input %+v t=%v: P(alive) %v, E = %v, want NaN", c, horizon, pa, e)
			}
			return
		}
		if !(pa >= 0 && pa <= 1) || !(e >= 0) || math.IsInf(e, 0) {
			t.Fatalf("%+v %+v t=%v: P(alive) %v, E %v", m.Params(), c, horizon, pa, e)
		}
		if d := m.DERT(c, 0.01); !(d >= 0) {
			t.Fatalf("%+v %+v: DERT %v", m.Params(), c, d)
		}
		if p0 := m.ProbabilityOfPurchases(c, 0, horizon); !(p0 >= 0 && p0 <= 1+1e-9) {
			t.Fatalf("%+v %+v t=%v: P(Y=0) = %v", m.Params(), c, horizon, p0)
		}
	})
}
