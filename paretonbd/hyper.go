package paretonbd

import "math"

// maxTerms bounds the series loops of hyper and hsum. They are run only
// where seriesFits guarantees convergence within seriesTerms terms, so it
// is never reached (TestSeriesBound).
const maxTerms = 2 * seriesTerms

// hyper returns H(b, c, z) = ₂F₁(1, b; c; z) = Σ_{k≥0} (b)_k/(c)_k z^k for
// c = b + d, b, d > 0, c > 1 and 0 ≤ z < 1, with d and eps = 1 − z
// computed by the caller without cancellation, as log H, and if deriv,
// the derivatives of log H with respect to b, c and z.
//
// Every term is positive and the ratio of consecutive terms,
// (b+k)/(c+k)·z, is below z, so the sum is accurate to a few ulps and
// converges at least geometrically. It is the form the Pareto/NBD integral
// takes after Euler's transformation (see lnTerm), which removes the large
// upper parameter r+s+x of the textbook ₂F₁ that makes its series overflow
// and cancel for large frequency. Where the series would need more than
// seriesTerms terms (z near 1 with b/(c−b) large: s, β → ∞), H comes from
// the quadrature hquad instead, whose cost is bounded.
func hyper(b, d, z, eps float64, deriv bool) (lnH, db, dc, dz float64) {
	c := b + d
	if z == 0 {
		return 0, 0, 0, b / c
	}
	if !seriesFits(b, d, eps) {
		return hquad(b, d, eps, deriv)
	}
	sum, t := 1.0, 1.0
	var sb, sc, sz float64 // Σ t_k Σ_{j<k} 1/(b+j), Σ t_k Σ_{j<k} 1/(c+j), Σ k t_k / z
	var pb, pc float64     // Σ_{j<k} 1/(b+j), Σ_{j<k} 1/(c+j)
	for k := 0.0; k < maxTerms; k++ {
		bk, ck := b+k, c+k
		inv := 1 / (bk * ck)   // one division for 1/(b+k), 1/(c+k) and the ratio
		u := t * bk * bk * inv // t_{k+1}/z
		t = u * z
		sum += t
		if deriv {
			pb += ck * inv
			pc += bk * inv
			sb += t * pb
			sc += t * pc
			sz += (k + 1) * u
		}
		// The remaining terms are below t·ρ/(1−ρ) with ρ the current ratio,
		// itself below z.
		if t <= 1e-17*sum*eps {
			lnH = math.Log(sum)
			if deriv {
				db, dc, dz = sb/sum, -sc/sum, sz/sum
			}
			return lnH, db, dc, dz
		}
	}
	return math.NaN(), math.NaN(), math.NaN(), math.NaN()
}

// hsum returns H(b, b+d, z) of hyper itself (not its logarithm), without
// derivatives, for scoring: two terms per division, and the sum stops at
// 1e-16 relative; hquad where the series would be long.
func hsum(b, d, z, eps float64) float64 {
	sum, t := 1.0, 1.0
	if z == 0 {
		return 1
	}
	if !seriesFits(b, d, eps) {
		lnH, _, _, _ := hquad(b, d, eps, false)
		return math.Exp(lnH)
	}
	c := b + d
	for k := 0.0; k < maxTerms; k += 2 {
		d1, d2 := c+k, c+k+1
		inv := 1 / (d1 * d2)
		t1 := t * (b + k) * z * d2 * inv // t·(b+k)z/(c+k)
		t = t1 * (b + k + 1) * z * d1 * inv
		sum += t1 + t
		if t <= 1e-16*sum*eps {
			return sum
		}
	}
	return math.NaN()
}

// memoSize is the number of entries of a memo, a power of two.
const memoSize = 1 << 15

// memo remembers recent values of hsum, and P(alive) of one-time buyers,
// in a batch. Summaries of logs of dates repeat the same few hundred T and
// t_x, and one-time buyers (often most customers) share x = t_x = 0, so
// most of a batch's series and one-time buyers were computed already; a
// slot holds the last key that hashed to it. Values are those computed without the memo, so results do not
// depend on it. The zero memo is empty (b > 0 in every call).
type memo struct {
	sums [memoSize]struct{ b, d, z, eps, v float64 }
	once [1 << 12]struct{ T, v float64 } // P(alive) of one-time buyers; T+1 in T, so that the zero memo is empty
}

// hash3 returns the memo slot of a key of three numbers.
func hash3(a, b, c float64) uint64 {
	return (math.Float64bits(a)*0x9e3779b97f4a7c15 ^ math.Float64bits(b)*0xc2b2ae3d27d4eb4f ^ math.Float64bits(c)*0x165667b19e3779f9) >> (64 - 15)
}

// hsum returns hsum(b, d, z, eps), from m if it is there.
func (m *memo) hsum(b, d, z, eps float64) float64 {
	if m == nil {
		return hsum(b, d, z, eps)
	}
	e := &m.sums[hash3(b, d, z)]
	if e.b == b && e.d == d && e.z == z && e.eps == eps {
		return e.v
	}
	v := hsum(b, d, z, eps)
	e.b, e.d, e.z, e.eps, e.v = b, d, z, eps, v
	return v
}
