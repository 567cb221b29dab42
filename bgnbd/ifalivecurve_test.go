package bgnbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
)

// TestIfAliveCurve: IfAliveCurve is IfAlive bit for bit below 256
// horizons, and agrees with it to 1e-9 relative over a 1,200-month
// horizon's month ends (in weeks), for BG/NBD and MBG/NBD, several x and T;
// invalid horizons give NaN.
func TestIfAliveCurve(t *testing.T) {
	for _, v := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
		m, err := bgnbd.NewVariant(v, bgnbd.Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426})
		if err != nil {
			t.Fatal(err)
		}
		month := 52.0 / 12
		long := make([]float64, 2*1200+1)
		long[0] = 1200 * month
		for k := 1; k <= 1200; k++ {
			long[k] = float64(k) * month
			long[1200+k] = (float64(k) - 0.4) * month // calendar month ends, unevenly
		}
		short := long[:25]
		for _, x := range []float64{0, 1, 7, 40} {
			for _, T := range []float64{0.5, 10, 38, 78} {
				point := m.IfAlive(x, T, long[0])
				curve := m.IfAliveCurve(x, T, long[0])
				out := make([]float64, len(long))
				curve(T, short, out)
				for i, tt := range short {
					if w := point(T, tt); math.Float64bits(out[i]) != math.Float64bits(w) {
						t.Fatalf("%v x=%g T=%g t=%g: %v, IfAlive %v (want bit for bit)", v, x, T, tt, out[i], w)
					}
				}
				curve(T, long, out)
				worst := 0.0
				for i, tt := range long {
					w := point(T, tt)
					worst = max(worst, math.Abs(out[i]-w)/w)
				}
				if !(worst <= 1e-9) {
					t.Errorf("%v x=%g T=%g: worst relative difference %.3g over 2,401 horizons, want ≤ 1e-9", v, x, T, worst)
				}
			}
		}
		out := []float64{0, 0}
		m.IfAliveCurve(1, 5, 100)(5, []float64{1, math.NaN()}, out)
		if !math.IsNaN(out[1]) || math.IsNaN(out[0]) {
			t.Errorf("%v: NaN horizon: %v", v, out)
		}
	}
}
