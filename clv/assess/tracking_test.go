package assess_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestExpectedCumulativeRepeats: the model's tracking curve matches the
// per-customer sum of E[X(τ − s_i)], and on a simulated population the
// actual cumulative repeat purchases stay within a few standard errors of
// it.
func TestExpectedCumulativeRepeats(t *testing.T) {
	p := paretonbd.Params{R: 1, Alpha: 8, S: 0.8, Beta: 12}
	m, _ := paretonbd.New(p)
	rng := rand.New(rand.NewPCG(1, 2))
	src := rand.NewPCG(3, 4)
	const n = 20000
	var cs []clv.Customer
	var repeats []float64 // times of repeat purchases since the earliest start
	for range n {
		start := float64(rng.IntN(20)) // cohorts in the first 20 weeks
		T := 60 - start
		times := p.SimulatePurchases(src, T)
		c := clv.Customer{T: T, Frequency: float64(len(times))}
		if len(times) > 0 {
			c.Recency = times[len(times)-1]
		}
		for _, tm := range times {
			repeats = append(repeats, start+tm)
		}
		cs = append(cs, c)
	}
	at := []float64{0, 5, 20, 40, 60}
	got, err := assess.ExpectedCumulativeRepeats(m, cs, at)
	if err != nil {
		t.Fatal(err)
	}
	for k, tau := range at {
		want, actual := 0.0, 0.0
		for _, c := range cs {
			if s := 60 - c.T; tau > s {
				want += m.ExpectedPurchases(tau - s)
			}
		}
		for _, r := range repeats {
			if r <= tau {
				actual++
			}
		}
		if math.Abs(got[k]-want) > 1e-9*math.Max(want, 1) {
			t.Errorf("τ=%v: %v, want %v", tau, got[k], want)
		}
		// The total is a sum of many customers' counts: its sd is well
		// under 3·sqrt(mean) times the overdispersion (a few).
		if math.Abs(actual-want) > 10*math.Sqrt(want+1) {
			t.Errorf("τ=%v: actual %v, expected %v", tau, actual, want)
		}
	}
	if _, err := assess.ExpectedCumulativeRepeats(m, cs, []float64{math.NaN()}); err == nil {
		t.Error("NaN time accepted")
	}
	// Continuous first-purchase times are binned: close to the exact sum.
	for i := range cs {
		cs[i].T -= rng.Float64() * 0.5
		if cs[i].Recency > cs[i].T {
			cs[i].Recency = cs[i].T
		}
	}
	binned, _ := assess.ExpectedCumulativeRepeats(m, cs, []float64{40})
	exact := 0.0
	maxT := 0.0
	for _, c := range cs {
		maxT = math.Max(maxT, c.T)
	}
	for _, c := range cs {
		if s := maxT - c.T; 40 > s {
			exact += m.ExpectedPurchases(40 - s)
		}
	}
	if math.Abs(binned[0]-exact) > 1e-3*exact {
		t.Errorf("binned %v, exact %v", binned[0], exact)
	}
}

// TestExpectedCumulativeRepeatsAll: the curves of several models at once
// are each model's own curve; a nil model is an error.
func TestExpectedCumulativeRepeatsAll(t *testing.T) {
	var models []clv.NewCustomerModel
	for _, r := range []float64{0.2, 0.25, 0.3} {
		m, err := bgnbd.New(bgnbd.Params{R: r, Alpha: 4, A: 0.8, B: 2.5})
		if err != nil {
			t.Fatal(err)
		}
		models = append(models, m)
	}
	cs := []clv.Customer{{T: 30}, {Frequency: 2, Recency: 10, T: 20}, {T: 20}, {Frequency: 1, Recency: 3, T: 5}}
	at := []float64{0, 5, 12.5, 30, 40}
	all, err := assess.ExpectedCumulativeRepeatsAll(models, cs, at)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range models {
		one, err := assess.ExpectedCumulativeRepeats(m, cs, at)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(one, all[i]) {
			t.Errorf("model %d: %v, alone %v", i, all[i], one)
		}
	}
	if all[0][4] >= all[2][4] {
		t.Errorf("a larger r should expect more: %v", all)
	}
	if _, err := assess.ExpectedCumulativeRepeatsAll([]clv.NewCustomerModel{models[0], nil}, cs, at); err == nil {
		t.Error("nil model accepted")
	}
}
