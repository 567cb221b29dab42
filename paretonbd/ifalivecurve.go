package paretonbd

import (
	"math"

	"github.com/clvkit/clvkit/clv"
)

// IfAliveCurve is IfAlive for many horizons of one T at once
// (interval.AliveCurve): the function it returns writes A(x, T, ts[i]),
// the expected purchases in (T, T+ts[i]] of a customer with x repeat
// purchases known to be alive at T, into out[i] (min(len(ts), len(out))
// values), bit for bit IfAlive's function at each. The closed form's
// factor (r+x)(β+T)/(α+T) and the checks of x and T are done once per
// call rather than once per horizon, so that a long horizon's months cost
// a logarithm and an exponential each. Invalid x, T or t give NaN. It is
// safe for concurrent use.
func (m *Model) IfAliveCurve(x, minT, maxT float64) func(T float64, ts, out []float64) {
	ready := m.base.Ready()
	var p Params
	if ready {
		p = m.Params()
	}
	return func(T float64, ts, out []float64) {
		ts = ts[:min(len(ts), len(out))]
		out = out[:len(ts)]
		if !ready || !valid(clv.Customer{Frequency: x, T: T}) {
			for i := range out {
				out[i] = math.NaN()
			}
			return
		}
		if p.expLimit() { // as activeExpected
			k, mu := p.aliveRate(x, T), p.mu()
			for i, t := range ts {
				if !finiteNonNeg(t) {
					out[i] = math.NaN()
					continue
				}
				out[i] = k * t * expm1x(-mu*t)
			}
			return
		}
		bt := p.Beta + T
		k := p.aliveRate(x, T) * bt
		for i, t := range ts {
			if !finiteNonNeg(t) {
				out[i] = math.NaN()
				continue
			}
			L := math.Log1p(t / bt)
			out[i] = k * L * expm1x(-(p.S-1)*L)
		}
	}
}
