package model_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestLimitCovarianceJSON: a limit model's covariance covers its free
// parameters only, and the JSON field "free" says which: a round trip
// keeps the draws; "free" of the wrong length, out of order or out of
// range, or without a covariance, is refused naming the field.
func TestLimitCovarianceJSON(t *testing.T) {
	// Exponential lifetimes, mean 20 (s, β → ∞): s held at 1e6.
	truth := paretonbd.Params{R: 0.55, Alpha: 10.6, S: 1e9, Beta: 2e10}
	src := rand.NewPCG(4, 4)
	rng := rand.New(rand.NewPCG(4, 5))
	var cs []clv.Customer
	for range 3000 {
		T := 26 + 26*rng.Float64()
		times := truth.SimulatePurchases(src, T)
		c := clv.Customer{T: T, Frequency: float64(len(times))}
		if len(times) > 0 {
			c.Recency = times[len(times)-1]
		}
		cs = append(cs, c)
	}
	var m *paretonbd.Model
	for try := 0; ; try++ { // the first sample whose fit is at the limit
		m, _ = paretonbd.Fit(cs, paretonbd.FitOptions{})
		if m.FitInfo().Status == clv.AtBoundary || try == 5 {
			break
		}
		for i := range cs {
			times := truth.SimulatePurchases(src, cs[i].T)
			cs[i].Frequency, cs[i].Recency = float64(len(times)), 0
			if len(times) > 0 {
				cs[i].Recency = times[len(times)-1]
			}
		}
	}
	if m.FitInfo().Status != clv.AtBoundary {
		t.Fatalf("%v: no limit fit in 6 samples", m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"free":[0,1,3]`) {
		t.Fatalf("no free parameters in %s", b)
	}
	var back paretonbd.Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	d1, err1 := m.SampleParams(rand.NewPCG(1, 2), 5)
	d2, err2 := back.SampleParams(rand.NewPCG(1, 2), 5)
	if err1 != nil || err2 != nil || d1[4] != d2[4] || d1[4].S != 1e6 {
		t.Errorf("draws %v (%v), after the round trip %v (%v)", d1, err1, d2, err2)
	}
	for _, bad := range []string{`"free":[0,1]`, `"free":[0,3,1]`, `"free":[0,1,4]`, `"free":[-1,1,3]`} {
		js := strings.Replace(string(b), `"free":[0,1,3]`, bad, 1)
		if err := json.Unmarshal([]byte(js), &back); err == nil || !strings.Contains(err.Error(), "free") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	// Without a covariance, "free" has nothing to index.
	g, _ := gammagamma.New(gammagamma.Params{P: 1, Q: 2, Gamma: 3})
	gb, _ := json.Marshal(g)
	js := strings.Replace(string(gb), `"params"`, `"free":[0],"params"`, 1)
	var gm gammagamma.Model
	if err := json.Unmarshal([]byte(js), &gm); err == nil || !strings.Contains(err.Error(), "free") {
		t.Errorf("free without a covariance: %v", err)
	}
}
