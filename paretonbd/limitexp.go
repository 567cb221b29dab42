package paretonbd

import "math"

// The exponential-dropout limit.
//
// A limit model whose dropout shape is held (s ≥ limitShape, see limit.go)
// stands for s, β → ∞ with s/β = μ: every customer's lifetime is
// exponential with the same rate μ, and only the purchase rate λ ~
// Gamma(r, α) varies. Its predictions are computed in closed form in that
// limit (expLimit), not through the general series at s = 10⁶: they differ
// from the general formulas at the held s by O(1/s) relative, about
// (1+μ(T+t))²/s (the held gamma distribution's variance μ²/s times the
// squared time span; TestExpLimitAgreesWithGeneral), and cost a continued
// fraction of a few to ~100 terms per row instead of the series or
// quadrature of the general code.
//
// Derivation. Given λ and μ, the likelihood of (x, t_x, T) is
//
//	L(λ, μ) = λ^x e^−(λ+μ)T + μ λ^x ∫_{t_x}^T e^−(λ+μ)τ dτ
//
// (alive at T; or dropped out at τ ∈ (t_x, T]). Integrating λ over
// Gamma(r, α), E[λ^x e^−λτ] = Γ(r+x)/Γ(r) · α^r (α+τ)^−(r+x), so with
// a = r+x and C = Γ(a)/Γ(r) · α^r (α+T)^−a e^−μT,
//
//	L = C · (1 + R),  R = μ ∫_{t_x}^T e^μ(T−τ) ((α+T)/(α+τ))^a dτ.
//
// In w = μ(α+τ), with w₀ = μ(α+t_x), w₁ = μ(α+T), R = e^w₁ w₁^a ∫_{w₀}^{w₁}
// e^−w w^−a dw, a difference of upper incomplete gamma functions
// Γ(1−a, ·). Written with the bounded function
//
//	F(a, z) = z^a e^z Γ(1−a, z) = ∫_0^∞ e^−v (1 + v/z)^−a dv ∈ (0, 1]
//
// (expTail), R = e^U F(a, w₀) − F(a, w₁) with U = μ(T−t_x) + a ln((α+T)/(α+t_x)),
// the exponent of the general code's B term in the limit. Hence
//
//	P(alive | x, t_x, T) = 1 / (1 − F(a, w₁) + e^U F(a, w₀)),
//
// the general 1/(A + h e^e) with A = 1 − F(a, μ(α+T)) and h = F(a, μ(α+t_x)).
// Both terms are positive (F ≤ 1), so nothing cancels; e^U may overflow
// to +Inf, giving P(alive) = 0 as it should. A customer alive at T has the
// posterior λ ~ Gamma(a, α+T) and, the exponential being memoryless, a
// remaining lifetime exponential(μ); so E[Y(t) | alive] = a/(α+T) ·
// (1 − e^−μt)/μ, P(alive at T+t) = P(alive)·e^−μt, DERT(δ) =
// P(alive)·a/((α+T)(δ+μ)), and ρ(t) of ProbabilityOfPurchaseWithin is
// ((α+T)/(α+T+t))^a e^−μt (the same decomposition: C·(A(T) − ρ A(T+t))
// is the probability of no purchase in (T, T+t] alive at T+t plus dying
// in it without a purchase). The dropout density in P(X(t) = n) is
// μ e^−μτ and the posterior of a customer alive at T keeps μ.
//
// expTail evaluates F(a, z) by the continued fraction of Γ(1−a, z)
// (Legendre's, in its even form),
//
//	F(a, z) = z / (z+a − 1·a/(z+a+2 − 2(a+1)/(z+a+4 − 3(a+2)/(z+a+6 − …)))),
//
// which converges in at most ~100 terms when z ≥ 1 or a ≥ 10; for z < 1
// and a < 10 by the series of Γ(1−a₀, z) at a₀ = a − ⌊a − ½⌋ ∈ [½, 3/2) (a₀ = a below ½),
//
//	F(a₀, z) = e^z [z^a₀ (Γ(1+b)−1)/b + z (z^−b − 1)/b − z Σ_{n≥1} (−z)^n/(n!(n+b))],  b = 1 − a₀,
//
// (continuous at b = 0, where F(1, z) = z e^z E₁(z)), and the recurrence
// F(a+1, z) = z (1 − F(a, z))/a, which damps errors by z/a < 1 from the
// second step on. Both are accurate to about 1e-14 relative
// (TestExpTailMpmath, against mpmath at 30 digits).

// expLimit reports whether p is the exponential-dropout limit model: the
// dropout shape held at (or beyond) limitShape.
func (p Params) expLimit() bool { return p.S >= limitShape }

// mu is the dropout rate of the exponential-dropout limit, s/β.
func (p Params) mu() float64 { return p.S / p.Beta }

// lnSurvive returns the log of the probability that a customer alive at T
// is alive at T+t: −s ln(1 + t/(β+T)) in general (the dropout rate's
// posterior Gamma(s, β+T)), −μt in the exponential-dropout limit.
func (p Params) lnSurvive(T, t float64) float64 {
	if p.expLimit() {
		return -p.mu() * t
	}
	return -p.S * math.Log1p(t/(p.Beta+T))
}

// hazard returns the dropout hazard at T+t of a customer alive at T:
// s/(β+T+t) in general, μ in the limit.
func (p Params) hazard(T, t float64) float64 {
	if p.expLimit() {
		return p.mu()
	}
	return p.S / (p.Beta + T + t)
}

// expAliveA is aliveA in the limit: 1 − F(r+x, μ(α+T)).
func (p Params) expAliveA(x, T float64) float64 {
	return expTailC(p.R+x, p.mu()*(p.Alpha+T))
}

// expHTerm is hTerm in the limit: h = F(r+x, μ(α+t_x)) and e = U.
func (p Params) expHTerm(x, tx, T float64) (h, e float64) {
	a := p.R + x
	e = p.mu()*(T-tx) + a*math.Log1p((T-tx)/(p.Alpha+tx))
	return expTail(a, p.mu()*(p.Alpha+tx)), e
}

// expLogLik returns the log-likelihood of one customer in the limit,
// ln Γ(a) − ln Γ(r) + r ln α − a ln(α+T) − μT + ln(1 + R), with R as in
// the derivation, formed in logarithms where e^U overflows.
func (p Params) expLogLik(x, tx, T float64) float64 {
	a := p.R + x
	lga, _ := math.Lgamma(a)
	lgr, _ := math.Lgamma(p.R)
	h, e := p.expHTerm(x, tx, T)
	c1 := expTailC(a, p.mu()*(p.Alpha+T)) // 1 + R = c1 + h e^e
	var l1R float64
	if e < 30 {
		l1R = math.Log(c1 + math.Exp(e)*h)
	} else {
		l1R = e + math.Log(h) + math.Log1p(c1*math.Exp(-e)/h)
	}
	return lga - lgr + p.R*math.Log(p.Alpha) - a*math.Log(p.Alpha+T) - p.mu()*T + l1R
}

// expTail returns F(a, z) = ∫_0^∞ e^−v (1 + v/z)^−a dv for a > 0, z > 0
// (see the derivation above), NaN if the continued fraction fails.
func expTail(a, z float64) float64 {
	if z >= 1 || a >= 10 {
		return expTailCF(a, z)
	}
	// Start at a₀ ∈ [½, 3/2) (a itself below ½), so that b = 1 − a₀ is
	// away from the series' poles at b = −1, 1 and the recurrence's first
	// factor z/a₀ is below 2.
	a0 := a
	if a >= 0.5 {
		a0 = a - math.Floor(a-0.5)
	}
	f := expTailSeries(a0, z)
	for c := a0; c < a-0.5; c++ {
		f = z * (1 - f) / c
	}
	return f
}

// expTailC returns 1 − F(a, z), accurate also where F is near 1 (z ≫ a):
// there from the continued fraction's tail, 1 − F = E/(z+E) with
// E = z/F − z = a − a/(z+a+2 − 2(a+1)/(z+a+4 − …)).
func expTailC(a, z float64) float64 {
	f := expTail(a, z)
	if !(f > 0.5) || !(z >= 1 || a >= 10) {
		return 1 - f
	}
	t1 := lentz(z+a+2, func(k float64) (float64, float64) { return -(k + 1) * (k + a), z + a + 2 + 2*k })
	e := a - a/t1
	return e / (z + e)
}

// expTailCF evaluates expTail's continued fraction by the modified Lentz
// method.
func expTailCF(a, z float64) float64 {
	// lentz's loop written out: this is the hot path of P(alive).
	const tiny = 1e-300
	f := z + a
	C, D := f, 0.0
	for k := 1.0; k <= 2000; k++ {
		ak, bk := -k*(k-1+a), z+a+2*k
		D = bk + ak*D
		if D == 0 {
			D = tiny
		}
		C = bk + ak/C
		if C == 0 {
			C = tiny
		}
		D = 1 / D
		d := C * D
		f *= d
		if math.Abs(d-1) < 1e-15 {
			return z / f
		}
	}
	return math.NaN()
}

// lentz returns b₀ + a₁/(b₁ + a₂/(b₂ + …)) with (a_k, b_k) = ab(k), by the
// modified Lentz method, to 1e-15 relative in at most 2000 terms, or NaN.
func lentz(b0 float64, ab func(k float64) (float64, float64)) float64 {
	const tiny = 1e-300
	f := b0
	if f == 0 {
		f = tiny
	}
	C, D := f, 0.0
	for k := 1.0; k <= 2000; k++ {
		ak, bk := ab(k)
		D = bk + ak*D
		if D == 0 {
			D = tiny
		}
		C = bk + ak/C
		if C == 0 {
			C = tiny
		}
		D = 1 / D
		d := C * D
		f *= d
		if math.Abs(d-1) < 1e-15 {
			return f
		}
	}
	return math.NaN()
}

// eulerGamma is the Euler–Mascheroni constant.
const eulerGamma = 0.57721566490153286060651209008240243

// zeta are ζ(2), …, ζ(30), for ln Γ(1+b) = −γb + Σ_{k≥2} (−b)^k ζ(k)/k.
var zeta = [...]float64{1.6449340668482264365, 1.2020569031595942854, 1.0823232337111381915, 1.0369277551433699263, 1.0173430619844491397, 1.0083492773819228268, 1.0040773561979443394, 1.0020083928260822144, 1.0009945751278180853, 1.0004941886041194646, 1.0002460865533080483, 1.0001227133475784891, 1.0000612481350587048, 1.0000305882363070205, 1.0000152822594086519, 1.0000076371976378998, 1.0000038172932649998, 1.0000019082127165539, 1.0000009539620338728, 1.0000004769329867878, 1.0000002384505027277, 1.0000001192199259653, 1.0000000596081890513, 1.0000000298035035147, 1.0000000149015548284, 1.0000000074507117898, 1.0000000037253340248, 1.0000000018626597235, 1.0000000009313274324}

// gammaM1 returns (Γ(1+b) − 1)/b for b ∈ (−½, 1), −γ at b = 0. For
// |b| < ¼ it sums ln Γ(1+b)'s Taylor series (to 1e-18 relative), as
// Lgamma(1+b) would lose b's low bits to rounding 1+b.
func gammaM1(b float64) float64 {
	if math.Abs(b) >= 0.25 {
		lg, _ := math.Lgamma(1 + b)
		return math.Expm1(lg) / b
	}
	// ln Γ(1+b)/b = −γ + Σ_{k≥2} (−b)^(k−1) ζ(k)/k, by Horner from k = 30.
	var s float64
	for k := len(zeta) + 1; k >= 2; k-- {
		s = -b*s + zeta[k-2]/float64(k)
	}
	lgb := -eulerGamma + b*s // ln Γ(1+b)/b
	return lgb * expm1x(b*lgb)
}

// expTailSeries returns F(a0, z) for a0 ∈ (0, 3/2), z < 1 by the series
// of expTail's doc comment.
func expTailSeries(a0, z float64) float64 {
	b := 1 - a0
	lz := math.Log(z)
	g := gammaM1(b)
	// (z^−b − 1)/b, −ln z at b = 0.
	zb := -lz * expm1x(-b*lz)
	var sum float64
	term := 1.0
	for n := 1.0; n < 60; n++ {
		term *= -z / n
		d := term / (n + b)
		sum += d
		if math.Abs(d) < 1e-17*math.Abs(sum) {
			break
		}
	}
	return math.Exp(z) * (math.Exp(a0*lz)*g + z*zb - z*sum)
}

// posterior returns the parameters of a customer with x repeat purchases
// in T known to be alive at T, who buys as a new customer with them:
// (r+x, α+T, s, β+T); in the exponential-dropout limit β is kept, as the
// dropout rate μ is the same for everyone (a point mass has no posterior
// update), so that the posterior's μ = s/β is the prior's exactly; in
// the Poisson limit r and α are kept likewise (λ = r/α the prior's), and
// in both limits all four.
func (p Params) posterior(x, T float64) Params {
	if p.poissonLimit() { // λ = r/α kept likewise (limitpoisson.go)
		if p.expLimit() {
			return p
		}
		return Params{R: p.R, Alpha: p.Alpha, S: p.S, Beta: p.Beta + T}
	}
	if p.expLimit() {
		return Params{R: p.R + x, Alpha: p.Alpha + T, S: p.S, Beta: p.Beta}
	}
	return Params{R: p.R + x, Alpha: p.Alpha + T, S: p.S, Beta: p.Beta + T}
}
