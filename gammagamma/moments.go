package gammagamma

import (
	"math"

	"github.com/clvkit/clvkit/clv"
)

// ConditionalValueMoments returns the second moments of the customer's
// future purchase values S_k given x repeat purchases of mean value m̄
// (clv.ValueMoments; Fader, Hardie & Lee 2005, "RFM and CLV: Using
// Iso-Value Curves for Customer Base Analysis"): ν | x, m̄ ~ Gamma(a, g),
// shape a = px + q and rate g = γ + x m̄, and S | ν ~ Gamma(p, ν), so
//
//	cross  = E[S_k S_l] = p² E[1/ν²],  square = E[S²] = p(p+1) E[1/ν²],
//	E[1/ν²] = g² / ((a−1)(a−2)),
//
// two values of one customer sharing ν. Both are +Inf when a ≤ 2 (the
// values' variance does not exist), NaN for an invalid customer, as
// ConditionalExpectedValue is; for x = 0 they are the population's.
func (m *Model) ConditionalValueMoments(c clv.Customer) (cross, square float64) {
	x, mv := c.Frequency, c.MonetaryValue
	if !m.base.Ready() || !(x >= 0) || x != math.Trunc(x) || math.IsInf(x, 0) || !(mv >= 0) || math.IsInf(mv, 0) {
		return math.NaN(), math.NaN()
	}
	if x == 0 {
		mv = 0
	}
	p := m.Params()
	a := p.P*x + p.Q
	if !(a > 2) {
		return math.Inf(1), math.Inf(1)
	}
	g := p.Gamma + x*mv
	inv2 := g * g / ((a - 1) * (a - 2))
	return p.P * p.P * inv2, p.P * (p.P + 1) * inv2
}
