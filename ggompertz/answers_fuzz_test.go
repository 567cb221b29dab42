package ggompertz_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
)

// FuzzOutlook: over the JSON bounds of the parameters and any customer,
// window and horizon, the outlook's probabilities lie in [0, 1], the
// window's at most the horizon's when the window is shorter, P(alive) at
// the horizon's end is at most P(alive) now, the purchase rate is > 0 and
// finite, the percentiles ascend within the horizon; invalid arguments
// give NaN. Nothing panics, in bounded time (the quadrature's pieces and
// the search's steps are capped).
func FuzzOutlook(f *testing.F) {
	f.Add(0.55, 10.6, 2e-7, 0.6, 1e-5, 4.0, 30.0, 52.0, 4.3, 52.0)
	f.Add(2.0, 0.5, 0.5, 1.0, 10.0, 100.0, 7.0, 8.0, 1.0, 26.0)
	f.Add(1.5, 4.0, 3.0, 20.0, 1e4, 0.0, 0.0, 3.0, 0.1, 1e3)
	f.Add(1e-7, 1e12, 1e3, 1e7, 1e-20, 1e6, 1e5, 1e5, 1e5, 1e5)
	f.Add(0.6, 8.0, 0.05, 0.5, 0.2, 3.0, 20.0, 52.0, -1.0, math.NaN())
	f.Fuzz(func(t *testing.T, r, alpha, b, s, beta, x, tx, T, window, horizon float64) {
		p := ggompertz.Params{R: r, Alpha: alpha, B: b, S: s, Beta: beta}
		for n, v := range map[string]float64{"r": r, "alpha": alpha, "b": b, "s": s, "beta": beta} {
			if lo, hi := p.JSONBounds(n); !(v >= lo && v <= hi) {
				return
			}
		}
		m, err := ggompertz.New(p)
		if err != nil || math.Abs(x) > 1e6 || math.Abs(T) > 1e6 || math.Abs(window) > 1e6 || math.Abs(horizon) > 1e6 {
			return
		}
		c := clv.Customer{Frequency: math.Round(x), Recency: tx, T: T}
		opts := clv.OutlookOptions{Window: window, Horizon: horizon}
		o := m.Outlook(c, opts)
		if c.Validate() != nil || !opts.Valid() {
			if !math.IsNaN(o.PurchaseWithin) || !math.IsNaN(o.PurchaseRate) || !math.IsNaN(o.NextPurchase[1]) {
				t.Fatalf("invalid input %+v %+v: %+v, want NaN", c, opts, o)
			}
			return
		}
		in := func(v float64) bool { return v >= 0 && v <= 1 }
		if !in(o.PurchaseWithin) || !in(o.PurchaseWithinHorizon) || !in(o.AliveAtHorizon) || o.AliveAtHorizon > m.ProbabilityAlive(c) ||
			window <= horizon && o.PurchaseWithin > o.PurchaseWithinHorizon*(1+1e-12) {
			t.Fatalf("%+v %+v %+v: %+v", p, c, opts, o)
		}
		if !(o.PurchaseRate > 0) || math.IsInf(o.PurchaseRate, 0) {
			t.Fatalf("%+v %+v: rate %v", p, c, o.PurchaseRate)
		}
		prev := 0.0
		for _, q := range o.NextPurchase {
			if math.IsNaN(q) {
				continue
			}
			if !(q >= prev && q <= horizon) {
				t.Fatalf("%+v %+v %+v: percentiles %v", p, c, opts, o.NextPurchase)
			}
			prev = q
		}
	})
}
