package gammagamma_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/reftest"
)

const (
	predTol  = 1e-6 // same formula, same parameters
	paramTol = 1e-4 // fitted parameters, two optimizers
	seTol    = 0.01 // standard errors, numerical Hessians
)

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

// TestFitCDNOW fits the 946 CDNOW customers with repeat purchases: Fader,
// Hardie & Lee (2005) report p=6.25, q=3.74, γ=15.44.
func TestFitCDNOW(t *testing.T) {
	ref := reftest.Load(t)
	cs := reftest.CDNOW(t)
	m, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	want := ref.GammaGamma.Params
	for _, v := range []struct {
		name      string
		got, want float64
		paper     float64
	}{{"p", p.P, want["p"], 6.25}, {"q", p.Q, want["q"], 3.74}, {"gamma", p.Gamma, want["v"], 15.44}} {
		if e := relErr(v.got, v.want); e > paramTol {
			t.Errorf("%s = %.7g, reference %.7g (rel. error %.2g)", v.name, v.got, v.want, e)
		}
		// The summary file rounds zbar to cents, which moves γ to 15.4477
		// (lifetimes: 15.44775); from the raw log, γ = 15.4435, the paper's
		// 15.44 (examples/cdnow tests that). Hence a 0.01 window here.
		if d := v.got - v.paper; d < -0.005 || d >= 0.01 {
			t.Errorf("%s = %.4f, paper %.2f", v.name, v.got, v.paper)
		}
	}
	if math.Abs(m.LogLikelihood()-ref.GammaGamma.LogLikelihood) > 0.01 {
		t.Errorf("LL = %.6f, reference %.6f", m.LogLikelihood(), ref.GammaGamma.LogLikelihood)
	}
	if m.FitInfo().Customers != ref.GammaGamma.Customers || m.FitInfo().Excluded != len(cs)-946 {
		t.Errorf("customers %v, excluded %d; want %d, %d", m.FitInfo().Customers, m.FitInfo().Excluded, ref.GammaGamma.Customers, len(cs)-946)
	}
	se, ok := m.StdErrors()
	if !ok {
		t.Fatal("no standard errors")
	}
	for _, v := range [][2]float64{{se.P, ref.GammaGamma.StdErrors["p"]}, {se.Q, ref.GammaGamma.StdErrors["q"]}, {se.Gamma, ref.GammaGamma.StdErrors["v"]}} {
		if e := relErr(v[0], v[1]); e > seTol {
			t.Errorf("std error %.6g, reference %.6g", v[0], v[1])
		}
	}
	ind, err := gammagamma.FrequencyValueCorrelation(cs)
	if err != nil || !ind.Independent || math.Abs(ind.Correlation-0.11) > 0.02 || ind.Customers != 946 {
		t.Errorf("independence check: %+v, %v (the paper reports 0.11)", ind, err)
	}
	t.Logf("%v %+v; %s", m, m.FitInfo(), ind.Verdict)
}

func TestConditionalExpectedValueCDNOW(t *testing.T) {
	ref := reftest.Load(t)
	p := ref.GammaGamma.Params
	m, err := gammagamma.New(gammagamma.Params{P: p["p"], Q: p["q"], Gamma: p["v"]})
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range ref.GammaGamma.Predictions {
		c := clv.Customer{Frequency: pr.X, Recency: pr.Tx, T: pr.T, MonetaryValue: pr.Zbar}
		if got := m.ConditionalExpectedValue(c); relErr(got, pr.Profit) > predTol {
			t.Errorf("customer %d: %.10g, reference %.10g", pr.ID, got, pr.Profit)
		}
	}
	if got, want := m.ConditionalExpectedValue(clv.Customer{T: 10}), p["p"]*p["v"]/(p["q"]-1); relErr(got, want) > 1e-15 || got != m.PopulationMean() {
		t.Errorf("x = 0: %v, want the population mean %v", got, want)
	}
}

func TestParameterRecovery(t *testing.T) {
	truth := gammagamma.Params{P: 6, Q: 4, Gamma: 15}
	cs := simulateSpend(truth, 50000, 10, 1)
	m, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	if relErr(p.P, truth.P) > 0.05 || relErr(p.Q, truth.Q) > 0.05 || relErr(p.Gamma, truth.Gamma) > 0.05 {
		t.Errorf("fitted %v, truth %+v", m, truth)
	}
}

func TestErrors(t *testing.T) {
	for name, cs := range map[string][]clv.Customer{
		"none":           nil,
		"no repeat":      {{T: 1}},
		"zero value":     {{Frequency: 2, Recency: 1, T: 2, MonetaryValue: 0}},
		"NaN value":      {{Frequency: 2, Recency: 1, T: 2, MonetaryValue: math.NaN()}},
		"half frequency": {{Frequency: 1.5, Recency: 1, T: 2, MonetaryValue: 3}},
	} {
		if _, err := gammagamma.Fit(cs, gammagamma.FitOptions{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	withZero := append(reftest.CDNOW(t), clv.Customer{ID: "free", Frequency: 2, Recency: 1, T: 2, MonetaryValue: 0})
	if _, err := gammagamma.Fit(withZero, gammagamma.FitOptions{}); err == nil || !strings.Contains(err.Error(), `"free"`) {
		t.Errorf("zero value: %v", err)
	}
	if m, err := gammagamma.Fit(withZero, gammagamma.FitOptions{SkipNonPositive: true}); err != nil || m.FitInfo().Skipped != 1 || m.FitInfo().Customers != 946 {
		t.Errorf("SkipNonPositive: %v, %+v", err, m.FitInfo())
	}
	if _, err := gammagamma.New(gammagamma.Params{P: 1, Q: 0, Gamma: 1}); !errors.Is(err, gammagamma.ErrInvalidParams) {
		t.Errorf("q = 0: %v", err)
	}
	m, _ := gammagamma.New(gammagamma.Params{P: 1, Q: 0.5, Gamma: 1})
	if v := m.ConditionalExpectedValue(clv.Customer{}); !math.IsInf(v, 1) {
		t.Errorf("q < 1, x = 0: %v, want +Inf", v)
	}
	if _, err := m.ConditionalExpectedValueAll([]clv.Customer{{Frequency: -1}}); err == nil {
		t.Error("invalid customer accepted")
	}
	if _, err := gammagamma.FrequencyValueCorrelation([]clv.Customer{{Frequency: 1, MonetaryValue: 2}}); err == nil {
		t.Error("correlation of one customer")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	cs := reftest.CDNOW(t)
	m, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(m)
	var back gammagamma.Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Params() != m.Params() || back.LogLikelihood() != m.LogLikelihood() || back.FitInfo() != m.FitInfo() {
		t.Errorf("round trip: %s", b)
	}
}

// TestWarmStartAgrees: above 50,000 customers Fit starts from a subsample;
// the result must agree with a cold fit (a given Start disables the warm
// start) to the optimizer's tolerance.
func TestWarmStartAgrees(t *testing.T) {
	cs := simulateSpend(gammagamma.Params{P: 6, Q: 4, Gamma: 15}, 60000, 8, 5)
	warm, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cold, err := gammagamma.Fit(cs, gammagamma.FitOptions{Start: &gammagamma.Params{P: 1, Q: 1, Gamma: 1}})
	if err != nil {
		t.Fatal(err)
	}
	w, c := warm.Params(), cold.Params()
	if relErr(w.P, c.P) > 1e-5 || relErr(w.Q, c.Q) > 1e-5 || relErr(w.Gamma, c.Gamma) > 1e-5 || math.Abs(warm.LogLikelihood()-cold.LogLikelihood()) > 1e-6 {
		t.Errorf("warm %v, cold %v", warm, cold)
	}
}

// simulateSpend draws n customers with 1..maxX repeat purchases from p.
func simulateSpend(p gammagamma.Params, n, maxX int, seed uint64) []clv.Customer {
	src := rand.NewPCG(seed, seed+1)
	rng := rand.New(rand.NewPCG(seed+2, seed+3))
	cs := make([]clv.Customer, n)
	for i := range cs {
		x := 1 + rng.IntN(maxX)
		sum := 0.0
		for _, y := range p.SimulateValues(src, x) {
			sum += y
		}
		cs[i] = clv.Customer{Frequency: float64(x), MonetaryValue: sum / float64(x), T: 1, Recency: 1}
	}
	return cs
}

// TestInfiniteMean: heavy-tailed amounts that make the fit's q ≤ 1 are an
// error that says why, with the model for inspection.
func TestInfiniteMean(t *testing.T) {
	// Spend from the model itself with q = 0.8: no population mean.
	truth := gammagamma.Params{P: 6, Q: 0.8, Gamma: 15}
	src := rand.NewPCG(4, 4)
	var cs []clv.Customer
	for i := range 5000 {
		x := 1 + i%4
		v := truth.SimulateValues(src, x)
		mean := 0.0
		for _, z := range v {
			mean += z / float64(x)
		}
		cs = append(cs, clv.Customer{Frequency: float64(x), Recency: 1, T: 2, MonetaryValue: mean})
	}
	m, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if !errors.Is(err, gammagamma.ErrInfiniteMean) || m == nil || m.Params().Q > 1 {
		t.Errorf("err %v, model %v", err, m)
	}
}

// TestOrderIndependent: the fit sorts its data into a canonical order, so
// customers in any order (one slice, or merged from shards) give the same
// bits.
func TestOrderIndependent(t *testing.T) {
	cs := simulateSpend(gammagamma.Params{P: 6, Q: 4, Gamma: 15}, 30000, 12, 9)
	// Zero-repeat customers mixed in, and frequencies first met out of order.
	for i := 0; i < len(cs); i += 7 {
		cs[i].Frequency, cs[i].MonetaryValue = 0, 0
	}
	a, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	shuffled := append([]clv.Customer(nil), cs...)
	rand.New(rand.NewPCG(3, 3)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b, err := gammagamma.Fit(shuffled, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Params() != b.Params() || a.LogLikelihood() != b.LogLikelihood() {
		t.Errorf("in order %v, shuffled %v", a, b)
	}
}
