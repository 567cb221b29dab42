package paretonbd

import (
	"math"
	"testing"
)

// FuzzExpTail checks expTail's properties for any a ∈ [1e-7, 1e7], z ∈
// [1e-12, 1e15]: F(a, z) in (0, 1], expTailC its complement to 2e-14, and
// the recurrence F(a+1, z) = z(1 − F(a, z))/a across the switch between
// the series and the continued fraction (to 1e-12, the recurrence
// amplifying the error of F(a, z) by z/a).
func FuzzExpTail(f *testing.F) {
	for _, c := range [][2]float64{{0.5, 0.3}, {1, 1e-6}, {9.5, 0.99}, {1e-7, 1e15}, {1e7, 1e-12}, {2.3, 1}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, a, z float64) {
		if !(a >= 1e-7 && a <= 1e7 && z >= 1e-12 && z <= 1e15) {
			return
		}
		v := expTail(a, z)
		c := expTailC(a, z)
		if !(v > 0 && v <= 1+1e-15) || math.Abs(v+c-1) > 2e-14 {
			t.Fatalf("F(%v, %v) = %v, 1 − F = %v", a, z, v, c)
		}
		next := expTail(a+1, z)
		want := z * c / a
		if tol := 1e-12 * (1 + z/a); math.Abs(next-want) > tol*want {
			t.Fatalf("F(%v, %v) = %.17g, z(1 − F(%v, %v))/a = %.17g", a+1, z, next, a, z, want)
		}
	})
}
