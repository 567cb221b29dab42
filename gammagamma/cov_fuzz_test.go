package gammagamma_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// FuzzFitCovariates: any covariate values, coefficients and amounts:
// FitCovariates returns an error or a model with a finite log-likelihood,
// the expected values at any z are NaN, +Inf or positive, and decoding
// any JSON returns an error or a model that encodes again. Nothing panics.
func FuzzFitCovariates(f *testing.F) {
	f.Add(1.0, 0.0, 0.5, 3.0, 20.0, 0.3, []byte(`{"model":"gammagamma_covariates","params":{"p":1,"q":2,"gamma":1},"covariates":["g"],"spend":[0.5]}`))
	f.Add(math.NaN(), 0.0, 0.0, 0.0, 0.0, 0.0, []byte(`{}`))
	f.Add(1e300, -1e300, 5.0, 2.0, 1e-300, 800.0, []byte(`null`))
	f.Fuzz(func(t *testing.T, z1, z2, z3, x, m, d float64, js []byte) {
		x = math.Round(math.Mod(math.Abs(x), 50))
		cs := []clv.Customer{
			{ID: "a", Frequency: x, MonetaryValue: m},
			{ID: "b", Frequency: 1, MonetaryValue: 3},
			{ID: "c", Frequency: 0},
			{ID: "d", Frequency: 4, MonetaryValue: 9},
		}
		z := clv.Covariates{Names: []string{"g"}, Values: [][]float64{{z1}, {z2}, {z3}, {0}}}
		fm, err := gammagamma.FitCovariates(context.Background(), cs, z, gammagamma.CovFitOptions{MaxIter: 50})
		if fm != nil && math.IsNaN(fm.LogLikelihood()) {
			t.Fatalf("NaN log-likelihood: %v, %v", fm, err)
		}
		cm, err := gammagamma.NewCovariates(gammagamma.CovParams{Params: gammagamma.Params{P: 2, Q: 3, Gamma: 5},
			Names: []string{"g"}, Spend: []float64{d}})
		if err == nil {
			for i, c := range cs {
				if v := cm.ConditionalExpectedValue(c, z.Values[i]); !math.IsNaN(v) && !(v > 0) {
					t.Fatalf("E[M] = %v", v)
				}
			}
			_, _ = cm.ConditionalExpectedValueAll(cs, z)
		}
		var back gammagamma.CovModel
		if json.Unmarshal(js, &back) == nil {
			if _, err := json.Marshal(&back); err != nil {
				t.Fatalf("decoded %s, cannot encode: %v", js, err)
			}
		}
	})
}
