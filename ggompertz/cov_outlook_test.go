package ggompertz_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
)

// TestCovOutlookIsThePlainModel: every customer's outlook from
// CovModel.OutlookAll and CovModel.Outlook equals, to 1e-12, the outlook
// of the plain model built by hand from the customer's parameters
// (r, α·exp(−γ_trans·z), b, s, β·exp(−γ_life·z)), on 1,500 customers
// simulated in whole weeks (24 profiles sharing rows); invalid options,
// a covariate of another name and the zero CovModel are errors or NaN.
func TestCovOutlookIsThePlainModel(t *testing.T) {
	p := ggompertz.CovParams{Params: ggompertz.Params{R: 0.6, Alpha: 4, B: 0.05, S: 0.8, Beta: 2},
		Names: []string{"member", "spend"}, Trans: []float64{0.5, -0.2}, Life: []float64{-0.4, 0.3}}
	m, err := ggompertz.NewCovariates(p)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	n := 1500
	T := make([]float64, n)
	z := clv.Covariates{Names: p.Names, Values: make([][]float64, n)}
	for i := range T {
		T[i] = float64(20 + rng.IntN(40))
		z.Values[i] = []float64{float64(rng.IntN(2)), float64(rng.IntN(12))/4 - 1}
	}
	cs, err := m.Simulate(rand.NewPCG(3, 5), T, z)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Floor(cs[i].Recency)
	}
	opts := clv.OutlookOptions{Window: 4, Horizon: 52}
	all, err := m.OutlookAll(cs, z, opts)
	if err != nil {
		t.Fatal(err)
	}
	medians := 0
	for i, c := range cs {
		zi := z.Values[i]
		var lt, ll float64
		for j := range zi {
			lt += p.Trans[j] * zi[j]
			ll += p.Life[j] * zi[j]
		}
		plain, err := ggompertz.New(ggompertz.Params{R: p.R, Alpha: p.Alpha * math.Exp(-lt), B: p.B, S: p.S, Beta: p.Beta * math.Exp(-ll)})
		if err != nil {
			t.Fatal(err)
		}
		want := plain.Outlook(c, opts)
		if !closeOutlook(all[i], want, 1e-12) || !closeOutlook(m.Outlook(c, zi, opts), want, 1e-12) {
			t.Fatalf("customer %d %+v z=%v: OutlookAll %+v, Outlook %+v, plain %+v", i, c, zi, all[i], m.Outlook(c, zi, opts), want)
		}
		if !math.IsNaN(want.NextPurchase[1]) {
			medians++
		}
	}
	if medians == 0 || medians == n {
		t.Errorf("%d of %d customers with a median: the case tests one branch only", medians, n)
	}
	if _, err := m.OutlookAll(cs, z, clv.OutlookOptions{Window: 0, Horizon: 1}); !errors.Is(err, clv.ErrBadOutlookOptions) {
		t.Errorf("bad options: %v", err)
	}
	if _, err := m.OutlookAll(cs, clv.Covariates{Names: []string{"a", "b"}, Values: z.Values}, opts); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("other names: %v", err)
	}
	var zero ggompertz.CovModel
	if _, err := zero.OutlookAll(cs, z, opts); err == nil || !math.IsNaN(zero.Outlook(cs[0], z.Values[0], opts).PurchaseRate) {
		t.Errorf("zero CovModel: %v", err)
	}
	if o := m.Outlook(cs[0], []float64{1}, opts); !math.IsNaN(o.PurchaseWithin) {
		t.Errorf("short z: %+v", o)
	}
}
