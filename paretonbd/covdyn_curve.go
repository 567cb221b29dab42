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
	p := e.p
	// A customer with no history (the population curves) is alive at
	// T = 0 with exposures 0: no likelihood to evaluate.
	pa, parts := 1.0, dynParts{}
	if rw.x != 0 || rw.T != 0 {
		pa, parts = e.alive(rw)
	}
	f := pa * (p.R + rw.x) / (p.Alpha + parts.A)
	T := rw.T
	// The integrand's factor (β+B(T))^s·c^(1−s) = bT·(c/bT)^(1−s), the
	// power at the start of the stretch carried from one stretch to the
	// next (c·(1 + b(hi−lo)/c) is the next stretch's c when they are
	// contiguous); c ≥ bT, so it neither overflows nor underflows but
	// toward 0 for a large s.
	bT := p.Beta + parts.B
	eps := 1 - p.S
	var B, total, cpow float64
	last := math.NaN() // where the previous stretch ended
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
				// ∫_lo^hi a ((β+B(T))/(c + b(u−lo)))^s du in closed form.
				if lo != last {
					cpow = math.Exp(eps * math.Log((p.Beta+B+b*(lo-run.start))/bT))
				}
				L := math.Log1p(b * (hi - lo) / (p.Beta + B + b*(lo-run.start)))
				em := expm1Mul(eps, L)
				total += a / b * bT * cpow * em.over
				cpow *= 1 + em.x
				last = hi
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

// expm1Pair is e^(ε·L) − 1 (x) and (e^(ε·L) − 1)/ε (over; L at ε = 0).
type expm1Pair struct{ x, over float64 }

// expm1Mul returns the expm1Pair of ε and L, without cancellation.
func expm1Mul(eps, L float64) expm1Pair {
	if x := eps * L; math.Abs(x) > 1e-8 {
		em := math.Expm1(x)
		return expm1Pair{em, em / eps}
	}
	over := L * (1 + eps*L/2)
	return expm1Pair{eps * over, over}
}
