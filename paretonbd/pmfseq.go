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
// everything at a node but the count's factor is computed once; each
// count then costs one exponential a node (none where the term
// underflows) and three log-gamma functions, which is what a predictive
// interval at a long horizon, summed over hundreds of counts, spends its
// time on; in the Poisson limit too, up to λt = (256·1.2)² ≈ 94,000,
// beyond which (and in both limits) each count costs a full
// ProbabilityOfPurchasesIfAlive. Invalid arguments give NaN
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
// on the count computed once (poisPMF per count where pmf uses it).
func (p Params) pmfSeq(t float64) func() float64 {
	n := 0.0
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
	var buf [pmfMaxYCuts + pmfMaxVCuts + 2]float64
	cuts := p.pmfCuts(buf[:0], t)
	if cuts == nil { // poisPMF: its nodes depend on the count
		return func() float64 {
			v := p.poisPMF(n, t)
			n++
			return v
		}
	}
	// pmf's nodes, with the terms of its integrand that do not depend on n.
	xs, ws := glNodes()
	pk := p.pmfConst()
	type node struct{ w, a, ly float64 }
	nodes := make([]node, 0, (len(cuts)-1)*len(xs))
	for k := 1; k < len(cuts); k++ {
		lo, h := cuts[k-1], (cuts[k]-cuts[k-1])/2
		for i, x := range xs {
			a, ly := p.pmfNode(pk, lo+h*(x+1))
			nodes = append(nodes, node{ws[i] * h, a, ly})
		}
	}
	return func() float64 {
		lnK, alive := p.pmfHead(n, t)
		var sum float64
		for _, nd := range nodes {
			sum += pmfTerm(nd.w, lnK, nd.a, nd.ly, n)
		}
		n++
		return alive + sum
	}
}
