package interval

import (
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/internal/nilmodel"
)

// schedule is the grid of a lifetime value (predict.ValueOptions.Schedule):
// the horizons ts and the discount applied to the purchases expected in
// each step.
type schedule struct {
	ts, disc []float64
}

// discount returns Σ (cum[i] − cum[i−1])·disc[i], cum[−1] = 0.
func (s schedule) discount(cum []float64) float64 {
	total, prev := 0.0, 0.0
	for i, v := range cum {
		total += (v - prev) * s.disc[i]
		prev = v
	}
	return total
}

// discountedPurchases returns the discounted number of purchases pm
// expects from c over the schedule, as predict.LifetimeValue computes it. cum
// is scratch of len(s.ts).
func discountedPurchases(pm clv.PurchaseModel, c clv.Customer, s schedule, cum []float64) float64 {
	return predict.DiscountedPurchasesOver(pm, c, s.ts, s.disc, cum)
}

// isNil reports whether a model argument is nil (nilmodel.Is).
func isNil(v any) bool { return nilmodel.Is(v) }

// checkModels returns an error wrapping clv.ErrNilModel, naming fn, if any
// of ms is nil (nilmodel.Check).
func checkModels(fn string, ms ...any) error { return nilmodel.Check("interval", fn, ms...) }
