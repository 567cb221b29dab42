package paretonbd

import (
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// ProbabilityOfPurchaseWithin returns P(Y(t) ≥ 1 | x, t_x, T), the
// probability of at least one purchase in (T, T+t]: 1 minus
// ProbabilityOfPurchases at n = 0. No purchase in (T, T+t] means the
// history observed to T+t instead of T, so P(Y(t) = 0 | x, t_x, T) =
// L(x, t_x, T+t)/L(x, t_x, T) with L the likelihood (Fader & Hardie 2005,
// eq. 3). In the terms of ProbabilityAlive, P(alive) = 1/(A(T) + B(T)),
// where B(T)·F(T) does not depend on T (it is the part of the likelihood
// from customers who dropped out after t_x, up to a constant), so
//
//	P(Y(t) ≥ 1 | x, t_x, T) = P(alive) · [A(T) − ρ(t)·A(T+t)],  ρ(t) = ((α+T)/(α+T+t))^(r+x) ((β+T)/(β+T+t))^s,
//
// with A(T) = F(T)^−1 × the likelihood's alive part's hypergeometric term
// (aliveA): one more evaluation of the series (or quadrature) that
// P(alive) uses, bounded work at any t. Its derivative in t, the density
// of the time to the next purchase, is P(alive)·ρ(t)·(r+x)/(α+T+t). t
// must be a finite number ≥ 0 and c valid; otherwise the result is NaN.
func (m *Model) ProbabilityOfPurchaseWithin(c clv.Customer, t float64) float64 {
	if !m.base.Ready() || !valid(c) || !finiteNonNeg(t) {
		return math.NaN()
	}
	p := m.Params()
	x, T := c.Frequency, c.T
	a := p.aliveA(x, T, nil)
	pa := p.aliveFrom(a, x, c.Recency, T, nil)
	return p.purchaseWithin(pa, a, x, T, t)
}

// purchaseWithin is ProbabilityOfPurchaseWithin given P(alive) = pa and
// aliveA(x, T) = a.
func (p Params) purchaseWithin(pa, a, x, T, t float64) float64 {
	if pa == 0 || t == 0 {
		return 0
	}
	return p.purchaseWithinFrom(pa, a, p.aliveA(x, T+t, nil), x, T, t)
}

// purchaseWithinFrom is purchaseWithin given also aliveA(x, T+t) = at.
func (p Params) purchaseWithinFrom(pa, a, at, x, T, t float64) float64 {
	if pa == 0 || t == 0 {
		return 0
	}
	v := pa * (a - math.Exp(p.lnRho(x, T, t))*at)
	return min(1, max(0, v))
}

// lnRho returns ln ρ(t) = −(r+x) ln(1 + t/(α+T)) − s ln(1 + t/(β+T)).
func (p Params) lnRho(x, T, t float64) float64 {
	if p.poissonLimit() {
		return -p.lambda()*t + p.lnSurvive(T, t)
	}
	return -(p.R+x)*math.Log1p(t/(p.Alpha+T)) + p.lnSurvive(T, t)
}

// ProbabilityAliveAfter returns the probability that the customer is alive
// at T+t given the history to T: alive at T, the dropout rate's posterior
// is Gamma(s, β+T), so
//
//	P(alive at T+t | x, t_x, T) = P(alive) · ((β+T)/(β+T+t))^s.
//
// At t = 0 it is ProbabilityAlive. t must be a finite number ≥ 0 and c
// valid; otherwise the result is NaN.
func (m *Model) ProbabilityAliveAfter(c clv.Customer, t float64) float64 {
	if !m.base.Ready() || !valid(c) || !finiteNonNeg(t) {
		return math.NaN()
	}
	p := m.Params()
	return p.alive(c.Frequency, c.Recency, c.T) * math.Exp(p.lnSurvive(c.T, t))
}

// ExpectedPurchaseRate returns E[λ | x, t_x, T], the posterior mean of the
// customer's purchase rate while alive. λ times the Gamma(r, α) density is
// r/α times the Gamma(r+1, α) density, so E[λ | history] = (r/α)·L(r+1)/L(r)
// with L the likelihood at the data; written with P(alive) (whose numerator
// carries the model's constants),
//
//	E[λ | x, t_x, T] = (r+x)/(α+T) · P(alive; r)/P(alive; r+1),
//
// both P(alive) at the customer's (x, t_x, T), the second with r+1 for r.
// It is (r+x)/(α+T) for a customer surely alive, more for one likely gone
// (a short lifetime with as many purchases). The ratio is formed from the
// terms of P(alive) scaled together, so it stays finite when both
// probabilities underflow. 1/E[λ | x, t_x, T] is the model's expected time
// between purchases at the mean rate. c must be valid; otherwise NaN.
func (m *Model) ExpectedPurchaseRate(c clv.Customer) float64 {
	if !m.base.Ready() || !valid(c) {
		return math.NaN()
	}
	p := m.Params()
	return p.rate(p.alive(c.Frequency, c.Recency, c.T), c.Frequency, c.Recency, c.T)
}

// rate is ExpectedPurchaseRate given P(alive) = pa: (r+x)/(α+T) times
// pa/P(alive; r+1) = pa·(a₁ + h₁e^e₁) in the terms of aliveTerms at r+1,
// the second product formed in logarithms; where pa underflows to 0, from
// the terms at r and r+1 scaled together.
func (p Params) rate(pa, x, tx, T float64) float64 {
	p1 := p
	p1.R++
	return p.rateFrom(pa, p1.aliveA(x, T, nil), x, tx, T)
}

// rateFrom is rate given aliveA(x, T) at r+1, a1.
func (p Params) rateFrom(pa, a1, x, tx, T float64) float64 {
	if p.poissonLimit() { // the same λ for everyone
		return p.lambda()
	}
	p1 := p
	p1.R++
	h1, e1 := p1.hTerm(x, tx, T)
	if pa > 0 {
		return (p.R + x) / (p.Alpha + T) * (pa*a1 + math.Exp(math.Log(pa)+math.Log(h1)+e1))
	}
	a, h, e := p.aliveTerms(x, tx, T)
	num, den := a1*math.Exp(-e)+h1*math.Exp(e1-e), a*math.Exp(-e)+h
	return (p.R + x) / (p.Alpha + T) * num / den
}

// aliveTerms returns the terms of 1/P(alive) = a + h·e^e (aliveA, and
// aliveFrom's b = h·e^e with its exponent apart).
func (p Params) aliveTerms(x, tx, T float64) (a, h, e float64) {
	h, e = p.hTerm(x, tx, T)
	return p.aliveA(x, T, nil), h, e
}

// hTerm returns h and e of aliveTerms, which depend on x and t_x only
// (T enters e alone).
func (p Params) hTerm(x, tx, T float64) (h, e float64) {
	if p.poissonLimit() {
		return p.poisHTerm(tx, T)
	}
	if p.expLimit() {
		return p.expHTerm(x, tx, T)
	}
	q := p.R + x
	m := q + p.S
	e = q*math.Log1p((T-tx)/(p.Alpha+tx)) + p.S*math.Log1p((T-tx)/(p.Beta+tx))
	var mem *memo
	if p.Alpha >= p.Beta {
		d := p.Alpha - p.Beta
		h = p.S / m * mem.hsum(q, p.S+1, d/(p.Alpha+tx), (p.Beta+tx)/(p.Alpha+tx))
	} else {
		d := p.Beta - p.Alpha
		h = p.S / m * (p.Alpha + tx) / (p.Beta + tx) * mem.hsum(p.S+1, q, d/(p.Beta+tx), (p.Alpha+tx)/(p.Beta+tx))
	}
	return h, e
}

// quantileTol is the accuracy of NextPurchaseQuantiles: the root search
// stops when its steps in w = ln(1 + t/(α+T)) are below quantileTol·w,
// a relative error in t of about 1e-12·max(1, w) (t = (α+T)(e^w − 1)).
const quantileTol = 1e-12

// maxQuantileSteps bounds the root search's evaluations per quantile.
const maxQuantileSteps = 200

// NextPurchaseQuantiles returns, for each level q of ps, the q-quantile of
// the time from T to the next purchase: the t with
// ProbabilityOfPurchaseWithin(c, t) = q, when t ≤ horizon, that is, when
// q ≤ ProbabilityOfPurchaseWithin(c, horizon). The distribution is
// defective (a customer who has dropped out never buys again), so
// quantiles above that probability are NaN, as are levels outside (0, 1),
// a horizon that is not a finite number ≥ 0, and an invalid c.
//
// The root is found by Halley's method in w = ln(1 + t/(α+T)), where the
// CDF is concave and smooth (its derivative there, P(alive)·(r+x)·ρ(t),
// falls; the second derivative comes in closed form), bracketed by
// [0, horizon] and falling back to Newton's step and then to bisection
// when a step would leave the bracket. Each step costs one evaluation of
// aliveA; the search stops when a step is below 1e-12·w (a relative
// error in t of about 1e-12·max(1, w)) or after 200 evaluations, which the tests' grid
// of extreme parameters does not reach. Levels in ascending order reuse
// the previous root as their lower bound.
func (m *Model) NextPurchaseQuantiles(c clv.Customer, ps []float64, horizon float64) []float64 {
	out := make([]float64, len(ps))
	for i := range out {
		out[i] = math.NaN()
	}
	if !m.base.Ready() || !valid(c) || !finiteNonNeg(horizon) {
		return out
	}
	m.Params().quantiles(c.Frequency, c.Recency, c.T, ps, horizon, out)
	return out
}

// quantiles writes the quantiles of NextPurchaseQuantiles into out, which
// holds NaN; it returns the number of evaluations of the CDF.
func (p Params) quantiles(x, tx, T float64, ps []float64, horizon float64, out []float64) int {
	a := p.aliveA(x, T, nil)
	pa := p.aliveFrom(a, x, tx, T, nil)
	return p.quantilesFrom(a, pa, p.purchaseWithin(pa, a, x, T, horizon), x, T, ps, horizon, out) + 1
}

// quantilesFrom is quantiles given aliveA(x, T) = a, P(alive) = pa and
// the CDF at the horizon, fH.
func (p Params) quantilesFrom(a, pa, fH, x, T float64, ps []float64, horizon float64, out []float64) int {
	al := p.Alpha + T
	// cdf returns the CDF at w and its derivative in w.
	// cdf returns the CDF at w and its first two derivatives in w: with
	// ρ' = −ρ·(r+x + s(α+T+t)/(β+T+t)), G' = P(alive)(r+x)ρ and
	// G'' = −G'·(r+x + s(α+T+t)/(β+T+t)), no further series.
	cdf := func(w float64) (g, d1, d2 float64) {
		t := al * math.Expm1(w)
		rho := math.Exp(p.lnRho(x, T, t))
		v := pa * (a - rho*p.aliveA(x, T+t, nil))
		if p.poissonLimit() { // G' = P(alive)·λ·ρ·(α+T+t)
			d1 = pa * p.lambda() * rho * (al + t)
			return min(1, max(0, v)), d1, d1 * (1 - (p.lambda()+p.hazard(T, t))*(al+t))
		}
		d1 = pa * (p.R + x) * rho
		return min(1, max(0, v)), d1, -d1 * (p.R + x + p.hazard(T, t)*(al+t))
	}
	wH := math.Log1p(horizon / al)
	evals := 0
	lastQ, lastW := 0.0, 0.0
	for i, q := range ps {
		if !(q > 0 && q < 1) || q > fH || pa == 0 {
			continue
		}
		lo, hi := 0.0, wH
		if q >= lastQ {
			lo = lastW
		}
		w := lo
		g, dg, dg2 := cdf(w)
		evals++
		for k := 0; g < q || k > 0; k++ { // at lo = an earlier root, g ≥ q: done
			if k == maxQuantileSteps {
				break
			}
			// Halley's step for G(w) − q (cubic convergence), else
			// Newton's, else bisection, kept inside the bracket.
			f := g - q
			wn := w - 2*f*dg/(2*dg*dg-f*dg2)
			if !(wn > lo && wn < hi) {
				wn = w - f/dg
			}
			if !(wn > lo && wn < hi) {
				wn = lo + (hi-lo)/2
			}
			gn, dgn, dgn2 := cdf(wn)
			evals++
			if gn == q { // the root to the last bit: a further step would find no room in (lo, hi)
				w, lo = wn, wn
				break
			}
			if gn < q {
				lo = wn
			} else {
				hi = wn
			}
			step := math.Abs(wn - w)
			w, g, dg, dg2 = wn, gn, dgn, dgn2
			if step <= quantileTol*w || hi-lo <= quantileTol*hi {
				break
			}
		}
		out[i] = min(horizon, al*math.Expm1(w))
		lastQ, lastW = q, lo
	}
	return evals
}

// Outlook returns the customer's clv.Outlook over opts: the values of
// ProbabilityOfPurchaseWithin at the window and the horizon,
// ProbabilityAliveAfter at the horizon, ExpectedPurchaseRate and
// NextPurchaseQuantiles at clv.NextPurchaseLevels (all NaN when the
// probability of a purchase within the horizon is below 1/2), sharing
// P(alive) and its terms: six evaluations of the series in all, plus
// some three per percentile. Invalid arguments give NaN in every field.
func (m *Model) Outlook(c clv.Customer, opts clv.OutlookOptions) clv.Outlook {
	nan := math.NaN()
	o := clv.Outlook{PurchaseWithin: nan, PurchaseWithinHorizon: nan, AliveAtHorizon: nan, NextPurchase: [3]float64{nan, nan, nan}, PurchaseRate: nan}
	if !m.base.Ready() || !valid(c) || !opts.Valid() {
		return o
	}
	p := m.Params()
	return p.outlook(c, opts, p.newXTTerms(c.Frequency, c.T, opts))
}

// xtTerms are the terms of an outlook that depend on x and T only:
// aliveA at T, T+window and T+horizon, and at T with r+1.
type xtTerms struct{ a, aw, ah, a1 float64 }

func (p Params) newXTTerms(x, T float64, opts clv.OutlookOptions) xtTerms {
	p1 := p
	p1.R++
	return xtTerms{p.aliveA(x, T, nil), p.aliveA(x, T+opts.Window, nil), p.aliveA(x, T+opts.Horizon, nil), p1.aliveA(x, T, nil)}
}

// outlook is Outlook of a valid customer and options given their xtTerms.
func (p Params) outlook(c clv.Customer, opts clv.OutlookOptions, xt xtTerms) clv.Outlook {
	o := clv.Outlook{NextPurchase: [3]float64{math.NaN(), math.NaN(), math.NaN()}}
	x, tx, T := c.Frequency, c.Recency, c.T
	pa := p.aliveFrom(xt.a, x, tx, T, nil)
	o.PurchaseWithin = p.purchaseWithinFrom(pa, xt.a, xt.aw, x, T, opts.Window)
	o.PurchaseWithinHorizon = p.purchaseWithinFrom(pa, xt.a, xt.ah, x, T, opts.Horizon)
	o.AliveAtHorizon = pa * math.Exp(p.lnSurvive(T, opts.Horizon))
	o.PurchaseRate = p.rateFrom(pa, xt.a1, x, tx, T)
	if o.PurchaseWithinHorizon >= 0.5 {
		p.quantilesFrom(xt.a, pa, o.PurchaseWithinHorizon, x, T, clv.NextPurchaseLevels[:], opts.Horizon, o.NextPurchase[:])
	}
	return o
}

// OutlookRows writes Outlook(cs[i], opts) into out[i] for
// min(len(cs), len(out)) customers, on all cores, computing the four
// series that depend on (x, T) alone once per distinct pair
// (clv.OutlookRows): two evaluations per customer remain, plus some three
// per percentile.
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
	p := m.Params()
	xts := make([]xtTerms, len(keys))
	parallel.Map(len(keys), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			xts[j] = p.newXTTerms(keys[j].A, keys[j].B, opts)
		}
	})
	parallel.Map(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if slot[i] < 0 {
				out[i] = m.Outlook(cs[i], opts) // NaN
				continue
			}
			out[i] = p.outlook(cs[i], opts, xts[slot[i]])
		}
	})
}

var _ clv.OutlookRows = (*Model)(nil)

var _ clv.NextPurchaseModel = (*Model)(nil)
