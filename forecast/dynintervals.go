package forecast

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/paretonbd"
)

// Intervals for the model with time-varying covariates: the fit's
// parameter draws (paretonbd.DynModel.SampleParams, coefficients held at
// a bound fixed), each a dynPurchase over the same paths, and every
// customer's quantities computed along the customer's own path under
// each draw (interval.Forecast shares work between customers of equal
// frequency, recency and T, which differ here in their paths).

// dynDraws returns n draws of pm, a fitted dynPurchase, for intervals.
func dynDraws(pm PurchaseModel, src rand.Source, n int) ([]clv.PurchaseModel, error) {
	d, ok := pm.(*dynPurchase)
	if !ok {
		return nil, fmt.Errorf("intervals: no parameter draws for %v", pm)
	}
	ps, err := d.m.SampleParams(src, n)
	if err != nil {
		return nil, fmt.Errorf("%w: %v: %v; forecast without intervals, or with another model", ErrNoIntervals, pm, err)
	}
	out := make([]clv.PurchaseModel, n)
	for k, p := range ps {
		md, err := paretonbd.NewDynamic(p)
		if err != nil {
			return nil, fmt.Errorf("intervals: draw %d of %v: %w", k, pm, err)
		}
		cm, err := paretonbd.NewCovariates(p)
		if err != nil {
			return nil, fmt.Errorf("intervals: draw %d of %v: %w", k, pm, err)
		}
		base := *d.covPurchase
		base.fitted, base.tests, base.sample = dynFitted{md}, nil, nil
		base.at = func(z []float64) (PurchaseModel, error) { return model(cm.Customer(z)) }
		base.models = make([]PurchaseModel, len(base.tab.profs))
		for g, z := range base.tab.profs {
			if base.models[g], err = base.at(z); err != nil {
				return nil, fmt.Errorf("intervals: draw %d of %v, the customers with covariates %v: %w", k, pm, z, err)
			}
		}
		out[k] = &dynPurchase{covPurchase: &base, m: md, tab: d.tab}
	}
	return out, nil
}

// dynForecastDraws is interval.Forecast for draws of the model with
// time-varying covariates: each customer's P(alive), expected purchases
// over the horizon, purchases by period and discounted purchases under
// each draw along the customer's path (one pass over the path per draw:
// paretonbd.DynOnPaths.AliveAndExpectedAt at every time needed, the
// paths prepared once for all draws and each draw's factors computed
// once), the totals added draw by draw, the intervals between the
// draws' quantiles; with opts.Outlook, the answers' intervals too
// (dynOutlookDraws). Time: customers × draws × the path's runs.
func dynForecastDraws(ctx context.Context, draws []interval.Draw, cs []clv.Customer, opts interval.Options) (*interval.Result, error) {
	level := opts.Level
	if level == 0 {
		level = 0.9
	}
	D, P := len(draws), len(opts.Periods)
	switch {
	case D < 2 || D > interval.MaxDraws:
		return nil, fmt.Errorf("%w: %d draws, want 2 to %d", interval.ErrBadDraws, D, interval.MaxDraws)
	case len(cs) == 0:
		return nil, clv.ErrNoCustomers
	case opts.Groups != nil && len(opts.Groups) != len(cs):
		return nil, fmt.Errorf("intervals: %d groups for %d customers", len(opts.Groups), len(cs))
	}
	opts.Value.Grouping = nil
	valued := opts.Value != predict.ValueOptions{}
	dps := make([]*dynPurchase, D)
	for d, dr := range draws {
		dp, ok := dr.Purchase.(*dynPurchase)
		if !ok || dp.tab != draws[0].Purchase.(*dynPurchase).tab || valued && dr.Spend == nil {
			return nil, fmt.Errorf("intervals: %w: draw %d is not of the model with time-varying covariates, or has no spend model", interval.ErrBadDraws, d)
		}
		dps[d] = dp
	}
	// The paths prepared once, each draw's factors once (DynModel.On).
	pp, err := dps[0].tab.prep()
	if err != nil {
		return nil, err
	}
	ons := make([]*paretonbd.DynOnPaths, D)
	for d, dp := range dps {
		if ons[d], err = dp.m.On(pp); err != nil {
			return nil, err
		}
	}
	var ts, w []float64
	margin := 0.0
	if valued {
		if ts, w, margin, err = opts.Value.Schedule(); err != nil {
			return nil, err
		}
	}
	G := 0
	for _, g := range opts.Groups {
		if g >= interval.MaxGroups {
			return nil, fmt.Errorf("intervals: group %d, want below %d", g, interval.MaxGroups)
		}
		G = max(G, g+1)
	}
	// The times of one pass, ascending: the horizon, the period ends, the
	// schedule; at[k] is where the k-th of them is in times.
	want := slices.Concat([]float64{opts.Horizon}, opts.Periods, ts)
	times := slices.Clone(want)
	slices.Sort(times)
	times = slices.Compact(times)
	at := make([]int, len(want))
	for k, v := range want {
		at[k], _ = slices.BinarySearch(times, v)
	}
	res := &interval.Result{Customers: make([]interval.Customer, len(cs)), Draws: D}
	tot := interval.DrawTotals{Purchases: make([]float64, D), Value: make([]float64, D),
		PeriodPurchases: make([]float64, D*P), PeriodRevenue: make([]float64, D*P), Groups: make([]float64, G*D)}
	// Each chunk's totals and first error, reduced in chunk order: the
	// same bits on any number of cores, and the first customer's error.
	chunks := parallel.Chunks(len(cs))
	parts := make([]interval.DrawTotals, chunks)
	errs := make([]error, chunks)
	parallel.For(chunks, func(ch int) {
		lo, hi := parallel.Bounds(ch, len(cs))
		if ctx.Err() != nil {
			return
		}
		t := interval.DrawTotals{Purchases: make([]float64, D), Value: make([]float64, D),
			PeriodPurchases: make([]float64, D*P), PeriodRevenue: make([]float64, D*P), Groups: make([]float64, G*D)}
		pa, ex, lv := make([]float64, D), make([]float64, D), make([]float64, D)
		all, cum := make([]float64, len(times)), make([]float64, len(want))
		var bad error
		for i := lo; i < hi && bad == nil; i++ {
			c := cs[i]
			pi := dps[0].tab.index(c)
			for d, on := range ons {
				pa[d] = on.AliveAndExpectedAt(pi, c, times, all)
				for k, j := range at {
					cum[k] = all[j]
				}
				ex[d] = cum[0]
				value := 0.0
				if valued {
					value = draws[d].Spend.ConditionalExpectedValue(c)
					disc, prev := 0.0, 0.0
					for k, v := range cum[1+P:] {
						disc += (v - prev) * w[k]
						prev = v
					}
					lv[d] = value * margin * disc
				}
				prev := 0.0
				for j, v := range cum[1 : 1+P] {
					t.PeriodPurchases[d*P+j] += v - prev
					t.PeriodRevenue[d*P+j] += (v - prev) * value
					prev = v
				}
				if math.IsNaN(pa[d]) || math.IsNaN(ex[d]) || math.IsNaN(lv[d]) {
					bad = fmt.Errorf("%w: customers[%d] (%q): no prediction along the covariate path under draw %d", clv.ErrInvalidCovariates, i, c.ID, d)
					break
				}
				t.Purchases[d] += ex[d]
				t.Value[d] += lv[d]
				if opts.Groups != nil && opts.Groups[i] >= 0 {
					t.Groups[opts.Groups[i]*D+d] += ex[d]
				}
			}
			res.Customers[i] = interval.Customer{PAlive: interval.FromDraws(pa, level), ExpectedPurchases: interval.FromDraws(ex, level),
				CLV: interval.FromDraws(lv, level)}
		}
		parts[ch], errs[ch] = t, bad
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for ch, t := range parts {
		if errs[ch] != nil {
			return nil, errs[ch]
		}
		for _, p := range [][2][]float64{{tot.Purchases, t.Purchases}, {tot.Value, t.Value}, {tot.PeriodPurchases, t.PeriodPurchases},
			{tot.PeriodRevenue, t.PeriodRevenue}, {tot.Groups, t.Groups}} {
			for k, v := range p[1] {
				p[0][k] += v
			}
		}
	}
	res.TotalPurchases = interval.FromDraws(tot.Purchases, level)
	res.TotalValue = interval.FromDraws(tot.Value, level)
	if P > 0 {
		res.Periods = make([]interval.Period, P)
		pur, rev := make([]float64, D), make([]float64, D)
		for j := range P {
			for d := range D {
				pur[d], rev[d] = tot.PeriodPurchases[d*P+j], tot.PeriodRevenue[d*P+j]
			}
			res.Periods[j] = interval.Period{Purchases: interval.FromDraws(pur, level), Revenue: interval.FromDraws(rev, level)}
		}
	}
	if G > 0 {
		res.Groups = make([]interval.Interval, G)
		for k := range G {
			res.Groups[k] = interval.FromDraws(tot.Groups[k*D:(k+1)*D], level)
		}
	}
	res.DrawTotals = tot
	if opts.Outlook != (clv.OutlookOptions{}) { // the answers' intervals (dynanswerintervals.go)
		if res.Outlooks, err = dynOutlookDraws(ctx, dps, ons, cs, opts.Outlook, ts, w, level); err != nil {
			return nil, err
		}
	}
	return res, nil
}
