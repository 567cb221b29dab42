package paretonbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// FuzzOutlook: over the range of bounded cost and any customer, window and
// horizon, the outlook's probabilities lie in [0, 1], P(alive) at the
// horizon's end is at most P(alive) now, the purchase rate is finite and
// > 0, the percentiles are monotone and within the horizon; invalid
// arguments give NaN. Nothing panics.
func FuzzOutlook(f *testing.F) {
	f.Add(0.55, 10.58, 0.61, 11.67, 2.0, 30.43, 38.86, 4.3, 52.0)
	f.Add(1.0, 20.0, 0.5, 5.0, 10000.0, 9999.0, 10000.0, 1.0, 1e4)
	f.Add(2.0, 3.0, 4.0, 60.0, 0.0, 0.0, 0.0, 0.1, 1.0)
	f.Add(1e-3, 1e3, 50.0, 1e-1, 7.0, 1.0, 100.0, 0.5, 1e9)
	f.Add(1e6, 1.7e6, 1e12, 4e13, 1e5, 1e8, 1e9, 1e3, 1e9)
	f.Add(0.6, 8.0, 1e6, 4e7, 3.0, 20.0, 52.0, -1.0, math.NaN())
	f.Fuzz(func(t *testing.T, r, alpha, s, beta, x, tx, T, window, horizon float64) {
		m, err := paretonbd.New(paretonbd.Params{R: r, Alpha: alpha, S: s, Beta: beta})
		if err != nil {
			return
		}
		if r < 1e-3 || r > 1e12 || s < 1e-3 || s > 1e12 || alpha < 1e-2 || alpha > 1e12 || beta < 1e-2 || beta > 1e12 {
			return
		}
		if math.Abs(x) > 1e5 || math.Abs(T) > 1e9 || math.Abs(horizon) > 1e9 || math.Abs(window) > 1e9 {
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
		in := func(v float64) bool { return v >= 0 && v <= 1 }
		if !in(o.PurchaseWithin) || !in(o.PurchaseWithinHorizon) || !in(o.AliveAtHorizon) || o.AliveAtHorizon > m.ProbabilityAlive(c) {
			t.Fatalf("%+v %+v %+v: %+v", m.Params(), c, opts, o)
		}
		if !(o.PurchaseRate > 0) || math.IsInf(o.PurchaseRate, 0) {
			t.Fatalf("%+v %+v: rate %v", m.Params(), c, o.PurchaseRate)
		}
		prev := 0.0
		for _, q := range o.NextPurchase {
			if math.IsNaN(q) {
				continue
			}
			if !(q >= prev && q <= horizon) {
				t.Fatalf("%+v %+v %+v: percentiles %v", m.Params(), c, opts, o.NextPurchase)
			}
			prev = q
		}
	})
}
