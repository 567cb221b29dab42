package gammagamma_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// FuzzConditionalExpectedValue: for valid parameters and a valid customer
// the expected value lies between the customer's mean and the population
// mean (a weighted average of the two) or is +Inf when the mean does not
// exist; invalid input gives NaN. Nothing panics.
func FuzzConditionalExpectedValue(f *testing.F) {
	f.Add(6.25, 3.74, 15.44, 2.0, 22.35)
	f.Add(1.0, 0.5, 1.0, 0.0, 0.0)
	f.Add(1e-3, 1e3, 1e-3, 1e4, 1e6)
	f.Fuzz(func(t *testing.T, p, q, g, x, mv float64) {
		m, err := gammagamma.New(gammagamma.Params{P: p, Q: q, Gamma: g})
		if err != nil {
			return
		}
		x = math.Round(x)
		v := m.ConditionalExpectedValue(clv.Customer{Frequency: x, MonetaryValue: mv})
		if !(x >= 0) || math.IsInf(x, 0) || !(mv >= 0) || math.IsInf(mv, 0) {
			if !math.IsNaN(v) {
				t.Fatalf("invalid x=%v m=%v: %v, want NaN", x, mv, v)
			}
			return
		}
		if p*x+q <= 1 {
			if !math.IsInf(v, 1) {
				t.Fatalf("px+q ≤ 1: %v, want +Inf", v)
			}
			return
		}
		if x == 0 {
			mv = 0
		}
		if q <= 1 {
			// The population mean is infinite, but with px + q > 1 the
			// customer's expectation exists: p(γ + x m̄)/(px+q−1), finite and at
			// least the customer's own part px·m̄/(px+q−1).
			if lo := mv * p * x / (p*x + q - 1); !(v >= lo*(1-1e-12)) || math.IsInf(v, 0) {
				t.Fatalf("%+v x=%v m=%v: %v, want a finite number ≥ %v", m.Params(), x, mv, v, lo)
			}
			return
		}
		lo, hi := math.Min(mv, p*g/(q-1)), math.Max(mv, p*g/(q-1))
		if !(v >= lo*(1-1e-12) && v <= hi*(1+1e-12)) {
			t.Fatalf("%+v x=%v m=%v: %v not in [%v, %v]", m.Params(), x, mv, v, lo, hi)
		}
	})
}
