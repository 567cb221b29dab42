package bgnbd

import "math"

// maxTerms bounds the series in freshExpected. The series converges like
// z^k with z = t/(α+t); it needs about 40/(1−z) terms, so the bound is
// reached only for t beyond 10⁶ times α+T.
const maxTerms = 50_000_000

// freshExpected returns E[X(t)], the expected number of repeat purchases in
// (0, t] of a customer who has just purchased and is active, for a BG/NBD
// process with parameters (r, α, a, b) (Fader, Hardie & Lee 2005, eq. 9):
//
//	E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r · ₂F₁(r, b; a+b−1; z)],  z = t/(α+t).
//
// The hypergeometric function overflows and cancels for large r and b (the
// conditional expectation calls this with r+x, b+x), and the formula is 0/0
// at a = 1. Euler's transformation ₂F₁(A,B;C;z) = (1−z)^(C−A−B) ₂F₁(C−A,C−B;C;z)
// gives upper parameters c−r = a+b−1−r and a−1, bounded whatever the
// frequency, and with ₂F₁(A, a−1; c; z) = 1 + (a−1)·S the bracket divided by
// a−1 becomes
//
//	[1 − (1−z)^(a−1)]/(a−1) − (1−z)^(a−1) · S,  S = Σ_{k≥1} (A)_k (a)_{k−1} z^k / ((c)_k k!),
//
// finite at a = 1, with all large factors gone. With c = a+b−1 and
// L = log(1−z) = −log1p(t/α):
//
//	E[X(t)] = −c·L·expm1((a−1)L)/((a−1)L) − (1−z)^(a−1)·c·S.
//
// Terms of c·S are accumulated with the ratio (A+k)(a+k−1)z/((c+k)(k+1)),
// so c never divides (c > −1 always, c may be near 0).
func freshExpected(r, alpha, a, b, t float64) float64 {
	if t == 0 {
		return 0
	}
	if v, ok := eulerSeries(r, alpha, a, b, t); ok {
		return v
	}
	return directSeries(r, alpha, a, b, t)
}

// eulerSeries evaluates freshExpected by the transformed series. It reports
// false when cancellation between terms of alternating sign (A = a+b−1−r
// very negative, i.e. r ≫ a+b) may have cost more than 1e-10 relative.
func eulerSeries(r, alpha, a, b, t float64) (float64, bool) {
	c := a + b - 1
	A := c - r
	L := -math.Log1p(t / alpha)
	z := t / (alpha + t)
	y := (a - 1) * L
	first := -c * L * expm1x(y)

	sum, peak, scale, ok := eulerSum(A, a, c, z)
	if !ok {
		return math.NaN(), false
	}
	if sum == 0 {
		return first, true
	}
	f := math.Exp(y + scale)
	second := f * sum
	v := first - second
	// Rounding error of the sum, relative to the result.
	lost := 1e-16 * (f*peak + math.Abs(first)) / math.Abs(v)
	return v, lost < 1e-10 && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// eulerSum returns the sum of eulerSeries, c·S = Σ_{k≥1} τ_k with
// τ_1 = A z and τ_{k+1}/τ_k = (A+k)(a+k−1)z/((c+k)(k+1)), as sum·e^scale,
// and its largest term (also scaled), or ok false when it did not converge
// within maxTerms. For large a the terms grow far beyond float64 before
// they shrink, while the factor (1−z)^(a−1) underflows: the sum is kept
// scaled by exp(−scale) and the factor applied in log space.
func eulerSum(A, a, c, z float64) (sum, peak, scale float64, ok bool) {
	term := A * z // k = 1 term of c·S: (A)_1 (a)_0 z / (c/c · 1!)
	sum = term
	peak = math.Abs(term)
	for k := 1.0; k < maxTerms; k++ {
		ratio := (A + k) * (a + k - 1) * z / ((c + k) * (k + 1))
		term *= ratio
		sum += term
		at := math.Abs(term)
		if at > peak {
			peak = at
		}
		if at > 1e250 {
			term *= 1e-250
			sum *= 1e-250
			peak *= 1e-250
			scale += 250 * math.Ln10
		}
		// Stop once the terms are negligible and shrinking (the ratio
		// tends to z < 1 from a value that may exceed 1).
		if term == 0 || (at <= 1e-17*math.Abs(sum) && math.Abs(ratio) < 1) {
			return sum, peak, scale, true
		}
	}
	return 0, 0, 0, false
}

// directSeries evaluates freshExpected from eq. 9 as written,
//
//	c/(a−1) · [1 − (1−z)^r ₂F₁(r, b; c; z)],
//
// summing the hypergeometric series, whose terms are all positive, scaled
// as in eulerSeries. It is accurate where eulerSeries cancels (r ≫ a+b)
// when c = a+b−1 > 0, and NaN otherwise. The formula is 0/0 at a = 1; E is
// analytic in a, so within 1e-4 of 1 it is the mean of the values at
// 1 ± 1e-4 (error O(1e-8) relative).
func directSeries(r, alpha, a, b, t float64) float64 {
	c := a + b - 1
	if !(c > 0) {
		return math.NaN()
	}
	if h := 1e-4; math.Abs(a-1) < h {
		return (directAt(r, alpha, 1-h, b, t) + directAt(r, alpha, 1+h, b, t)) / 2
	}
	return directAt(r, alpha, a, b, t)
}

// directAt is directSeries for a away from 1.
func directAt(r, alpha, a, b, t float64) float64 {
	c := a + b - 1
	z := t / (alpha + t)
	L := -math.Log1p(t / alpha)
	term, sum, scale := 1.0, 1.0, 0.0
	for k := 0.0; k < maxTerms; k++ {
		ratio := (r + k) * (b + k) * z / ((c + k) * (k + 1))
		term *= ratio
		sum += term
		if term > 1e250 {
			term *= 1e-250
			sum *= 1e-250
			scale += 250 * math.Ln10
		}
		if term <= 1e-17*sum && ratio < 1 {
			p := math.Exp(r*L + scale + math.Log(sum))
			return c / (a - 1) * (1 - p)
		}
	}
	return math.NaN()
}

// expm1x returns expm1(y)/y, continuous at y = 0.
func expm1x(y float64) float64 {
	if math.Abs(y) < 1e-5 {
		return 1 + y/2 + y*y/6
	}
	return math.Expm1(y) / y
}
