package ggompertz

import (
	"cmp"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
)

// The expected purchases of a customer known to be alive at T factor as
//
//	A(x, T, t) = (r+x)/(α+T) · ∫_0^t S(T+u)/S(T) du,
//
// the purchase rate's posterior mean E[λ | x, alive at T] = (r+x)/(α+T),
// which depends on x and T only, times the expected time alive in the
// next t (Bemmaor & Glady 2012): E[Y(t) | x, t_x, T] = P(alive)·A(x, T,
// t). The integral ∫_T^{T+t} of the lifetime survival is additive over
// the horizons: curveLogs integrates it once along the sorted horizons,
// piece by piece between consecutive ones with the package's quadrature
// (kernel.integrate), so that the months of a forecast cost one integral
// to the largest horizon rather than one integral from T to each.

// curveLogs writes ln ∫_0^{ts[i]} S(T+u)/S(T) du into out[i] for each
// horizon of ts (−Inf at t = 0, NaN for a t that is not a finite number
// ≥ 0), in any order of ts. It integrates between consecutive sorted
// horizons, each piece judged against the integral so far (its tail
// negligible below e^−40 of it, as one integral from T is), and stops
// integrating once the survival past the last horizon reached is
// negligible: the later horizons then share its value. out must be as
// long as ts.
func (p inner) curveLogs(T float64, ts, out []float64) {
	sorted, prev := true, math.Inf(-1)
	for _, t := range ts {
		if t < prev {
			sorted = false
			break
		}
		if !math.IsNaN(t) {
			prev = t
		}
	}
	var order []int
	if !sorted {
		order = make([]int, len(ts))
		for i := range order {
			order[i] = i
		}
		// NaN first (cmp.Compare): it is written NaN and skipped.
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ts[a], ts[b]) })
	}
	lT, _ := logL(p.b, p.kappa, T)
	k := kernel{b: p.b, kappa: p.kappa, c: p.s, fine: 1}
	cum := math.Inf(-1) // ln ∫_T^a exp(ℓ)
	a := T
	done := false // the rest past a is negligible
	for j := range ts {
		i := j
		if order != nil {
			i = order[j]
		}
		t := ts[i]
		if !finiteNonNeg(t) {
			out[i] = math.NaN()
			continue
		}
		if t == 0 {
			out[i] = math.Inf(-1)
			continue
		}
		if hi := T + t; hi > a && !done {
			if !math.IsInf(cum, -1) && k.tail(a, math.Inf(1), k.at(a)) < cum-tailLog {
				done = true
			} else {
				cum = logAddExp(cum, k.integrate(a, hi, cum, nil))
				a = hi
			}
		}
		out[i] = cum + p.s*lT
	}
}

// logAddExp returns ln(e^a + e^b).
func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// IfAlive returns A(x, T, t), the expected purchases in (T, T+t] of a
// customer with x repeat purchases known to be alive at T,
//
//	A(x, T, t) = (r+x)/(α+T) · ∫_0^t S(T+u)/S(T) du,
//
// so that ConditionalExpectedPurchases is P(alive)·A
// (interval.AliveFactored). minT and maxT are not used: each call
// integrates from T. An invalid x, T or t, or a zero Model, gives NaN.
// The function is safe for concurrent use.
func (m *Model) IfAlive(x, minT, maxT float64) func(T, t float64) float64 {
	ready := m.base.Ready()
	p := m.in
	return func(T, t float64) float64 {
		if !ready || !validXT(x, T) || !finiteNonNeg(t) {
			return math.NaN()
		}
		return p.cetAlive(clv.Customer{Frequency: x, T: T}, t, 0, 1)
	}
}

// IfAliveCurve is IfAlive for many horizons of one T at once
// (interval.AliveCurve): the function it returns writes A(x, T, ts[i])
// into out[i] (min(len(ts), len(out)) values), the horizons in any
// order, integrating the survival once along them (see curveLogs): the
// months of a forecast cost about one integral to the last. It agrees
// with IfAlive's function to a few 1e-13 relative (1e-10 asserted over the
// parameters' range), not bit for bit. Invalid x, T or t give NaN. It is
// safe for concurrent use.
func (m *Model) IfAliveCurve(x, minT, maxT float64) func(T float64, ts, out []float64) {
	ready := m.base.Ready()
	p := m.in
	return func(T float64, ts, out []float64) {
		ts = ts[:min(len(ts), len(out))]
		out = out[:len(ts)]
		if !ready || !validXT(x, T) {
			for i := range out {
				out[i] = math.NaN()
			}
			return
		}
		p.curveLogs(T, ts, out)
		rate := (p.r + x) / (p.alpha + T)
		for i, l := range out {
			out[i] = rate * math.Exp(l)
		}
	}
}

// validXT reports whether a customer may have frequency x and age T.
func validXT(x, T float64) bool { return model.ValidCustomer(&clv.Customer{Frequency: x, T: T}) }

// ProbabilityAliveAt writes ProbabilityAlive of the customers with
// frequency x, age T and the recencies txs into out
// (min(len(txs), len(out)) values), bit for bit; NaN for an invalid
// customer or a zero Model (interval.AliveFactored).
func (m *Model) ProbabilityAliveAt(x, T float64, txs, out []float64) {
	for i := range min(len(txs), len(out)) {
		out[i] = m.ProbabilityAlive(clv.Customer{Frequency: x, Recency: txs[i], T: T})
	}
}
