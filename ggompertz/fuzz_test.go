package ggompertz_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
)

// FuzzPredict checks that any valid parameters within the JSON bounds and
// any valid customer give P(alive) in [0, 1] and finite non-negative
// expected purchases and P(X(t) = n) in [0, 1], in bounded time (the quadrature's pieces are
// capped).
func FuzzPredict(f *testing.F) {
	f.Add(0.55, 10.6, 2e-7, 0.6, 1e-5, 4.0, 30.0, 52.0, 26.0)
	f.Add(2.0, 0.5, 0.5, 1.0, 10.0, 100.0, 7.0, 8.0, 5.0)
	f.Add(1e-7, 1e12, 1e3, 1e7, 1e-20, 1e6, 1e5, 1e5, 1e5)
	f.Fuzz(func(t *testing.T, r, alpha, b, s, beta, x, tx, T, h float64) {
		p := ggompertz.Params{R: r, Alpha: alpha, B: b, S: s, Beta: beta}
		for _, n := range []string{"r", "alpha", "b", "s", "beta"} {
			lo, hi := p.JSONBounds(n)
			v := map[string]float64{"r": r, "alpha": alpha, "b": b, "s": s, "beta": beta}[n]
			if !(v >= lo && v <= hi) {
				return
			}
		}
		x = math.Floor(math.Abs(x))
		c := clv.Customer{Frequency: x, Recency: tx, T: T}
		if c.Validate() != nil || x > 1e6 || T > 1e6 {
			return
		}
		m, err := ggompertz.New(p)
		if err != nil {
			return
		}
		pa := m.ProbabilityAlive(c)
		if !(pa >= 0 && pa <= 1) {
			t.Fatalf("%+v %+v: P(alive) = %v", p, c, pa)
		}
		if h >= 0 && h <= 1e6 {
			if e := m.ConditionalExpectedPurchases(c, h); !(e >= 0) || math.IsInf(e, 0) {
				t.Fatalf("%+v %+v: CET(%v) = %v", p, c, h, e)
			}
			if v := m.ProbabilityOfPurchasesUnconditional(int(math.Min(x, 1e4)), h); !(v >= 0 && v <= 1) {
				t.Fatalf("%+v: P(X(%v) = %v) = %v", p, h, x, v)
			}
		}
	})
}

// TestJSONRoundTrip encodes and decodes a fitted limit model and a model
// built by New, predictions unchanged.
func TestJSONRoundTrip(t *testing.T) {
	truth := ggompertz.Params{R: 2, Alpha: 0.5, B: 0.5, S: 1, Beta: 10}
	m, err := ggompertz.New(truth)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back ggompertz.Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	c := clv.Customer{Frequency: 3, Recency: 2, T: 5}
	if back.Params() != truth || back.ProbabilityAlive(c) != m.ProbabilityAlive(c) {
		t.Errorf("round trip: %v vs %v", back.Params(), truth)
	}
	if err := json.Unmarshal([]byte(`{"model":"ggompertz","params":{"r":1,"alpha":1,"b":0,"s":1,"beta":1}}`), &back); err == nil {
		t.Error("b = 0 accepted")
	}
	var zero ggompertz.Model
	if !math.IsNaN(zero.ProbabilityAlive(c)) {
		t.Error("zero Model predicts")
	}
}
