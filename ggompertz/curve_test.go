package ggompertz_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
)

// TestConditionalExpectedPurchasesAt: the curve is
// ConditionalExpectedPurchases at every horizon, to 1e-13 relative (the
// survival integrated along the horizons, not from T to each), exactly 0
// at t = 0, NaN where that is (a negative horizon, an invalid customer, a
// zero Model).
func TestConditionalExpectedPurchasesAt(t *testing.T) {
	m, err := ggompertz.New(ggompertz.Params{R: 2, Alpha: 0.5, B: 0.5, S: 1, Beta: 10})
	if err != nil {
		t.Fatal(err)
	}
	ts := []float64{0, 0.5, 4, 1, 52, -1}
	out := make([]float64, len(ts))
	for _, c := range []clv.Customer{{T: 3}, {Frequency: 4, Recency: 2.5, T: 6}, {Frequency: 30, Recency: 7.9, T: 8}} {
		m.ConditionalExpectedPurchasesAt(c, ts, out)
		for i, h := range ts {
			if w := m.ConditionalExpectedPurchases(c, h); !(math.Abs(out[i]-w) <= 1e-13*w) && !(math.IsNaN(w) && math.IsNaN(out[i])) {
				t.Errorf("%+v, t = %v: %v, ConditionalExpectedPurchases %v", c, h, out[i], w)
			}
		}
		if out[0] != 0 || !math.IsNaN(out[5]) || !(out[4] > out[2]) {
			t.Errorf("%+v: %v", c, out)
		}
	}
	var zero ggompertz.Model
	zero.ConditionalExpectedPurchasesAt(clv.Customer{T: 1}, ts, out)
	m.ConditionalExpectedPurchasesAt(clv.Customer{Frequency: 1, Recency: 2, T: 1}, ts[:1], out[1:2])
	if !math.IsNaN(out[0]) || !math.IsNaN(out[1]) {
		t.Errorf("zero model or invalid customer: %v", out)
	}
}
