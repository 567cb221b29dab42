package interval_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// dailyCustomers simulates n customers of a log of dates: cohorts over a
// year, times in weeks of whole days, spend for repeat buyers.
func dailyCustomers(t testing.TB, pm interface {
	Simulate(rand.Source, []float64) ([]clv.Customer, error)
}, n int, seed uint64) []clv.Customer {
	rng := rand.New(rand.NewPCG(seed, 1))
	T := make([]float64, n)
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	cs, err := pm.Simulate(rand.NewPCG(seed, 2), T)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency*7) / 7
		if cs[i].Frequency > 0 {
			cs[i].MonetaryValue = math.Round(100*(10+50*rng.Float64())) / 100
		}
	}
	return cs
}

// opaque hides every method but the clv.PurchaseModel ones, so that
// ForecastIntervals takes its general path.
type opaque struct{ clv.PurchaseModel }

// type7 returns the type-7 quantile of v (sorted copy).
func type7(v []float64, q float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	h := q * float64(len(s)-1)
	k := int(math.Floor(h))
	if k+1 >= len(s) {
		return s[k]
	}
	return s[k] + (h-float64(k))*(s[k+1]-s[k])
}

// drawsOf returns n draws of the fitted purchase and spend models.
func drawsOf(t testing.TB, pm *bgnbd.Model, sm *gammagamma.Model, n int, general bool) []interval.Draw {
	ps := modelsOf(t, pm.SampleParams, bgnbd.New, rand.NewPCG(9, 9), n)
	ss := modelsOf(t, sm.SampleParams, gammagamma.New, rand.NewPCG(9, 10), n)
	draws := make([]interval.Draw, n)
	for d := range draws {
		draws[d] = interval.Draw{Purchase: ps[d], Spend: ss[d]}
		if general {
			draws[d].Purchase = opaque{ps[d]}
		}
	}
	return draws
}

// modelsOf returns n models built by build from parameter sets drawn by
// sample (a fitted model's SampleParams) from src.
func modelsOf[P, M any](tb testing.TB, sample func(rand.Source, int) ([]P, error), build func(P) (M, error), src rand.Source, n int) []M {
	ps, err := sample(src, n)
	if err != nil {
		tb.Fatal(err)
	}
	ms := make([]M, n)
	for d, p := range ps {
		if ms[d], err = build(p); err != nil {
			tb.Fatal(err)
		}
	}
	return ms
}

func relClose(a, b, tol float64) bool {
	return a == b || math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}

// TestForecastIntervalsBruteForce: per customer and in total, the
// intervals equal the type-7 quantiles of the values each draw's models
// give customer by customer (P(alive), ConditionalExpectedPurchases,
// LifetimeValue), on the shared path of AliveFactored models and on the
// general one, and for levels using either quantile method.
func TestForecastIntervalsBruteForce(t *testing.T) {
	truth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	// The brute force below is customers × draws × 13 model calls in the
	// test itself; under the race detector 600 customers (still ~2,000
	// distinct-row comparisons in blocks) keep it within CI's budget.
	n := 3000
	if raceEnabled {
		n = 600
	}
	cs := dailyCustomers(t, truth, n, 1)
	pm, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sm, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	vopts := predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01, Margin: 0.3}
	for _, general := range []bool{false, true} {
		for _, level := range []float64{0.9, 0.5} {
			const n = 60
			draws := drawsOf(t, pm, sm, n, general)
			periods := []float64{2, 6.345, 10.69, 30}
			groups := make([]int, len(cs))
			for i, c := range cs {
				groups[i] = min(int(c.Frequency), 3)
				if i%3 == 0 {
					groups[i] = -1
				}
			}
			got, err := interval.Forecast(context.Background(), draws, cs,
				interval.Options{Level: level, Horizon: 39, Value: vopts, Periods: periods, Groups: groups})
			if err != nil {
				t.Fatal(err)
			}
			q := (1 - level) / 2
			var pa, ex, val [n]float64
			var totE, totV [n]float64
			var perP, perR [4][n]float64
			var grp [4][n]float64
			bad := 0
			for i, c := range cs {
				for d, dr := range draws {
					if groups[i] >= 0 {
						grp[groups[i]][d] += dr.Purchase.ConditionalExpectedPurchases(c, 39)
					}
					prev := 0.0
					for j, t := range periods {
						cum := dr.Purchase.ConditionalExpectedPurchases(c, t)
						perP[j][d] += cum - prev
						perR[j][d] += (cum - prev) * dr.Spend.ConditionalExpectedValue(c)
						prev = cum
					}
					pa[d] = dr.Purchase.ProbabilityAlive(c)
					ex[d] = dr.Purchase.ConditionalExpectedPurchases(c, 39)
					if val[d], err = predict.LifetimeValue(dr.Purchase, dr.Spend, c, vopts); err != nil {
						t.Fatal(err)
					}
					totE[d] += ex[d]
					totV[d] += val[d]
				}
				g := got.Customers[i]
				for _, k := range []struct {
					iv   interval.Interval
					vals []float64
				}{{g.PAlive, pa[:]}, {g.ExpectedPurchases, ex[:]}, {g.CLV, val[:]}} {
					if !relClose(k.iv.Low, type7(k.vals, q), 1e-12) || !relClose(k.iv.High, type7(k.vals, 1-q), 1e-12) {
						bad++
						if bad < 5 {
							t.Errorf("general %v level %v customer %d %+v: interval %v, want [%v, %v]", general, level, i, c,
								k.iv, type7(k.vals, q), type7(k.vals, 1-q))
						}
					}
				}
			}
			if !relClose(got.TotalPurchases.Low, type7(totE[:], q), 1e-11) || !relClose(got.TotalPurchases.High, type7(totE[:], 1-q), 1e-11) ||
				!relClose(got.TotalValue.Low, type7(totV[:], q), 1e-11) || !relClose(got.TotalValue.High, type7(totV[:], 1-q), 1e-11) {
				t.Errorf("general %v level %v: totals %v %v, want [%v %v] [%v %v]", general, level, got.TotalPurchases, got.TotalValue,
					type7(totE[:], q), type7(totE[:], 1-q), type7(totV[:], q), type7(totV[:], 1-q))
			}
			for j := range periods {
				g := got.Periods[j]
				if !relClose(g.Purchases.Low, type7(perP[j][:], q), 1e-11) || !relClose(g.Purchases.High, type7(perP[j][:], 1-q), 1e-11) ||
					!relClose(g.Revenue.Low, type7(perR[j][:], q), 1e-11) || !relClose(g.Revenue.High, type7(perR[j][:], 1-q), 1e-11) {
					t.Errorf("general %v level %v: period %d: %+v, want purchases [%v %v] revenue [%v %v]", general, level, j, g,
						type7(perP[j][:], q), type7(perP[j][:], 1-q), type7(perR[j][:], q), type7(perR[j][:], 1-q))
				}
			}
			for k := range grp {
				if g := got.Groups[k]; !relClose(g.Low, type7(grp[k][:], q), 1e-11) || !relClose(g.High, type7(grp[k][:], 1-q), 1e-11) {
					t.Errorf("general %v level %v: group %d: %v, want [%v %v]", general, level, k, g, type7(grp[k][:], q), type7(grp[k][:], 1-q))
				}
			}
			// Without a Value, no spend models are needed and the rest is
			// the same.
			bare := slices.Clone(draws)
			for d := range bare {
				bare[d].Spend = nil
			}
			noValue, err := interval.Forecast(context.Background(), bare, cs, interval.Options{Level: level, Horizon: 39, Groups: groups})
			if err != nil {
				t.Fatal(err)
			}
			// (Equal up to rounding: with the value's horizons, the models
			// may interpolate their series over more points.)
			same := func(a, b interval.Interval) bool {
				return relClose(a.Low, b.Low, 1e-13) && relClose(a.High, b.High, 1e-13)
			}
			for i, g := range noValue.Customers {
				if g.PAlive != got.Customers[i].PAlive || !same(g.ExpectedPurchases, got.Customers[i].ExpectedPurchases) || g.CLV != (interval.Interval{}) {
					t.Fatalf("customer %d: without value %+v, with %+v", i, g, got.Customers[i])
				}
			}
			for k := range got.Groups {
				if !same(noValue.Groups[k], got.Groups[k]) {
					t.Errorf("without value: group %d: %v, with %v", k, noValue.Groups[k], got.Groups[k])
				}
			}
			if noValue.TotalValue != (interval.Interval{}) {
				t.Errorf("without value: total value %v", noValue.TotalValue)
			}
			if got.Draws != n {
				t.Errorf("Draws = %d", got.Draws)
			}
			// The point forecast lies inside its interval for nearly
			// every customer (it is the value at the centre of the
			// draws' distribution).
			point, _ := pm.ProbabilityAliveAll(cs)
			outside := 0
			for i, g := range got.Customers {
				if point[i] < g.PAlive.Low-1e-12 || point[i] > g.PAlive.High+1e-12 {
					outside++
				}
			}
			if level == 0.9 && outside > len(cs)/50 {
				t.Errorf("general %v: point P(alive) outside its 90%% interval for %d of %d customers", general, outside, len(cs))
			}
		}
	}
}

// TestForecastIntervalsPareto: the shared path for Pareto/NBD, whose
// P(alive) < 1 for one-time buyers, against brute force.
func TestForecastIntervalsPareto(t *testing.T) {
	truth := paretonbd.Params{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67}
	cs := dailyCustomers(t, truth, 2000, 2)
	pm, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	// 1500 rows of one (x, T) pair, more than a block of rows holds.
	for i := range 1500 {
		cs = append(cs, clv.Customer{Frequency: 2, Recency: 52 * float64(i) / 1500, T: 52, MonetaryValue: 30})
	}
	if err != nil {
		t.Fatal(err)
	}
	sm, err := gammagamma.New(gammagamma.Params{P: 6, Q: 4, Gamma: 15})
	if err != nil {
		t.Fatal(err)
	}
	var draws []interval.Draw
	for _, m := range modelsOf(t, pm.SampleParams, paretonbd.New, rand.NewPCG(1, 1), 40) {
		draws = append(draws, interval.Draw{Purchase: m, Spend: sm})
	}
	vopts := predict.ValueOptions{PeriodLength: predict.MonthInWeeks, Continuous: true, DiscountRate: 0.01}
	got, err := interval.Forecast(context.Background(), draws, cs, interval.Options{Horizon: 52, Value: vopts})
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]float64, len(draws))
	// Every customer is checked without the race detector; under it every
	// 7th (the grouped path above still runs over all of them).
	step := 1
	if raceEnabled {
		step = 7
	}
	for i := 0; i < len(cs); i += step {
		c := cs[i]
		for d, dr := range draws {
			if vals[d], err = predict.LifetimeValue(dr.Purchase, dr.Spend, c, vopts); err != nil {
				t.Fatal(err)
			}
		}
		if iv := got.Customers[i].CLV; !relClose(iv.Low, type7(vals, 0.05), 1e-12) || !relClose(iv.High, type7(vals, 0.95), 1e-12) {
			t.Fatalf("customer %d %+v: CLV interval %v, want [%v, %v]", i, c, iv, type7(vals, 0.05), type7(vals, 0.95))
		}
		if iv := got.Customers[i].PAlive; c.Frequency == 0 && !(iv.High < 1) {
			t.Fatalf("one-time buyer %+v: P(alive) interval %v reaches 1", c, iv)
		}
	}
}

// TestForecastIntervalsErrors: bad arguments are errors, never a panic.
func TestForecastIntervalsErrors(t *testing.T) {
	m, _ := bgnbd.New(bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5})
	s, _ := gammagamma.New(gammagamma.Params{P: 6, Q: 4, Gamma: 15})
	two := []interval.Draw{{m, s}, {m, s}}
	cs := []clv.Customer{{Frequency: 2, Recency: 10, T: 30, MonetaryValue: 20}, {T: 5}}
	ok := interval.Options{Horizon: 10, Value: predict.ValueOptions{PeriodLength: 4}}
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for name, f := range map[string]func() error{
		"level": func() error { o := ok; o.Level = 1; _, err := interval.Forecast(ctx, two, cs, o); return err },
		"horizon": func() error {
			o := ok
			o.Horizon = math.Inf(1)
			_, err := interval.Forecast(ctx, two, cs, o)
			return err
		},
		"value": func() error {
			o := ok
			o.Value.PeriodLength = -1
			_, err := interval.Forecast(ctx, two, cs, o)
			return err
		},
		"one draw": func() error { _, err := interval.Forecast(ctx, two[:1], cs, ok); return err },
		"nil model": func() error {
			_, err := interval.Forecast(ctx, []interval.Draw{{m, s}, {nil, s}}, cs, ok)
			return err
		},
		"no customers": func() error { _, err := interval.Forecast(ctx, two, nil, ok); return err },
		"customer": func() error {
			_, err := interval.Forecast(ctx, two, []clv.Customer{{Frequency: 1, Recency: 9, T: 5}}, ok)
			return err
		},
		"periods": func() error {
			o := ok
			o.Periods = []float64{4, 4}
			_, err := interval.Forecast(ctx, two, cs, o)
			return err
		},
		"too many periods": func() error {
			o := ok
			for k := range 1202 { // 100 years of months, cut at both ends, and one more
				o.Periods = append(o.Periods, float64(k+1)/100)
			}
			_, err := interval.Forecast(ctx, two, cs, o)
			return err
		},
		"groups": func() error {
			o := ok
			o.Groups = []int{0, interval.MaxGroups}
			_, err := interval.Forecast(ctx, two, cs, o)
			return err
		},
		"groups length": func() error {
			o := ok
			o.Groups = []int{0}
			_, err := interval.Forecast(ctx, two, cs, o)
			return err
		},
		"no spend": func() error {
			_, err := interval.Forecast(ctx, []interval.Draw{{m, s}, {m, nil}}, cs, ok)
			return err
		},
		"cancelled": func() error { _, err := interval.Forecast(cancelled, two, cs, ok); return err },
		"zero model": func() error {
			_, err := interval.Forecast(ctx, []interval.Draw{{m, s}, {&bgnbd.Model{}, s}}, cs, ok)
			return err
		},
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := interval.Forecast(ctx, []interval.Draw{{m, s}}, cs, ok); !errors.Is(err, interval.ErrBadDraws) {
		t.Errorf("one draw: %v, want ErrBadDraws", err)
	}
	// Equal draws give intervals of width 0 at the point forecast (to
	// 1e-12: BG/NBD's IfAlive interpolates its series, 2e-14 off here).
	got, err := interval.Forecast(ctx, two, cs, ok)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		want, _ := predict.LifetimeValue(m, s, c, ok.Value)
		g := got.Customers[i]
		if g.PAlive.Low != m.ProbabilityAlive(c) || g.PAlive.High != g.PAlive.Low ||
			!relClose(g.ExpectedPurchases.Low, m.ConditionalExpectedPurchases(c, 10), 1e-12) ||
			!relClose(g.CLV.High, want, 1e-12) {
			t.Errorf("%+v: %+v, want E %v CLV %v", c, g, m.ConditionalExpectedPurchases(c, 10), want)
		}
	}
}

// BenchmarkForecastIntervals1e6: 90% intervals of P(alive), expected
// purchases in 52 weeks and 12-month CLV from 200 parameter draws, for
// 10⁶ customers of a log of dates (BG/NBD and Pareto/NBD with Gamma-Gamma).
func BenchmarkForecastIntervals1e6(b *testing.B) {
	cases := []struct {
		name string
		sim  interface {
			Simulate(rand.Source, []float64) ([]clv.Customer, error)
		}
	}{
		{"BGNBD", bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}},
		{"ParetoNBD", paretonbd.Params{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67}},
	}
	for _, k := range cases {
		b.Run(k.name, func(b *testing.B) {
			cs := dailyCustomers(b, k.sim, 1_000_000, 3)
			sm, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
			if err != nil {
				b.Fatal(err)
			}
			var purchases []clv.PurchaseModel
			if k.name == "BGNBD" {
				pm, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
				if err != nil {
					b.Fatal(err)
				}
				for _, m := range modelsOf(b, pm.SampleParams, bgnbd.New, rand.NewPCG(1, 1), 200) {
					purchases = append(purchases, m)
				}
			} else {
				pm, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
				if err != nil {
					b.Fatal(err)
				}
				for _, m := range modelsOf(b, pm.SampleParams, paretonbd.New, rand.NewPCG(1, 1), 200) {
					purchases = append(purchases, m)
				}
			}
			draws := make([]interval.Draw, 200)
			for d, s := range modelsOf(b, sm.SampleParams, gammagamma.New, rand.NewPCG(1, 2), 200) {
				draws[d] = interval.Draw{Purchase: purchases[d], Spend: s}
			}
			opts := interval.Options{Horizon: 52, Value: predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01}}
			for b.Loop() {
				if _, err := interval.Forecast(context.Background(), draws, cs, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzForecastIntervals: on any customers and parameter draws,
// ForecastIntervals returns an error or intervals with Low ≤ High, P(alive)
// within [0, 1], and expected purchases and values ≥ 0; never a panic.
func FuzzForecastIntervals(f *testing.F) {
	f.Add(0.25, 4.0, 0.8, 2.5, 0.1, 2.0, 10.0, 30.0, 25.0, 0.9, 52.0, false)
	f.Add(0.5, 10.0, 0.6, 12.0, 0.3, 0.0, 0.0, 5.0, 0.0, 0.5, 1.0, true)
	f.Add(50.0, 3.0, 0.6, 0.5, 0.01, 40.0, 39.0, 40.0, 1e6, 0.99, 1e4, false)
	f.Fuzz(func(t *testing.T, r, alpha, a, b, spread, x, tx, T, m, level, h float64, pareto bool) {
		var draws []interval.Draw
		sm, err := gammagamma.New(gammagamma.Params{P: 6, Q: 4, Gamma: 15})
		if err != nil {
			t.Fatal(err)
		}
		for d := range 3 {
			k := 1 + spread*float64(d-1)
			var pm clv.PurchaseModel
			if pareto {
				pm, err = paretonbd.New(paretonbd.Params{R: r * k, Alpha: alpha, S: a, Beta: b})
			} else {
				pm, err = bgnbd.New(bgnbd.Params{R: r * k, Alpha: alpha, A: a, B: b})
			}
			if err != nil {
				return
			}
			draws = append(draws, interval.Draw{Purchase: pm, Spend: sm})
		}
		cs := []clv.Customer{{Frequency: x, Recency: tx, T: T, MonetaryValue: m}, {T: T}, {Frequency: 1, Recency: T / 2, T: T, MonetaryValue: 10}}
		iv, err := interval.Forecast(context.Background(), draws, cs, interval.Options{Level: level, Horizon: h,
			Value: predict.ValueOptions{PeriodLength: 4.345, Periods: 3}, Periods: []float64{h / 2, h}, Groups: []int{0, 1, 0}})
		if err != nil {
			return
		}
		for i, c := range iv.Customers {
			for _, v := range []interval.Interval{c.PAlive, c.ExpectedPurchases, c.CLV} {
				if !(v.Low <= v.High) || v.Low < 0 {
					t.Fatalf("customer %d: %+v", i, c)
				}
			}
			if c.PAlive.High > 1 {
				t.Fatalf("customer %d: P(alive) %v", i, c.PAlive)
			}
		}
	})
}

// TestPredictiveIntervals: the intervals of many customers at once, from
// one distribution per (x, T), are PredictiveInterval's customer by
// customer, for BG/NBD, MBG/NBD and Pareto/NBD; bad arguments are errors.
func TestPredictiveIntervals(t *testing.T) {
	bg, _ := bgnbd.New(bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259})
	mbg, _ := bgnbd.NewVariant(bgnbd.MBGNBD, bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259})
	pn, _ := paretonbd.New(paretonbd.Params{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67})
	cs := dailyCustomers(t, bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}, 400, 4)
	cs = append(cs, clv.Customer{Frequency: 30, Recency: 38, T: 39}, clv.Customer{T: 0})
	for _, m := range []interval.AliveMixture{bg, mbg, pn} {
		for _, level := range []float64{0.9, 0.5} {
			lo, hi, err := interval.PredictiveAll(m, cs, 52, level)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range cs {
				wl, wh, err := interval.Predictive([]interval.ConditionalPMF{m.(interval.ConditionalPMF)}, c, 52, level)
				if err != nil {
					t.Fatal(err)
				}
				if lo[i] != wl || hi[i] != wh {
					t.Errorf("%v level %v %+v: [%d, %d], want [%d, %d]", m, level, c, lo[i], hi[i], wl, wh)
				}
			}
		}
	}
	if _, _, err := interval.PredictiveAll(bg, cs, 52, 1); err == nil {
		t.Error("level 1 accepted")
	}
	if _, _, err := interval.PredictiveAll(bg, []clv.Customer{{Frequency: 1, Recency: 5, T: 2}}, 52, 0.9); err == nil {
		t.Error("invalid customer accepted")
	}
	if _, _, err := interval.PredictiveAll(nil, cs, 52, 0.9); err == nil {
		t.Error("nil model accepted")
	}
}

// TestForecastIntervalsManyBlocks: with many draws and periods a block
// holds few rows (its memory does not grow with the draws), the totals are
// added block by block in order, and the results are the same on any
// number of cores, and equal to the totals of each draw computed alone.
func TestForecastIntervalsManyBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	truth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	cs := dailyCustomers(t, truth, 1000, 2)
	pm, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sm, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 200 // 243 rows a block with 60 periods: 4 blocks
	draws := drawsOf(t, pm, sm, n, false)
	periods := make([]float64, 60)
	for j := range periods {
		periods[j] = float64(j+1) * predict.MonthInWeeks
	}
	opts := interval.Options{Level: 0.8, Horizon: 52, Periods: periods,
		Value: predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01, Margin: 1}}
	var first *interval.Result
	for _, procs := range []int{1, 2, 7} {
		old := runtime.GOMAXPROCS(procs)
		got, err := interval.Forecast(context.Background(), draws, cs, opts)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = got
			continue
		}
		if got.TotalPurchases != first.TotalPurchases || got.TotalValue != first.TotalValue || !slices.Equal(got.Periods, first.Periods) ||
			!slices.Equal(got.Customers, first.Customers) {
			t.Errorf("GOMAXPROCS %d: results differ from GOMAXPROCS 1", procs)
		}
	}
	// Each draw alone (twice, so that its interval is its value).
	totE, totV, last := make([]float64, n), make([]float64, n), make([]float64, n)
	for d := range draws {
		one, err := interval.Forecast(context.Background(), []interval.Draw{draws[d], draws[d]}, cs, opts)
		if err != nil {
			t.Fatal(err)
		}
		totE[d], totV[d], last[d] = one.TotalPurchases.Low, one.TotalValue.Low, one.Periods[len(periods)-1].Revenue.Low
	}
	for _, c := range []struct {
		name string
		got  interval.Interval
		vals []float64
	}{{"expected purchases", first.TotalPurchases, totE}, {"value", first.TotalValue, totV}, {"last month's revenue", first.Periods[len(periods)-1].Revenue, last}} {
		if !relClose(c.got.Low, type7(c.vals, 0.1), 1e-11) || !relClose(c.got.High, type7(c.vals, 0.9), 1e-11) {
			t.Errorf("total %s: %v, want [%v, %v] from the draws alone", c.name, c.got, type7(c.vals, 0.1), type7(c.vals, 0.9))
		}
	}
}

func TestPredictiveErrors(t *testing.T) {
	if _, _, err := interval.Predictive(nil, clv.Customer{}, 1, 0.9); err == nil {
		t.Error("no models")
	}
	if _, _, _, err := interval.PredictiveTotal(nil, nil, 1, 0.9, nil); err == nil {
		t.Error("no model")
	}
}
