package bgnbd

import "math"

// For many horizons and T at one frequency (interval.Forecast scores
// every (x, T) of a log at a dozen horizons, for each of hundreds of
// parameter draws), the sum of eulerSeries,
//
//	F(z) = Σ_{k≥1} τ_k(z),  τ_1 = A z,  τ_{k+1}/τ_k = (A+k)(a+k−1) z / ((c+k)(k+1)),
//
// depends on z = t/(α+T+t) alone: it is one analytic function of z on
// [0, 1), whose singularities lie on [1, ∞). In L = −ln(1−z) = ln(1 +
// t/(α+T)) they move to Im L = ±π, so that F(1 − e^−L) is smooth on any
// [0, Lmax] and its Chebyshev interpolant converges geometrically, fast
// (some 20 coefficients reach 1e-16): a few dozen multiplications where
// the series needs hundreds of terms as z nears 1. The interpolant is
// accepted only if its last coefficients show convergence to 1e-14 of
// F's size; its error bound then enters an accuracy test like the
// series' own, and a point that fails it is summed directly.

// chebNodes are the interpolation sizes tried.
var chebNodes = [...]int{24, 48, 96}

// chebSum is a Chebyshev interpolant of F(1 − e^−L) on [0, lmax].
type chebSum struct {
	coef []float64
	lmax float64
	err  float64 // bound on |interpolant − F| on [0, zmax]
	peak float64 // largest term of the series at the nodes (rounding)
}

// chebMaxL bounds the interval of the interpolant: L ≤ ln 64, z ≤ 63/64,
// where a node's series needs at most some 2,500 terms. Beyond it
// freshExpected's connection formula is as cheap as the interpolant.
const chebMaxL = 6 * math.Ln2

// newChebSum returns the interpolant of F for (A, a, c) on L in
// [0, min(lmax, chebMaxL)], or nil when none of the sizes converges or a
// node's series fails.
func newChebSum(A, a, c, lmax float64) *chebSum {
	if !(lmax > 0) || math.IsNaN(lmax) {
		return nil
	}
	lmax = min(lmax, chebMaxL)
	for _, n := range chebNodes {
		f := make([]float64, n)
		cs := &chebSum{coef: make([]float64, n), lmax: lmax}
		size := 0.0
		for j := range f {
			// Chebyshev points of the first kind, mapped to [0, lmax].
			L := lmax / 2 * (1 + math.Cos(math.Pi*(float64(j)+0.5)/float64(n)))
			v, peak, scale, _, ok := eulerSum(A, a, c, -math.Expm1(-L), maxTerms)
			if !ok || scale != 0 {
				return nil // no interpolant of rescaled sums
			}
			f[j] = v
			size = max(size, math.Abs(v))
			cs.peak = max(cs.peak, peak)
		}
		// cos(π k (2j+1) / (2n)) from a table of cos(π m / (2n)), m < 4n.
		tab := make([]float64, 4*n)
		for m := range tab {
			tab[m] = math.Cos(math.Pi * float64(m) / float64(2*n))
		}
		for k := range cs.coef {
			s := 0.0
			for j, v := range f {
				s += v * tab[k*(2*j+1)%(4*n)]
			}
			cs.coef[k] = 2 * s / float64(n)
		}
		cs.coef[0] /= 2
		tail := math.Abs(cs.coef[n-1]) + math.Abs(cs.coef[n-2]) + math.Abs(cs.coef[n-3])
		// The coefficients fall geometrically to the rounding of the node
		// values, some 1e-15 of F: a tail at 1e-14 means converged.
		if tail <= 1e-14*size {
			abs := 0.0
			for _, c := range cs.coef {
				abs += math.Abs(c)
			}
			// The neglected coefficients (geometric: below the tail) and
			// the rounding of the coefficients and of Clenshaw's sum.
			cs.err = 2*tail + 1e-15*abs
			return cs
		}
	}
	return nil
}

// at returns the interpolant at L in [0, lmax] (Clenshaw's recurrence).
func (cs *chebSum) at(L float64) float64 {
	u := 2*L/cs.lmax - 1
	var b1, b2 float64
	for k := len(cs.coef) - 1; k >= 1; k-- {
		b1, b2 = 2*u*b1-b2+cs.coef[k], b1
	}
	return u*b1 - b2 + cs.coef[0]
}

// expected returns freshExpected(r, α, a, b, t) from the interpolant of
// F, as eulerSeries does from the series, and false when the interpolant's
// error or the rounding may have cost more than 1e-12 relative (stricter
// than eulerSeries' 1e-10: points near t = 0, where the result is small,
// are left to the series, which is short there) or L = ln(1 + t/α) lies
// outside [0, lmax].
func (cs *chebSum) expected(c, alpha, a, t float64) (float64, bool) {
	lp := math.Log1p(t / alpha)
	if !(lp >= 0 && lp <= cs.lmax) {
		return 0, false
	}
	L := -lp
	y := (a - 1) * L
	first := -c * L * expm1x(y)
	f := math.Exp(y)
	v := first - f*cs.at(lp)
	lost := (1e-16*(f*cs.peak+math.Abs(first)) + f*cs.err) / math.Abs(v)
	return v, lost < 1e-12 && !math.IsNaN(v) && !math.IsInf(v, 0)
}
