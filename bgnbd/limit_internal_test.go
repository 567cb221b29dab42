package bgnbd

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

// TestPointDropout: freshExpected for a ≥ largeA (pointDropout's
// four-point quadrature) against E g(p) = E[1 − (α/(α+pt))^r]/p under
// Beta(a, b), by 400-point Gauss–Legendre quadrature over m ± 30σ (over
// u = √(1−p) for b < 1, where the density has a singularity at p = 1),
// normalized by the same quadrature of the density. The error of the
// four-point rule is about (σ/m)⁸ ≤ 1/a⁴; measured at most 5.3e-13.
func TestPointDropout(t *testing.T) {
	for _, ab := range [][2]float64{{1e4, 1e4}, {1e4, 9e4}, {1e4, 10}, {1e4, 0.5}, {3e4, 1e3}, {1e8, 2.3e8}} {
		a, b := ab[0], ab[1]
		n := a + b
		m := a / n
		sd := math.Sqrt(m * (b / n) / (n + 1))
		lo, hi := max(m-30*sd, 0), min(m+30*sd, 1)
		for _, r := range []float64{0.5, 5, 1e8} {
			for _, tt := range []float64{1, 52, 520} {
				alpha := 4.0
				if r == 1e8 {
					alpha = 5e8
				}
				g := func(p float64) float64 { return -math.Expm1(-r*math.Log1p(p*tt/alpha)) / p }
				// Unnormalized density around m, and in u for b < 1.
				dens := func(p float64) float64 { return math.Exp((a-1)*math.Log(p/m) + (b-1)*math.Log((1-p)/(1-m))) }
				var num, den float64
				if b < 1 {
					uhi := math.Sqrt(1 - lo)
					f := func(u float64, h func(float64) float64) float64 {
						p := 1 - u*u
						return h(p) * math.Exp((a-1)*math.Log(p)+(2*b-1)*math.Log(u))
					}
					num = quad.Fixed(func(u float64) float64 { return f(u, g) }, 0, uhi, 400, quad.Legendre{}, 0)
					den = quad.Fixed(func(u float64) float64 { return f(u, func(float64) float64 { return 1 }) }, 0, uhi, 400, quad.Legendre{}, 0)
				} else {
					num = quad.Fixed(func(p float64) float64 { return g(p) * dens(p) }, lo, hi, 400, quad.Legendre{}, 0)
					den = quad.Fixed(dens, lo, hi, 400, quad.Legendre{}, 0)
				}
				want := num / den
				got, terms := freshExpectedN(r, alpha, a, b, tt)
				if e := math.Abs(got/want - 1); !(e <= 1e-12) || terms > 2 {
					t.Errorf("a = %v, b = %v, r = %v, t = %v: %.15g, quadrature %.15g (%.2g), %d terms", a, b, r, tt, got, want, e, terms)
				}
			}
		}
	}
}

// TestLargeArgDiffs: lgDiff and psiDiff beyond bigArg against differences
// of math.Lgamma and mathext.Digamma at z = 10³ to 10⁴, where those lose at
// most some 1e-12 absolute, and psiDiff against the sum Σ_{k<x} 1/(z+k)
// for whole x up to z = 10¹⁰.
func TestLargeArgDiffs(t *testing.T) {
	lg := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	for _, z := range []float64{1e3, 3.7e3, 1e4} {
		for _, x := range []float64{0, 0.5, 1, 7, 300, 1e5} {
			if got, want := lgDiff(z, lg(z), x), lg(z+x)-lg(z); math.Abs(got-want) > 1e-11*math.Max(1, math.Abs(want)) {
				t.Errorf("lgDiff(%v, %v) = %.17g, want %.17g", z, x, got, want)
			}
			if got, want := psiDiff(z, mathext.Digamma(z), x), mathext.Digamma(z+x)-mathext.Digamma(z); math.Abs(got-want) > 1e-12 {
				t.Errorf("psiDiff(%v, %v) = %.17g, want %.17g", z, x, got, want)
			}
		}
	}
	for _, z := range []float64{1e3, 1e6, 1e10} {
		for _, x := range []float64{1, 2, 10, 100} {
			var want float64
			for k := x - 1; k >= 0; k-- {
				want += 1 / (z + k)
			}
			if got := psiDiff(z, 0, x); math.Abs(got/want-1) > 1e-14 {
				t.Errorf("psiDiff(%v, %v) = %.17g, want %.17g", z, x, got, want)
			}
		}
	}
}
