package paretonbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// FuzzCovOutlook: any coefficients, covariate values, customer and spans:
// CovModel.Outlook and OutlookAll give NaN (or an error) or probabilities
// in [0, 1] and ascending percentiles, OutlookAll the same as Outlook.
// Nothing panics.
func FuzzCovOutlook(f *testing.F) {
	f.Add(0.5, -0.3, 1.0, 3.0, 5.0, 12.0, 2.0, 26.0, false)
	f.Add(800.0, -800.0, 1e300, 0.0, 0.0, 1.0, 1e-300, 1e300, true)
	f.Add(0.0, 0.0, math.NaN(), 2.0, 2.0, 2.0, 1.0, 1.0, false)
	f.Fuzz(func(t *testing.T, gt, gl, z, x, tx, T, window, horizon float64, alt bool) {
		s := 0.9
		if alt {
			s = 2.5
		}
		m, err := paretonbd.NewCovariates(paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 4, S: s, Beta: 12},
			Names: []string{"g"}, Trans: []float64{gt}, Life: []float64{gl}})
		if err != nil {
			return
		}
		c := clv.Customer{ID: "a", Frequency: math.Round(math.Mod(math.Abs(x), 100)), Recency: tx, T: T}
		opts := clv.OutlookOptions{Window: window, Horizon: horizon}
		o := m.Outlook(c, []float64{z}, opts)
		for _, p := range []float64{o.PurchaseWithin, o.PurchaseWithinHorizon, o.AliveAtHorizon} {
			if !math.IsNaN(p) && !(p >= 0 && p <= 1) {
				t.Fatalf("probability %v: %+v", p, o)
			}
		}
		for k := 1; k < 3; k++ {
			if a, b := o.NextPurchase[k-1], o.NextPurchase[k]; !math.IsNaN(a) && !math.IsNaN(b) && b < a {
				t.Fatalf("percentiles %v", o.NextPurchase)
			}
		}
		all, err := m.OutlookAll([]clv.Customer{c}, clv.Covariates{Names: []string{"g"}, Values: [][]float64{{z}}}, opts)
		if err == nil && !sameOutlook(all[0], o, 1e-12) {
			t.Fatalf("OutlookAll %+v, Outlook %+v", all[0], o)
		}
	})
}
