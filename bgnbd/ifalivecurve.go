package bgnbd

import (
	"math"

	"github.com/clvkit/clvkit/clv"
)

// IfAliveCurve is IfAlive for many horizons of one T at once
// (interval.AliveCurve): the function it returns writes A(x, T, ts[i]),
// the expected purchases in (T, T+ts[i]] of a customer with x repeat
// purchases known to be alive at T, into out[i] (min(len(ts), len(out))
// values). Below 256 horizons it is IfAlive's function at each, bit for
// bit; from 256 on — a long horizon's months — it interpolates across the
// horizons as the long-horizon point forecasts do (freshPlan.curve: a
// Chebyshev interpolant of ln(A/z) in ln(1 + t/(α+T)) from 32 to 128
// evaluations, to about 1e-12 relative), so that its cost no longer grows
// with the series' cost at each month. Invalid x, T or t give NaN. It is
// safe for concurrent use.
func (m *Model) IfAliveCurve(x, minT, maxT float64) func(T float64, ts, out []float64) {
	point := m.IfAlive(x, minT, maxT)
	ok := m.base.Ready() && valid(clv.Customer{Frequency: x, T: max(minT, 0)})
	p := m.f
	base := p.plan(x, max(minT, 0))
	return func(T float64, ts, out []float64) {
		ts = ts[:min(len(ts), len(out))]
		out = out[:len(ts)]
		if len(ts) < curveMin || !ok || !valid(clv.Customer{Frequency: x, T: T}) {
			for i, t := range ts {
				out[i] = point(T, t)
			}
			return
		}
		for _, t := range ts {
			if !(t >= 0) || math.IsInf(t, 0) {
				for i, t := range ts {
					out[i] = point(T, t)
				}
				return
			}
		}
		fp := base
		fp.alpha = p.Alpha + T
		fp.curve(ts, out)
	}
}
