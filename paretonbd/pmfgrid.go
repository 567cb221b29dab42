package paretonbd

import "math"

// The quadrature of the general pmf.
//
// P(X(t) = n) has the integral ∫_0^t g(τ) NBD(n; τ) dτ over the dropout
// time τ, g the dropout density and NBD(n; τ) = K_n (α/(α+τ))^r
// (τ/(α+τ))^n, K_n = Γ(r+n)/(Γ(r) n!), the count of a customer alive
// throughout (0, τ]. In y = asinh(√(τ/α)), τ = α sinh²y,
//
//	NBD(n; τ) dτ = K_n cosh(y)^−2r tanh(y)^2n α sinh(2y) dy,
//
// and for every n the factor's peak (at τ = nα/r) is about 1/(2√r) wide
// (its log's curvature is −4r there, for n ≫ 1): y is the coordinate in
// which the counts' peaks are evenly spread, √ of τ below α and ½ ln τ
// above. The dropout density g(τ) = (s/β)(1 + τ/β)^−(s+1) is
// s e^−sv dv in v = ln(1 + τ/β): its scale is β/(s+1) near 0 and a
// power law beyond, which in y, when β ≪ α, is far narrower than the
// NBD factor's (the pmf's mass of those who drop out before buying sits
// there). The integral is taken in y over panels cut where y is a
// multiple of h_y = min(0.3, 1.2/√r) (at most 256 of them) and also
// where s·v is a multiple of min(3, s) (μτ in the exponential-dropout
// limit, with g = μ e^−μτ), up to s·v = 60 (at most 128 cuts): every
// panel is narrow both for the counts' peaks and for the dropout
// density, and each gets 16-point Gauss–Legendre. None of the nodes
// depends on n, so that a sequence of counts computes them once
// (pmfSeq).
//
// In the Poisson limit (r, α → ∞, r/α = λ) NBD(n; τ) is Pois(n; λτ) and
// 2√r·y tends to 2z, z = √(λτ): the panels are cut at multiples of 1.2 in
// z (every count's peak is about ½ wide there) and where the dropout's
// are, the same way, while √(λt) ≤ 256·1.2; beyond that, and in both
// limits (in closed form), pmf is poisPMF, whose nodes follow each
// count's mode. The two agree to 1e-12 absolute (TestPoisGridAgrees);
// the panels cost a sequence of 400 counts 0.45 ms instead of poisPMF's
// 5.4 ms (BenchmarkPoisPMFSeq).

const (
	pmfMaxYCuts = 256 // panels cut at multiples of h_y
	pmfMaxVCuts = 128 // cuts at multiples of the dropout's step
)

// pmfCuts returns the panels' ends over [0, Y], sorted, appended to dst:
// in y = asinh(√(τ/α)) up to Y = asinh(√(t/α)) for the general model, in
// z = √(λτ) up to √(λt) in the Poisson limit. It returns nil in the
// Poisson limit when poisPMF is to be used instead: in both limits (in
// closed form), or when √(λt) needs more than pmfMaxYCuts panels.
func (p Params) pmfCuts(dst []float64, t float64) []float64 {
	var Y, hy float64
	coord := func(tau float64) float64 { return math.Asinh(math.Sqrt(tau / p.Alpha)) }
	if p.poissonLimit() {
		if p.expLimit() {
			return nil
		}
		lam := p.lambda()
		coord = func(tau float64) float64 { return math.Sqrt(lam * tau) }
		Y, hy = coord(t), 1.2
		if !(Y <= pmfMaxYCuts*hy) {
			return nil
		}
	} else {
		Y, hy = coord(t), min(0.3, 1.2/math.Sqrt(p.R))
	}
	ny := max(1, min(pmfMaxYCuts, int(math.Ceil(Y/hy))))
	hy = Y / float64(ny)
	// The dropout's cuts, in y: where s·v (μτ in the limit) = k·hd.
	var dv [pmfMaxVCuts]float64
	nv := 0
	var dmax float64
	if p.expLimit() {
		dmax = p.mu() * t
	} else {
		dmax = p.S * math.Log1p(t/p.Beta)
	}
	hd := min(3, p.S)
	dmax = min(dmax, 60)
	if k := math.Ceil(dmax / hd); k > pmfMaxVCuts {
		hd = dmax / pmfMaxVCuts
	}
	for d := hd; d < dmax && nv < len(dv); d += hd {
		var tau float64
		if p.expLimit() {
			tau = d / p.mu()
		} else {
			tau = p.Beta * math.Expm1(d/p.S)
		}
		dv[nv] = coord(tau)
		nv++
	}
	// Merge the two sorted lists, skipping a cut too close to the last.
	dst = append(dst, 0)
	eps := 1e-9 * Y
	j := 0
	for i := 1; i <= ny; i++ {
		y := Y
		if i < ny {
			y = float64(i) * hy
		}
		for ; j < nv && dv[j] < y; j++ {
			if dv[j]-dst[len(dst)-1] > eps && y-dv[j] > eps {
				dst = append(dst, dv[j])
			}
		}
		if y-dst[len(dst)-1] > eps || i == ny {
			dst = append(dst, y)
		}
	}
	return dst
}

// pmfHead returns, for count n, ln K_n (−ln n! in the Poisson limit) and
// the term of those alive throughout (0, t]: NBD(n; t) (β/(β+t))^s, or
// Pois(n; λt) (β/(β+t))^s in the Poisson limit.
func (p Params) pmfHead(n, t float64) (lnK, alive float64) {
	lg := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	if p.poissonLimit() {
		m := p.lambda() * t
		lnK = -lg(n + 1)
		return lnK, math.Exp(xLogY(n, m) - m + lnK + p.lnSurvive(0, t))
	}
	lnK = lg(p.R+n) - lg(p.R) - lg(n+1)
	U := math.Log1p(t / p.Alpha)
	lnY := 0.0 // n·ln(t/(α+t)), 0 for n = 0
	if n != 0 {
		lnY = n * math.Log(-math.Expm1(-U))
	}
	return lnK, math.Exp(lnK - p.R*U + lnY + p.lnSurvive(0, t))
}

// pmfConst holds the logarithms pmfNode uses at every node: ln α
// (ln(2/λ) in the Poisson limit) and ln g(0), the dropout density's at 0
// (ln(s/β); ln μ in the exponential-dropout limit).
type pmfConst struct{ lnA, lnG0 float64 }

func (p Params) pmfConst() pmfConst {
	k := pmfConst{lnA: math.Log(p.Alpha), lnG0: math.Log(p.S / p.Beta)}
	if p.poissonLimit() {
		k.lnA = math.Log(2 / p.lambda())
	}
	if p.expLimit() {
		k.lnG0 = math.Log(p.mu())
	}
	return k
}

// lnDropout returns the log of the dropout density at τ: ln(s/β) −
// (s+1) ln(1 + τ/β), ln μ − μτ in the exponential-dropout limit.
func (p Params) lnDropout(k pmfConst, tau float64) float64 {
	if p.expLimit() {
		return k.lnG0 - p.mu()*tau
	}
	return k.lnG0 - (p.S+1)*math.Log1p(tau/p.Beta)
}

// pmfNode returns, at node y, the log of the integrand without K_n and its
// count's factor, and that factor's log per count: 2 ln tanh y, or 2 ln z
// at z = √(λτ) in the Poisson limit, where the integrand is
// Pois(n; z²) g(z²/λ) 2z/λ = e^−z² z^2n/n! · g · 2z/λ.
func (p Params) pmfNode(k pmfConst, y float64) (a, ly float64) {
	if p.poissonLimit() {
		ly = 2 * math.Log(y)
		return p.lnDropout(k, y*y/p.lambda()) + k.lnA + ly/2 - y*y, ly
	}
	// With e = e^−2y and m = 1 − e: ln cosh y = y + ln(1+e) − ln 2,
	// ln tanh y = ln m − ln(1+e), ln(α sinh 2y) = ln α + 2y + ln m +
	// ln(1+e) − ln 2 and τ = α sinh²y = α m²/(4e).
	e := math.Exp(-2 * y)
	m := -math.Expm1(-2 * y)
	l1, lm := math.Log1p(e), math.Log(m)
	ly = 2 * (lm - l1)
	lnJac := k.lnA + 2*y + lm + l1 - math.Ln2
	lnCosh := y + l1 - math.Ln2
	tau := p.Alpha * (m * m / (4 * e))
	return p.lnDropout(k, tau) + lnJac - 2*p.R*lnCosh, ly
}

// pmfTerm returns w·e^(c + a + n·ly), 0 where the exponential underflows
// (also for n > 0 at a node where ly is −Inf); the conversions keep it
// free of fused operations, so that pmf and pmfSeq round it alike.
func pmfTerm(w, c, a, ly, n float64) float64 {
	e := float64(c + a)
	if n != 0 {
		e = float64(e + float64(n*ly))
	}
	if e < expUnderflow {
		return 0
	}
	return float64(w * math.Exp(e))
}
