package interval

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
)

// OutlookOfDraws returns the Outlook intervals at level of one customer
// from the customer's clv.Outlook under each of the draws, os, and the
// discounted purchases under each, disc (nil: NaN bounds), as Forecast
// computes a row's: each interval between the (1−level)/2 and
// (1+level)/2 quantiles (type 7) of the quantity over the draws, the
// median counted as +Inf under a draw that gives none (beyond the
// horizon; see Outlook.NextPurchaseMedian). It is for callers whose
// customers' outlooks depend on more than (frequency, recency, T), such
// as a model with time-varying covariates along each customer's path.
// Fewer than two draws, a disc of another length, a level outside
// (0, 1), or a NaN probability, rate or discounted purchases under some
// draw is an error.
func OutlookOfDraws(os []clv.Outlook, disc []float64, level float64) (Outlook, error) {
	D := len(os)
	switch {
	case D < 2:
		return Outlook{}, fmt.Errorf("%w: %d draws, want at least 2", ErrBadDraws, D)
	case disc != nil && len(disc) != D:
		return Outlook{}, fmt.Errorf("%w: %d discounted purchases for %d draws", ErrBadDraws, len(disc), D)
	case !(level > 0 && level < 1):
		return Outlook{}, fmt.Errorf("interval: level %v, want a number in (0, 1)", level)
	}
	v := make([]float64, 2*D)
	vals, scratch := v[:D], v[D:]
	band := func(f func(o *clv.Outlook) float64) Interval {
		for d := range os {
			vals[d] = f(&os[d])
		}
		lo, hi := quantileBand(vals, level, scratch)
		return Interval{lo, hi}
	}
	var o Outlook
	o.PurchaseWithin = band(func(o *clv.Outlook) float64 { return o.PurchaseWithin })
	o.PurchaseWithinHorizon = band(func(o *clv.Outlook) float64 { return o.PurchaseWithinHorizon })
	o.AliveAtHorizon = band(func(o *clv.Outlook) float64 { return o.AliveAtHorizon })
	o.TimeBetweenPurchases = band(func(o *clv.Outlook) float64 { return 1 / o.PurchaseRate })
	for d := range os {
		vals[d] = os[d].NextPurchase[1]
		if math.IsNaN(vals[d]) {
			vals[d] = math.Inf(1)
		}
	}
	o.NextPurchaseMedian.Low, o.NextPurchaseMedian.High = infBand(vals, level, scratch)
	o.DiscountedPurchases = Interval{math.NaN(), math.NaN()}
	if disc != nil {
		o.DiscountedPurchases.Low, o.DiscountedPurchases.High = quantileBand(disc, level, scratch)
		if math.IsNaN(o.DiscountedPurchases.Low) {
			return Outlook{}, fmt.Errorf("interval: no discounted purchases under some draw")
		}
	}
	for _, iv := range [...]Interval{o.PurchaseWithin, o.PurchaseWithinHorizon, o.AliveAtHorizon, o.TimeBetweenPurchases, o.NextPurchaseMedian} {
		if math.IsNaN(iv.Low) || math.IsNaN(iv.High) {
			return Outlook{}, fmt.Errorf("interval: no outlook under some draw")
		}
	}
	return o, nil
}

// NewOutlooks returns the Outlooks of len(rows) customers computed one by
// one (OutlookOfDraws): customer i's intervals are rows[i], each customer
// its own row. rows is used, not copied.
func NewOutlooks(rows []Outlook) *Outlooks {
	slot := make([]int32, len(rows))
	for i := range slot {
		slot[i] = int32(i)
	}
	return &Outlooks{rows: rows, slot: slot}
}
