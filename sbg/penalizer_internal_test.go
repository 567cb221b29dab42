package sbg

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestPenalizer: a penalized fit of the regular cohort of Fader & Hardie
// (2007) minimizes the objective FitOptions.Penalizer documents,
// −LL/n + λ·Σ p² (no point of a ±1e-4 neighbourhood is lower, for the sBG
// and the BdW), shrinks the parameters more as λ grows, and is identified
// (the cohort determines α and β without the penalty).
func TestPenalizer(t *testing.T) {
	rs, err := CohortRecords([]float64{1000, 631, 468, 382, 326, 289, 262, 241})
	if err != nil {
		t.Fatal(err)
	}
	d, err := compress(rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, bdw := range []bool{false, true} {
		prev := math.Inf(1)
		for _, lambda := range []float64{0, 0.001, 0.01, 0.1} {
			m, err := Fit(rs, FitOptions{Penalizer: lambda, DurationDependence: bdw})
			if err != nil || m.FitInfo().Status != clv.Converged || m.FitInfo().Penalizer != lambda {
				t.Fatalf("BdW %v, λ = %v: %v, %+v", bdw, lambda, err, m.FitInfo())
			}
			v := m.Params().Vector()
			if !bdw {
				v = v[:2]
			}
			obj := func(v []float64) float64 {
				f := -d.logLik(paramsOf(v), make([]float64, 3)) / d.total
				for _, p := range v {
					f += lambda * p * p
				}
				return f
			}
			f0 := obj(v)
			for i := range v {
				for _, h := range []float64{-1e-4, 1e-4} {
					w := append([]float64(nil), v...)
					w[i] *= 1 + h
					if f := obj(w); f < f0 {
						t.Errorf("BdW %v, λ = %v: objective %.15g at %v, lower %.15g at %v", bdw, lambda, f0, v, f, w)
					}
				}
			}
			var norm float64
			for _, p := range v {
				norm += p * p
			}
			if !(norm < prev) {
				t.Errorf("BdW %v, λ = %v: Σp² = %.6g, not below %.6g at the smaller λ", bdw, lambda, norm, prev)
			}
			prev = norm
			t.Logf("BdW %v, λ = %v: %v", bdw, lambda, m)
		}
	}
}
