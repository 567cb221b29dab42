package bgnbd

import (
	"math"
	"testing"
)

// TestIfAliveInterpolant: IfAlive's interpolated series agree with the
// series summed directly within 1e-12 relative (what the accuracy test it
// applies promises), across parameters where the terms cancel
// (r ≫ a+b), are rescaled (large a), or a is near 1, for both variants,
// inside and outside the (minT, maxT) it was prepared for; invalid
// arguments give NaN.
func TestIfAliveInterpolant(t *testing.T) {
	sets := []Params{
		{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}, {R: 2, Alpha: 30, A: 1, B: 3}, {R: 0.5, Alpha: 1, A: 3, B: 0.6},
		{R: 50, Alpha: 3, A: 0.6, B: 0.5}, {R: 0.5, Alpha: 2, A: 300, B: 200}, {R: 0.01, Alpha: 0.5, A: 0.2, B: 0.3},
	}
	interpolated := 0
	for _, v := range []Variant{BGNBD, MBGNBD} {
		for _, p := range sets {
			m, err := NewVariant(v, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range []float64{0, 1, 3, 12, 40} {
				f := m.IfAlive(x, 1, 60)
				a, b := p.A, p.B+x+m.f.d
				if newChebSum(a+b-1-(p.R+x), a, a+b-1, math.Log1p(60/(p.Alpha+1))) != nil {
					interpolated++
				}
				for _, T := range []float64{0.5, 1, 2.5, 13, 52, 200} {
					for _, h := range []float64{0, 0.1, 4.345, 26, 52.14, 60, 100} {
						got, want := f(T, h), m.f.series(x, T, h)
						if !(math.Abs(got-want) <= 1e-12*math.Abs(want)) && got != want {
							t.Errorf("%v %+v x=%v T=%v t=%v: %v, series %v", v, p, x, T, h, got, want)
						}
					}
				}
				if !math.IsNaN(f(-1, 1)) || !math.IsNaN(f(1, -1)) || !math.IsNaN(f(math.Inf(1), 1)) {
					t.Errorf("invalid T or t accepted")
				}
			}
		}
	}
	if interpolated < 30 {
		t.Errorf("the interpolant served only %d of 60 (variant, parameters, x)", interpolated)
	}
	if f := (&Model{}).IfAlive(1, 0, 10); !math.IsNaN(f(1, 1)) {
		t.Error("zero Model scores")
	}
}
