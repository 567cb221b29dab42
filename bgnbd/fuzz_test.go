package bgnbd_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// FuzzPredictions: for any valid parameters and customer, the predictions
// are finite, probabilities lie in [0, 1] and expectations are ≥ 0; for an
// invalid customer they are NaN. Nothing panics.
func FuzzPredictions(f *testing.F) {
	f.Add(0.24, 4.41, 0.79, 2.43, 2.0, 30.43, 38.86, 39.0)
	f.Add(2.0, 30.0, 1.0, 3.0, 10000.0, 9999.0, 10000.0, 10000.0)
	f.Add(0.5, 1.0, 3.0, 0.6, 0.0, 0.0, 0.0, 1.0)
	f.Add(1e-3, 1e3, 50.0, 1e-3, 7.0, 1.0, 100.0, 0.5)
	f.Fuzz(func(t *testing.T, r, alpha, a, b, x, tx, T, horizon float64) {
		m, err := bgnbd.New(bgnbd.Params{R: r, Alpha: alpha, A: a, B: b})
		if err != nil {
			return
		}
		// The documented range: r ≤ 50, a and b in [1e-3, 100], α ≥ 1e-2,
		// x, T, t ≤ 10^4 and t/α ≤ 10^5. Beyond it the series may need more
		// than maxTerms terms (NaN, never a wrong number).
		if r < 1e-3 || r > 50 || a < 1e-3 || a > 100 || b < 1e-3 || b > 100 || alpha < 1e-2 || alpha > 1e4 {
			return
		}
		if math.Abs(x) > 1e4 || math.Abs(T) > 1e4 || math.Abs(horizon) > 1e4 || horizon/alpha > 1e5 {
			return
		}
		x = math.Round(x)
		c := clv.Customer{Frequency: x, Recency: tx, T: T}
		pa := m.ProbabilityAlive(c)
		e := m.ConditionalExpectedPurchases(c, horizon)
		if c.Validate() != nil || horizon < 0 || math.IsNaN(horizon) {
			if !math.IsNaN(e) {
				t.Fatalf("invalid input %+v t=%v: E = %v, want NaN", c, horizon, e)
			}
			return
		}
		// The documented corner where no series is accurate: NaN, not a
		// wrong number.
		if math.IsNaN(e) && r > 10*(a+b) && a+b <= 1 {
			return
		}
		if !(pa >= 0 && pa <= 1) || !(e >= 0) || math.IsInf(e, 0) {
			t.Fatalf("%+v %+v t=%v: P(alive) %v, E %v", m.Params(), c, horizon, pa, e)
		}
		if p0 := m.ProbabilityOfPurchases(c, 0, horizon); !(p0 >= 0 && p0 <= 1+1e-12) {
			t.Fatalf("%+v %+v t=%v: P(Y=0) = %v", m.Params(), c, horizon, p0)
		}
		// MBG/NBD with the same parameters: P(alive) < 1 only where
		// dropout at time 0 makes it so, the same bounds.
		mbg, _ := bgnbd.NewVariant(bgnbd.MBGNBD, m.Params())
		pa, e = mbg.ProbabilityAlive(c), mbg.ConditionalExpectedPurchases(c, horizon)
		if math.IsNaN(e) && r > 10*(a+b+1) && a+b+1 <= 1 {
			return
		}
		if !(pa >= 0 && pa <= 1) || !(e >= 0) || math.IsInf(e, 0) {
			t.Fatalf("MBG/NBD %+v %+v t=%v: P(alive) %v, E %v", m.Params(), c, horizon, pa, e)
		}
	})
}

// FuzzUnmarshalJSON: a model read from any JSON either fails with an
// error or holds parameters in the bounds of Params.JSONBounds, predicts
// finite numbers in range for a few customers (P(alive) in [0, 1],
// expectations ≥ 0) and writes back JSON that reads to the same
// parameters.
func FuzzUnmarshalJSON(f *testing.F) {
	f.Add(`{"model":"bgnbd","params":{"r":0.24,"alpha":4.41,"a":0.79,"b":2.43}}`)
	f.Add(`{"model":"mbgnbd","params":{"r":0.24,"alpha":4.41,"a":0.79,"b":2.43}}`)
	f.Add(`{"model":"bgnbd","params":{"r":-1,"alpha":4.41,"a":0.79,"b":2.43}}`)
	f.Add(`{"model":"bgnbd","params":{"r":1e400}}`)
	f.Add(`{"model":"bgnbd","params":{"r":1e308,"alpha":4.41,"a":0.79,"b":2.43}}`)
	f.Add(`{"model":"bgnbd","params":{"r":50,"alpha":0.01,"a":0.001,"b":0.001}}`)
	f.Add(`{"model":"mbgnbd","params":{"r":50,"alpha":0.01,"a":0.001,"b":1000}}`)
	f.Add(`{"model":"bgnbd","params":{"r":0.5,"alpha":4,"a":1e8,"b":1e12}}`)
	f.Add(`{"model":"mbgnbd","params":{"r":1e8,"alpha":1e12,"a":1e12,"b":0.001}}`)
	f.Add(`{"model":"bgnbd","params":{"r":1,"alpha":1,"a":1,"b":1},"std_errors":{"r":0.1},"log_covariance":[[1]]}`)
	f.Add(`{"model":"bgnbd","params":{"r":1,"alpha":1,"a":1,"b":1},"log_covariance":[[1,2],[2,1]]}`)
	f.Add(`{"model":"bgnbd","params":{"r":1,"alpha":1,"a":1,"b":1},"log_covariance":[[1,0],[0,1]],"fit":{"status":"converged","n_params":4}}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, in string) {
		var m bgnbd.Model
		if err := json.Unmarshal([]byte(in), &m); err != nil {
			return
		}
		p := m.Params()
		if err := p.Validate(); err != nil {
			t.Fatalf("read invalid parameters %+v from %s", p, in)
		}
		for _, c := range []clv.Customer{{}, {T: 39}, {Frequency: 2, Recency: 30, T: 39}, {Frequency: 30, Recency: 38, T: 39}, {Frequency: 100, Recency: 999, T: 1000}} {
			pa, e := m.ProbabilityAlive(c), m.ConditionalExpectedPurchases(c, 52)
			if !(pa >= 0 && pa <= 1) || !(e >= 0) || math.IsInf(e, 0) {
				t.Fatalf("%v %+v %+v: P(alive) = %v, E = %v", m.Variant(), p, c, pa, e)
			}
		}
		if e := m.ExpectedPurchases(52); !(e >= 0) || math.IsInf(e, 0) {
			t.Fatalf("%v %+v: E[X(52)] = %v", m.Variant(), p, e)
		}
		b, err := json.Marshal(&m)
		if err != nil {
			t.Fatalf("%+v: writing back: %v", p, err)
		}
		var back bgnbd.Model
		if err := json.Unmarshal(b, &back); err != nil || back.Params() != p {
			t.Fatalf("round trip of %s: %+v, %v", b, back.Params(), err)
		}
	})
}

// FuzzLongHorizon: at any horizon up to 10¹² times α+T, for parameters
// from 0.01 to 10³ and frequencies up to 10⁴, the conditional expectation
// of both variants is finite, ≥ 0 and does not fall as t doubles (within
// its 1e-10 accuracy); NaN only in the documented corner (r above 50 with
// a+b ≤ 1).
func FuzzLongHorizon(f *testing.F) {
	f.Add(0.24, 4.41, 0.79, 2.43, 2.0, 30.43, 38.86, 1e6)
	f.Add(2.0, 30.0, 1.0, 3.0, 10000.0, 9999.0, 10000.0, 1e12)
	f.Add(0.5, 1.0, 1.5, 0.6, 0.0, 0.0, 0.0, 1e9)
	f.Add(0.05, 0.01, 1000.0, 1000.0, 7.0, 1.0, 100.0, 3e4)
	f.Fuzz(func(t *testing.T, r, alpha, a, b, x, tx, T, k float64) {
		for _, v := range []float64{r, alpha, a, b} {
			if !(v >= 0.01 && v <= 1000) {
				return
			}
		}
		x = math.Round(x)
		c := clv.Customer{Frequency: x, Recency: tx, T: T}
		if c.Validate() != nil || x > 1e4 || T > 1e4 || !(k >= 0 && k <= 1e12) {
			return
		}
		h := k * (alpha + T)
		for _, variant := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
			m, err := bgnbd.NewVariant(variant, bgnbd.Params{R: r, Alpha: alpha, A: a, B: b})
			if err != nil {
				t.Fatal(err)
			}
			e1, e2 := m.ConditionalExpectedPurchases(c, h), m.ConditionalExpectedPurchases(c, 2*h)
			if (math.IsNaN(e1) || math.IsNaN(e2)) && r > 50 && a+b <= 1 {
				continue
			}
			if !(e1 >= 0) || math.IsInf(e1, 0) || !(e2 >= e1*(1-1e-9)) || math.IsInf(e2, 0) {
				t.Fatalf("%v %+v %+v t=%v: E(t) = %v, E(2t) = %v", variant, m.Params(), c, h, e1, e2)
			}
		}
	})
}

// TestUnmarshalJSONNamesField: a decoding error names the JSON field at
// fault and why.
func TestUnmarshalJSONNamesField(t *testing.T) {
	const ok = `"params":{"r":1,"alpha":1,"a":1,"b":1}`
	for _, tc := range []struct{ in, want string }{
		{`{"model":"bgnbd","params":{"r":1e308,"alpha":4.41,"a":0.79,"b":2.43}}`, "params.r = 1e+308"},
		{`{"model":"bgnbd","params":{"r":0.2,"alpha":4.41,"a":0.79}}`, "params.b = 0 (is it missing?)"},
		{`{"model":"bgnbd","params":{"r":0.2,"alpha":4.41,"a":2e12,"b":1}}`, "params.a = 2e+12"},
		{`{"model":"bgnbd",` + ok + `,"log_covariance":[[0,0],[]]}`, "log_covariance: row 1 has 0 values, want 2"},
		{`{"model":"bgnbd","params":{"r":40,"alpha":4.41,"a":0.5,"b":0.3}}`, "params.r = 40 > 10(a+b)"},
		{`{"model":"bgnbd",` + ok + `,"log_covariance":[[1,2],[2,1]]}`, "log_covariance: not positive semi-definite"},
		{`{"model":"bgnbd",` + ok + `,"log_covariance":[[1,0],[0,1]],"fit":{"status":"converged","n_params":4}}`, "log_covariance: 2 rows, want 4 (fit.n_params)"},
		{`{"model":"bgnbd",` + ok + `,"log_covariance":[[1,0],[1,1]]}`, "log_covariance: [0][1] = 0"},
		{`{"model":"bgnbd",` + ok + `,"log_covariance":[[1,0,0,0,0],[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0],[0,0,0,0,1]]}`, "log_covariance: 5 rows, want 1 to 4"},
		{`{"model":"bgnbd",` + ok + `,"fit":{"status":"converged","n_params":9}}`, "fit.n_params = 9"},
	} {
		var m bgnbd.Model
		err := json.Unmarshal([]byte(tc.in), &m)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.in, err, tc.want)
		}
	}
}
