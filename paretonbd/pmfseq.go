package paretonbd

import (
	"math"

	"github.com/clvkit/clvkit/clv"
)

// PurchasesIfAliveSeq returns a function whose k-th call (k = 0, 1, 2, …)
// returns ProbabilityOfPurchasesIfAlive(x, T, k, t), bit for bit: the
// distribution of the purchases in (T, T+t] of a customer with x repeat
// purchases known to be alive at T, one count after the other
// (interval.AliveMixtureSeq). The quadrature nodes of the integral in
// ProbabilityOfPurchasesUnconditional do not depend on the count, so
// their dropout densities and logarithms are computed once; each count
// then costs one exponential a node instead of five transcendental
// functions (none for a node where the term underflows), which is what a predictive interval at a long horizon, summed
// over hundreds of counts, spends its time on. Invalid arguments give NaN
// at every call. The function is not safe for concurrent use; the model
// may be used concurrently.
func (m *Model) PurchasesIfAliveSeq(x, T, t float64) func() float64 {
	if !m.base.Ready() || !valid(clv.Customer{Frequency: x, T: T}) || !finiteNonNeg(t) {
		return func() float64 { return math.NaN() }
	}
	return m.Params().posterior(x, T).pmfSeq(t)
}

// expUnderflow is below the arguments whose exponential is not 0 in
// float64 (e^−745.13… is half the smallest subnormal).
const expUnderflow = -746

// pmfSeq returns a function whose k-th call returns p.pmf(k, t), bit for
// bit: the same terms summed in the same order, with what does not depend
// on the count computed once.
func (p Params) pmfSeq(t float64) func() float64 {
	n := 0.0
	if p.poissonLimit() { // its quadrature's nodes depend on the count
		return func() float64 {
			v := p.poisPMF(n, t)
			n++
			return v
		}
	}
	if t == 0 {
		return func() float64 {
			v := 0.0
			if n == 0 {
				v = 1
			}
			n++
			return v
		}
	}
	lg := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	lgR := lg(p.R)
	U := math.Log1p(t / p.Alpha)
	lyU := math.Log(-math.Expm1(-U))
	lnS := p.lnSurvive(0, t)
	lnSB, lnA := math.Log(p.S/p.Beta), math.Log(p.Alpha)
	// composite's nodes over [0, U], and at each the terms of pmf's
	// integrand that do not depend on n: ls, (1−r)u and ln(τ/(α+τ)).
	const panels = 16
	xs, ws := glNodes()
	h := U / panels
	type node struct{ u, ls, a, ly float64 }
	nodes := make([]node, 0, panels*len(xs))
	for k := range panels {
		lo := float64(k) * h
		for _, x := range xs {
			u := lo + h*(x+1)/2
			ls := -(p.S + 1) * math.Log1p(p.Alpha*math.Expm1(u)/p.Beta)
			if p.expLimit() {
				ls = -p.mu() * p.Alpha * math.Expm1(u)
			}
			nodes = append(nodes, node{u: u, ls: ls, a: (1 - p.R) * u, ly: math.Log(-math.Expm1(-u))})
		}
	}
	return func() float64 {
		lnK := lg(p.R+n) - lgR - lg(n+1)
		lnY := 0.0
		if n != 0 {
			lnY = n * lyU
		}
		alive := math.Exp(lnK - p.R*U + lnY + lnS)
		c := lnK + lnSB + lnA
		var sum float64
		for k := range panels {
			var ps float64
			for i, nd := range nodes[k*len(xs) : (k+1)*len(xs)] {
				var f float64
				switch {
				case n > 0 && nd.u == 0:
				case n == 0:
					f = math.Exp(c + nd.ls + nd.a + 0)
				default:
					e := c + nd.ls + nd.a + n*nd.ly
					if e < expUnderflow { // f = +0: ps unchanged
						continue
					}
					f = math.Exp(e)
				}
				ps += ws[i] * f
			}
			sum += ps * h / 2
		}
		n++
		return alive + sum
	}
}
