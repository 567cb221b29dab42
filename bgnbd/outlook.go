package bgnbd

import (
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// ProbabilityOfPurchaseWithin returns P(Y(t) ≥ 1 | x, t_x, T), the
// probability of at least one purchase in (T, T+t]: 1 minus
// ProbabilityOfPurchases at n = 0. A customer alive at T drops out only
// right after a purchase, so one alive at T buys nothing in (T, T+t] with
// probability E[e^(−λt)] under the posterior λ ~ Gamma(r+x, α+T), and
//
//	P(Y(t) ≥ 1 | x, t_x, T) = P(alive) · [1 − ((α+T)/(α+T+t))^(r+x)],
//
// for MBG/NBD with its P(alive) (Fader & Hardie, "Deriving the Conditional
// PMF of the BG/NBD Model", eq. for n = 0). It is computed with expm1 and
// log1p, accurate for small t. t must be a finite number ≥ 0 and c valid;
// otherwise the result is NaN.
func (m *Model) ProbabilityOfPurchaseWithin(c clv.Customer, t float64) float64 {
	if !m.base.Ready() || !valid(c) || !(t >= 0) || math.IsInf(t, 0) {
		return math.NaN()
	}
	return m.f.purchaseWithin(c.Frequency, c.Recency, c.T, t)
}

func (p family) purchaseWithin(x, tx, T, t float64) float64 {
	return p.alive(x, tx, T) * p.buyIfAlive(x, T, t)
}

// buyIfAlive is the factor of P(alive) in purchaseWithin: the probability
// of a purchase in (T, T+t] if alive at T, 1 − (1 + t/(α+T))^−(r+x).
func (p family) buyIfAlive(x, T, t float64) float64 {
	return -math.Expm1(-(p.R + x) * math.Log1p(t/(p.Alpha+T)))
}

// ProbabilityAliveAfter returns the probability that the customer is alive
// at T+t given the history to T. Alive at T with purchase rate λ and
// dropout probability p, the customer drops out at the first purchase of a
// Poisson process thinned to rate λp, so survives (T, T+t] with
// probability E[e^(−λpt)] = E[(1 + pt/(α+T))^−(r+x)] under the posterior
// p ~ Beta(a, b+x) (MBG/NBD: b+x+1). Since E[p·g(p)] over Beta(a, b') is
// a/(a+b') times E[g(p)] over Beta(a+1, b'), and E[(1 − e^(−λpt))/p] is the
// expected purchases of a fresh customer (Fader, Hardie & Lee 2005, eq. 9),
//
//	P(alive at T+t | x, t_x, T) = P(alive) · [1 − a/(a+b') · E[X(t); r+x, α+T, a+1, b']],  b' = b+x (MBG/NBD: b+x+1),
//
// which is computed with the same bounded series as
// ConditionalExpectedPurchases. At t = 0 it is ProbabilityAlive. t must
// be a finite number ≥ 0 and c valid; otherwise the result is NaN (also in
// that method's documented corner r ≫ a+b with a+b ≤ 1).
func (m *Model) ProbabilityAliveAfter(c clv.Customer, t float64) float64 {
	if !m.base.Ready() || !valid(c) || !(t >= 0) || math.IsInf(t, 0) {
		return math.NaN()
	}
	return m.f.aliveAfter(c.Frequency, c.Recency, c.T, t)
}

func (p family) aliveAfter(x, tx, T, t float64) float64 {
	pa := p.alive(x, tx, T)
	if t == 0 {
		return pa
	}
	return pa * p.survival(x, T, t)
}

// ExpectedPurchaseRate returns E[λ | x, t_x, T], the posterior mean of the
// customer's purchase rate while alive: λ's posterior is Gamma(r+x, α+T)
// if the customer is alive at T and Gamma(r+x, α+t_x) if the customer
// dropped out right after the last purchase, so
//
//	E[λ | x, t_x, T] = (r+x) · [P(alive)/(α+T) + (1 − P(alive))/(α+t_x)].
//
// 1/E[λ | x, t_x, T] is the model's expected time between purchases of the
// customer (at the mean rate). c must be valid; otherwise the result is NaN.
func (m *Model) ExpectedPurchaseRate(c clv.Customer) float64 {
	if !m.base.Ready() || !valid(c) {
		return math.NaN()
	}
	p := m.f
	x := c.Frequency
	pa := p.alive(x, c.Recency, c.T)
	return (p.R + x) * (pa/(p.Alpha+c.T) + (1-pa)/(p.Alpha+c.Recency))
}

// NextPurchaseQuantiles returns, for each level q of ps, the q-quantile of
// the time from T to the next purchase: the t with
// ProbabilityOfPurchaseWithin(c, t) = q, in closed form,
//
//	t_q = (α+T) · [(1 − q/P(alive))^(−1/(r+x)) − 1],
//
// when t_q ≤ horizon, that is, when q ≤ ProbabilityOfPurchaseWithin(c,
// horizon). The distribution is defective (a customer who has dropped out
// never buys again), so quantiles above that probability are NaN, as are
// levels outside (0, 1), a horizon that is not a finite number ≥ 0, and
// an invalid c.
func (m *Model) NextPurchaseQuantiles(c clv.Customer, ps []float64, horizon float64) []float64 {
	out := make([]float64, len(ps))
	for i := range out {
		out[i] = math.NaN()
	}
	if !m.base.Ready() || !valid(c) || !(horizon >= 0) || math.IsInf(horizon, 0) {
		return out
	}
	p := m.f
	x := c.Frequency
	pa := p.alive(x, c.Recency, c.T)
	fh := pa * p.buyIfAlive(x, c.T, horizon) // purchaseWithin, P(alive) once
	for i, q := range ps {
		if !(q > 0 && q < 1) || q > fh {
			continue
		}
		out[i] = min(horizon, (p.Alpha+c.T)*math.Expm1(-math.Log1p(-q/pa)/(p.R+x)))
	}
	return out
}

var _ clv.NextPurchaseModel = (*Model)(nil)

// Outlook returns the customer's clv.Outlook over opts: the values of
// ProbabilityOfPurchaseWithin at the window and the horizon,
// ProbabilityAliveAfter at the horizon, ExpectedPurchaseRate and
// NextPurchaseQuantiles at clv.NextPurchaseLevels (all NaN when the
// probability of a purchase within the horizon is below 1/2), with
// P(alive) computed once. Invalid arguments give NaN in every field.
func (m *Model) Outlook(c clv.Customer, opts clv.OutlookOptions) clv.Outlook {
	nan := math.NaN()
	o := clv.Outlook{PurchaseWithin: nan, PurchaseWithinHorizon: nan, AliveAtHorizon: nan, NextPurchase: [3]float64{nan, nan, nan}, PurchaseRate: nan}
	if !m.base.Ready() || !valid(c) || !opts.Valid() {
		return o
	}
	return m.f.outlook(c, opts, m.f.survival(c.Frequency, c.T, opts.Horizon))
}

// survival is the factor of P(alive) in ProbabilityAliveAfter, which
// depends on x and T only: 1 − a/(a+b')·E[X(t); r+x, α+T, a+1, b'].
func (p family) survival(x, T, t float64) float64 {
	b := p.B + x + p.d
	return min(1, max(0, 1-p.A/(p.A+b)*freshExpected(p.R+x, p.Alpha+T, p.A+1, b, t)))
}

// outlook is Outlook of a valid customer and options, given
// survival(x, T, opts.Horizon) = surv.
func (p family) outlook(c clv.Customer, opts clv.OutlookOptions, surv float64) clv.Outlook {
	o := clv.Outlook{NextPurchase: [3]float64{math.NaN(), math.NaN(), math.NaN()}}
	x, tx, T := c.Frequency, c.Recency, c.T
	pa := p.alive(x, tx, T)
	q, al := p.R+x, p.Alpha+T
	o.PurchaseWithin = pa * -math.Expm1(-q*math.Log1p(opts.Window/al))
	o.PurchaseWithinHorizon = pa * -math.Expm1(-q*math.Log1p(opts.Horizon/al))
	o.AliveAtHorizon = pa * surv
	o.PurchaseRate = q * (pa/al + (1-pa)/(p.Alpha+tx))
	if o.PurchaseWithinHorizon >= 0.5 {
		for k, l := range clv.NextPurchaseLevels {
			if l <= o.PurchaseWithinHorizon {
				o.NextPurchase[k] = min(opts.Horizon, al*math.Expm1(-math.Log1p(-l/pa)/q))
			}
		}
	}
	return o
}

// OutlookRows writes Outlook(cs[i], opts) into out[i] for
// min(len(cs), len(out)) customers, on all cores, computing the one
// costly part, P(alive) at the horizon's end given alive now (a
// hypergeometric series), once per distinct (x, T) (clv.OutlookRows).
func (m *Model) OutlookRows(cs []clv.Customer, opts clv.OutlookOptions, out []clv.Outlook) {
	n := min(len(cs), len(out))
	if !m.base.Ready() || !opts.Valid() {
		parallel.Map(n, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				out[i] = m.Outlook(cs[i], opts)
			}
		})
		return
	}
	g := rows.Group(n, func(i int) (rows.Key, bool) { // by (x, T); invalid customers left out (−1)
		c := &cs[i]
		return rows.Key{A: c.Frequency, B: c.T}, valid(*c)
	})
	keys, slot := g.Keys, g.Of
	p := m.f
	surv := make([]float64, len(keys))
	parallel.Map(len(keys), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			surv[j] = p.survival(keys[j].A, keys[j].B, opts.Horizon)
		}
	})
	parallel.Map(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if slot[i] < 0 {
				out[i] = m.Outlook(cs[i], opts) // NaN
				continue
			}
			out[i] = p.outlook(cs[i], opts, surv[slot[i]])
		}
	})
}

var _ clv.OutlookRows = (*Model)(nil)
