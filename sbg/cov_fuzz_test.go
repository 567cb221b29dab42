package sbg_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/sbg"
)

// FuzzFitCovariates: any covariate values, counts and coefficients:
// FitCovariates returns an error or a model with a finite log-likelihood,
// a subscriber's survival at any z is NaN or in [0, 1], and decoding any
// JSON returns an error or a model that encodes again. Nothing panics.
func FuzzFitCovariates(f *testing.F) {
	f.Add(1.0, 0.0, 10.0, 5.0, 0.3, -0.2, []byte(`{"model":"sbg_covariates","params":{"alpha":1,"beta":2},"covariates":["g"],"gamma_alpha":[0.5],"gamma_beta":[0]}`))
	f.Add(math.NaN(), 0.0, 0.0, 0.0, 0.0, 0.0, []byte(`{}`))
	f.Add(1e300, -1e300, 1e300, 1e-300, 800.0, -800.0, []byte(`null`))
	f.Fuzz(func(t *testing.T, z1, z2, n1, n2, ga, gb float64, js []byte) {
		rs := []sbg.Record{{Renewals: 0, Churned: true, Count: n1}, {Renewals: 2, Churned: true, Count: n2},
			{Renewals: 3, Count: 7}, {Renewals: 1, Churned: true, Count: 4}}
		z := clv.Covariates{Names: []string{"g"}, Values: [][]float64{{z1}, {z2}, {z1}, {0}}}
		fm, err := sbg.FitCovariates(context.Background(), rs, z, sbg.CovFitOptions{MaxIter: 50})
		if fm != nil && math.IsNaN(fm.LogLikelihood()) {
			t.Fatalf("NaN log-likelihood: %v, %v", fm, err)
		}
		cm, err := sbg.NewCovariates(sbg.CovParams{Params: sbg.Params{Alpha: 1, Beta: 2, C: 1}, Names: []string{"g"},
			GammaAlpha: []float64{ga}, GammaBeta: []float64{gb}})
		if err == nil {
			for _, v := range []float64{z1, z2, 0} {
				if m, err := cm.Customer([]float64{v}); err == nil {
					if s := m.Survival(5); !math.IsNaN(s) && !(s >= 0 && s <= 1) {
						t.Fatalf("S(5) = %v at z = %v", s, v)
					}
				}
			}
		}
		var back sbg.CovModel
		if json.Unmarshal(js, &back) == nil {
			if _, err := json.Marshal(&back); err != nil {
				t.Fatalf("decoded %s, cannot encode: %v", js, err)
			}
		}
	})
}
