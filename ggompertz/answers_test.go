package ggompertz_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/paretonbd"
)

// answerCustomers are histories from a fresh customer to a heavy buyer
// long gone, at the units of the tests' parameters (weeks).
var answerCustomers = []clv.Customer{{T: 3}, {T: 40}, {Frequency: 1, Recency: 1, T: 20}, {Frequency: 4, Recency: 2.5, T: 6},
	{Frequency: 4, Recency: 30, T: 39}, {Frequency: 30, Recency: 7.9, T: 8}, {Frequency: 30, Recency: 10, T: 78}, {Frequency: 2, Recency: 60, T: 60}}

// TestAnswersParetoLimit: at b = 10⁻¹² with β = b·κ every answer is the
// Pareto/NBD's with β = κ (its closed forms and series): the
// probabilities to 1e-8, the rate and the percentiles to 1e-7 relative.
// (At b = 10⁻⁹ the models themselves differ by some 5e-8 in P(alive at
// T+t) at t = 1000: the Gompertz hazard's growth, s·b·t²/(2(κ+t)).)
func TestAnswersParetoLimit(t *testing.T) {
	const b = 1e-12
	opts := clv.OutlookOptions{Window: 4, Horizon: 52}
	for _, q := range []paretonbd.Params{{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67}, {R: 2, Alpha: 0.5, S: 5, Beta: 3}, {R: 1, Alpha: 3, S: 0.3, Beta: 50}} {
		g, err := ggompertz.New(ggompertz.Params{R: q.R, Alpha: q.Alpha, B: b, S: q.S, Beta: b * q.Beta})
		if err != nil {
			t.Fatal(err)
		}
		pm, _ := paretonbd.New(q)
		worst := 0.0
		for _, c := range answerCustomers {
			for _, h := range []float64{0, 0.1, 1, 4, 26, 104, 1000} {
				for _, f := range []struct {
					name      string
					got, want float64
				}{
					{"within", g.ProbabilityOfPurchaseWithin(c, h), pm.ProbabilityOfPurchaseWithin(c, h)},
					{"alive after", g.ProbabilityAliveAfter(c, h), pm.ProbabilityAliveAfter(c, h)},
				} {
					if d := math.Abs(f.got - f.want); !(d <= 1e-8) {
						t.Errorf("%+v %+v t=%v %s: %.12g, Pareto/NBD %.12g", q, c, h, f.name, f.got, f.want)
					} else {
						worst = max(worst, d)
					}
				}
			}
			if got, want := g.ExpectedPurchaseRate(c), pm.ExpectedPurchaseRate(c); !(math.Abs(got/want-1) <= 1e-7) {
				t.Errorf("%+v %+v rate: %.12g, Pareto/NBD %.12g", q, c, got, want)
			}
			og, op := g.Outlook(c, opts), pm.Outlook(c, opts)
			for k := range og.NextPurchase {
				a, w := og.NextPurchase[k], op.NextPurchase[k]
				if math.IsNaN(a) != math.IsNaN(w) || !math.IsNaN(a) && !(math.Abs(a/w-1) <= 1e-7) {
					t.Errorf("%+v %+v percentile %d: %.12g, Pareto/NBD %.12g", q, c, k, a, w)
				}
			}
			for _, f := range [][2]float64{{og.PurchaseWithin, op.PurchaseWithin}, {og.PurchaseWithinHorizon, op.PurchaseWithinHorizon},
				{og.AliveAtHorizon, op.AliveAtHorizon}, {og.PurchaseRate / op.PurchaseRate, 1}} {
				if !(math.Abs(f[0]-f[1]) <= 1e-7) {
					t.Errorf("%+v %+v outlook: %.12g, Pareto/NBD %.12g", q, c, f[0], f[1])
				}
			}
		}
		t.Logf("%+v: largest difference of the probabilities %.2g", q, worst)
	}
}

// TestAnswersProperties: inside the model (b well above 0) the
// probabilities lie in [0, 1], P(purchase within t) rises and P(alive at
// T+t) falls with t, P(alive at T+t) ≤ P(alive) with equality at t = 0,
// the purchase probability stays below P(alive); its derivative in t (by
// differences) is the density from the rate's side at t = 0,
// P(alive)·E[λ | alive at T] = P(alive)·(r+x)/(α+T); the percentiles are
// the CDF's inverse (to 1e-9) and increase; Outlook, OutlookRows and the
// single methods agree to 1e-12.
func TestAnswersProperties(t *testing.T) {
	opts := clv.OutlookOptions{Window: 4, Horizon: 52}
	for _, p := range []ggompertz.Params{{R: 2, Alpha: 0.5, B: 0.5, S: 1, Beta: 10}, {R: 0.55, Alpha: 10.58, B: 0.05, S: 3, Beta: 5},
		{R: 1.5, Alpha: 4, B: 3, S: 20, Beta: 1e4}, {R: 0.3, Alpha: 1, B: 0.01, S: 0.2, Beta: 0.01}} {
		m, err := ggompertz.New(p)
		if err != nil {
			t.Fatal(err)
		}
		rows := make([]clv.Outlook, len(answerCustomers))
		m.OutlookRows(answerCustomers, opts, rows)
		for i, c := range answerCustomers {
			pa := m.ProbabilityAlive(c)
			prevW, prevA := 0.0, 1.0
			for _, h := range []float64{0, 0.01, 0.5, 2, 4, 10, 52, 200, 1e4} {
				w, a := m.ProbabilityOfPurchaseWithin(c, h), m.ProbabilityAliveAfter(c, h)
				if !(w >= 0 && w <= 1 && a >= 0 && a <= 1) || w < prevW || a > prevA || w > pa*(1+1e-12) {
					t.Errorf("%+v %+v t=%v: within %v (before %v), alive %v (before %v), P(alive) %v", p, c, h, w, prevW, a, prevA, pa)
				}
				if h == 0 && (w != 0 || a != pa) {
					t.Errorf("%+v %+v t=0: within %v, alive %v, P(alive) %v", p, c, w, a, pa)
				}
				prevW, prevA = w, a
			}
			const dt = 1e-8
			if d, want := m.ProbabilityOfPurchaseWithin(c, dt)/dt, pa*(p.R+c.Frequency)/(p.Alpha+c.T); !(math.Abs(d-want) <= 1e-6*want) {
				t.Errorf("%+v %+v: density at 0 %v, want %v", p, c, d, want)
			}
			levels := []float64{0.05, 0.1, 0.3, 0.5, 0.9}
			qs := m.NextPurchaseQuantiles(c, levels, opts.Horizon)
			fH := m.ProbabilityOfPurchaseWithin(c, opts.Horizon)
			prev := 0.0
			for k, lv := range levels {
				if lv > fH {
					if !math.IsNaN(qs[k]) {
						t.Errorf("%+v %+v level %v above the CDF at the horizon %v: %v", p, c, lv, fH, qs[k])
					}
					continue
				}
				if got := m.ProbabilityOfPurchaseWithin(c, qs[k]); !(math.Abs(got-lv) <= 1e-9) || !(qs[k] > prev) {
					t.Errorf("%+v %+v level %v: quantile %v (CDF %v, previous %v)", p, c, lv, qs[k], got, prev)
				}
				prev = qs[k]
			}
			o := m.Outlook(c, opts)
			want := clv.Outlook{PurchaseWithin: m.ProbabilityOfPurchaseWithin(c, opts.Window), PurchaseWithinHorizon: fH,
				AliveAtHorizon: m.ProbabilityAliveAfter(c, opts.Horizon), PurchaseRate: m.ExpectedPurchaseRate(c)}
			copy(want.NextPurchase[:], m.NextPurchaseQuantiles(c, clv.NextPurchaseLevels[:], opts.Horizon))
			if fH < 0.5 {
				want.NextPurchase = [3]float64{math.NaN(), math.NaN(), math.NaN()}
			}
			for _, got := range []clv.Outlook{o, rows[i]} {
				if !closeOutlook(got, want, 1e-12) {
					t.Errorf("%+v %+v: outlook %+v, want %+v", p, c, got, want)
				}
			}
			if r := m.ExpectedPurchaseRate(c); !(r >= (p.R+c.Frequency)/(p.Alpha+c.T)*(1-1e-12)) {
				t.Errorf("%+v %+v: rate %v below the alive customer's %v", p, c, r, (p.R+c.Frequency)/(p.Alpha+c.T))
			}
		}
	}
}

func closeOutlook(a, b clv.Outlook, tol float64) bool {
	near := func(x, y float64) bool {
		return math.IsNaN(x) && math.IsNaN(y) || math.Abs(x-y) <= tol*max(1, math.Abs(y))
	}
	ok := near(a.PurchaseWithin, b.PurchaseWithin) && near(a.PurchaseWithinHorizon, b.PurchaseWithinHorizon) &&
		near(a.AliveAtHorizon, b.AliveAtHorizon) && near(a.PurchaseRate, b.PurchaseRate)
	for k := range a.NextPurchase {
		ok = ok && near(a.NextPurchase[k], b.NextPurchase[k])
	}
	return ok
}

// TestAnswersInvalid: invalid customers, times and options, and the zero
// Model, give NaN, never a panic.
func TestAnswersInvalid(t *testing.T) {
	m, _ := ggompertz.New(ggompertz.Params{R: 2, Alpha: 0.5, B: 0.5, S: 1, Beta: 10})
	var zero ggompertz.Model
	good, bad := clv.Customer{Frequency: 1, Recency: 1, T: 2}, clv.Customer{Frequency: 1, Recency: 3, T: 2}
	for _, v := range []float64{
		m.ProbabilityOfPurchaseWithin(bad, 1), m.ProbabilityOfPurchaseWithin(good, -1), m.ProbabilityOfPurchaseWithin(good, math.Inf(1)),
		m.ProbabilityOfPurchaseWithin(good, math.NaN()), m.ProbabilityAliveAfter(bad, 1), m.ProbabilityAliveAfter(good, -1),
		m.ExpectedPurchaseRate(bad), zero.ProbabilityOfPurchaseWithin(good, 1), zero.ProbabilityAliveAfter(good, 1), zero.ExpectedPurchaseRate(good),
		m.NextPurchaseQuantiles(good, []float64{0.5}, -1)[0], m.NextPurchaseQuantiles(good, []float64{1}, 10)[0],
		m.NextPurchaseQuantiles(bad, []float64{0.5}, 10)[0], zero.NextPurchaseQuantiles(good, []float64{0.5}, 10)[0],
		m.Outlook(good, clv.OutlookOptions{Window: 0, Horizon: 1}).PurchaseWithin, m.Outlook(bad, clv.OutlookOptions{Window: 1, Horizon: 1}).PurchaseRate,
		zero.Outlook(good, clv.OutlookOptions{Window: 1, Horizon: 1}).AliveAtHorizon,
	} {
		if !math.IsNaN(v) {
			t.Errorf("got %v, want NaN", v)
		}
	}
	out := make([]clv.Outlook, 2)
	m.OutlookRows([]clv.Customer{good, bad}, clv.OutlookOptions{Window: 1, Horizon: 10}, out)
	if math.IsNaN(out[0].PurchaseWithin) || !math.IsNaN(out[1].PurchaseWithin) {
		t.Errorf("OutlookRows: %+v", out)
	}
	zero.OutlookRows([]clv.Customer{good}, clv.OutlookOptions{Window: 1, Horizon: 10}, out)
	if !math.IsNaN(out[0].PurchaseRate) {
		t.Errorf("zero OutlookRows: %+v", out[0])
	}
}

// TestAnswersSimulated: customers simulated from the model over T and a
// further t: the mean predicted P(purchase in (T, T+t]) given each
// customer's history to T matches the share who bought there, and the
// share who bought before their predicted median (among those with one)
// is 1/2, both within 4 binomial standard errors; a fixed seed, 20 000
// customers.
func TestAnswersSimulated(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	const n, T, win, hor = 20000, 26.0, 8.0, 52.0
	for _, p := range []ggompertz.Params{{R: 2, Alpha: 4, B: 0.1, S: 1, Beta: 2}, {R: 0.8, Alpha: 3, B: 0.02, S: 0.5, Beta: 0.5}} {
		m, _ := ggompertz.New(p)
		src := rand.NewPCG(7, 11)
		var sumP, bought, withMedian, beforeMedian float64
		opts := clv.OutlookOptions{Window: win, Horizon: hor}
		for range n {
			times := p.SimulatePurchases(src, T+hor)
			var c clv.Customer
			c.T = T
			next := math.Inf(1)
			for _, s := range times {
				if s <= T {
					c.Frequency++
					c.Recency = s
				} else if math.IsInf(next, 1) {
					next = s - T
				}
			}
			o := m.Outlook(c, opts)
			sumP += o.PurchaseWithin
			if next <= win {
				bought++
			}
			if med := o.NextPurchase[1]; !math.IsNaN(med) {
				withMedian++
				if next <= med {
					beforeMedian++
				}
			}
		}
		mean := sumP / n
		if se := math.Sqrt(mean * (1 - mean) / n); !(math.Abs(bought/n-mean) <= 4*se) {
			t.Errorf("%+v: bought within %v: %.4f, predicted %.4f (se %.4f)", p, win, bought/n, mean, se)
		}
		if se := math.Sqrt(0.25 / withMedian); withMedian < 1000 || !(math.Abs(beforeMedian/withMedian-0.5) <= 4*se) {
			t.Errorf("%+v: %v of %v bought before their median", p, beforeMedian, withMedian)
		}
		t.Logf("%+v: bought within %v: %.4f, predicted %.4f; %.4f of %v before their median", p, win, bought/n, mean, beforeMedian/withMedian, withMedian)
	}
}

// TestAnswersAliveSimulated: the probability of being alive at T+t
// against simulated lifetimes (drawn here as SimulatePurchases draws
// them): among customers with no purchase by T, whose histories are all
// (0, 0, T), the share alive at T+t is ProbabilityAliveAfter, within 4
// binomial standard errors.
func TestAnswersAliveSimulated(t *testing.T) {
	p := ggompertz.Params{R: 0.8, Alpha: 3, B: 0.1, S: 1, Beta: 2}
	m, _ := ggompertz.New(p)
	const n, T = 100000, 10.0
	rng := rand.New(rand.NewPCG(3, 5))
	var zeros, alive [3]float64
	ts := [3]float64{0, 5, 20}
	for range n {
		lambda := gammaRand(rng, p.R) / p.Alpha
		eta := gammaRand(rng, p.S) / p.Beta
		life := math.Log1p(rng.ExpFloat64()/eta) / p.B
		first := rng.ExpFloat64() / lambda
		if first <= min(T, life) {
			continue
		}
		for k, h := range ts {
			zeros[k]++
			if life > T+h {
				alive[k]++
			}
		}
	}
	for k, h := range ts {
		want := m.ProbabilityAliveAfter(clv.Customer{T: T}, h)
		got := alive[k] / zeros[k]
		if se := math.Sqrt(want * (1 - want) / zeros[k]); !(math.Abs(got-want) <= 4*se) {
			t.Errorf("t=%v: alive %.4f of %v, predicted %.4f (se %.4f)", h, got, zeros[k], want, se)
		}
	}
}

// gammaRand draws from Gamma(shape, 1) (Marsaglia & Tsang 2000, with the
// boost for shape < 1).
func gammaRand(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gammaRand(rng, shape+1) * math.Pow(rng.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}
