package paretonbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestDynamicCurve: ConditionalExpectedPurchasesAt is
// ConditionalExpectedPurchases at each horizon, bit for bit, NaN for an
// invalid horizon, customer, path or model.
func TestDynamicCurve(t *testing.T) {
	p := paretonbd.CovParams{Params: paretonbd.Params{R: 1.2, Alpha: 8, S: 1.5, Beta: 60}, Names: []string{"season"},
		Trans: []float64{math.Ln2}, Life: []float64{-math.Ln2}}
	m, err := paretonbd.NewDynamic(p)
	if err != nil {
		t.Fatal(err)
	}
	path := seasonPath(200)
	ts := []float64{0, 1, 4.5, 13, 52, 130, math.Inf(1), -1}
	out := make([]float64, len(ts))
	for _, c := range []clv.Customer{{Frequency: 0, Recency: 0, T: 30}, {Frequency: 3, Recency: 20, T: 30}, {Frequency: 7, Recency: 77.5, T: 80}} {
		m.ConditionalExpectedPurchasesAt(c, path, ts, out)
		for k, h := range ts {
			want := m.ConditionalExpectedPurchases(c, path, h)
			if math.Float64bits(out[k]) != math.Float64bits(want) && !(math.IsNaN(out[k]) && math.IsNaN(want)) {
				t.Errorf("%+v at %v: %v, ConditionalExpectedPurchases %v", c, h, out[k], want)
			}
		}
		if !(out[0] == 0 && out[1] > 0 && out[5] > out[4] && math.IsNaN(out[6]) && math.IsNaN(out[7])) {
			t.Errorf("%+v: %v", c, out)
		}
	}
	var zero *paretonbd.DynModel
	for _, f := range []func(){
		func() { zero.ConditionalExpectedPurchasesAt(clv.Customer{T: 1}, path, ts, out) },
		func() { m.ConditionalExpectedPurchasesAt(clv.Customer{Frequency: 1, Recency: 2, T: 1}, path, ts, out) },
		func() { m.ConditionalExpectedPurchasesAt(clv.Customer{T: 1}, clv.CovariatePath{}, ts, out) },
	} {
		f()
		for k, v := range out {
			if !math.IsNaN(v) {
				t.Errorf("invalid input: out[%d] = %v, want NaN", k, v)
			}
		}
	}
	m.ConditionalExpectedPurchasesAt(clv.Customer{T: 1}, path, ts, out[:2]) // a short out: no panic
}
