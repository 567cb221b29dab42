package gammagamma_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"gonum.org/v1/gonum/stat/distuv"
)

// checkLimit asserts what every limit model shares: status boundary with
// its reason, an error wrapping clv.ErrBoundary, the free parameters
// counted, standard errors, intervals and draws of the free parameters
// only (the held shapes fixed at 1e10: conditional on the limit), and a
// JSON round trip that keeps parameters, status, covariance, draws and
// predictions.
func checkLimit(t *testing.T, m *gammagamma.Model, err error, reason string, free int) {
	t.Helper()
	if m == nil || !errors.Is(err, clv.ErrBoundary) {
		t.Fatalf("model %v, err %v: want a limit model and clv.ErrBoundary", m, err)
	}
	fi := m.FitInfo()
	if fi.Status != clv.AtBoundary || !strings.Contains(fi.Reason, reason) || fi.NumParams != free {
		t.Errorf("status %v, %d parameters, reason %q; want boundary, %d, %q", fi.Status, fi.NumParams, fi.Reason, free, reason)
	}
	p := m.Params()
	v, held := p.Vector(), []bool{p.P == 1e10, p.Q == 1e10, false}
	se, ok := m.StdErrors()
	lo, hi, ierr := m.ParamIntervals(0.9)
	draws, derr := m.SampleParams(rand.NewPCG(1, 1), 50)
	if !ok || ierr != nil || derr != nil {
		t.Fatalf("standard errors %v, intervals %v, draws %v: want all three", ok, ierr, derr)
	}
	if lc, _ := m.LogCovariance(); len(lc) != free {
		t.Errorf("log-covariance of %d parameters, want %d", len(lc), free)
	}
	for i, s := range se.Vector() {
		l, h := lo.Vector()[i], hi.Vector()[i]
		if held[i] != (s == 0) || held[i] != (l == v[i] && h == v[i]) || !(l <= v[i] && v[i] <= h) {
			t.Errorf("parameter %d (held %v): SE %v, interval [%v, %v] around %v", i, held[i], s, l, h, v[i])
		}
		for _, d := range draws {
			if held[i] != (d.Vector()[i] == v[i]) {
				t.Errorf("parameter %d (held %v): draw %v, estimate %v", i, held[i], d.Vector()[i], v[i])
				break
			}
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back gammagamma.Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	c := clv.Customer{Frequency: 3, MonetaryValue: 42, T: 10, Recency: 5}
	if back.Params() != m.Params() || back.FitInfo().Status != clv.AtBoundary || back.FitInfo().Reason != fi.Reason ||
		back.ConditionalExpectedValue(c) != m.ConditionalExpectedValue(c) {
		t.Errorf("JSON round trip: %v %v, was %v %v", back.Params(), back.FitInfo(), m.Params(), fi)
	}
	if bd, err := back.SampleParams(rand.NewPCG(1, 1), 50); err != nil || bd[49] != draws[49] {
		t.Errorf("JSON round trip: draws %v (%v), were %v", bd[49], err, draws[49])
	}
}

// TestHomogeneousSpendLimit: spend whose mean does not vary across
// customers (ν the same for everyone up to a spread of 1e-4) sends q and γ
// to infinity; the fit returns the limit model, every customer's expected
// value per purchase the common mean μ, exactly as the full model's at
// q = 1e14.
func TestHomogeneousSpendLimit(t *testing.T) {
	cs := simulateSpend(gammagamma.Params{P: 4, Q: 1e8, Gamma: 1e8 * 50 / 4}, 4000, 10, 1)
	m, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	checkLimit(t, m, err, "spend heterogeneity vanishes", 2)
	p := m.Params()
	mu := p.P * p.Gamma / p.Q
	// 22,000 purchases with coefficient of variation 1/2: the mean's
	// standard error is 0.34%.
	if math.Abs(mu/50-1) > 0.012 || math.Abs(p.P/4-1) > 0.05 || p.Q != 1e10 {
		t.Errorf("%v: μ = %v, want 50; p want 4", m, mu)
	}
	if pm := m.PopulationMean(); math.Abs(pm/mu-1) > 1e-9 {
		t.Errorf("population mean %v, μ %v", pm, mu)
	}
	// The draws' spread of ln μ is its standard error, 1/√(p·purchases):
	// 0.34% for 22,000 purchases of shape 4 (within 15%, 2,000 draws).
	draws, err := m.SampleParams(rand.NewPCG(2, 2), 2000)
	if err != nil {
		t.Fatal(err)
	}
	var purchases float64
	for _, c := range cs {
		purchases += c.Frequency
	}
	var s1, s2 float64
	for _, d := range draws {
		l := math.Log(d.P * d.Gamma / d.Q)
		s1 += l
		s2 += l * l
	}
	n := float64(len(draws))
	sd, want := math.Sqrt(s2/n-s1*s1/n/n), 1/math.Sqrt(p.P*purchases)
	if math.Abs(sd/want-1) > 0.15 {
		t.Errorf("draws: sd of ln μ %.4g, want 1/√(p·purchases) = %.4g", sd, want)
	}
	far, err := gammagamma.New(gammagamma.Params{P: p.P, Q: 1e14, Gamma: mu * 1e14 / p.P})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []float64{0, 1, 5, 40} {
		for _, v := range []float64{0.5, 50, 900} {
			c := clv.Customer{Frequency: x, MonetaryValue: v, T: 50, Recency: 40}
			got, want := m.ConditionalExpectedValue(c), far.ConditionalExpectedValue(c)
			if math.Abs(got/want-1) > 1e-6 || math.Abs(want/mu-1) > 1e-9 {
				t.Errorf("x=%v m=%v: E = %.10g, at q = 1e14 %.10g, μ %.10g", x, v, got, want, mu)
			}
		}
	}
}

// TestOwnPriceLimit: every purchase of a customer worth the customer's
// own price (prices differing across customers, inverse gamma with shape
// 3 and scale 100) sends p to infinity and γ to 0; the limit model's
// expected value per purchase is each customer's own price. (As for q, the
// maximum is at the boundary for about half the samples: 7 of seeds 1–11;
// on the others p is finite and large, 48 to 994.)
func TestOwnPriceLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 6))
	g := distuv.Gamma{Alpha: 3, Beta: 1, Src: rand.NewPCG(1, 8)}
	cs := make([]clv.Customer, 4000)
	for i := range cs {
		cs[i] = clv.Customer{Frequency: float64(1 + rng.IntN(10)), MonetaryValue: 100 / g.Rand(), T: 50, Recency: 30}
	}
	m, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	checkLimit(t, m, err, "does not vary", 2)
	p := m.Params()
	if d := p.P * p.Gamma; p.P != 1e10 || math.Abs(p.Q/3-1) > 0.1 || math.Abs(d/100-1) > 0.1 {
		t.Errorf("%v: q = %v, δ = %v; want 3, 100", m, p.Q, d)
	}
	for _, c := range cs[:200] {
		if e := m.ConditionalExpectedValue(c); math.Abs(e/c.MonetaryValue-1) > 1e-6 {
			t.Errorf("%+v: E = %.10g, own price %.10g", c, e, c.MonetaryValue)
		}
	}
	if pm, want := m.PopulationMean(), p.P*p.Gamma/(p.Q-1); math.Abs(pm/want-1) > 1e-12 {
		t.Errorf("population mean %v, δ/(q−1) %v", pm, want)
	}
}

// TestOnePriceLimit: one price for every purchase sends p and q to
// infinity (the likelihood has no finite maximum); the limit model values
// every purchase, of every customer and of a new one, at that price.
func TestOnePriceLimit(t *testing.T) {
	cs := make([]clv.Customer, 500)
	for i := range cs {
		cs[i] = clv.Customer{Frequency: float64(i%7 + 1), MonetaryValue: 29.9, T: 50, Recency: 30}
	}
	cs[3].Frequency = 0 // excluded
	m, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	checkLimit(t, m, err, "every purchase is worth the same", 1)
	p := m.Params()
	if p.P != 1e10 || p.Q != 1e10 {
		t.Errorf("%v: want p and q held", m)
	}
	if pm := m.PopulationMean(); math.Abs(pm/29.9-1) > 1e-6 {
		t.Errorf("population mean %.10g, want 29.9", pm)
	}
	for _, c := range cs[:20] {
		if e := m.ConditionalExpectedValue(c); math.Abs(e/29.9-1) > 1e-6 {
			t.Errorf("%+v: E = %.10g, want 29.9", c, e)
		}
	}
}

// TestLimitSweep fits random logs, small and large, with amounts from
// 1e-6 to 1e9: one price, a few prices, log-normal and uniform means. Every
// fit ends within 2 s; a limit model's fit converges, and its predictions
// are finite and positive.
func TestLimitSweep(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	status := map[clv.FitStatus]int{}
	for trial := range 800 {
		n := 1 + rng.IntN(12)
		if trial%10 == 0 {
			n = 200 + rng.IntN(2000)
		}
		scale := math.Pow(10, float64(rng.IntN(16)-6))
		mode := rng.IntN(4)
		cs := make([]clv.Customer, n)
		for i := range cs {
			m := scale * (1 + rng.Float64())
			switch mode {
			case 0:
				m = scale
			case 1:
				m = scale * float64(1+rng.IntN(3))
			case 2:
				m = scale * math.Exp(3*rng.NormFloat64())
			}
			cs[i] = clv.Customer{Frequency: float64(1 + rng.IntN(6)), MonetaryValue: m, T: 10, Recency: 5}
		}
		start := time.Now()
		m, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
		if el := time.Since(start); el > 15*time.Second { // a guard against endless fits, not a speed measurement
			t.Errorf("trial %d (n=%d, mode %d, scale %g): %v", trial, n, mode, scale, el)
		}
		if m == nil {
			t.Fatalf("trial %d: no model: %v", trial, err)
		}
		status[m.FitInfo().Status]++
		if err != nil && strings.Contains(err.Error(), "limit model's fit") {
			t.Errorf("trial %d (n=%d, mode %d, scale %g): %v", trial, n, mode, scale, err)
		}
		if m.FitInfo().Status == clv.AtBoundary {
			for _, c := range cs[:1] {
				if e, pm := m.ConditionalExpectedValue(c), m.PopulationMean(); !(e > 0) || math.IsInf(e, 0) || !(pm > 0) {
					t.Errorf("trial %d: %v: E = %v, population mean %v", trial, m, e, pm)
				}
			}
		}
	}
	if status[clv.AtBoundary] < 400 || status[clv.Converged] < 50 {
		t.Errorf("statuses %v", status)
	}
	t.Logf("statuses %v", status)
}
