package bgnbd_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// covOutlookCase returns 3,000 customers simulated from a covariate model
// of variant v (a 0/1 covariate and a numeric one with 12 values, so 24
// profiles sharing rows) and their covariates, times in whole weeks.
func covOutlookCase(t *testing.T, v bgnbd.Variant) (*bgnbd.CovModel, []clv.Customer, clv.Covariates) {
	t.Helper()
	p := bgnbd.CovParams{Params: bgnbd.Params{R: 0.6, Alpha: 4, A: 0.8, B: 2.5},
		Names: []string{"member", "spend"}, Trans: []float64{0.5, -0.2}, Life: []float64{-0.4, 0.3}}
	m, err := bgnbd.NewCovariates(v, p)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	n := 3000
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
	for i := range cs { // whole weeks: many customers share a row
		cs[i].Recency = math.Floor(cs[i].Recency)
	}
	return m, cs, z
}

// sameOutlook reports whether a and b agree to a relative tol in every
// field, NaN matching NaN.
func sameOutlook(a, b clv.Outlook, tol float64) bool {
	av := []float64{a.PurchaseWithin, a.PurchaseWithinHorizon, a.AliveAtHorizon, a.NextPurchase[0], a.NextPurchase[1], a.NextPurchase[2], a.PurchaseRate}
	bv := []float64{b.PurchaseWithin, b.PurchaseWithinHorizon, b.AliveAtHorizon, b.NextPurchase[0], b.NextPurchase[1], b.NextPurchase[2], b.PurchaseRate}
	for k := range av {
		if math.IsNaN(av[k]) != math.IsNaN(bv[k]) || math.Abs(av[k]-bv[k]) > tol*max(1, math.Abs(bv[k])) {
			return false
		}
	}
	return true
}

// TestCovOutlookIsThePlainModel: every customer's outlook from
// CovModel.OutlookAll and CovModel.Outlook equals, to 1e-12, the outlook
// of the plain model built by hand from the customer's parameters
// (r, α·exp(−γ_trans·z), a·exp(γ_life·z), b·exp(γ_life·z)); the
// probabilities lie in [0, 1], the window's below the horizon's, and the
// percentiles ascend within (0, horizon].
func TestCovOutlookIsThePlainModel(t *testing.T) {
	for _, v := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
		m, cs, z := covOutlookCase(t, v)
		p := m.Params()
		opts := clv.OutlookOptions{Window: 4, Horizon: 52}
		all, err := m.OutlookAll(cs, z, opts)
		if err != nil {
			t.Fatal(err)
		}
		quantiles := 0
		for i, c := range cs {
			zi := z.Values[i]
			var lt, ll float64
			for j := range zi {
				lt += p.Trans[j] * zi[j]
				ll += p.Life[j] * zi[j]
			}
			plain, err := bgnbd.NewVariant(v, bgnbd.Params{R: p.R, Alpha: p.Alpha * math.Exp(-lt), A: p.A * math.Exp(ll), B: p.B * math.Exp(ll)})
			if err != nil {
				t.Fatal(err)
			}
			want := plain.Outlook(c, opts)
			if !sameOutlook(all[i], want, 1e-12) {
				t.Fatalf("%v customer %d %+v z %v: OutlookAll %+v, plain model %+v", v, i, c, zi, all[i], want)
			}
			if one := m.Outlook(c, zi, opts); !sameOutlook(one, want, 1e-12) {
				t.Fatalf("%v customer %d: Outlook %+v, plain model %+v", v, i, one, want)
			}
			o := all[i]
			for _, q := range []float64{o.PurchaseWithin, o.PurchaseWithinHorizon, o.AliveAtHorizon} {
				if !(q >= 0 && q <= 1) {
					t.Fatalf("%v customer %d: probability %v outside [0, 1]: %+v", v, i, q, o)
				}
			}
			if o.PurchaseWithin > o.PurchaseWithinHorizon || !(o.PurchaseRate > 0) {
				t.Fatalf("%v customer %d: %+v", v, i, o)
			}
			prev := 0.0
			for _, q := range o.NextPurchase {
				if math.IsNaN(q) {
					continue
				}
				if !(q >= prev && q <= opts.Horizon) {
					t.Fatalf("%v customer %d: percentiles %v not ascending within (0, %v]", v, i, o.NextPurchase, opts.Horizon)
				}
				prev = q
				quantiles++
			}
		}
		if quantiles < len(cs)/2 { // the case must exercise the percentiles
			t.Errorf("%v: %d percentiles over %d customers", v, quantiles, len(cs))
		}
	}
}

// TestCovOutlookConstantCovariates: with every covariate vector zero the
// outlooks are the base model's, bit for bit.
func TestCovOutlookConstantCovariates(t *testing.T) {
	for _, v := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
		m, cs, z := covOutlookCase(t, v)
		for i := range z.Values {
			z.Values[i] = []float64{0, 0}
		}
		base, err := bgnbd.NewVariant(v, m.Params().Params)
		if err != nil {
			t.Fatal(err)
		}
		opts := clv.OutlookOptions{Window: 1, Horizon: 26}
		all, err := m.OutlookAll(cs, z, opts)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cs {
			if want := base.Outlook(c, opts); !sameOutlook(all[i], want, 0) {
				t.Fatalf("%v customer %d: %+v, base model %+v", v, i, all[i], want)
			}
		}
	}
}

// TestCovOutlookErrors: invalid options, covariates, customers and the
// zero CovModel are errors (or NaN from Outlook), not panics.
func TestCovOutlookErrors(t *testing.T) {
	m, cs, z := covOutlookCase(t, bgnbd.BGNBD)
	cs, z.Values = cs[:5], z.Values[:5]
	good := clv.OutlookOptions{Window: 4, Horizon: 52}
	if _, err := m.OutlookAll(cs, z, clv.OutlookOptions{Window: 4}); !errors.Is(err, clv.ErrBadOutlookOptions) {
		t.Errorf("no horizon: %v", err)
	}
	if _, err := m.OutlookAll(cs, clv.Covariates{Names: []string{"member", "other"}, Values: z.Values}, good); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("other names: %v", err)
	}
	if _, err := m.OutlookAll(cs, clv.Covariates{Names: z.Names, Values: z.Values[:4]}, good); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("too few vectors: %v", err)
	}
	bad := append([]clv.Customer(nil), cs...)
	bad[2].Recency = bad[2].T + 1
	if _, err := m.OutlookAll(bad, z, good); err == nil {
		t.Error("recency > T: no error")
	}
	if _, err := new(bgnbd.CovModel).OutlookAll(cs, z, good); err == nil {
		t.Error("zero CovModel: no error")
	}
	for name, o := range map[string]clv.Outlook{
		"short z":    m.Outlook(cs[0], []float64{1}, good),
		"NaN z":      m.Outlook(cs[0], []float64{1, math.NaN()}, good),
		"bad opts":   m.Outlook(cs[0], z.Values[0], clv.OutlookOptions{}),
		"zero model": new(bgnbd.CovModel).Outlook(cs[0], z.Values[0], good),
	} {
		if !math.IsNaN(o.PurchaseWithin) || !math.IsNaN(o.PurchaseRate) {
			t.Errorf("%s: %+v, want NaN", name, o)
		}
	}
}
