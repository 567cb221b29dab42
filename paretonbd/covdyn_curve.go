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
