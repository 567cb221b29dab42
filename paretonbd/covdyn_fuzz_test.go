package paretonbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// FuzzDynamicPredict: the predictions of a DynModel at any parameters,
// customer and two-piece path do not panic, P(alive) is in [0, 1] or
// NaN, and the expected purchases and DERT are ≥ 0 or NaN.
func FuzzDynamicPredict(f *testing.F) {
	f.Add(0.8, 10.0, 0.7, 12.0, 0.5, -0.5, 3.0, 20.0, 52.0, 10.0, 1.0, 39.0, 0.01)
	f.Add(1e-3, 1e6, 1e4, 1e-3, 10.0, -10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(5.0, 1.0, 0.1, 1e5, -30.0, 30.0, 100.0, 1e3, 1e3, 1e-9, 1e3, 1e9, 1e-9)
	f.Fuzz(func(t *testing.T, r, alpha, s, beta, gt, gl, x, tx, T, switchAt, z1, h, delta float64) {
		m, err := paretonbd.NewDynamic(paretonbd.CovParams{Params: paretonbd.Params{R: r, Alpha: alpha, S: s, Beta: beta},
			Names: []string{"z"}, Trans: []float64{gt}, Life: []float64{gl}})
		if err != nil {
			return
		}
		c := clv.Customer{Frequency: x, Recency: tx, T: T}
		path := clv.CovariatePath{Start: []float64{0, switchAt}, Values: [][]float64{{0}, {z1}}}
		pa := m.ProbabilityAlive(c, path)
		if !math.IsNaN(pa) && !(pa >= 0 && pa <= 1) {
			t.Errorf("P(alive) %v", pa)
		}
		if v := m.ConditionalExpectedPurchases(c, path, h); !math.IsNaN(v) && !(v >= 0) {
			t.Errorf("expected purchases %v", v)
		}
		if v := m.DERT(c, path, delta); !math.IsNaN(v) && !(v >= 0) {
			t.Errorf("DERT %v", v)
		}
	})
}
