package paretonbd_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// FuzzUnmarshalJSON: a model read from any JSON either fails with an
// error or predicts finite numbers in range for a few customers
// (P(alive) in [0, 1], expectations ≥ 0), and writes back JSON that reads
// to the same parameters.
func FuzzUnmarshalJSON(f *testing.F) {
	f.Add(`{"model":"paretonbd","params":{"r":0.55,"alpha":10.58,"s":0.61,"beta":11.67}}`)
	f.Add(`{"model":"paretonbd","params":{"r":1e308,"alpha":10.58,"s":0.61,"beta":11.67}}`)
	f.Add(`{"model":"paretonbd","params":{"r":1e-7,"alpha":1e7,"s":1e-7,"beta":1e-7}}`)
	f.Add(`{"model":"paretonbd","params":{"r":1,"alpha":1,"s":1,"beta":1},"log_covariance":[[1,0],[0,-1]]}`)
	f.Add(`{"model":"paretonbd","params":{"r":1,"alpha":1,"s":1,"beta":1},"log_covariance":[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]],"fit":{"status":"converged","n_params":4}}`)
	f.Fuzz(func(t *testing.T, in string) {
		var m paretonbd.Model
		if err := json.Unmarshal([]byte(in), &m); err != nil {
			return
		}
		p := m.Params()
		for _, c := range []clv.Customer{{}, {T: 39}, {Frequency: 2, Recency: 30, T: 39}, {Frequency: 100, Recency: 999, T: 1000}} {
			pa, e := m.ProbabilityAlive(c), m.ConditionalExpectedPurchases(c, 52)
			if !(pa >= 0 && pa <= 1) || !(e >= 0) || math.IsInf(e, 0) {
				t.Fatalf("%+v %+v: P(alive) = %v, E = %v", p, c, pa, e)
			}
		}
		if e := m.ExpectedPurchases(52); !(e >= 0) || math.IsInf(e, 0) {
			t.Fatalf("%+v: E[X(52)] = %v", p, e)
		}
		b, err := json.Marshal(&m)
		if err != nil {
			t.Fatalf("%+v: writing back: %v", p, err)
		}
		var back paretonbd.Model
		if err := json.Unmarshal(b, &back); err != nil || back.Params() != p {
			t.Fatalf("round trip of %s: %+v, %v", b, back.Params(), err)
		}
	})
}
