package bgbb_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgbb"
)

// FuzzPredictions: for any valid parameters and history, P(alive) lies in
// [0, 1], expectations are finite and ≥ 0, P(X(n) = x) lies in [0, 1];
// for an invalid history they are NaN. Nothing panics.
func FuzzPredictions(f *testing.F) {
	f.Add(1.20, 0.75, 0.66, 2.78, 3, 5, 6, 5, 0.1)
	f.Add(0.5, 2.0, 1.0, 1.0, 0, 0, 6, 10, 0.5)
	f.Add(1e-3, 1e3, 50.0, 1e-3, 100, 100, 100, 1, 1e-3)
	f.Add(2.0, 2.0, 2.0, 2.0, 1, 0, 3, 2, 0.1)
	f.Fuzz(func(t *testing.T, alpha, beta, gamma, delta float64, x, tx, n, future int, d float64) {
		// The range fitted models occupy; beyond it Beta functions
		// underflow and predictions may be NaN (never a wrong number).
		for _, v := range []float64{alpha, beta, gamma, delta} {
			if !(v >= 1e-3 && v <= 1e3) {
				return
			}
		}
		if n > 1000 || future > 1000 || !(d >= 1e-3 && d <= 10) {
			return
		}
		m, err := bgbb.New(bgbb.Params{Alpha: alpha, Beta: beta, Gamma: gamma, Delta: delta})
		if err != nil {
			t.Fatal(err)
		}
		r := bgbb.Row{X: x, Recency: tx, N: n, Count: 1}
		pa := m.ProbabilityAlive(r, 1)
		e := m.ConditionalExpectedTransactions(r, future)
		dert := m.DERT(r, d)
		valid := n >= 0 && x >= 0 && tx >= x && tx <= n && (x > 0 || tx == 0)
		if !valid || future < 0 {
			if !math.IsNaN(e) {
				t.Fatalf("invalid %+v m=%d: E = %v, want NaN", r, future, e)
			}
			return
		}
		if !(pa >= 0 && pa <= 1) || !(e >= 0) || math.IsInf(e, 0) || !(dert >= 0) || math.IsInf(dert, 0) {
			t.Fatalf("%+v %+v m=%d d=%v: P(alive) %v, E %v, DERT %v", m.Params(), r, future, d, pa, e, dert)
		}
		if p := m.ProbabilityOfTransactions(x, n); !(p >= 0 && p <= 1+1e-12) {
			t.Fatalf("%+v: P(X(%d) = %d) = %v", m.Params(), n, x, p)
		}
	})
}
