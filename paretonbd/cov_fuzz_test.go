package paretonbd_test

import (
	"context"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// FuzzFitCovariates: any covariate values, any coefficients, any
// customers: FitCovariates returns an error or a model with a finite
// log-likelihood, and predictions at any z are NaN or in range. Nothing
// panics.
func FuzzFitCovariates(f *testing.F) {
	f.Add(1.0, 0.0, 0.5, 3.0, 20.0, 30.0, 0.3, -0.2)
	f.Add(math.NaN(), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(1e300, -1e300, 5.0, 2.0, 1.0, 10.0, 800.0, -800.0)
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0)
	f.Fuzz(func(t *testing.T, z1, z2, z3, x, tx, T, gt, gl float64) {
		x = math.Round(math.Mod(math.Abs(x), 50))
		cs := []clv.Customer{
			{ID: "a", Frequency: x, Recency: tx, T: T},
			{ID: "b", Frequency: 1, Recency: 3, T: 10},
			{ID: "c", Frequency: 0, Recency: 0, T: 12},
			{ID: "d", Frequency: 4, Recency: 9, T: 12},
		}
		z := clv.Covariates{Names: []string{"g"}, Values: [][]float64{{z1}, {z2}, {z3}, {0}}}
		m, err := paretonbd.FitCovariates(context.Background(), cs, z, paretonbd.CovFitOptions{MaxIter: 50})
		if m != nil && math.IsNaN(m.LogLikelihood()) {
			t.Fatalf("NaN log-likelihood: %v, %v", m, err)
		}
		cm, err := paretonbd.NewCovariates(paretonbd.CovParams{Params: paretonbd.Params{R: 1, Alpha: 5, S: 1, Beta: 5},
			Names: []string{"g"}, Trans: []float64{gt}, Life: []float64{gl}})
		if err != nil {
			return
		}
		for i, c := range cs {
			if pa := cm.ProbabilityAlive(c, z.Values[i]); !math.IsNaN(pa) && !(pa >= 0 && pa <= 1) {
				t.Fatalf("P(alive) = %v", pa)
			}
		}
		_, _ = cm.DERTAll(cs, z, 0.01)
	})
}
