package paretonbd

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
)

// The next purchase under the Pareto/NBD model with time-varying
// covariates, along a customer's covariate path. Alive at T, the
// customer's purchase rate is λ·a(u) with λ ~ Gamma(r', α'), r' = r+x,
// α' = α+A(T), and the dropout rate μ·b(u) with μ ~ Gamma(s, β'),
// β' = β+B(T), independently (the posterior of the likelihood's alive
// term). With ΔA(t) = A(T+t) − A(T) and ΔB(t) = B(T+t) − B(T) the
// exposures since T,
//
//	P(alive at T+t | history) = P(alive) · (β'/(β'+ΔB(t)))^s,
//
// and, alive at T, the customer makes no purchase in (T, T+t] and stays
// alive with probability f(t) = (α'/(α'+ΔA(t)))^r' (β'/(β'+ΔB(t)))^s, or
// drops out at T+u without a purchase before, with density g(u) =
// b(T+u)·(s/β')·(α'/(α'+ΔA(u)))^r' (β'/(β'+ΔB(u)))^(s+1), so that
//
//	P(no purchase in (T, T+t] | alive at T) = f(t) + ∫₀ᵗ g(u) du.
//
// It equals L(x, t_x, T+t)/L(x, t_x, T)'s alive share (the history
// observed to T+t instead of T, along the same path). Its complement,
// whose derivative is −f′ − g, is the integral of a positive density:
//
//	P(Y(T, T+t) ≥ 1) = P(alive) · ∫₀ᵗ a(T+u)·(r'/α')·(α'/(α'+ΔA(u)))^(r'+1) (β'/(β'+ΔB(u)))^s du,
//
// the purchase hazard r'·a/(α'+ΔA) times f, computed without
// cancellation at small t: 8-point Gauss–Legendre on the pieces of each
// run (as the likelihood's integral). The time to the next purchase has
// this distribution, defective (a customer who drops out first never
// buys again); its quantiles are found run by run, then by safeguarded
// Newton steps within the run that holds them.

// dynAhead is a customer alive at T, as seen from T: the model over the
// path's vectors, the runs, P(alive), r', α', β' and the run in force
// at T.
type dynAhead struct {
	e          *dynEval
	rw         *dynRow
	pa         float64
	rp, ap, bp float64
	k0         int
}

// ahead prepares customer c on path for the next-purchase quantities;
// false if the model, the customer or the path is not valid.
func (m *DynModel) ahead(c clv.Customer, path clv.CovariatePath) (*dynAhead, bool) {
	e, rw, ok := m.prep(c, path)
	if !ok {
		return nil, false
	}
	pa, parts := e.alive(rw)
	d := &dynAhead{e: e, rw: rw, pa: pa, rp: e.p.R + rw.x, ap: e.p.Alpha + parts.A, bp: e.p.Beta + parts.B}
	for k, run := range rw.runs {
		if run.start <= rw.T {
			d.k0 = k
		}
	}
	return d, !math.IsNaN(pa)
}

// span is a stretch [lo, hi) of time since T within one run, with the
// run's multipliers a, b and the exposures dA, dB since T at lo.
type span struct {
	lo, hi, a, b, dA, dB float64
}

// spans calls f on the stretches of the runs from T to T+t in order
// (the last run's without end), until f returns false.
func (d *dynAhead) spans(t float64, f func(sp span) bool) {
	var dA, dB float64
	T := d.rw.T
	for k := d.k0; k < len(d.rw.runs); k++ {
		run := d.rw.runs[k]
		hi := math.Inf(1)
		if k+1 < len(d.rw.runs) {
			hi = d.rw.runs[k+1].start - T
		}
		lo := math.Max(run.start-T, 0)
		hi = math.Min(hi, t)
		if hi > lo {
			sp := span{lo: lo, hi: hi, a: d.e.a[run.v], b: d.e.b[run.v], dA: dA, dB: dB}
			if !f(sp) {
				return
			}
			dA += sp.a * (hi - lo)
			dB += sp.b * (hi - lo)
		}
		if hi >= t {
			return
		}
	}
}

// lnDensity returns the log of the integrand of P(Y ≥ 1 | alive at T)
// at w after sp.lo.
func (d *dynAhead) lnDensity(sp span, w float64) float64 {
	return math.Log(sp.a*d.rp/d.ap) - (d.rp+1)*math.Log1p((sp.dA+sp.a*w)/d.ap) - d.e.p.S*math.Log1p((sp.dB+sp.b*w)/d.bp)
}

// buy returns ∫ of the integrand of P(Y ≥ 1 | alive at T) over
// [sp.lo, sp.lo+w]: 8-point Gauss–Legendre on pieces of half the
// likelihood's (the integrand's log changes by 4 at most per piece, an
// error of some 1e-13 relative; 8 leaves 1e-7 at r+x = 40).
func (d *dynAhead) buy(sp span, w float64) float64 {
	if !(w > 0) {
		return 0
	}
	m, at := pieces(0, w, d.ap+sp.dA, sp.a, d.rp+1, d.bp+sp.dB, sp.b, d.e.p.S, 0, d.e.scale/2)
	var sum float64
	for q := range m {
		u0, u1 := at(q, m), at(q+1, m)
		mid, half := (u0+u1)/2, (u1-u0)/2
		for i, xi := range glX {
			sum += half * glW[i] * math.Exp(d.lnDensity(sp, mid+half*xi))
		}
	}
	return sum
}

// within returns P(Y(T, T+t) ≥ 1 | alive at T).
func (d *dynAhead) within(t float64) float64 {
	var g float64
	d.spans(t, func(sp span) bool {
		g += d.buy(sp, sp.hi-sp.lo)
		return true
	})
	return min(1, g)
}

// aliveAfter returns P(alive at T+t | history).
func (d *dynAhead) aliveAfter(t float64) float64 {
	var dB float64
	d.spans(t, func(sp span) bool {
		dB = sp.dB + sp.b*(sp.hi-sp.lo)
		return true
	})
	return d.pa * math.Exp(-d.e.p.S*math.Log1p(dB/d.bp))
}

// quantile returns the smallest t ≤ horizon with P(Y(T, T+t) ≥ 1) ≥ p,
// NaN if there is none.
func (d *dynAhead) quantile(p, horizon float64) float64 {
	if !(p > 0 && p < 1) || d.pa <= 0 {
		return math.NaN()
	}
	target := p / d.pa // of the conditional ∫, alive at T
	if target > 1 {
		return math.NaN()
	}
	var g float64
	out := math.NaN()
	d.spans(horizon, func(sp span) bool {
		full := d.buy(sp, sp.hi-sp.lo)
		if g+full < target {
			g += full
			return true
		}
		// Solve g + buy(sp, w) = target for w in [0, hi−lo]: Newton steps
		// (the derivative is the density) kept inside the bracket,
		// bisection where a step leaves it.
		lo, hi := 0.0, sp.hi-sp.lo
		w := hi * (target - g) / full
		for range 100 {
			r := g + d.buy(sp, w) - target
			if r >= 0 {
				hi = w
			} else {
				lo = w
			}
			next := w - r/math.Exp(d.lnDensity(sp, w))
			if !(next > lo && next < hi) {
				next = (lo + hi) / 2
			}
			if math.Abs(next-w) <= 1e-13*math.Max(1, sp.lo+w) || hi-lo <= 1e-13*math.Max(1, sp.lo+hi) {
				w = next
				break
			}
			w = next
		}
		out = sp.lo + w
		return false
	})
	return out
}

// rate returns E[λ | history]·a(T), the posterior mean purchase rate in
// force at T: E[λ | history] = (r/α)·L(r+1)/L(r), λ times the
// Gamma(r, α) density being r/α times the Gamma(r+1, α) density.
func (d *dynAhead) rate() float64 {
	e1 := *d.e
	e1.p.R++
	sc := newDynScratch(len(d.e.trans))
	l0, _ := d.e.rowLogLik(d.rw, nil, sc)
	l1, _ := e1.rowLogLik(d.rw, nil, sc)
	p := d.e.p
	return p.R / p.Alpha * math.Exp(l1-l0) * d.e.a[d.rw.runs[d.k0].v]
}

// ProbabilityOfPurchaseWithin returns P(Y(T, T+t) ≥ 1 | history), the
// probability that customer c, whose covariates follow path (the history
// and the horizon; the last vector holds on), buys at least once in
// (T, T+t]:
//
//	P(alive) · ∫₀ᵗ a(T+u)·(r'/α')·(α'/(α'+ΔA(u)))^(r'+1) (β'/(β'+ΔB(u)))^s du,
//
// in the terms above; 1 minus it is P(alive)·[f(t) + ∫₀ᵗ g] + 1 −
// P(alive). With a constant path it is the static model's at
// CovParams.At(z). An invalid customer, path, or t not a finite number
// ≥ 0 gives NaN.
func (m *DynModel) ProbabilityOfPurchaseWithin(c clv.Customer, path clv.CovariatePath, t float64) float64 {
	d, ok := m.ahead(c, path)
	if !ok || !finiteNonNeg(t) {
		return math.NaN()
	}
	return d.pa * d.within(t)
}

// ProbabilityAliveAfter returns the probability that customer c, whose
// covariates follow path, is alive at T+t given the history to T:
//
//	P(alive) · ((β+B(T))/(β+B(T+t)))^s.
//
// At t = 0 it is ProbabilityAlive. An invalid customer, path, or t not a
// finite number ≥ 0 gives NaN.
func (m *DynModel) ProbabilityAliveAfter(c clv.Customer, path clv.CovariatePath, t float64) float64 {
	d, ok := m.ahead(c, path)
	if !ok || !finiteNonNeg(t) {
		return math.NaN()
	}
	return d.aliveAfter(t)
}

// ExpectedPurchaseRate returns E[λ·a(T) | history], the posterior mean of
// customer c's purchase rate at T, with the multiplier a(T) =
// exp(γ_trans·z(T)) in force then: E[λ | history] = (r/α)·L(r+1)/L(r),
// L the likelihood along path. 1/ExpectedPurchaseRate is the model's
// expected time between purchases at T's covariates. An invalid customer
// or path gives NaN.
func (m *DynModel) ExpectedPurchaseRate(c clv.Customer, path clv.CovariatePath) float64 {
	d, ok := m.ahead(c, path)
	if !ok {
		return math.NaN()
	}
	return d.rate()
}

// NextPurchaseQuantiles returns, for each level p of ps, the p-quantile
// of the time from T to customer c's next purchase along path: the
// smallest t with ProbabilityOfPurchaseWithin(c, path, t) ≥ p, when that
// t is at most horizon (relative accuracy about 1e-13); NaN when it lies
// beyond, for p outside (0, 1), and for invalid arguments.
func (m *DynModel) NextPurchaseQuantiles(c clv.Customer, path clv.CovariatePath, ps []float64, horizon float64) []float64 {
	out := make([]float64, len(ps))
	d, ok := m.ahead(c, path)
	for k, p := range ps {
		out[k] = math.NaN()
		if ok && finiteNonNeg(horizon) {
			out[k] = d.quantile(p, horizon)
		}
	}
	return out
}

// Outlook returns customer c's clv.Outlook along path (the fields of
// clv.NextPurchaseModel.Outlook): the probabilities of a purchase within
// opts.Window and opts.Horizon, P(alive) at the horizon's end, the
// percentiles clv.NextPurchaseLevels (all NaN when the probability of a
// purchase within the horizon is below 1/2) and ExpectedPurchaseRate.
// Invalid arguments give NaN in every field.
func (m *DynModel) Outlook(c clv.Customer, path clv.CovariatePath, opts clv.OutlookOptions) clv.Outlook {
	nan := math.NaN()
	d, ok := m.ahead(c, path)
	if !ok || !opts.Valid() {
		return clv.Outlook{PurchaseWithin: nan, PurchaseWithinHorizon: nan, AliveAtHorizon: nan, NextPurchase: [3]float64{nan, nan, nan}, PurchaseRate: nan}
	}
	o := clv.Outlook{PurchaseWithin: d.pa * d.within(opts.Window), PurchaseWithinHorizon: d.pa * d.within(opts.Horizon),
		AliveAtHorizon: d.aliveAfter(opts.Horizon), NextPurchase: [3]float64{nan, nan, nan}, PurchaseRate: d.rate()}
	if o.PurchaseWithinHorizon >= 0.5 {
		prev := 0.0
		for k, p := range clv.NextPurchaseLevels {
			// Ascending as the levels, also where the search's tolerance
			// (1e-13 relative) meets a jump of the density.
			q := d.quantile(p, opts.Horizon)
			if q < prev {
				q = prev
			}
			o.NextPurchase[k], prev = q, q
		}
	}
	return o
}

// OutlookAll returns Outlook of every customer, paths[i] the path of
// cs[i], on all cores (customer by customer: customers with equal
// frequency, recency and T differ in their paths). An invalid customer or
// path, or invalid options, is an error.
func (m *DynModel) OutlookAll(cs []clv.Customer, paths []clv.CovariatePath, opts clv.OutlookOptions) ([]clv.Outlook, error) {
	if !opts.Valid() {
		return nil, fmt.Errorf("%w: Window %v, Horizon %v: want finite numbers > 0", clv.ErrBadOutlookOptions, opts.Window, opts.Horizon)
	}
	if _, err := m.batch(cs, paths, func(clv.Customer, clv.CovariatePath) float64 { return 0 }); err != nil {
		return nil, err
	}
	out := make([]clv.Outlook, len(cs))
	parallel.For((len(cs)+dynChunk-1)/dynChunk, func(ch int) {
		for i := ch * dynChunk; i < min((ch+1)*dynChunk, len(cs)); i++ {
			out[i] = m.Outlook(cs[i], paths[i], opts)
		}
	})
	return out, nil
}
