package paretonbd

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
)

// Predictions of the Pareto/NBD model with time-varying covariates. Given
// the customer's history (x, t_x, T) and covariate path, the customer is
// alive at T with probability
//
//	P(alive) = Tail / (Tail + s·J),
//
// the terms of the likelihood (rowLogLik), and, alive at T, has the
// purchase rate λ ~ Gamma(r+x, α+A(T)) and the dropout rate
// μ ~ Gamma(s, β+B(T)) independently, so that the expected purchases in
// (T, T+t] are
//
//	E[Y(T, T+t)] = P(alive) · (r+x)/(α+A(T)) · ∫_T^{T+t} a(u) ((β+B(T))/(β+B(u)))^s du,
//
// with a(u) = exp(γ_trans·z(u)) and B as in the likelihood, and the
// discounted expected residual transactions DERT(δ) the same integral to
// ∞ with the factor e^−δ(u−T). The path's last vector holds without end;
// the integral over its last run is the static model's closed form.

// prep returns the model at its parameters over the path's vectors, and
// the customer as a row whose runs cover [0, ∞); false if the model, the
// customer or the path is not valid.
func (m *DynModel) prep(c clv.Customer, path clv.CovariatePath) (*dynEval, *dynRow, bool) {
	if m == nil || m.p.Names == nil || c.Validate() != nil || path.Check(m.p.Names) != nil {
		return nil, nil, false
	}
	ix := &vecIndex{index: map[string]int32{}}
	rw := &dynRow{x: c.Frequency, tx: c.Recency, T: c.T, w: 1, zSum: make([]float64, len(m.p.Names)), runs: runsOf(path, math.Inf(1), ix)}
	return newDynEval(m.p.Params, m.p.Trans, m.p.Life, ix.zs), rw, true
}

// alive returns P(alive) and the exposures A(T), B(T).
func (e *dynEval) alive(rw *dynRow) (float64, dynParts) {
	_, parts := e.rowLogLik(rw, nil, newDynScratch(len(e.trans)))
	return math.Exp(parts.lnTail - logAddExp(parts.lnTail, parts.lnDrop)), parts
}

// future returns ∫_T^{T+t} e^−δ(u−T) a(u) ((β+B(T))/(β+B(u)))^s du, t
// possibly +Inf, with bT = B(T).
func (e *dynEval) future(rw *dynRow, bT, t, delta float64) float64 {
	p := e.p
	T, end1 := rw.T, rw.T+t
	var B, total float64
	for k, run := range rw.runs {
		next := math.Inf(1)
		if k+1 < len(rw.runs) {
			next = rw.runs[k+1].start
		}
		a, b := e.a[run.v], e.b[run.v]
		lo, hi := math.Max(run.start, T), math.Min(next, end1)
		if hi > lo {
			cb := p.Beta + B + b*(lo-run.start)
			if math.IsInf(hi, 1) {
				// ∫_0^∞ e^−δh a (cb/(cb + b·h))^s dh = a·cb/b·J(δ·cb/b, s).
				total += a * cb / b * discountedLifetime(delta*cb/b, p.S) *
					math.Exp(-delta*(lo-T)+p.S*(math.Log(p.Beta+bT)-math.Log(cb)))
			} else {
				m, at := pieces(lo, hi, 1, 0, 0, cb, b, p.S, delta, 1)
				for q := range m {
					u0, u1 := at(q, m), at(q+1, m)
					mid, half := (u0+u1)/2, (u1-u0)/2
					for i, xi := range glX {
						u := mid + half*xi
						Bu := B + b*(u-run.start)
						total += half * glW[i] * a * math.Exp(-delta*(u-T)+p.S*(math.Log(p.Beta+bT)-math.Log(p.Beta+Bu)))
					}
				}
			}
		}
		if next >= end1 {
			break
		}
		B += b * (next - run.start)
	}
	return total
}

// ProbabilityAlive returns P(alive) at T of customer c whose covariates
// followed path (from the first purchase to T at least): the share of the
// likelihood from customers still alive at T. An invalid customer or path
// gives NaN.
func (m *DynModel) ProbabilityAlive(c clv.Customer, path clv.CovariatePath) float64 {
	e, rw, ok := m.prep(c, path)
	if !ok {
		return math.NaN()
	}
	pa, _ := e.alive(rw)
	return pa
}

// ConditionalExpectedPurchases returns the expected number of purchases in
// (T, T+t] of customer c whose covariates follow path (the history and
// the horizon; the last vector holds on):
//
//	P(alive) · (r+x)/(α+A(T)) · ∫_T^{T+t} a(u) ((β+B(T))/(β+B(u)))^s du.
//
// With a constant path it is CovModel.ConditionalExpectedPurchases. An
// invalid customer, path, or t not a finite number ≥ 0 gives NaN.
func (m *DynModel) ConditionalExpectedPurchases(c clv.Customer, path clv.CovariatePath, t float64) float64 {
	e, rw, ok := m.prep(c, path)
	if !ok || !finiteNonNeg(t) {
		return math.NaN()
	}
	pa, parts := e.alive(rw)
	return pa * (e.p.R + rw.x) / (e.p.Alpha + parts.A) * e.future(rw, parts.B, t, 0)
}

// DERT returns the discounted expected residual transactions of customer
// c whose covariates follow path, at continuous discount rate delta per
// time unit:
//
//	P(alive) · (r+x)/(α+A(T)) · ∫_T^∞ e^−δ(u−T) a(u) ((β+B(T))/(β+B(u)))^s du,
//
// the path's last vector holding on. With a constant path it is
// CovModel.DERT; delta = 0 gives the expected number of future purchases,
// +Inf when s ≤ 1. An invalid customer, path, or delta not a finite
// number ≥ 0 gives NaN.
func (m *DynModel) DERT(c clv.Customer, path clv.CovariatePath, delta float64) float64 {
	e, rw, ok := m.prep(c, path)
	if !ok || !finiteNonNeg(delta) {
		return math.NaN()
	}
	pa, parts := e.alive(rw)
	return pa * (e.p.R + rw.x) / (e.p.Alpha + parts.A) * e.future(rw, parts.B, math.Inf(1), delta)
}

// ProbabilityAliveAll returns ProbabilityAlive for every customer, with
// paths[i] the path of cs[i], on all cores. An invalid customer or path is
// an error naming it.
func (m *DynModel) ProbabilityAliveAll(cs []clv.Customer, paths []clv.CovariatePath) ([]float64, error) {
	return m.batch(cs, paths, func(c clv.Customer, p clv.CovariatePath) float64 { return m.ProbabilityAlive(c, p) })
}

// ConditionalExpectedPurchasesAll returns ConditionalExpectedPurchases(c,
// path, t) for every customer.
func (m *DynModel) ConditionalExpectedPurchasesAll(cs []clv.Customer, paths []clv.CovariatePath, t float64) ([]float64, error) {
	if !finiteNonNeg(t) {
		return nil, fmt.Errorf("paretonbd: horizon t = %v, want a finite number ≥ 0", t)
	}
	return m.batch(cs, paths, func(c clv.Customer, p clv.CovariatePath) float64 { return m.ConditionalExpectedPurchases(c, p, t) })
}

// DERTAll returns DERT(c, path, delta) for every customer.
func (m *DynModel) DERTAll(cs []clv.Customer, paths []clv.CovariatePath, delta float64) ([]float64, error) {
	if !finiteNonNeg(delta) {
		return nil, fmt.Errorf("paretonbd: discount rate %v, want a finite number ≥ 0", delta)
	}
	return m.batch(cs, paths, func(c clv.Customer, p clv.CovariatePath) float64 { return m.DERT(c, p, delta) })
}

func (m *DynModel) batch(cs []clv.Customer, paths []clv.CovariatePath, f func(clv.Customer, clv.CovariatePath) float64) ([]float64, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	if len(paths) != len(cs) {
		return nil, fmt.Errorf("paretonbd: %w: %d paths for %d customers", clv.ErrInvalidCovariates, len(paths), len(cs))
	}
	for i, c := range cs {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("paretonbd: customers[%d]: %w", i, err)
		}
		if err := paths[i].Check(m.p.Names); err != nil {
			return nil, fmt.Errorf("paretonbd: customers[%d] (%q): %w", i, c.ID, err)
		}
	}
	out := make([]float64, len(cs))
	parallel.For((len(cs)+dynChunk-1)/dynChunk, func(ch int) {
		for i := ch * dynChunk; i < min((ch+1)*dynChunk, len(cs)); i++ {
			out[i] = f(cs[i], paths[i])
		}
	})
	return out, nil
}
