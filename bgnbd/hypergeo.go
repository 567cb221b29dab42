package bgnbd

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// maxTerms bounds the series of eulerSeries and directSeries. The series
// converges like z^k with z = t/(α+t); it needs about 40/(1−z) terms, so
// the bound is reached only for t beyond 10⁶ times α+T, and freshExpected
// sums these series over all their terms only for z ≤ 1/2 and as a last
// resort.
const maxTerms = 50_000_000

// freshExpected returns E[X(t)], the expected number of repeat purchases in
// (0, t] of a customer who has just purchased and is active, for a BG/NBD
// process with parameters (r, α, a, b) (Fader, Hardie & Lee 2005, eq. 9):
//
//	E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r · ₂F₁(r, b; a+b−1; z)],  z = t/(α+t).
//
// For z ≤ 1/2 it sums a series in z (eulerSeries, else directSeries). For
// z > 1/2 that series needs about 40/(1−z) terms, unbounded as t grows; it
// is summed only while it is cheaper than the series in 1−z of the
// connection formula (connection), which is used otherwise, at parameters
// near its degenerate cases through an interpolation in a (perturbed). The
// work no longer grows with t: the connection formula's series need about
// (a+b+r)·(1−z)/z terms and their tails, times 8 near the degenerate
// cases. Where its two parts cancel beyond its accuracy test (a or b in
// the hundreds at moderate z), the series in z is summed after all, in
// about (a·z+40)/(1−z) terms there. On the tests' grid (a, b ≤ 10³,
// x ≤ 10⁴, t/α ≤ 10⁹) one evaluation sums at most some 10⁵ terms, where
// the series in z alone needs 40·t/α. In the corner r ≫ a+b with
// a+b ≤ 1 (r above some 50) every method may fail: NaN.
func freshExpected(r, alpha, a, b, t float64) float64 {
	v, _ := freshExpectedN(r, alpha, a, b, t)
	return v
}

// freshExpectedN is freshExpected, also returning the number of series
// terms it summed (the measure of its work tests bound).
func freshExpectedN(r, alpha, a, b, t float64) (float64, int) {
	fp := freshPlan{r: r, alpha: alpha, a: a, b: b}
	return fp.atN(t)
}

// A freshPlan evaluates freshExpected for one (r, α, a, b) at many t: the
// part of the connection formula that does not depend on t (log-gamma
// functions, some 40% of its work) is computed once, on first need. The
// values are freshExpected's, bit for bit. A freshPlan is not safe for
// concurrent use.
type freshPlan struct {
	r, alpha, a, b float64
	conn           connPlan
	ready          bool
}

// at returns freshExpected(r, α, a, b, t).
func (fp *freshPlan) at(t float64) float64 {
	v, _ := fp.atN(t)
	return v
}

// connection is connection(r, α, a, b, t) from the plan.
func (fp *freshPlan) connection(t float64) (float64, int, bool) {
	if !fp.ready {
		fp.conn = newConnPlan(fp.r, fp.a, fp.b)
		fp.ready = true
	}
	return fp.conn.eval(fp.alpha, t)
}

// atN is at, also returning the number of terms summed.
func (fp *freshPlan) atN(t float64) (float64, int) {
	r, alpha, a, b := fp.r, fp.alpha, fp.a, fp.b
	if t == 0 {
		return 0, 0
	}
	if a >= largeA {
		return pointDropout(r, alpha, a, b, t), 2
	}
	n := 0
	if z := t / (alpha + t); z > 0.5 {
		w := alpha / (alpha + t)
		// The series in z is worth trying while it costs less than the
		// connection formula: its series plus its log-gamma and other
		// functions, worth some connectionCost terms.
		budget := min(connectionTerms(r, a, b, w)+connectionCost, maxTerms)
		if zSeriesTerms(r, a, w) <= budget {
			v, k, ok := eulerSeries(r, alpha, a, b, t, int(budget), 1e-11)
			n += k
			if ok {
				return v, n
			}
		}
		v, k, ok := fp.connection(t)
		n += k
		if ok {
			return v, n
		}
		v, k, ok = perturbed(r, alpha, a, b, t)
		n += k
		if ok {
			return v, n
		}
	}
	v, k, ok := eulerSeries(r, alpha, a, b, t, maxTerms, 1e-10)
	n += k
	if ok {
		return v, n
	}
	v, k = directSeries(r, alpha, a, b, t)
	n += k
	if !math.IsNaN(v) {
		return v, n
	}
	// The corner r ≫ a+b with a+b ≤ 1, where both series in z cancel: the
	// connection formula's series in w = 1−z < 0.9 need at most some
	// 72·(a+b+r) terms.
	if t < 0.1*alpha {
		return math.NaN(), n
	}
	if v, k, ok := fp.connection(t); ok {
		return v, n + k
	}
	v, k, ok = perturbed(r, alpha, a, b, t)
	if !ok {
		v = math.NaN()
	}
	return v, n + k
}

// largeA is the a from which freshExpected is pointDropout's: the series
// of ₂F₁(r, b; a+b−1; z) need some a·z/(1−z) terms (10¹⁰ at a = 10⁸, where
// a fit at the limit of no dropout heterogeneity holds a; see limits),
// while the quadrature's error is below 1e-12 relative from a = 10⁴.
const largeA = 1e4

// pointDropout returns freshExpected for large a by the four-point Gauss
// quadrature of the beta distribution of p: given p (and λ Gamma(r, α)
// distributed), a customer who drops out after each purchase with
// probability p expects
//
//	g(p) = [1 − (α/(α+p·t))^r] / p
//
// purchases in (0, t], and E[X(t)] = E[g(p)] for p ~ Beta(a, b). The nodes
// and weights are those of Gauss–Jacobi quadrature (Golub & Welsch 1969):
// the eigenvalues of the Jacobi matrix of the three-term recurrence of
// the Jacobi polynomials P_n^(b−1, a−1) moved to [0, 1], and the squared
// first components of its eigenvectors. The rule integrates polynomials of
// degree 7 exactly; its error is of the order of the eighth central moment
// relative to m⁸, (σ/m)⁸ ≤ 1/a⁴ with m = a/(a+b) and σ² = m(1−m)/(a+b+1)
// (the three-point rule's, (σ/m)⁶, reached 4.4e-12 at a = 10⁴, b = 9·10⁴):
// at most 5.3e-13 relative in TestPointDropout, where the reference
// quadrature's own error dominates. g is computed with expm1 and log1p,
// accurate for any r and α (at the other limit, r and α large).
func pointDropout(r, alpha, a, b, t float64) float64 {
	const k = 4
	al, be := b-1, a-1 // weight (1−x)^al (1+x)^be on [−1, 1], x = 2p−1
	s := al + be
	jac := mat.NewSymDense(k, nil)
	for n := range k {
		fn := float64(n)
		var diag float64
		if n == 0 {
			diag = (be - al) / (s + 2)
		} else {
			diag = (be - al) * (be + al) / ((2*fn + s) * (2*fn + s + 2))
		}
		jac.SetSym(n, n, (1+diag)/2)
		if n > 0 {
			// β_n = 4n(n+al)(n+be)(n+s)/((2n+s)²(2n+s+1)(2n+s−1)), halved
			// twice on [0, 1].
			q := 2*fn + s
			bn := 4 * fn * (fn + al) * (fn + be) * (fn + s) / (q * q * (q + 1) * (q - 1))
			jac.SetSym(n-1, n, math.Sqrt(bn)/2)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(jac, true) {
		return math.NaN()
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	g := func(p float64) float64 { return -math.Expm1(-r*math.Log1p(p*t/alpha)) / p }
	var v float64
	for i, p := range eig.Values(nil) {
		w := vecs.At(0, i)
		v += w * w * g(p)
	}
	return v
}

// eulerSeries evaluates freshExpected by a transformed series. The
// hypergeometric function overflows and cancels for large r and b (the
// conditional expectation calls freshExpected with r+x, b+x), and eq. 9 is
// 0/0 at a = 1. Euler's transformation
// ₂F₁(A,B;C;z) = (1−z)^(C−A−B) ₂F₁(C−A,C−B;C;z) gives upper parameters
// c−r = a+b−1−r and a−1, bounded whatever the frequency, and with
// ₂F₁(A, a−1; c; z) = 1 + (a−1)·S the bracket divided by a−1 becomes
//
//	[1 − (1−z)^(a−1)]/(a−1) − (1−z)^(a−1) · S,  S = Σ_{k≥1} (A)_k (a)_{k−1} z^k / ((c)_k k!),
//
// finite at a = 1, with all large factors gone. With c = a+b−1 and
// L = log(1−z) = −log1p(t/α):
//
//	E[X(t)] = −c·L·expm1((a−1)L)/((a−1)L) − (1−z)^(a−1)·c·S.
//
// Terms of c·S are accumulated with the ratio (A+k)(a+k−1)z/((c+k)(k+1)),
// so c never divides (c > −1 always, c may be near 0). It sums at most
// budget terms, returns how many it summed, and reports false when they
// did not suffice or when cancellation between terms of alternating sign
// (A = a+b−1−r very negative, i.e. r ≫ a+b) may have cost more than 1e-10
// relative.
func eulerSeries(r, alpha, a, b, t float64, budget int, tol float64) (float64, int, bool) {
	c := a + b - 1
	A := c - r
	L := -math.Log1p(t / alpha)
	z := t / (alpha + t)
	y := (a - 1) * L
	first := -c * L * expm1x(y)

	sum, peak, scale, n, ok := eulerSum(A, a, c, z, budget)
	if !ok {
		return math.NaN(), n, false
	}
	if sum == 0 {
		return first, n, true
	}
	f := math.Exp(y + scale)
	second := f * sum
	v := first - second
	// Rounding error of the sum, relative to the result.
	lost := 1e-16 * (f*peak + math.Abs(first)) / math.Abs(v)
	return v, n, lost < tol && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// eulerSum returns the sum of eulerSeries, c·S = Σ_{k≥1} τ_k with
// τ_1 = A z and τ_{k+1}/τ_k = (A+k)(a+k−1)z/((c+k)(k+1)), as sum·e^scale,
// its largest term (also scaled) and the number of terms summed, or ok
// false when it did not converge within budget terms. For large a the
// terms grow far beyond float64 before they shrink, while the factor
// (1−z)^(a−1) underflows: the sum is kept scaled by exp(−scale) and the
// factor applied in log space.
func eulerSum(A, a, c, z float64, budget int) (sum, peak, scale float64, n int, ok bool) {
	term := A * z // k = 1 term of c·S: (A)_1 (a)_0 z / (c/c · 1!)
	sum = term
	peak = math.Abs(term)
	limit := float64(budget)
	for k := 1.0; k < limit; k++ {
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
			return sum, peak, scale, int(k), true
		}
	}
	return 0, 0, 0, budget, false
}

// directSeries evaluates freshExpected from eq. 9 as written,
//
//	c/(a−1) · [1 − (1−z)^r ₂F₁(r, b; c; z)],
//
// summing the hypergeometric series, whose terms are all positive, scaled
// as in eulerSeries. It is accurate where eulerSeries cancels (r ≫ a+b)
// when c = a+b−1 > 0, and NaN otherwise. The formula is 0/0 at a = 1; E is
// analytic in a, so within 1e-4 of 1 it is the mean of the values at
// 1 ± 1e-4 (error O(1e-8) relative). It returns the number of terms
// summed too.
func directSeries(r, alpha, a, b, t float64) (float64, int) {
	c := a + b - 1
	if !(c > 0) {
		return math.NaN(), 0
	}
	if h := 1e-4; math.Abs(a-1) < h {
		v1, n1 := directAt(r, alpha, 1-h, b, t)
		v2, n2 := directAt(r, alpha, 1+h, b, t)
		return (v1 + v2) / 2, n1 + n2
	}
	return directAt(r, alpha, a, b, t)
}

// directAt is directSeries for a away from 1.
func directAt(r, alpha, a, b, t float64) (float64, int) {
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
			return c / (a - 1) * (1 - p), int(k) + 1
		}
	}
	return math.NaN(), maxTerms
}

// zSeriesTerms is a lower estimate of the length of eulerSeries' series
// at z = 1−w: its terms fall like z^k·k^−(r−a+2) once past their peak,
// to 1e-17 of the sum after about min(39/w, e^(39/(r−a+2))) terms.
func zSeriesTerms(r, a, w float64) float64 {
	n := 39 / w
	if p := r - a + 2; p > 0 {
		n = min(n, math.Exp(min(39/p, 50)))
	}
	return n
}

// connectionCost is the work of connection apart from its series, in
// terms of a series (some 4 ns each): log-gamma functions, a sine and
// exponentials, about 1 µs.
const connectionCost = 250

// connectionTerms estimates the number of terms connection sums at
// w = 1−z: each of its series grows while its ratio, about
// (p+k)(q+k)w/((u+k)(k+1)) with upper parameters p, q of size up to
// a+b+r, exceeds 1, up to k ≈ (a+b+r)·w/(1−w), and then falls like w^k.
func connectionTerms(r, a, b, w float64) float64 {
	return 2*(a+b+r+2)*w/(1-w) + 80
}

// connection evaluates freshExpected for z = t/(α+t) > 1/2 by the
// connection formula of ₂F₁ between z and w = 1−z = α/(α+t)
// (Abramowitz & Stegun 15.3.6). With c = a+b−1, ε = a−1 and s = r−a+1,
// after Euler's transformation as in eulerSeries,
//
//	E[X(t)] = c/ε · [1 − w^ε G₁ ₂F₁(c−r, ε; a−r; w)] − w^r Γ(c+1)Γ(−s)/(Γ(c−r)Γ(a)) · ₂F₁(r, b; s+1; w),
//	G₁ = Γ(c)Γ(s)/(Γ(r)Γ(b)),
//
// two series in w ≤ 1/2, whose terms fall like w^k once k exceeds about
// (a+b+r)·w: the work no longer grows with t. As in eulerSeries,
// ₂F₁(c−r, ε; a−r; w) = 1 + ε·S₁ with S₁ = Σ_{k≥1} (c−r)_k (a)_{k−1} w^k/((a−r)_k k!),
// and the first part becomes
//
//	−c·expm1(ℓ)/ε − c·e^ℓ·S₁,  ℓ = ε·log w + lnΓ(c) − lnΓ(b) + lnΓ(s) − lnΓ(r),
//
// finite at a = 1, with the differences of log-gamma functions whose
// arguments are close or large (posterior parameters r+x, b+x) computed
// as divided differences (lgammaDiff), so that ℓ/ε keeps full relative
// accuracy as ε → 0 and no large log-gamma value is rounded.
//
// The formula is degenerate when s is an integer: Γ(s) or Γ(−s) has a
// pole, cancelled by a vanishing denominator of one of the series, and
// near such s the two parts are large and cancel. Every factor carrying
// such a pole is computed from one split r−a = m+δ (m the nearest
// integer; the reflection formula with sin(πδ) for the Gamma function,
// (k−m)−δ and (m+2+k)+δ for the denominators), so that the poles cancel
// exactly, and what remains is the rounding of the large parts, which the
// accuracy test weighs. connection reports false when its estimate of the
// rounding error (terms, log-gamma values) exceeds connTol of the result,
// and returns the number of terms summed.
func connection(r, alpha, a, b, t float64) (float64, int, bool) {
	cp := newConnPlan(r, a, b)
	return cp.eval(alpha, t)
}

// A connPlan holds what connection computes from r, a and b alone: the
// split of r−a, and the log-gamma terms of its two parts. A customer's
// posterior has one plan for every horizon.
type connPlan struct {
	r, a, b, e, c, m, delta, s float64
	positive                   bool       // c > 0 and s > 0: the first part through κ
	lgB, lgS                   float64    // lgammaDiff(b, ε), lgammaDiff(s, ε) (positive)
	lc, ls                     float64    // lnΓ(c+1) − lnΓ(b), ln|Γ(s)| − lnΓ(r) (else)
	sfB                        float64    // sign of Γ(s) (else)
	pieces                     [3]float64 // ln|Γ(c+1)Γ(−s)/(Γ(c−r)Γ(a))|
	sg                         float64    // its sign
}

func newConnPlan(r, a, b float64) connPlan {
	cp := connPlan{r: r, a: a, b: b, e: a - 1, c: a + b - 1, sfB: 1, sg: 1}
	e, c := cp.e, cp.c
	d := r - a
	m := math.Round(d)
	delta := d - m
	s := (m + 1) + delta
	cp.m, cp.delta, cp.s = m, delta, s
	// sin(πs) = (−1)^(m+1) sin(πδ).
	sinS := math.Sin(math.Pi * delta)
	if math.Mod(m, 2) == 0 {
		sinS = -sinS
	}
	if c > 0 && s > 0 {
		cp.positive = true
		cp.lgB, cp.lgS = lgammaDiff(b, e), lgammaDiff(s, e)
	} else {
		// Here ε is away from 0: c ≤ 0 needs a < 1−b, s ≤ 0 needs a ≥ r+1.
		// ln Γ(c+1) − ln Γ(b) = ln Γ(b+a) − ln Γ(b), a divided difference.
		cp.lc = a * lgammaDiff(b, a)
		// ln|Γ(s)| − ln Γ(r), a divided difference where s > 0 (c ≤ 0),
		// else by reflection, s being possibly near a pole.
		if s > 0.25 {
			cp.ls = -e * lgammaDiff(s, e)
		} else {
			l1, _ := math.Lgamma(-m - delta) // Γ(1−s)
			lr, _ := math.Lgamma(r)
			cp.ls = math.Log(math.Pi/math.Abs(sinS)) - l1 - lr
			if sinS < 0 {
				cp.sfB = -1
			}
		}
	}
	// ln|Γ(c+1)Γ(−s)/(Γ(c−r)Γ(a))| as a sum of pieces each small or a
	// divided difference: pair Γ(c+1) with Γ(c−r) (shift r+1) when r is
	// small, with Γ(1+s) from the reflection of Γ(−s) (shift c−s) when r
	// is large.
	sg := 1
	switch {
	case -s > 0.25: // Γ(−s) has no pole nearby: shift r+1 twice
		if c-r > 0 {
			cp.pieces[0] = (r + 1) * lgammaDiff(c-r, r+1)
		} else {
			lc, _ := math.Lgamma(c + 1)
			lg, sq := math.Lgamma(c - r)
			cp.pieces[0], sg = lc-lg, sq
		}
		cp.pieces[1] = -(r + 1) * lgammaDiff(-s, r+1) // lnΓ(−s) − lnΓ(a)
	default: // Γ(−s) = −π/(sin(πs)Γ(1+s)), 1+s = (m+2)+δ > 0
		if sinS > 0 {
			sg = -1
		}
		lq, sq := math.Lgamma(c - r)
		la, _ := math.Lgamma(a)
		if sq < 0 {
			sg = -sg
		}
		if r+1 <= math.Abs(c-s) && c-r > 0 {
			l1, _ := math.Lgamma(1 + s)
			cp.pieces[0] = (r + 1) * lgammaDiff(c-r, r+1) // lnΓ(c+1) − lnΓ(c−r)
			cp.pieces[1] = -l1 - la
		} else {
			cp.pieces[0] = (c - s) * lgammaDiff(1+s, c-s) // lnΓ(c+1) − lnΓ(1+s)
			cp.pieces[1] = -lq - la
		}
		cp.pieces[2] = math.Log(math.Pi / math.Abs(sinS))
	}
	cp.sg = float64(sg)
	return cp
}

// eval is connection with the plan's r, a, b at (α, t).
func (cp *connPlan) eval(alpha, t float64) (float64, int, bool) {
	w := alpha / (alpha + t)
	L := -math.Log1p(t / alpha)
	if !(w > 0) {
		return math.NaN(), 0, false
	}
	r, a, b, e, c, m, delta := cp.r, cp.a, cp.b, cp.e, cp.c, cp.m, cp.delta
	// First part: A = c/ε·(1 − w^ε G₁) and its series' factor
	// fB = c·w^ε·G₁ = sfB·e^lfB.
	var A, lfB, errA float64
	if cp.positive {
		kappa := L + cp.lgB - cp.lgS
		y := e * kappa
		A = -c * kappa * expm1x(y)
		lfB = math.Log(c) + y
		errA = 1e-15 * (math.Abs(L) + 1) * math.Abs(e) * math.Exp(lfB) // ℓ's rounding
	} else {
		lfB = e*L + cp.lc + cp.ls
		fB := cp.sfB * math.Exp(lfB)
		A = (c - fB) / e
		errA = 2.2e-16 * (math.Abs(e*L) + math.Abs(cp.lc) + math.Abs(cp.ls) + 1) * math.Abs(fB/e)
	}
	// Second part: the series S₁, τ_1 = (c−r)w/(a−r), a−r+k = (k−m)−δ.
	s1, peak1, scale1, n1, ok1 := hyperSum((c-r)*w/(-m-delta), c-r, a-1, -m, -delta, w, 1)
	// Third part: C = w^r Γ(c+1)Γ(−s)/(Γ(c−r)Γ(a)) · ₂F₁(r, b; s+1; w),
	// s+1+k = (m+2+k)+δ.
	s2, peak2, scale2, n2, ok2 := hyperSum(1, r, b, m+2, delta, w, 0)
	n := n1 + n2
	if !ok1 || !ok2 {
		return math.NaN(), n, false
	}
	pieces := &cp.pieces
	lC := r*L + pieces[0] + pieces[1] + pieces[2]
	fC := cp.sg * math.Exp(lC+scale2)
	C := fC * s2
	// B in log space: the factor may underflow where the sum overflows.
	B := cp.sfB * math.Exp(lfB+scale1) * s1
	v := A - B - C
	// Rounding: of the terms of each series, of ℓ (errA), and of the
	// log-gamma pieces of C, each about 1 ulp of its size.
	errC := 2.2e-16 * (math.Abs(r*L) + math.Abs(pieces[0]) + math.Abs(pieces[1]) + math.Abs(pieces[2]) + 1) * math.Abs(C)
	errs := 1e-16*(math.Abs(A)+math.Exp(lfB+scale1)*peak1+math.Abs(fC)*peak2) + errA + errC
	ok := errs <= connTol*math.Abs(v) && !math.IsNaN(v) && !math.IsInf(v, 0)
	return v, n, ok
}

// connTol is connection's accuracy test: 2e-11 relative, so that
// perturbed's weighted sum of eight such values, amplified by at most 2.7,
// stays below 1e-10.
const connTol = 2e-11

// hyperSum returns Σ_{k≥k0} τ_k with τ_{k0} = first and
// τ_{k+1}/τ_k = (p+k)(q+k)w/(((ui+k)+uf)(k+1)), 0 < w < 1, ui an integer
// (the lower parameter split so that a denominator near 0 is computed
// exactly as uf), as sum·e^scale, its largest term (also times e^−scale),
// the number of terms and false when it did not converge within 4 times
// connectionTerms' estimate of its length past the last negative
// denominator, or a term is not finite. While denominators are negative
// (k < −u) the terms may fall far below float64's range and rise again
// past k ≈ −u: the current term is kept as term·e^tscale, rescaled both
// ways, apart from the sum's scale.
func hyperSum(first, p, q, ui, uf, w float64, k0 int) (sum, peak, scale float64, n int, ok bool) {
	const big, small = 1e250, 1e-250
	ln250 := 250 * math.Ln10
	term, tscale := first, 0.0
	f := 1.0 // e^(tscale−scale), ≤ 1
	sum, peak = term, math.Abs(term)
	u := ui + uf
	limit := max(-u, 0) + 4*connectionTerms(max(math.Abs(p), math.Abs(q), math.Abs(u)), 0, 0, w) + 100
	for k := float64(k0); k < limit; k++ {
		ratio := (p + k) * (q + k) * w / (((ui + k) + uf) * (k + 1))
		term *= ratio
		at := math.Abs(term)
		if at > big || (at < small && at != 0 && k < -u) {
			if at > big {
				term *= small
				at *= small
				tscale += ln250
			} else {
				term *= big
				at *= big
				tscale -= ln250
			}
			if tscale > scale { // the term outgrows the sum's scale
				g := math.Exp(scale - tscale)
				sum *= g
				peak *= g
				scale = tscale
			}
			f = math.Exp(tscale - scale)
		}
		if math.IsNaN(term) || math.IsInf(term, 0) {
			return 0, 0, 0, int(k) + 1 - k0, false
		}
		t, a := term*f, at*f
		sum += t
		if a > peak {
			peak = a
		}
		if term == 0 || (a <= 1e-17*math.Abs(sum) && math.Abs(ratio) < 1 && k > -u) {
			return sum, peak, scale, int(k) + 1 - k0, true
		}
	}
	return 0, 0, 0, int(limit), false
}

// perturbed evaluates connection where s = r−a+1 is near an integer, where
// its two parts cancel: E is analytic in a, so it interpolates the values
// at a + j·h, j = ±1, …, ±4, by a polynomial of degree 7 evaluated at a
// (Lagrange's weights at the centre of symmetric nodes, perturbWeights,
// the sum of whose magnitudes is 2.7). Each node lies at least h/2 from
// the degenerate a, where connection loses at most some 1/h of its
// accuracy. E varies in a through w^(a−1) and Gamma functions of r and b,
// powers of r and b: D = 1 + |ln w| + ln(1+r+b) bounds the relative size
// of its derivatives, E^(k)/E ≲ D^k, and the interpolation error is about
// (4!)²/8!·(hD)^8 ≈ 0.014·(hD)^8: with h = 1/(20·D), below 1e-12. E is
// analytic for a > 0, and the term 1/a of D keeps the nodes within a/5
// of a. A node that fails connection's own accuracy test
// fails the whole.
func perturbed(r, alpha, a, b, t float64) (float64, int, bool) {
	w := alpha / (alpha + t)
	D := 1 + math.Abs(math.Log(w)) + math.Log1p(r+b) + 1/a
	h := 1 / (20 * D)
	var v float64
	n := 0
	for j, wt := range perturbWeights {
		for _, sgn := range [2]float64{-1, 1} {
			u, k, ok := connection(r, alpha, a+sgn*float64(j+1)*h, b, t)
			n += k
			if !ok {
				return math.NaN(), n, false
			}
			v += wt * u
		}
	}
	return v, n, !math.IsNaN(v) && !math.IsInf(v, 0)
}

// perturbWeights are the Lagrange weights at 0 of the nodes ±j, j = 1…4,
// Π_{k≠j} x_k/(x_k − x_j) over the other seven nodes x_k.
var perturbWeights = [4]float64{4.0 / 5, -2.0 / 5, 4.0 / 35, -1.0 / 70}

// lgammaDiff returns (lnΓ(x+e) − lnΓ(x))/e for x > 0 and x+e > 0, with
// the limit ψ(x) at e = 0, to a few ulps relative whatever e: the
// recurrence lnΓ(y) = lnΓ(y+1) − ln y moves both arguments to ≥ 10, where
// Stirling's series lnΓ(y) = (y−½)ln y − y + ½ln 2π + Σ B₂ₖ/(2k(2k−1)y^(2k−1))
// (7 terms: error below 1e-17) gives the difference in terms of
// log1p(e/x), ln(x+e) and divided differences of powers, with no
// cancellation between large values.
func lgammaDiff(x, e float64) float64 {
	// Σ_j ln(1 + e/(x+j)) over the shift is ln P, P = Π_j (1 + e/(x+j)):
	// one logarithm. Near P = 1 it is ln(1 + e·q) with q = (P − 1)/e
	// accumulated as q ← q·(1 + e/x) + 1/x, which tends to Σ_j 1/(x+j) as
	// e → 0; away from 1, ln P itself.
	q, P := 0.0, 1.0
	for min(x, x+e) < 10 {
		u := e / x
		q = q*(1+u) + 1/x
		P *= 1 + u
		x++
	}
	var sum float64
	if P > 0.5 && P < 2 {
		sum = -log1px(e*q) * q
	} else {
		sum = -math.Log(P) / e
	}
	y := x + e
	v := (x-0.5)*log1px(e/x)/x + math.Log(y) - 1
	// Σ c_k (y^−m − x^−m)/e, m = 2k−1, with (y^−m − x^−m)/e = −u0·u1·h_{m−1},
	// h_n = Σ_{i+j=n} u1^i u0^j = u1·h_{n−1} + u0^n.
	u0, u1 := 1/x, 1/y
	hn, pn := 1.0, 1.0 // h_0, u0^0
	for k, ck := range stirling {
		if k > 0 { // advance from h_{2k−2} to h_{2k}
			for range 2 {
				pn *= u0
				hn = u1*hn + pn
			}
		}
		v -= ck * u0 * u1 * hn
	}
	return v + sum
}

// stirling are the coefficients B₂ₖ/(2k(2k−1)) of Stirling's series, k = 1…7.
var stirling = [...]float64{1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156}

// log1px returns log1p(u)/u, continuous at u = 0.
func log1px(u float64) float64 {
	if math.Abs(u) < 1e-4 {
		return 1 - u/2 + u*u/3 - u*u*u/4
	}
	return math.Log1p(u) / u
}

// expm1x returns expm1(y)/y, continuous at y = 0.
func expm1x(y float64) float64 {
	if math.Abs(y) < 1e-5 {
		return 1 + y/2 + y*y/6
	}
	return math.Expm1(y) / y
}
