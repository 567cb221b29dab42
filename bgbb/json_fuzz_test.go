package bgbb_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgbb"
)

// FuzzUnmarshalJSON: a model read from any JSON either fails with an
// error or predicts finite numbers in range for a few histories
// (P(alive) in [0, 1], expectations and DERT ≥ 0), and writes back JSON
// that reads to the same parameters.
func FuzzUnmarshalJSON(f *testing.F) {
	f.Add(`{"model":"bgbb","params":{"alpha":1.2,"beta":0.75,"gamma":0.66,"delta":2.78}}`)
	f.Add(`{"model":"bgbb","params":{"alpha":1e308,"beta":0.75,"gamma":0.66,"delta":2.78}}`)
	f.Add(`{"model":"bgbb","params":{"alpha":1e-7,"beta":1e7,"gamma":1e-7,"delta":1e-7}}`)
	f.Add(`{"model":"bgbb","params":{"alpha":1,"beta":1,"gamma":1,"delta":1},"log_covariance":[[1,0],[0,1]],"fit":{"status":"converged","n_params":3}}`)
	f.Fuzz(func(t *testing.T, in string) {
		var m bgbb.Model
		if err := json.Unmarshal([]byte(in), &m); err != nil {
			return
		}
		p := m.Params()
		for _, r := range []bgbb.Row{{N: 6, Count: 1}, {X: 3, Recency: 5, N: 6, Count: 1}, {X: 6, Recency: 6, N: 6, Count: 1}, {X: 1, Recency: 1, N: 20, Count: 1}} {
			pa, e, d := m.ProbabilityAlive(r, 1), m.ConditionalExpectedTransactions(r, 5), m.DERT(r, 0.1)
			if !(pa >= 0 && pa <= 1) || !(e >= 0) || math.IsInf(e, 0) || !(d >= 0) || math.IsInf(d, 0) {
				t.Fatalf("%+v %+v: P(alive) = %v, E = %v, DERT = %v", p, r, pa, e, d)
			}
		}
		b, err := json.Marshal(&m)
		if err != nil {
			t.Fatalf("%+v: writing back: %v", p, err)
		}
		var back bgbb.Model
		if err := json.Unmarshal(b, &back); err != nil || back.Params() != p {
			t.Fatalf("round trip of %s: %+v, %v", b, back.Params(), err)
		}
	})
}
