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

// TestDynamicAliveAndExpectedAt: one pass (the integral in closed form)
// gives ProbabilityAlive and ConditionalExpectedPurchasesAt (quadrature)
// along a seasonal path to 1e-12 relative, horizons inside and across
// runs, 0 and repeated, for s below, at, next to and above 1 and large
// (s = 300: (β+B(T))^s overflows, the closed form must not form it; the
// quadrature is accurate to some 1e-9 there, asserted 5e-9), for
// customers with and without history; horizons not ascending give NaN.
func TestDynamicAliveAndExpectedAt(t *testing.T) {
	for _, s := range []float64{0.3, 1, 1 + 1e-10, 1.5, 300} {
		testAliveAndExpectedAt(t, s)
	}
}

func testAliveAndExpectedAt(t *testing.T, s float64) {
	p := paretonbd.CovParams{Params: paretonbd.Params{R: 1.2, Alpha: 8, S: s, Beta: 60}, Names: []string{"season"},
		Trans: []float64{0.9}, Life: []float64{-0.7}}
	m, err := paretonbd.NewDynamic(p)
	if err != nil {
		t.Fatal(err)
	}
	path := seasonPath(300)
	ts := []float64{0, 0.5, 3, 3, 10, 21.7, 52, 104, 260, 400}
	for _, c := range []clv.Customer{{}, {T: 30}, {Frequency: 4, Recency: 17, T: 33.2}, {Frequency: 25, Recency: 60, T: 61}, {Frequency: 2, Recency: 5, T: 10}} {
		got, want := make([]float64, len(ts)), make([]float64, len(ts))
		pa := m.AliveAndExpectedAt(c, path, ts, got)
		m.ConditionalExpectedPurchasesAt(c, path, ts, want)
		if w := m.ProbabilityAlive(c, path); pa != w {
			t.Errorf("%+v: P(alive) %v, want %v", c, pa, w)
		}
		tol := 1e-12
		if s > 100 {
			tol = 5e-9
		}
		for k := range ts {
			if !(math.Abs(got[k]-want[k]) <= tol*want[k]) && !(got[k] == 0 && want[k] == 0) {
				t.Errorf("s = %v, %+v, t = %v: %.15g, want %.15g", s, c, ts[k], got[k], want[k])
			}
		}
	}
	out := make([]float64, 2)
	if pa := m.AliveAndExpectedAt(clv.Customer{T: 5}, path, []float64{3, 1}, out); !math.IsNaN(pa) || !math.IsNaN(out[0]) {
		t.Errorf("descending horizons: %v, %v", pa, out)
	}
}
