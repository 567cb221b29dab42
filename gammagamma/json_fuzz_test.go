package gammagamma_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// FuzzUnmarshalJSON: a model read from any JSON either fails with an
// error or predicts, for a few customers, a finite expected spend ≥ 0 —
// +Inf exactly where the mean does not exist (px + q ≤ 1) — and writes
// back JSON that reads to the same parameters.
func FuzzUnmarshalJSON(f *testing.F) {
	f.Add(`{"model":"gammagamma","params":{"p":6.25,"q":3.74,"gamma":15.44}}`)
	f.Add(`{"model":"gammagamma","params":{"p":6.25,"q":1e308,"gamma":15.44}}`)
	f.Add(`{"model":"gammagamma","params":{"p":1e-7,"q":1e-7,"gamma":1e7}}`)
	f.Add(`{"model":"gammagamma","params":{"p":1,"q":2,"gamma":3},"log_covariance":[[1,2,0],[2,1,0],[0,0,1]],"fit":{"status":"converged","n_params":3}}`)
	f.Fuzz(func(t *testing.T, in string) {
		var m gammagamma.Model
		if err := json.Unmarshal([]byte(in), &m); err != nil {
			return
		}
		p := m.Params()
		for _, c := range []clv.Customer{{}, {Frequency: 2, Recency: 30, T: 39, MonetaryValue: 22.35}, {Frequency: 100, Recency: 999, T: 1000, MonetaryValue: 1e4}} {
			e := m.ConditionalExpectedValue(c)
			if p.P*c.Frequency+p.Q <= 1 {
				if !math.IsInf(e, 1) {
					t.Fatalf("%+v %+v: %v, want +Inf", p, c, e)
				}
				continue
			}
			if !(e >= 0) || math.IsInf(e, 0) {
				t.Fatalf("%+v %+v: E[M] = %v", p, c, e)
			}
		}
		b, err := json.Marshal(&m)
		if err != nil {
			t.Fatalf("%+v: writing back: %v", p, err)
		}
		var back gammagamma.Model
		if err := json.Unmarshal(b, &back); err != nil || back.Params() != p {
			t.Fatalf("round trip of %s: %+v, %v", b, back.Params(), err)
		}
	})
}
