package bgbb

import (
	"math"
	"sort"
)

// ProbabilityOfTransactionWithin returns the probability that a customer
// with history r makes at least one transaction in the next future
// opportunities, n+1 to n+future. No transaction in them means the history
// (x, t_x) observed to n+future instead of n, so
//
//	P = 1 − L(α, β, γ, δ | x, t_x, n+future) / L(α, β, γ, δ | x, t_x, n),
//
// with L the likelihood (Fader, Hardie & Shang 2010, eq. 5); 1 − P, the
// probability of none, is churn within the window. future = 1 gives
// ConditionalExpectedTransactions(r, 1). Churn at a future opportunity
// is ProbabilityAlive's, and the discounted remaining transactions DERT's.
// It is NaN for an invalid r, future < 0 or n+future above 100,000.
func (m *Model) ProbabilityOfTransactionWithin(r Row, future int) float64 {
	if !m.base.Ready() || r.check() != nil || future < 0 || r.N+future > maxOpportunities {
		return math.NaN()
	}
	if future == 0 {
		return 0
	}
	p := m.Params()
	later := r
	later.N += future
	return min(1, max(0, -math.Expm1(p.logLik(later, nil)-p.logLik(r, nil))))
}

// NextTransactionQuantiles returns, for each level q of ps, the q-quantile
// of the number of opportunities from n to the customer's next
// transaction: the smallest k with ProbabilityOfTransactionWithin(r, k) ≥ q,
// when k ≤ horizon, found by bisection (the probability rises with k).
// The distribution is defective (a customer who has dropped out never
// transacts again), so a level that the probability does not reach
// within the horizon gives −1, as do levels outside (0, 1), an invalid r
// and a horizon < 1 or with n+horizon above 100,000.
func (m *Model) NextTransactionQuantiles(r Row, ps []float64, horizon int) []int {
	out := make([]int, len(ps))
	for i := range out {
		out[i] = -1
	}
	if !m.base.Ready() || r.check() != nil || horizon < 1 || r.N+horizon > maxOpportunities {
		return out
	}
	p := m.Params()
	l0 := p.logLik(r, nil)
	within := func(k int) float64 {
		later := r
		later.N += k
		return -math.Expm1(p.logLik(later, nil) - l0)
	}
	fh := within(horizon)
	for i, q := range ps {
		if !(q > 0 && q < 1) || q > fh {
			continue
		}
		out[i] = 1 + sort.Search(horizon-1, func(k int) bool { return within(k+1) >= q })
	}
	return out
}
