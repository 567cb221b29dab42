package paretonbd

import (
	"math"
	"testing"
)

// FuzzExpTailDA checks expTailDA for any a ∈ [1e-3, 1e6], z ∈ [1e-9,
// 1e12]: its F is expTail's to 1e-12 (the derivative's convergence may
// sum more of the continued fraction), and ∂F/∂a is finite, ≤ 0 (F =
// ∫ e^−v (1 + v/z)^−a dv falls with a) and agrees with a central
// difference of expTail to 1e-5 relative (beside the difference's
// rounding, 1e-15·F/h).
func FuzzExpTailDA(f *testing.F) {
	for _, c := range [][2]float64{{0.5, 0.3}, {1, 1e-6}, {9.5, 0.99}, {1e-3, 1e12}, {1e6, 1e-9}, {2.3, 1}, {0.75, 0.2}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, a, z float64) {
		if !(a >= 1e-3 && a <= 1e6 && z >= 1e-9 && z <= 1e12) {
			return
		}
		v, fa := expTailDA(a, z)
		if w := expTail(a, z); math.Abs(v-w) > 1e-12*w {
			t.Fatalf("F(%v, %v) = %v, expTail %v", a, z, v, w)
		}
		if !(fa <= 0) || math.IsInf(fa, 0) {
			t.Fatalf("∂F/∂a(%v, %v) = %v", a, z, fa)
		}
		h := 1e-5 * a
		num := (expTail(a+h, z) - expTail(a-h, z)) / (2 * h)
		if tol := 1e-5*math.Abs(num) + 1e-15*v/h; math.Abs(fa-num) > tol {
			t.Fatalf("∂F/∂a(%v, %v) = %v, central difference %v", a, z, fa, num)
		}
	})
}
