package interval_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// opaqueNext hides every method but the clv.NextPurchaseModel ones (not
// AliveFactored, not clv.OutlookRows), so that Forecast takes its general
// path and computes the outlooks row by row.
type opaqueNext struct{ clv.NextPurchaseModel }

// unitValue values every purchase at 1.
type unitValue struct{}

func (unitValue) ConditionalExpectedValue(clv.Customer) float64 { return 1 }

// type7Inf is type7 for values that may be +Inf: a quantile between a
// finite order statistic and +Inf is +Inf, unless it falls on the finite
// one (0·∞ = 0).
func type7Inf(v []float64, q float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	h := q * float64(len(s)-1)
	k := int(math.Floor(h))
	switch {
	case h == float64(k) || k+1 >= len(s):
		return s[k]
	case math.IsInf(s[k+1], 1):
		return math.Inf(1)
	}
	return s[k] + (h-float64(k))*(s[k+1]-s[k])
}

// TestForecastOutlookBruteForce: each customer's Outlook intervals equal
// the type-7 quantiles of the quantities each draw's model gives customer
// by customer (clv.NextPurchaseModel.Outlook, predict.LifetimeValue at one per
// purchase), for BG/NBD on the shared and the general path and for
// Pareto/NBD (clv.OutlookRows), at two levels; the point values of the
// fitted model lie inside their 90% intervals for at least 97% of the
// customers; asking for them leaves the other intervals unchanged.
func TestForecastOutlookBruteForce(t *testing.T) {
	truth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	// Customers × draws × (one Outlook and one LifetimeValue) in the test
	// itself: a few hundred keep it short under the race detector.
	n := 400
	if raceEnabled {
		n = 250
	}
	cs := dailyCustomers(t, truth, n, 5)
	bg, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pn, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sm, err := gammagamma.New(gammagamma.Params{P: 6, Q: 4, Gamma: 15})
	if err != nil {
		t.Fatal(err)
	}
	const D = 40
	vopts := predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01, Margin: 0.3}
	unit := vopts
	unit.Margin = 1
	oopts := clv.OutlookOptions{Window: 30.0 / 7, Horizon: 52}
	cases := []struct {
		name  string
		point clv.NextPurchaseModel
		draws []clv.NextPurchaseModel
	}{
		{"BG/NBD", bg, nil}, {"BG/NBD general", bg, nil}, {"Pareto/NBD", pn, nil},
	}
	for _, m := range modelsOf(t, bg.SampleParams, bgnbd.New, rand.NewPCG(3, 3), D) {
		cases[0].draws = append(cases[0].draws, m)
		cases[1].draws = append(cases[1].draws, opaqueNext{m})
	}
	for _, m := range modelsOf(t, pn.SampleParams, paretonbd.New, rand.NewPCG(3, 4), D) {
		cases[2].draws = append(cases[2].draws, m)
	}
	for _, k := range cases {
		draws := make([]interval.Draw, D)
		for d, m := range k.draws {
			draws[d] = interval.Draw{Purchase: m, Spend: sm}
		}
		for _, level := range []float64{0.9, 0.5} {
			opts := interval.Options{Level: level, Horizon: 52, Value: vopts}
			plain, err := interval.Forecast(context.Background(), draws, cs, opts)
			if err != nil {
				t.Fatal(err)
			}
			if plain.Outlooks != nil {
				t.Fatalf("%s: Outlooks without Options.Outlook", k.name)
			}
			opts.Outlook = oopts
			got, err := interval.Forecast(context.Background(), draws, cs, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Customers, plain.Customers) || got.TotalValue != plain.TotalValue || got.TotalPurchases != plain.TotalPurchases {
				t.Fatalf("%s level %v: the other intervals change with Options.Outlook", k.name, level)
			}
			if got.Outlooks.Len() != len(cs) || got.Outlooks.Distinct() > len(cs) {
				t.Fatalf("%s: %d outlooks, %d distinct, for %d customers", k.name, got.Outlooks.Len(), got.Outlooks.Distinct(), len(cs))
			}
			// In blocks of fewer rows (300 periods hold more numbers per
			// row: blocks of 253 rows), the same intervals.
			small := opts
			for j := range 300 {
				small.Periods = append(small.Periods, float64(j+1)/5)
			}
			other := got
			if k.name == "BG/NBD" && level == 0.9 && !raceEnabled {
				if other, err = interval.Forecast(context.Background(), draws, cs, small); err != nil {
					t.Fatal(err)
				}
			}
			for i := range cs {
				a, b := got.Outlooks.At(i), other.Outlooks.At(i)
				da, db := a.DiscountedPurchases, b.DiscountedPurchases
				a.DiscountedPurchases, b.DiscountedPurchases = interval.Interval{}, interval.Interval{}
				if a != b || !relClose(da.Low, db.Low, 1e-12) || !relClose(da.High, db.High, 1e-12) {
					t.Fatalf("%s customer %d: in small blocks %+v %v, in one %+v %v", k.name, i, b, db, a, da)
				}
			}
			q := (1 - level) / 2
			var pw, ph, ah, md, tb, dp, churn [D]float64
			bad, outside, checked, infinite := 0, 0, 0, 0
			for i, c := range cs {
				for d, dr := range draws {
					o := dr.Purchase.(clv.NextPurchaseModel).Outlook(c, oopts)
					pw[d], ph[d], ah[d], tb[d] = o.PurchaseWithin, o.PurchaseWithinHorizon, o.AliveAtHorizon, 1/o.PurchaseRate
					churn[d] = 1 - o.PurchaseWithin
					md[d] = o.NextPurchase[1]
					if math.IsNaN(md[d]) {
						md[d] = math.Inf(1)
					}
					if dp[d], err = predict.LifetimeValue(dr.Purchase, unitValue{}, c, unit); err != nil {
						t.Fatal(err)
					}
				}
				g := got.Outlooks.At(i)
				if g != got.Outlooks.Row(got.Outlooks.Index(i)) {
					t.Fatalf("customer %d: At %+v, Row(Index) %+v", i, g, got.Outlooks.Row(got.Outlooks.Index(i)))
				}
				churnIv := interval.Interval{Low: 1 - g.PurchaseWithin.High, High: 1 - g.PurchaseWithin.Low}
				for _, f := range []struct {
					name string
					iv   interval.Interval
					vals []float64
					abs  bool
					tol  float64
				}{
					{"purchase within window", g.PurchaseWithin, pw[:], false, 1e-12},
					{"churn within window", churnIv, churn[:], true, 1e-12},
					{"purchase within horizon", g.PurchaseWithinHorizon, ph[:], false, 1e-12},
					{"alive at horizon", g.AliveAtHorizon, ah[:], false, 1e-12},
					{"time between purchases", g.TimeBetweenPurchases, tb[:], false, 1e-12},
					{"median", g.NextPurchaseMedian, md[:], false, 1e-12},
					// BG/NBD's shared path sums its cumulative purchases from
					// an interpolant good to 1e-12 relative (bgnbd's IfAlive);
					// the discounted sum of their differences, as the CLV
					// interval's, to some 1e-11 (1.2e-11 seen): 1e-10 here.
					{"discounted purchases", g.DiscountedPurchases, dp[:], false, 1e-10},
				} {
					lo, hi := type7Inf(f.vals, q), type7Inf(f.vals, 1-q)
					ok := relClose(f.iv.Low, lo, f.tol) && relClose(f.iv.High, hi, f.tol)
					if f.abs {
						ok = math.Abs(f.iv.Low-lo) <= f.tol && math.Abs(f.iv.High-hi) <= f.tol
					}
					if !ok || !(f.iv.Low <= f.iv.High) {
						if bad++; bad < 5 {
							t.Errorf("%s level %v customer %d %+v: %s interval %v, want [%v, %v]", k.name, level, i, c, f.name, f.iv, lo, hi)
						}
					}
				}
				if math.IsInf(g.NextPurchaseMedian.High, 1) {
					infinite++
				}
				// The fitted model's values lie inside their intervals.
				p := k.point.Outlook(c, oopts)
				pdp, err := predict.LifetimeValue(k.point, unitValue{}, c, unit)
				if err != nil {
					t.Fatal(err)
				}
				in := func(v float64, iv interval.Interval) bool {
					return v >= iv.Low-1e-12*math.Abs(v) && v <= iv.High+1e-12*math.Abs(v)
				}
				checked++
				if !in(p.PurchaseWithin, g.PurchaseWithin) || !in(p.AliveAtHorizon, g.AliveAtHorizon) ||
					!in(pdp, g.DiscountedPurchases) || !in(1/p.PurchaseRate, g.TimeBetweenPurchases) ||
					!math.IsNaN(p.NextPurchase[1]) && !in(p.NextPurchase[1], g.NextPurchaseMedian) {
					outside++
				}
			}
			if level == 0.9 && outside > checked*3/100 {
				t.Errorf("%s: point values outside their 90%% intervals for %d of %d customers", k.name, outside, checked)
			}
			if level == 0.9 && (infinite == 0 || infinite == len(cs)) {
				t.Errorf("%s: the median's interval reaches beyond the horizon for %d of %d customers: want some and not all", k.name, infinite, len(cs))
			}
			t.Logf("%s level %v: point values outside their intervals for %d of %d customers; median beyond the horizon at the top for %d",
				k.name, level, outside, checked, infinite)
		}
	}
}

// TestForecastOutlookErrors: invalid outlook options and draws that give
// no distribution of the next purchase are errors; without a lifetime
// value the discounted purchases have NaN bounds.
func TestForecastOutlookErrors(t *testing.T) {
	m, _ := bgnbd.New(bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5})
	two := []interval.Draw{{Purchase: m}, {Purchase: m}}
	cs := []clv.Customer{{Frequency: 2, Recency: 10, T: 30, MonetaryValue: 20}, {T: 5}}
	ctx := context.Background()
	for _, o := range []clv.OutlookOptions{{Window: -1, Horizon: 10}, {Window: 1}, {Window: 1, Horizon: math.Inf(1)}, {Window: math.NaN(), Horizon: 1}} {
		if _, err := interval.Forecast(ctx, two, cs, interval.Options{Horizon: 10, Outlook: o}); !errors.Is(err, clv.ErrBadOutlookOptions) {
			t.Errorf("outlook options %+v: error %v, want ErrBadOutlookOptions", o, err)
		}
	}
	hidden := []interval.Draw{{Purchase: m}, {Purchase: opaque{m}}}
	if _, err := interval.Forecast(ctx, hidden, cs, interval.Options{Horizon: 10, Outlook: clv.OutlookOptions{Window: 1, Horizon: 10}}); !errors.Is(err, interval.ErrBadDraws) {
		t.Errorf("a draw without outlooks: error %v, want ErrBadDraws", err)
	}
	res, err := interval.Forecast(ctx, two, cs, interval.Options{Horizon: 10, Outlook: clv.OutlookOptions{Window: 1, Horizon: 10}})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		o, want := res.Outlooks.At(i), m.Outlook(c, clv.OutlookOptions{Window: 1, Horizon: 10})
		if !math.IsNaN(o.DiscountedPurchases.Low) || !math.IsNaN(o.DiscountedPurchases.High) {
			t.Errorf("customer %d: discounted purchases %v without a value, want NaN", i, o.DiscountedPurchases)
		}
		// Equal draws: every interval is the point value.
		if o.PurchaseWithin.Low != want.PurchaseWithin || o.PurchaseWithin.High != want.PurchaseWithin ||
			o.AliveAtHorizon.Low != want.AliveAtHorizon || o.AliveAtHorizon.High != want.AliveAtHorizon {
			t.Errorf("customer %d: %+v, want %+v", i, o, want)
		}
	}
	if o := res.Outlooks.At(-1); o != (interval.Outlook{}) || res.Outlooks.Index(2) != -1 || res.Outlooks.Row(-1) != (interval.Outlook{}) {
		t.Errorf("out of range: %+v %d", o, res.Outlooks.Index(2))
	}
}

// FuzzForecastOutlook: on any customers, parameter draws and outlook
// spans, Forecast with Options.Outlook returns an error or intervals with
// Low ≤ High, the probabilities within [0, 1], the median in [0, horizon]
// or +Inf and the other quantities ≥ 0; never a panic.
func FuzzForecastOutlook(f *testing.F) {
	f.Add(0.25, 4.0, 0.8, 2.5, 0.1, 2.0, 10.0, 30.0, 0.9, 4.3, 52.0, false)
	f.Add(0.5, 10.0, 0.6, 12.0, 0.3, 0.0, 0.0, 5.0, 0.5, 1.0, 1.0, true)
	f.Add(50.0, 3.0, 0.6, 0.5, 0.01, 40.0, 39.0, 40.0, 0.99, 1e-3, 1e4, false)
	f.Add(5.0, 0.5, 0.6, 0.5, 0.5, 400.0, 39.0, 40.0, 0.2, 30.0, 2.0, true)
	f.Fuzz(func(t *testing.T, r, alpha, a, b, spread, x, tx, T, level, window, h float64, pareto bool) {
		var draws []interval.Draw
		for d := range 3 {
			k := 1 + spread*float64(d-1)
			var pm clv.PurchaseModel
			var err error
			if pareto {
				pm, err = paretonbd.New(paretonbd.Params{R: r * k, Alpha: alpha, S: a, Beta: b})
			} else {
				pm, err = bgnbd.New(bgnbd.Params{R: r * k, Alpha: alpha, A: a, B: b})
			}
			if err != nil {
				return
			}
			draws = append(draws, interval.Draw{Purchase: pm, Spend: unitValue{}})
		}
		cs := []clv.Customer{{Frequency: x, Recency: tx, T: T, MonetaryValue: 1}, {T: T}, {Frequency: 1, Recency: T / 2, T: T, MonetaryValue: 1}}
		iv, err := interval.Forecast(context.Background(), draws, cs, interval.Options{Level: level, Horizon: h,
			Value: predict.ValueOptions{PeriodLength: 4.345, Periods: 3}, Outlook: clv.OutlookOptions{Window: window, Horizon: h}})
		if err != nil {
			return
		}
		for i := range cs {
			o := iv.Outlooks.At(i)
			for _, v := range []interval.Interval{o.PurchaseWithin, o.PurchaseWithinHorizon, o.AliveAtHorizon} {
				if !(v.Low <= v.High) || v.Low < 0 || v.High > 1 {
					t.Fatalf("customer %d: %+v", i, o)
				}
			}
			for _, v := range []interval.Interval{o.TimeBetweenPurchases, o.DiscountedPurchases, o.NextPurchaseMedian} {
				if !(v.Low <= v.High) || v.Low < 0 {
					t.Fatalf("customer %d: %+v", i, o)
				}
			}
			if m := o.NextPurchaseMedian; m.Low > h && !math.IsInf(m.Low, 1) || m.High > h && !math.IsInf(m.High, 1) {
				t.Fatalf("customer %d: median %v beyond the horizon %v", i, m, h)
			}
		}
	})
}
