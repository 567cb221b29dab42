package paretonbd

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// The Poisson limit.
//
// A limit model whose purchase shape is held (r ≥ limitShape, see
// limit.go) stands for r, α → ∞ with r/α = λ: every customer buys at the
// same rate λ while alive, and only the dropout rate μ ~ Gamma(s, β)
// varies (the purchase counts of Schmittlein, Morrison & Colombo 1987
// without their gamma mixing). Its likelihood and predictions are
// computed in closed form in that limit, as the exponential-dropout
// limit's are (limitexp.go), not by the general formulas at r = 10⁶, whose
// terms such as r ln α − (r+x) ln(α+T) cancel to a few digits.
//
// Derivation. Given λ and μ, the likelihood of (x, t_x, T) is that of
// limitexp.go; integrating μ over Gamma(s, β) instead of λ,
// E[e^−μτ] = (β/(β+τ))^s and E[μ e^−μτ] = (s/β)(β/(β+τ))^(s+1), so
//
//	L = λ^x [ e^−λT (β/(β+T))^s + ∫_{t_x}^T e^−λτ (s/β)(β/(β+τ))^(s+1) dτ ]
//
// (Fader & Hardie 2005, "A Note on Deriving the Pareto/NBD Model and
// Related Expressions", eq. 3–5, with the purchase rate fixed). In
// w = λ(β+τ) the integral is s β^s e^λβ λ^s ∫ e^−w w^−(s+1) dw over
// [w₀, w₁] = [λ(β+t_x), λ(β+T)], a difference of upper incomplete gamma
// functions Γ(−s, ·). With limitexp.go's bounded
// F(a, z) = z^a e^z Γ(1−a, z) = ∫_0^∞ e^−v (1 + v/z)^−a dv and its
// recurrence (a/z) F(a+1, z) = 1 − F(a, z), and C = e^−λT (β/(β+T))^s,
//
//	L = λ^x C · [ F(s, w₁) + e^U (1 − F(s, w₀)) ],  U = λ(T−t_x) + s ln((β+T)/(β+t_x)).
//
// F(s, λ(β+τ)) is the probability that a customer alive at τ buys again
// before dropping out, so both terms are positive and nothing cancels.
// Hence, with no dependence on x (the purchases say nothing of a rate
// everyone shares),
//
//	P(alive | x, t_x, T) = 1 / (F(s, λ(β+T)) + e^U (1 − F(s, λ(β+t_x)))),
//
// the general 1/(A + h e^e) with A = F(s, λ(β+T)), h = 1 − F(s, λ(β+t_x)),
// e = U. A customer alive at T buys at rate λ and has the posterior
// μ ~ Gamma(s, β+T), so E[Y(t) | alive] = λ ∫_0^t ((β+T)/(β+T+u))^s du
// (the general formula with (r+x)/(α+T) replaced by λ), DERT(δ) =
// P(alive)·λ·(β+T)·J(δ(β+T), s), E[λ | history] = λ, and ρ(t) of
// ProbabilityOfPurchaseWithin is e^−λt ((β+T)/(β+T+t))^s.
//
// In both limits at once (r and s held: the same λ and the same
// exponential lifetime, rate μ, for everyone), with k = λ+μ,
//
//	L = λ^x [ (λ/k) e^−kT + (μ/k) e^−k t_x ],  P(alive) = 1 / (λ/k + (μ/k) e^{k(T−t_x)}),
//
// A = λ/k, h = μ/k and e = k(T−t_x); these are what F(s, λ(β+τ)) and U
// tend to as s, β → ∞ with s/β = μ, and what the exponential-dropout
// limit's terms tend to as r, α → ∞. The pmf is then
// P(X(t) = n) = Pois(n; λt) e^−μt + (μ/k)(λ/k)^n P(n+1, kt), P the
// regularized lower incomplete gamma function.

// poissonLimit reports whether p is the Poisson limit model: the purchase
// shape held at (or beyond) limitShape.
func (p Params) poissonLimit() bool { return p.R >= limitShape }

// lambda is the purchase rate of the Poisson limit, r/α.
func (p Params) lambda() float64 { return p.R / p.Alpha }

// closedLimit reports whether p is predicted by the closed forms of a
// limit (either or both).
func (p Params) closedLimit() bool { return p.expLimit() || p.poissonLimit() }

// aliveRate returns the posterior mean purchase rate of a customer with x
// repeat purchases in T known to be alive at T: (r+x)/(α+T), λ in the
// Poisson limit.
func (p Params) aliveRate(x, T float64) float64 {
	if p.poissonLimit() {
		return p.lambda()
	}
	return (p.R + x) / (p.Alpha + T)
}

// poisAliveA is aliveA in the Poisson limit: F(s, λ(β+T)), or λ/(λ+μ) in
// both limits.
func (p Params) poisAliveA(T float64) float64 {
	lam := p.lambda()
	if p.expLimit() {
		return lam / (lam + p.mu())
	}
	return expTail(p.S, lam*(p.Beta+T))
}

// poisHTerm is hTerm in the Poisson limit: h = 1 − F(s, λ(β+t_x)) and
// e = U, or μ/k and k(T−t_x) in both limits.
func (p Params) poisHTerm(tx, T float64) (h, e float64) {
	lam := p.lambda()
	if p.expLimit() {
		k := lam + p.mu()
		return p.mu() / k, k * (T - tx)
	}
	e = lam*(T-tx) + p.S*math.Log1p((T-tx)/(p.Beta+tx))
	return expTailC(p.S, lam*(p.Beta+tx)), e
}

// poisLogLik returns the log-likelihood of one customer in the Poisson
// limit (or in both limits), x ln λ + ln C + ln(A + h e^U) with the terms
// of the derivation; where e^U is large, as x ln λ + ln C₀ + ln(h + A e^−U)
// with ln C₀ = ln C + U = −λt_x − s ln(1 + t_x/β) (or −(λ+μ)t_x) formed
// directly, as the sum would lose digits.
func (p Params) poisLogLik(x, tx, T float64) float64 {
	lam := p.lambda()
	a := p.poisAliveA(T)
	h, e := p.poisHTerm(tx, T)
	var lnC, lnC0 float64
	if p.expLimit() {
		lnC, lnC0 = -(lam+p.mu())*T, -(lam+p.mu())*tx
	} else {
		lnC, lnC0 = -lam*T-p.S*math.Log1p(T/p.Beta), -lam*tx-p.S*math.Log1p(tx/p.Beta)
	}
	if e < 30 {
		return xLogY(x, lam) + lnC + math.Log(a+math.Exp(e)*h)
	}
	return xLogY(x, lam) + lnC0 + math.Log(h) + math.Log1p(a*math.Exp(-e)/h)
}

// xLogY returns x ln y, 0 at x = 0.
func xLogY(x, y float64) float64 {
	if x == 0 {
		return 0
	}
	return x * math.Log(y)
}

// poisPMF returns P(X(t) = n) in the Poisson limit: a customer alive
// throughout (0, t] makes Pois(n; λt) purchases; one who drops out at τ,
// Pois(n; λτ). With the dropout density g(τ) = (s/β)(1 + τ/β)^−(s+1),
//
//	P(X(t) = n) = Pois(n; λt)(1 + t/β)^−s + ∫_0^t Pois(n; λτ) g(τ) dτ.
//
// In v = ln(1 + τ/β) the integrand is e^ψ(v) with
// ψ = n ln(λβ(e^v−1)) − λβ(e^v−1) − ln n! + ln s − s v, strictly concave,
// with its mode where λβ y² + (λβ+s−n) y − n = 0, y = e^v − 1. The
// integral is taken over the v where ψ is within 40 of its maximum (the
// rest is below e^−40 of the peak times the range): on each side of the
// mode, in segments ending where ψ has fallen by 2, 8, 20 and 40 (found
// by bisection), each by two panels of 16-point Gauss–Legendre, so that
// no panel holds more than a fall of 12 in ψ where the integrand is
// above e^−8 of its peak. In both limits the integral is in closed form
// (see the derivation above). pmf uses it in both limits and where
// √(λt) > 256·1.2, the fixed panels of pmfgrid.go otherwise.
func (p Params) poisPMF(n, t float64) float64 {
	if t == 0 {
		if n == 0 {
			return 1
		}
		return 0
	}
	lam := p.lambda()
	lgn, _ := math.Lgamma(n + 1)
	lnPois := func(m float64) float64 { return xLogY(n, m) - m - lgn } // ln Pois(n; m)
	if p.expLimit() {
		mu := p.mu()
		k := lam + mu
		alive := math.Exp(lnPois(lam*t) - mu*t)
		return alive + math.Exp(math.Log(mu/k)+xLogY(n, lam/k))*mathext.GammaIncReg(n+1, k*t)
	}
	s, b := p.S, p.Beta
	alive := math.Exp(lnPois(lam*t) - s*math.Log1p(t/b))
	lb := lam * b
	c := xLogY(n, lb) - lgn + math.Log(s)
	psi := func(v float64) float64 {
		y := math.Expm1(v)
		if n > 0 && y == 0 {
			return math.Inf(-1)
		}
		return c + xLogY(n, y) - lb*y - s*v
	}
	V := math.Log1p(t / b)
	// The mode: the positive root of λβ y² + (λβ+s−n) y − n = 0 (0 for
	// n = 0), in the form without cancellation.
	var vm float64
	if n > 0 {
		bq := lb + s - n
		disc := math.Sqrt(bq*bq + 4*lb*n)
		var y float64
		if bq > 0 {
			y = 2 * n / (bq + disc)
		} else {
			y = (disc - bq) / (2 * lb)
		}
		vm = math.Log1p(y)
		if !(vm <= V) { // also y = +Inf (λβ underflowing)
			vm = V
		}
	}
	top := psi(vm)
	if math.IsInf(top, -1) || math.IsNaN(top) {
		return alive
	}
	// edge returns the point between from (ψ ≥ top − d) and to where ψ
	// falls to top − d, or to if it stays above; by bisection, erring
	// toward to.
	edge := func(from, to, d float64) float64 {
		if psi(to) >= top-d {
			return to
		}
		for range 24 { // to 6e-8 of the interval: the panels' ends need not be exact
			mid := from + (to-from)/2
			if mid == from || mid == to {
				break
			}
			if psi(mid) >= top-d {
				from = mid
			} else {
				to = mid
			}
		}
		return to
	}
	xs, ws := glNodes()
	var sum float64
	panel := func(lo, hi float64) {
		if !(hi > lo) {
			return
		}
		h := (hi - lo) / 2
		for k := range 2 {
			a := lo + float64(k)*h
			var ps float64
			for i, x := range xs {
				ps += ws[i] * math.Exp(psi(a+h*(x+1)/2))
			}
			sum += ps * h / 2
		}
	}
	for _, to := range []float64{0, V} {
		from := vm
		for _, d := range [...]float64{2, 8, 20, 40} {
			e := edge(from, to, d)
			if to < vm {
				panel(e, from)
			} else {
				panel(from, e)
			}
			from = e
			if e == to {
				break
			}
		}
	}
	return alive + sum
}
