package paretonbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestIfAliveCurve checks that IfAliveCurve is IfAlive bit for bit at
// every horizon, in general and in the exponential-dropout limit, with
// NaN for invalid T or t and for the zero model.
func TestIfAliveCurve(t *testing.T) {
	ts := []float64{0, 1e-9, 0.5, 4, 12, 52, 120, 600, 1200, 5200, -1, math.Inf(1), math.NaN()}
	for _, p := range []paretonbd.Params{
		{R: 0.535559, Alpha: 9.88955, S: 0.993663, Beta: 28.7209},
		{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67},
		{R: 2.5, Alpha: 3, S: 1, Beta: 2000},
		{R: 0.5, Alpha: 10, S: 1e9, Beta: 1e10}, // the limit
	} {
		m, err := paretonbd.New(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []float64{0, 1, 7.5, 40} {
			point, curve := m.IfAlive(x, 0, 100), m.IfAliveCurve(x, 0, 100)
			for _, T := range []float64{0, 3, 52, 100, -1, math.NaN()} {
				out := make([]float64, len(ts)+2) // longer: only len(ts) written
				out[len(ts)] = 42
				curve(T, ts, out)
				for i, h := range ts {
					if got, want := out[i], point(T, h); math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
						t.Errorf("%+v x=%v T=%v t=%v: curve %v, IfAlive %v", p, x, T, h, got, want)
					}
				}
				if out[len(ts)] != 42 {
					t.Errorf("%+v x=%v T=%v: wrote past len(ts)", p, x, T)
				}
			}
		}
	}
	var zero paretonbd.Model
	out := []float64{1}
	zero.IfAliveCurve(1, 0, 10)(5, []float64{10}, out)
	if !math.IsNaN(out[0]) {
		t.Errorf("zero model: %v, want NaN", out[0])
	}
}

// The sequence and the curve are what clv/interval looks for.
var (
	_ interval.AliveCurve      = (*paretonbd.Model)(nil)
	_ interval.AliveMixtureSeq = (*paretonbd.Model)(nil)
)
