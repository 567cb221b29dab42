package ggompertz_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/internal/reftest"
)

var (
	_ interval.AliveFactored = (*ggompertz.Model)(nil)
	_ interval.AliveCurve    = (*ggompertz.Model)(nil)
)

// logUniform draws from [lo, hi] uniformly in the logarithm.
func logUniform(rng *rand.Rand, lo, hi float64) float64 {
	return lo * math.Exp(rng.Float64()*math.Log(hi/lo))
}

// TestIfAliveCurveRandom: the curve, integrated once along the horizons,
// agrees with ConditionalExpectedPurchases, one integral from T per
// horizon, to 1e-10 relative, over random shapes with b from the limit
// model's 1e-12 to 1, x up to 1000, T up to 1000 and horizons up to
// 10000, sorted or not; P(alive)·IfAliveCurve agrees as well, and
// IfAlive's function is ConditionalExpectedPurchases over P(alive).
func TestIfAliveCurveRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 24))
	worst := 0.0
	for trial := range 300 {
		b := []float64{1e-12, 0.01, 1}[trial%3]
		p := ggompertz.Params{
			R: logUniform(rng, 0.01, 100), Alpha: logUniform(rng, 0.01, 1000), B: b,
			S: logUniform(rng, 0.01, 1000),
		}
		p.Beta = b * logUniform(rng, 0.01, 1e4) // κ = β/b
		m, err := ggompertz.New(p)
		if err != nil {
			t.Fatal(err)
		}
		T := logUniform(rng, 0.01, 1000)
		x := 0.0
		if rng.IntN(4) > 0 {
			x = math.Round(logUniform(rng, 1, 1000))
		}
		c := clv.Customer{Frequency: x, T: T}
		if x > 0 {
			c.Recency = T * rng.Float64()
		}
		ts := make([]float64, 1+rng.IntN(24))
		for i := range ts {
			ts[i] = logUniform(rng, 1e-3, 1e4)
		}
		if trial%2 == 0 {
			slices.Sort(ts)
		}
		ts = append(ts, 0, ts[0]) // t = 0 and a repeated horizon
		out := make([]float64, len(ts))
		m.ConditionalExpectedPurchasesAt(c, ts, out)
		pa := m.ProbabilityAlive(c)
		a := make([]float64, len(ts))
		m.IfAliveCurve(x, T, slices.Max(ts))(T, ts, a)
		point := m.IfAlive(x, T, slices.Max(ts))
		for i, h := range ts {
			want := m.ConditionalExpectedPurchases(c, h)
			if !(want >= 0) {
				t.Fatalf("%+v %+v t=%v: ConditionalExpectedPurchases %v", p, c, h, want)
			}
			for _, got := range []float64{out[i], pa * a[i]} {
				d := math.Abs(got - want)
				if !(d <= 1e-10*want) {
					t.Errorf("%+v %+v t=%v: %v, ConditionalExpectedPurchases %v (%.2g relative)", p, c, h, got, want, d/want)
				}
				if want > 0 {
					worst = max(worst, d/want)
				}
			}
			if g := point(T, h); !(math.Abs(pa*g-want) <= 1e-14*want) {
				t.Errorf("%+v %+v t=%v: P(alive)·IfAlive %v, ConditionalExpectedPurchases %v", p, c, h, pa*g, want)
			}
		}
		if out[len(ts)-2] != 0 || a[len(ts)-2] != 0 {
			t.Errorf("%+v %+v: at t = 0 %v and %v, want 0", p, c, out[len(ts)-2], a[len(ts)-2])
		}
	}
	t.Logf("largest relative difference %.2g", worst)
}

// TestIfAliveCurveInvalid: NaN for an invalid x, T or t or a zero Model,
// only at the invalid horizons; the curve writes min(len(ts), len(out))
// values; ProbabilityAliveAt is ProbabilityAlive.
func TestIfAliveCurveInvalid(t *testing.T) {
	m, err := ggompertz.New(ggompertz.Params{R: 0.55, Alpha: 10.6, B: 0.02, S: 0.6, Beta: 0.3})
	if err != nil {
		t.Fatal(err)
	}
	reftest.CheckAliveAt(t, "ggompertz", m)
	ts := []float64{4, math.NaN(), 1, -1, math.Inf(1), 0, 2}
	out := make([]float64, len(ts))
	m.IfAliveCurve(3, 10, 4)(10, ts, out)
	point := m.IfAlive(3, 10, 4)
	for i, h := range ts {
		want := point(10, h)
		if math.IsNaN(want) != math.IsNaN(out[i]) || !math.IsNaN(want) && !(math.Abs(out[i]-want) <= 1e-13*want) {
			t.Errorf("t = %v: %v, IfAlive %v", h, out[i], want)
		}
	}
	if !math.IsNaN(out[1]) || !math.IsNaN(out[3]) || !math.IsNaN(out[4]) || out[5] != 0 || !(out[0] > out[6] && out[6] > out[2]) {
		t.Errorf("curve %v", out)
	}
	short := []float64{-7, -7}
	m.IfAliveCurve(3, 10, 4)(10, ts, short[:1])
	if short[1] != -7 || !(short[0] > 0) {
		t.Errorf("one value asked: %v", short)
	}
	var zero ggompertz.Model
	for _, tc := range []struct {
		m    *ggompertz.Model
		x, T float64
	}{{m, -1, 10}, {m, 2.5, 10}, {m, 3, -1}, {m, 3, math.Inf(1)}, {m, math.NaN(), 10}, {&zero, 3, 10}} {
		tc.m.IfAliveCurve(tc.x, 0, 4)(tc.T, ts[:1], out[:1])
		if v := tc.m.IfAlive(tc.x, 0, 4)(tc.T, 1); !math.IsNaN(out[0]) || !math.IsNaN(v) {
			t.Errorf("x=%v T=%v: curve %v, IfAlive %v, want NaN", tc.x, tc.T, out[0], v)
		}
	}
	pa := []float64{-7}
	zero.ProbabilityAliveAt(1, 2, []float64{1}, pa)
	if !math.IsNaN(pa[0]) {
		t.Errorf("zero Model's ProbabilityAliveAt %v", pa[0])
	}
}

// BenchmarkConditionalExpectedPurchasesAt: a year's month ends of one
// customer, integrated along them (compare with 12 calls of
// ConditionalExpectedPurchases, BenchmarkConditionalExpectedPurchases12).
func BenchmarkConditionalExpectedPurchasesAt(b *testing.B) {
	m, _ := ggompertz.New(ggompertz.Params{R: 0.4353, Alpha: 9.42247, B: 0.0665056, S: 10244.3, Beta: 115093})
	c := clv.Customer{Frequency: 3, Recency: 20, T: 38}
	ts := make([]float64, 12)
	for i := range ts {
		ts[i] = float64(i+1) * 52.0 / 12
	}
	out := make([]float64, len(ts))
	for b.Loop() {
		m.ConditionalExpectedPurchasesAt(c, ts, out)
	}
}

// BenchmarkConditionalExpectedPurchases12 is the point-by-point
// counterpart of BenchmarkConditionalExpectedPurchasesAt.
func BenchmarkConditionalExpectedPurchases12(b *testing.B) {
	m, _ := ggompertz.New(ggompertz.Params{R: 0.4353, Alpha: 9.42247, B: 0.0665056, S: 10244.3, Beta: 115093})
	c := clv.Customer{Frequency: 3, Recency: 20, T: 38}
	for b.Loop() {
		for i := range 12 {
			m.ConditionalExpectedPurchases(c, float64(i+1)*52.0/12)
		}
	}
}

// TestIntervalForecastCurve: interval.Forecast takes the factored path
// for GGompertz/NBD draws (P(alive) per row times IfAliveCurve per
// distinct (x, T), the horizon, the lifetime value's schedule and the
// period ends at once), and each draw's totals agree with the customers'
// ConditionalExpectedPurchases summed point by point to 1e-10 relative.
func TestIntervalForecastCurve(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 18))
	var cs []clv.Customer
	for i := range 300 {
		T := float64(20 + 4*rng.IntN(8)) // few ages: pairs shared by rows
		x := float64(rng.IntN(6))
		c := clv.Customer{Frequency: x, T: T, MonetaryValue: 10 + float64(i%7)}
		if x > 0 {
			c.Recency = math.Round(T * rng.Float64())
		}
		cs = append(cs, c)
	}
	sm, err := gammagamma.New(gammagamma.Params{P: 6, Q: 4, Gamma: 13})
	if err != nil {
		t.Fatal(err)
	}
	var draws []interval.Draw
	for _, p := range []ggompertz.Params{
		{R: 0.55, Alpha: 10.6, B: 0.02, S: 0.6, Beta: 0.3},
		{R: 0.45, Alpha: 9.4, B: 0.07, S: 20, Beta: 200},
		{R: 2, Alpha: 5, B: 1e-12, S: 1, Beta: 1e-11},
	} {
		m, err := ggompertz.New(p)
		if err != nil {
			t.Fatal(err)
		}
		draws = append(draws, interval.Draw{Purchase: m, Spend: sm})
	}
	periods := []float64{4.345, 8.69, 13.035, 17.38, 26.07, 52.14}
	opts := interval.Options{Horizon: 52, Periods: periods,
		Value: predict.ValueOptions{Periods: 12, PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01}}
	res, err := interval.Forecast(context.Background(), draws, cs, opts)
	if err != nil {
		t.Fatal(err)
	}
	sts, w, _, err := opts.Value.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	close := func(what string, d int, got, want float64) {
		t.Helper()
		if !(math.Abs(got-want) <= 1e-10*math.Abs(want)) {
			t.Errorf("draw %d %s: %v, point by point %v", d, what, got, want)
		}
	}
	for d, dr := range draws {
		m := dr.Purchase
		var e, v float64
		per := make([]float64, len(periods))
		for _, c := range cs {
			e += m.ConditionalExpectedPurchases(c, 52)
			disc, prev := 0.0, 0.0
			for j, s := range sts {
				cum := m.ConditionalExpectedPurchases(c, s)
				disc += (cum - prev) * w[j]
				prev = cum
			}
			v += sm.ConditionalExpectedValue(c) * disc
			prev = 0
			for j, s := range periods {
				cum := m.ConditionalExpectedPurchases(c, s)
				per[j] += cum - prev
				prev = cum
			}
		}
		close("purchases", d, res.DrawTotals.Purchases[d], e)
		close("value", d, res.DrawTotals.Value[d], v)
		for j := range periods {
			close("period", d, res.DrawTotals.PeriodPurchases[d*len(periods)+j], per[j])
		}
	}
}

// FuzzIfAliveCurve checks that any valid parameters within the JSON
// bounds, any x and T and any three horizons (in any order) give a curve
// of finite values ≥ 0, rising with the horizon, that agrees with IfAlive's
// function (one integral from T per horizon) to 1e-9 relative, in bounded
// time.
func FuzzIfAliveCurve(f *testing.F) {
	f.Add(0.55, 10.6, 2e-7, 0.6, 1e-5, 4.0, 30.0, 52.0, 4.345, 26.0)
	f.Add(2.0, 0.5, 0.5, 1.0, 10.0, 100.0, 8.0, 0.0, 1e4, 5.0)
	f.Add(1e-7, 1e12, 1e3, 1e7, 1e-20, 1e6, 1e5, 1e5, 1e-3, 1e5)
	f.Fuzz(func(t *testing.T, r, alpha, b, s, beta, x, T, h1, h2, h3 float64) {
		p := ggompertz.Params{R: r, Alpha: alpha, B: b, S: s, Beta: beta}
		v := map[string]float64{"r": r, "alpha": alpha, "b": b, "s": s, "beta": beta}
		for n, val := range v {
			if lo, hi := p.JSONBounds(n); !(val >= lo && val <= hi) {
				return
			}
		}
		x = math.Floor(math.Abs(x))
		ts := []float64{h1, h2, h3}
		if !(x <= 1e6 && T >= 0 && T <= 1e6) {
			return
		}
		for _, h := range ts {
			if !(h >= 0 && h <= 1e6) {
				return
			}
		}
		m, err := ggompertz.New(p)
		if err != nil {
			return
		}
		out := make([]float64, len(ts))
		m.IfAliveCurve(x, T, 1e6)(T, ts, out)
		point := m.IfAlive(x, T, 1e6)
		for i, h := range ts {
			want := point(T, h)
			if !(out[i] >= 0) || math.IsInf(out[i], 0) || !(math.Abs(out[i]-want) <= 1e-9*want) {
				t.Fatalf("%+v x=%v T=%v t=%v: curve %v, IfAlive %v", p, x, T, h, out[i], want)
			}
			for j, g := range ts {
				if g < h && out[j] > out[i] {
					t.Fatalf("%+v x=%v T=%v: curve %v at %v, falls", p, x, T, out, ts)
				}
			}
		}
	})
}
