package paretonbd

import "math"

// PurchasesSecondMomentIfAlive returns E[N(t)² | alive at T], N(t) the
// purchases in (T, T+t] of a customer alive at T with x repeat purchases
// (clv.AlivePurchaseMoment): given alive, λ ~ Gamma(r+x, α+T) and
// μ ~ Gamma(s, β+T) independently, the residual lifetime has survival
// S(u) = (B/(B+u))^s, B = β+T, and N is Poisson with mean λL,
// L = min(lifetime, t), so
//
//	E[N²] = E[λ]E[L] + E[λ²]E[L²],
//	E[L] = B φ(1−s),  E[L²] = 2B² (φ(2−s) − φ(1−s)),
//
// with φ(k) = (e^{kℓ} − 1)/k (ℓ at k = 0) and ℓ = ln(1 + t/B), the
// integrals ∫₀ᵗ S(u) du and 2∫₀ᵗ u S(u) du. It replaces summing the
// distribution of purchases, whose every term costs a quadrature. It is
// NaN for an invalid x or T, or t not a finite number ≥ 0.
func (m *Model) PurchasesSecondMomentIfAlive(x, T, t float64) float64 {
	if !m.base.Ready() || !(x >= 0) || x != math.Trunc(x) || !(T >= 0) || math.IsInf(x, 0) || math.IsInf(T, 0) || !finiteNonNeg(t) {
		return math.NaN()
	}
	p := m.Params()
	B := p.Beta + T
	l := math.Log1p(t / B)
	phi := func(k float64) float64 {
		if k == 0 {
			return l
		}
		return math.Expm1(k*l) / k
	}
	a := p.Alpha + T
	el := (p.R + x) / a
	el2 := (p.R + x) * (p.R + x + 1) / (a * a)
	if p.poissonLimit() { // λ the same for everyone
		el = p.lambda()
		el2 = el * el
	}
	eL := B * phi(1-p.S)
	eL2 := 2 * B * B * (phi(2-p.S) - phi(1-p.S))
	return el*eL + el2*eL2
}
