package bgnbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// FuzzOutlook: for both variants, over FuzzPredictions' range of
// parameters and any customer, window and horizon, the outlook's
// probabilities lie in [0, 1], P(alive) at the horizon's end is at most
// P(alive) now, the purchase rate is finite and > 0, the percentiles are
// monotone, within the horizon, and solve the CDF; invalid arguments give
// NaN. Nothing panics.
func FuzzOutlook(f *testing.F) {
	f.Add(0.24, 4.41, 0.79, 2.43, 2.0, 30.43, 38.86, 4.3, 52.0, false)
	f.Add(2.0, 30.0, 1.0, 3.0, 10000.0, 9999.0, 10000.0, 1.0, 1e4, true)
	f.Add(0.5, 1.0, 3.0, 0.6, 0.0, 0.0, 0.0, 0.1, 1.0, true)
	f.Add(1e-3, 1e3, 50.0, 1e-3, 7.0, 1.0, 100.0, -1.0, math.NaN(), false)
	f.Fuzz(func(t *testing.T, r, alpha, a, b, x, tx, T, window, horizon float64, mbg bool) {
		v := bgnbd.BGNBD
		if mbg {
			v = bgnbd.MBGNBD
		}
		m, err := bgnbd.NewVariant(v, bgnbd.Params{R: r, Alpha: alpha, A: a, B: b})
		if err != nil {
			return
		}
		if r < 1e-3 || r > 50 || a < 1e-3 || a > 100 || b < 1e-3 || b > 100 || alpha < 1e-2 || alpha > 1e4 {
			return
		}
		if math.Abs(x) > 1e4 || math.Abs(T) > 1e4 || math.Abs(horizon) > 1e4 || horizon/alpha > 1e5 || math.Abs(window) > 1e4 {
			return
		}
		x = math.Round(x)
		c := clv.Customer{Frequency: x, Recency: tx, T: T}
		opts := clv.OutlookOptions{Window: window, Horizon: horizon}
		o := m.Outlook(c, opts)
		if c.Validate() != nil || !opts.Valid() {
			if !math.IsNaN(o.PurchaseWithin) || !math.IsNaN(o.PurchaseRate) || !math.IsNaN(o.NextPurchase[1]) {
				t.Fatalf("invalid input %+v %+v: %+v, want NaN", c, opts, o)
			}
			return
		}
		if math.IsNaN(o.AliveAtHorizon) && r > 10*(a+b) && a+b <= 1 {
			return // the documented corner of the expectation's series
		}
		in := func(v float64) bool { return v >= 0 && v <= 1 }
		if !in(o.PurchaseWithin) || !in(o.PurchaseWithinHorizon) || !in(o.AliveAtHorizon) || o.AliveAtHorizon > m.ProbabilityAlive(c) {
			t.Fatalf("%v %+v %+v: %+v", m, c, opts, o)
		}
		if !(o.PurchaseRate > 0) || math.IsInf(o.PurchaseRate, 0) {
			t.Fatalf("%v %+v: rate %v", m, c, o.PurchaseRate)
		}
		prev := 0.0
		for k, q := range o.NextPurchase {
			if math.IsNaN(q) {
				continue
			}
			if !(q >= prev && q <= horizon) {
				t.Fatalf("%v %+v %+v: percentiles %v", m, c, opts, o.NextPurchase)
			}
			if f := m.ProbabilityOfPurchaseWithin(c, q); q < horizon && math.Abs(f-clv.NextPurchaseLevels[k]) > 1e-9 {
				t.Fatalf("%v %+v: CDF at the %v-quantile %v is %v", m, c, clv.NextPurchaseLevels[k], q, f)
			}
			prev = q
		}
	})
}
