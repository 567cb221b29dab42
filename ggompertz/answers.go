package ggompertz

import (
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// The answers of a clv.NextPurchaseModel. Given the history (x, t_x, T),
// a customer alive at T has purchase rate λ ~ Gamma(q, α+T), q = r+x,
// and, alive at T, survives to T+u with probability S(T+u)/S(T), S the
// Gamma-Gompertz survival of the package doc. The first purchase after T
// comes at T+u when the customer is alive then and the Poisson process's
// first event is at u, so the density of the time to the next purchase
// is
//
//	g(u) = P(alive) · q/(α+T) · (1 + u/(α+T))^−(q+1) · S(T+u)/S(T),
//
// E[λe^{−λu}] under Gamma(q, α+T) times the survival, and its integral
// is the probability of a purchase in (T, T+t],
//
//	P(Y(t) ≥ 1 | x, t_x, T) = ∫_0^t g(u) du
//	                        = P(alive) · q·(α+T)^q·(1 + ε(T)/κ)^s · ∫_T^{T+t} (α+τ)^−(q+1) (1 + ε(τ)/κ)^−s dτ,
//
// ε(τ) = (e^{bτ} − 1)/b, κ = β/b, computed by the package's piecewise
// Gauss–Legendre quadrature. It equals 1 − L(x, t_x, T+t)/L(x, t_x, T),
// L the likelihood (a history with no purchase in (T, T+t] is the
// history observed to T+t), as for the Pareto/NBD (Fader & Hardie 2005),
// but the integrand is positive, with no difference of near-equal terms.
// The distribution is defective: its total mass is P(alive) times the
// probability of a purchase before dropping out.

// outlookWork is what the answers of one customer share: the parameters,
// q = r+x, T, and lnC, the logarithm of the factor before the integral
// above, P(alive)·q·(α+T)^q·(1 + ε(T)/κ)^s.
type outlookWork struct {
	k      kernel // (α+τ)^−(q+1) (1 + ε(τ)/κ)^−s
	q, T   float64
	lT     float64 // L(T) = ln(1 + ε(T)/κ)
	pa     float64 // P(alive)
	lnBase float64 // ln(q·(α+T)^q·(1 + ε(T)/κ)^s), lnC without P(alive)
}

func (p inner) newOutlookWork(x, T, pa float64) outlookWork {
	q := p.r + x
	lT, _ := logL(p.b, p.kappa, T)
	return outlookWork{k: kernel{q: q + 1, alpha: p.alpha, b: p.b, kappa: p.kappa, c: p.s, fine: 1},
		q: q, T: T, lT: lT, pa: pa, lnBase: math.Log(q) + q*math.Log(p.alpha+T) + p.s*lT}
}

// lnMass returns ln(q·(α+T)^q·(1 + ε(T)/κ)^s·∫_{T+a}^{T+b} …), the mass of
// g/P(alive) on (a, b]; −Inf for b ≤ a.
func (w *outlookWork) lnMass(a, b float64) float64 {
	if !(b > a) {
		return math.Inf(-1)
	}
	return w.lnBase + w.k.integrate(w.T+a, w.T+b, math.Inf(-1), nil)
}

// within returns P(alive)·exp(lnMass) clamped to [0, 1].
func (w *outlookWork) within(lnMass float64) float64 {
	if w.pa == 0 {
		return 0
	}
	return min(1, max(0, w.pa*math.Exp(lnMass)))
}

// survive returns S(T+t)/S(T) = exp(−s·(L(T+t) − L(T))).
func (w *outlookWork) survive(t float64) float64 {
	l, _ := logL(w.k.b, w.k.kappa, w.T+t)
	return math.Exp(-w.k.c * (l - w.lT))
}

// densW returns the density of the time to the next purchase in
// v = ln(1 + u/(α+T)) at u: g(u)·(α+T+u) = P(alive)·q·(1 + u/(α+T))^−q·S(T+u)/S(T),
// which falls in v (the CDF is concave in v).
func (w *outlookWork) densW(u float64) float64 {
	al := w.k.alpha + w.T
	return w.pa * w.q * math.Exp(-w.q*math.Log1p(u/al)) * w.survive(u)
}

// ProbabilityOfPurchaseWithin returns P(Y(t) ≥ 1 | x, t_x, T), the
// probability of at least one purchase in (T, T+t]:
//
//	P(alive) · q·(α+T)^q·(1 + ε(T)/κ)^s · ∫_T^{T+t} (α+τ)^−(q+1) (1 + ε(τ)/κ)^−s dτ,
//
// q = r+x (see the comment at the top of answers.go), one quadrature
// besides P(alive)'s; it rises in t from 0 to P(alive) times the
// probability of buying again before dropping out. t must be a finite
// number ≥ 0 and c valid; otherwise, or for a zero Model, it is NaN.
func (m *Model) ProbabilityOfPurchaseWithin(c clv.Customer, t float64) float64 {
	if !m.base.Ready() || !model.ValidCustomer(&c) || !finiteNonNeg(t) {
		return math.NaN()
	}
	w := m.in.newOutlookWork(c.Frequency, c.T, m.in.palive(c))
	return w.within(w.lnMass(0, t))
}

// ProbabilityAliveAfter returns the probability that the customer is
// alive at T+t given the history to T (and nothing about (T, T+t]):
//
//	P(alive at T+t | x, t_x, T) = P(alive) · S(T+t)/S(T) = P(alive) · ((1 + ε(T)/κ)/(1 + ε(T+t)/κ))^s,
//
// ε(τ) = (e^{bτ} − 1)/b, κ = β/b: the Gompertz scale's posterior given
// survival to T is Gamma(s, β + e^{bT} − 1), whatever the purchases. At
// t = 0 it is ProbabilityAlive. t must be a finite number ≥ 0 and c
// valid; otherwise, or for a zero Model, it is NaN.
func (m *Model) ProbabilityAliveAfter(c clv.Customer, t float64) float64 {
	if !m.base.Ready() || !model.ValidCustomer(&c) || !finiteNonNeg(t) {
		return math.NaN()
	}
	w := m.in.newOutlookWork(c.Frequency, c.T, m.in.palive(c))
	return w.pa * w.survive(t)
}

// ExpectedPurchaseRate returns E[λ | x, t_x, T], the posterior mean of the
// customer's purchase rate while alive. λ times the Gamma(r, α) density
// is r/α times the Gamma(r+1, α) density, so E[λ | history] = (r/α)·
// L(r+1)/L(r), L the likelihood (package doc); with B(r) its bracket,
//
//	E[λ | x, t_x, T] = (r+x) · B(r+1)/B(r),
//	B(r) = (α+T)^−(r+x)·S(T) + ∫_{t_x}^T (α+τ)^−(r+x) f(τ) dτ,
//
// which is (r+x)/(α+T) for a customer surely alive at T, more for one
// likely gone (as many purchases in a shorter life). The ratio is formed
// from the brackets' logarithms, finite where P(alive) underflows.
// 1/E[λ | x, t_x, T] is the model's expected time between purchases. c
// must be valid; otherwise, or for a zero Model, it is NaN.
func (m *Model) ExpectedPurchaseRate(c clv.Customer) float64 {
	if !m.base.Ready() || !model.ValidCustomer(&c) {
		return math.NaN()
	}
	lnL, _ := m.in.rowLik(c.Frequency, c.Recency, c.T, 1, nil)
	return m.in.rate(c, lnL)
}

// rate is ExpectedPurchaseRate given ln B(r) = lnL.
func (p inner) rate(c clv.Customer, lnL float64) float64 {
	p1 := p
	p1.r++
	lnL1, _ := p1.rowLik(c.Frequency, c.Recency, c.T, 1, nil)
	return (p.r + c.Frequency) * math.Exp(lnL1-lnL)
}

// quantileTol is the accuracy of NextPurchaseQuantiles: the search stops
// when its step in v = ln(1 + u/(α+T)) is below quantileTol·v.
const quantileTol = 1e-12

// maxQuantileSteps bounds the search's steps per quantile.
const maxQuantileSteps = 200

// NextPurchaseQuantiles returns, for each level p of ps, the p-quantile of
// the time from T to the next purchase: the t with
// ProbabilityOfPurchaseWithin(c, t) = p, when t ≤ horizon, that is, when
// p ≤ ProbabilityOfPurchaseWithin(c, horizon). The distribution is
// defective (a customer who has dropped out never buys again): levels
// above that probability are NaN, as are levels outside (0, 1), a horizon
// that is not a finite number ≥ 0, and an invalid c.
//
// The root is found by Newton's method in v = ln(1 + t/(α+T)), where the
// CDF is concave (its derivative, P(alive)·q·(1 + t/(α+T))^−q·S(T+t)/S(T),
// falls), from below: on a concave increasing function Newton's steps
// from the left stay left of the root and converge to it monotonically,
// so each step integrates only from the last point to the next, and a
// step that would leave [last point, horizon] (rounding) bisects
// instead. It stops when a step is below 1e-12·v or after 200 steps.
// Levels in ascending order start from the previous root.
func (m *Model) NextPurchaseQuantiles(c clv.Customer, ps []float64, horizon float64) []float64 {
	out := make([]float64, len(ps))
	for i := range out {
		out[i] = math.NaN()
	}
	if !m.base.Ready() || !model.ValidCustomer(&c) || !finiteNonNeg(horizon) {
		return out
	}
	w := m.in.newOutlookWork(c.Frequency, c.T, m.in.palive(c))
	w.quantiles(ps, horizon, w.within(w.lnMass(0, horizon)), out)
	return out
}

// quantiles writes the quantiles of NextPurchaseQuantiles into out, which
// holds NaN, given the CDF at the horizon, fH; it returns the number of
// quadratures.
func (w *outlookWork) quantiles(ps []float64, horizon, fH float64, out []float64) int {
	al := w.k.alpha + w.T
	evals := 0
	lastQ, lastT, lastG := 0.0, 0.0, 0.0
	for i, q := range ps {
		if !(q > 0 && q < 1) || q > fH || w.pa == 0 {
			continue
		}
		lo, glo := 0.0, 0.0 // the bracket's lower end, where the CDF is glo < q
		if q >= lastQ {
			lo, glo = lastT, lastG
		}
		hi := horizon
		res := hi
		for k := 0; k < maxQuantileSteps; k++ {
			vlo := math.Log1p(lo / al)
			vhi := math.Log1p(hi / al)
			v := vlo + (q-glo)/w.densW(lo)
			if !(v > vlo && v < vhi) {
				v = vlo + (vhi-vlo)/2
			}
			t := al * math.Expm1(v)
			if !(t > lo && t < hi) { // the step is below t's resolution: the root is at lo (or hi)
				res = lo
				if t >= hi {
					res = hi
				}
				break
			}
			g := min(1, glo+w.pa*math.Exp(w.lnMass(lo, t)))
			evals++
			if g >= q {
				hi, res = t, t
				if g == q {
					break
				}
			} else {
				lo, glo, res = t, g, t
			}
			if v-vlo <= quantileTol*v || vhi-vlo <= quantileTol*vhi {
				break
			}
		}
		out[i] = min(horizon, res)
		if glo < q {
			lastQ, lastT, lastG = q, lo, glo
		}
	}
	return evals
}

// Outlook returns the customer's clv.Outlook over opts: the values of
// ProbabilityOfPurchaseWithin at the window and the horizon,
// ProbabilityAliveAfter at the horizon, ExpectedPurchaseRate and
// NextPurchaseQuantiles at clv.NextPurchaseLevels (all NaN when the
// probability of a purchase within the horizon is below 1/2), sharing
// P(alive): two likelihood brackets (at r and r+1), the integral over
// the window and its continuation to the horizon, and a short integral
// per Newton step of the percentiles. Invalid arguments give NaN in
// every field.
func (m *Model) Outlook(c clv.Customer, opts clv.OutlookOptions) clv.Outlook {
	nan := math.NaN()
	o := clv.Outlook{PurchaseWithin: nan, PurchaseWithinHorizon: nan, AliveAtHorizon: nan, NextPurchase: [3]float64{nan, nan, nan}, PurchaseRate: nan}
	if !m.base.Ready() || !model.ValidCustomer(&c) || !opts.Valid() {
		return o
	}
	p := m.in
	return p.outlook(c, opts, p.newXTMass(c.Frequency, c.T, opts))
}

// xtMass are the terms of an outlook that depend on (x, T) alone: the
// logarithms of the mass of g/P(alive) over the window and the horizon.
type xtMass struct{ lnW, lnH float64 }

func (p inner) newXTMass(x, T float64, opts clv.OutlookOptions) xtMass {
	w := p.newOutlookWork(x, T, 1)
	lnW := w.lnMass(0, opts.Window)
	var lnH float64
	switch {
	case opts.Horizon == opts.Window:
		lnH = lnW
	case opts.Horizon > opts.Window:
		lnH = logAdd(lnW, w.lnMass(opts.Window, opts.Horizon))
	default:
		lnH = w.lnMass(0, opts.Horizon)
	}
	return xtMass{lnW, lnH}
}

// logAdd returns ln(e^a + e^b).
func logAdd(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if math.IsInf(b, -1) {
		return a
	}
	return max(a, b) + math.Log1p(math.Exp(-math.Abs(a-b)))
}

// outlook is Outlook of a valid customer and options given their xtMass.
func (p inner) outlook(c clv.Customer, opts clv.OutlookOptions, xt xtMass) clv.Outlook {
	o := clv.Outlook{NextPurchase: [3]float64{math.NaN(), math.NaN(), math.NaN()}}
	lnL, lnF := p.rowLik(c.Frequency, c.Recency, c.T, 1, nil)
	pa := min(1, math.Exp(lnF-lnL))
	w := p.newOutlookWork(c.Frequency, c.T, pa)
	o.PurchaseWithin = w.within(xt.lnW)
	o.PurchaseWithinHorizon = w.within(xt.lnH)
	o.AliveAtHorizon = pa * w.survive(opts.Horizon)
	o.PurchaseRate = p.rate(c, lnL)
	if o.PurchaseWithinHorizon >= 0.5 {
		w.quantiles(clv.NextPurchaseLevels[:], opts.Horizon, o.PurchaseWithinHorizon, o.NextPurchase[:])
	}
	return o
}

// OutlookRows writes Outlook(cs[i], opts) into out[i] for
// min(len(cs), len(out)) customers, on all cores, computing the
// integrals over the window and the horizon, which depend on (x, T)
// alone, once per distinct pair (clv.OutlookRows): the two likelihood
// brackets remain per customer, and the percentiles' steps.
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
		return rows.Key{A: c.Frequency, B: c.T}, model.ValidCustomer(c)
	})
	keys, slot := g.Keys, g.Of
	p := m.in
	xts := make([]xtMass, len(keys))
	parallel.Map(len(keys), func(lo, hi int) {
		for j := lo; j < hi; j++ {
			xts[j] = p.newXTMass(keys[j].A, keys[j].B, opts)
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

var (
	_ clv.NextPurchaseModel = (*Model)(nil)
	_ clv.OutlookRows       = (*Model)(nil)
)
