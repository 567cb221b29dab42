package paretonbd

import (
	"math"

	"github.com/clvkit/clvkit/clv"
)

// ConditionalExpectedPurchasesAt sets out[k] to
// ConditionalExpectedPurchases(c, path, ts[k]) for every horizon of ts,
// sharing P(alive) and the exposures at T across them (the same numbers
// as one call per horizon). An invalid model, customer or path, or a
// horizon not a finite number ≥ 0, gives NaN; out must be as long as ts.
func (m *DynModel) ConditionalExpectedPurchasesAt(c clv.Customer, path clv.CovariatePath, ts, out []float64) {
	e, rw, ok := m.prep(c, path)
	if !ok {
		for k := range min(len(ts), len(out)) {
			out[k] = math.NaN()
		}
		return
	}
	pa, parts := e.alive(rw)
	f := pa * (e.p.R + rw.x) / (e.p.Alpha + parts.A)
	for k := range min(len(ts), len(out)) {
		if !finiteNonNeg(ts[k]) {
			out[k] = math.NaN()
			continue
		}
		out[k] = f * e.future(rw, parts.B, ts[k], 0)
	}
}

// AliveAndExpectedAt returns ProbabilityAlive(c, path) and sets out[k] to
// ConditionalExpectedPurchases(c, path, ts[k]) for ascending horizons ts,
// in one pass over the path from T (ConditionalExpectedPurchasesAt walks
// it once per horizon): the same numbers to some 1e-13 relative. Within a
// run of constant a and b the integral is in closed form,
//
//	∫_lo^hi a ((β+B(T))/(c + b(u−lo)))^s du = (a/b)·(β+B(T))^s·c^(1−s)·((1 + b(hi−lo)/c)^(1−s) − 1)/(1−s),
//
// c = β+B(lo) (ln(1 + b(hi−lo)/c) at s = 1), computed with expm1 and
// log1p, and cut at the horizons. An invalid model, customer or path, or
// horizons not finite, ≥ 0 and ascending, give NaN throughout; out must
// be as long as ts.
func (m *DynModel) AliveAndExpectedAt(c clv.Customer, path clv.CovariatePath, ts, out []float64) float64 {
	e, rw, ok := m.prep(c, path)
	if !ok {
		for k := range min(len(ts), len(out)) {
			out[k] = math.NaN()
		}
		return math.NaN()
	}
	return e.aliveAndExpectedAt(rw, ts, out)
}

// aliveAndExpectedAt is AliveAndExpectedAt of the prepared customer rw.
func (e *dynEval) aliveAndExpectedAt(rw *dynRow, ts, out []float64) float64 {
	n := min(len(ts), len(out))
	for k := range n {
		if !finiteNonNeg(ts[k]) || k > 0 && ts[k] < ts[k-1] {
			for k := range n {
				out[k] = math.NaN()
			}
			return math.NaN()
		}
	}
	pa, parts := e.alive(rw)
	f := pa * (e.p.R + rw.x) / (e.p.Alpha + parts.A)
	p := e.p
	T := rw.T
	lbT := math.Log(p.Beta + parts.B)
	var B, total float64
	k := 0
	for ; k < n && ts[k] == 0; k++ {
		out[k] = 0
	}
	for r, run := range rw.runs {
		if k >= n {
			break
		}
		next := math.Inf(1)
		if r+1 < len(rw.runs) {
			next = rw.runs[r+1].start
		}
		a, b := e.a[run.v], e.b[run.v]
		lo := math.Max(run.start, T)
		for lo < next && k < n {
			hi := math.Min(next, T+ts[k])
			if hi > lo {
				// ∫_lo^hi a ((β+B(T))/(cb + b(u−lo)))^s du in closed form.
				cb := p.Beta + B + b*(lo-run.start)
				total += a / b * math.Exp(p.S*lbT+(1-p.S)*math.Log(cb)) * expm1Over((1-p.S), math.Log1p(b*(hi-lo)/cb))
			}
			if hi < T+ts[k] {
				break // the run ends first
			}
			out[k] = f * total
			k++
			lo = hi
		}
		B += b * (next - run.start)
	}
	return pa
}

// expm1Over returns (e^(ε·L) − 1)/ε, L at ε = 0, without cancellation.
func expm1Over(eps, L float64) float64 {
	if x := eps * L; math.Abs(x) > 1e-8 {
		return math.Expm1(x) / eps
	}
	return L * (1 + eps*L/2)
}
