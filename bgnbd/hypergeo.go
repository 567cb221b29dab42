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
	c := a + b - 1
	A := c - r
	L := -math.Log1p(t / alpha)
	z := t / (alpha + t)
	y := (a - 1) * L
	first := -c * L * expm1x(y)

	term := A * z // k = 1 term of c·S: (A)_1 (a)_0 z / (c/c · 1!)
	sum := term
	for k := 1.0; k < maxTerms; k++ {
		ratio := (A + k) * (a + k - 1) * z / ((c + k) * (k + 1))
		term *= ratio
		sum += term
		// Stop once the terms are negligible and shrinking (the ratio
		// tends to z < 1 from a value that may exceed 1).
		if term == 0 || (math.Abs(term) <= 1e-17*math.Abs(sum) && math.Abs(ratio) < 1) {
			return first - math.Exp(y)*sum
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
