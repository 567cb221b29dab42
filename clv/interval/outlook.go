package interval

import (
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
)

// Outlook holds the intervals of one customer's answers in calendar terms
// (clv.Outlook) and of the discounted purchases, under the parameter
// draws of Forecast, times in the model's unit. Each interval runs between
// the (1−level)/2 and (1+level)/2 quantiles (type 7) of the quantity
// computed with each draw's model.
type Outlook struct {
	// PurchaseWithin is the interval of P(Y(Window) ≥ 1 | x, t_x, T),
	// the probability of at least one purchase within the window; that
	// of churn within the window, 1 − it, is [1 − High, 1 − Low].
	PurchaseWithin Interval
	// PurchaseWithinHorizon is the interval of the probability of at
	// least one purchase within the horizon.
	PurchaseWithinHorizon Interval
	// AliveAtHorizon is the interval of P(alive at T + Horizon | x, t_x, T).
	AliveAtHorizon Interval
	// NextPurchaseMedian is the interval of the median time to the next
	// purchase (clv.Outlook.NextPurchase[1]). Under a draw whose
	// probability of a purchase within the horizon is below 1/2 the
	// median lies beyond the horizon (or never comes) and counts as +Inf,
	// so High, or both bounds, are +Inf when more than (1−level)/2 of the
	// draws, or more than (1+level)/2, place it beyond the horizon. A
	// quantile between a finite order statistic and +Inf is +Inf (type 7
	// with 0·∞ = 0).
	NextPurchaseMedian Interval
	// TimeBetweenPurchases is the interval of 1/E[λ | x, t_x, T], the
	// model's expected time between purchases at the posterior mean rate
	// (1/clv.Outlook.PurchaseRate).
	TimeBetweenPurchases Interval
	// DiscountedPurchases is the interval of the discounted expected
	// purchases over Options.Value's schedule, the lifetime value at one
	// per purchase and margin 1 (as predict.LifetimeValue computes it); NaN
	// bounds when Options.Value is zero.
	DiscountedPurchases Interval
}

// Outlooks holds the Outlook intervals of many customers, computed once
// per distinct (frequency, recency, T): At(i) is customer i's, Row(Index(i))
// the same.
type Outlooks struct {
	rows []Outlook
	slot []int32
}

// Len returns the number of customers.
func (o *Outlooks) Len() int { return len(o.slot) }

// Distinct returns the number of distinct rows.
func (o *Outlooks) Distinct() int { return len(o.rows) }

// At returns the intervals of customer i, 0 ≤ i < Len(); the zero Outlook
// otherwise.
func (o *Outlooks) At(i int) Outlook {
	if i < 0 || i >= len(o.slot) {
		return Outlook{}
	}
	return o.rows[o.slot[i]]
}

// Index returns the distinct row of customer i (0 ≤ i < Len()), −1
// otherwise. Customers of one row have equal intervals, so a caller that
// derives something from them (formatted cells) can do it once per row.
func (o *Outlooks) Index(i int) int {
	if i < 0 || i >= len(o.slot) {
		return -1
	}
	return int(o.slot[i])
}

// Row returns the intervals of distinct row j, 0 ≤ j < Distinct(); the zero
// Outlook otherwise.
func (o *Outlooks) Row(j int) Outlook {
	if j < 0 || j >= len(o.rows) {
		return Outlook{}
	}
	return o.rows[j]
}

// outlookWork is the part of a Forecast that computes the Outlook
// intervals (Options.Outlook): nps[d] is draw d's purchase model, rowsOf[d]
// the same if it computes many rows at once (clv.OutlookRows), else nil.
type outlookWork struct {
	opts   clv.OutlookOptions
	nps    []clv.NextPurchaseModel
	rowsOf []clv.OutlookRows
	res    *Outlooks
}

// newOutlookWork checks that every draw's purchase model is a
// clv.NextPurchaseModel and prepares the results for the rows of g.
func newOutlookWork(draws []Draw, g *rowGroups, n int, opts clv.OutlookOptions) (*outlookWork, error) {
	if !opts.Valid() {
		return nil, fmt.Errorf("interval: Forecast: %w: Window %v, Horizon %v: want finite numbers > 0",
			clv.ErrBadOutlookOptions, opts.Window, opts.Horizon)
	}
	ow := &outlookWork{opts: opts, nps: make([]clv.NextPurchaseModel, len(draws)), rowsOf: make([]clv.OutlookRows, len(draws))}
	for d, dr := range draws {
		np, ok := dr.Purchase.(clv.NextPurchaseModel)
		if !ok {
			return nil, fmt.Errorf("%w: draw %d: %v gives no distribution of the next purchase (clv.NextPurchaseModel), "+
				"which Options.Outlook needs", ErrBadDraws, d, dr.Purchase)
		}
		ow.nps[d] = np
		ow.rowsOf[d], _ = dr.Purchase.(clv.OutlookRows)
	}
	ow.res = &Outlooks{rows: make([]Outlook, len(g.rows)), slot: make([]int32, n)}
	for r := range g.rows {
		for _, i := range g.order[g.start[r]:g.start[r+1]] {
			ow.res.slot[i] = int32(r)
		}
	}
	return ow, nil
}

// outlookRows is the number of rows whose outlooks under every draw are
// held at once: a block's rows are taken in parts of outlookRows, so that
// the scratch (5 numbers per row and draw) stays small beside the block's.
const outlookRows = 256

// outlookBuf is the scratch of the outlooks of a part of a block: os, one
// draw's outlooks of the part's rows; q[k][r*D+d] the k-th quantity
// (purchase within the window, within the horizon, alive at its end, the
// median, the time between purchases) of the part's row r under draw d.
type outlookBuf struct {
	os []clv.Outlook
	q  [5][]float64
}

func newOutlookBuf(rows, D int) *outlookBuf {
	rows = min(rows, outlookRows)
	b := &outlookBuf{os: make([]clv.Outlook, rows)}
	for k := range b.q {
		b.q[k] = make([]float64, rows*D)
	}
	return b
}

// outlookBlock computes the Outlook intervals of the block's rows [lo, hi)
// given the block's P(alive) and discounted purchases if alive under each
// draw (buf.f, buf.v, the latter per pair of pairOf), in parts of
// outlookRows rows.
func (w *intervalWork) outlookBlock(lo, hi int, buf *blockBuf, pairOf []int32) error {
	for s := lo; s < hi; s += outlookRows {
		if err := w.outlookPart(lo, s, min(s+outlookRows, hi), buf, pairOf); err != nil {
			return err
		}
	}
	return nil
}

// outlookPart is outlookBlock for the rows [s, e) of the block that
// starts at row lo.
func (w *intervalWork) outlookPart(lo, s, e int, buf *blockBuf, pairOf []int32) error {
	ow, ob, D := w.ol, buf.ol, len(w.draws)
	rows := w.g.rows[s:e]
	os := ob.os[:len(rows)]
	pw, ph, ah, md, tb := ob.q[0], ob.q[1], ob.q[2], ob.q[3], ob.q[4]
	for d := range D {
		if or := ow.rowsOf[d]; or != nil {
			or.OutlookRows(rows, ow.opts, os)
		} else {
			np := ow.nps[d]
			for k := range rows {
				os[k] = np.Outlook(rows[k], ow.opts)
			}
		}
		for k := range os {
			o := &os[k]
			j := k*D + d
			pw[j], ph[j], ah[j] = o.PurchaseWithin, o.PurchaseWithinHorizon, o.AliveAtHorizon
			md[j] = o.NextPurchase[1]
			if math.IsNaN(md[j]) {
				md[j] = math.Inf(1) // beyond the horizon
			}
			tb[j] = 1 / o.PurchaseRate
		}
	}
	vals, scratch := buf.vals, buf.scratch
	for k := range rows {
		r := s + k
		var o Outlook
		band := func(v []float64) Interval {
			lo, hi := quantileBand(v[k*D:(k+1)*D], w.level, scratch)
			return Interval{lo, hi}
		}
		o.PurchaseWithin = band(pw)
		o.PurchaseWithinHorizon = band(ph)
		o.AliveAtHorizon = band(ah)
		o.TimeBetweenPurchases = band(tb)
		o.NextPurchaseMedian.Low, o.NextPurchaseMedian.High = infBand(md[k*D:(k+1)*D], w.level, scratch)
		if w.valued {
			f, v := buf.f[(r-lo)*D:(r-lo+1)*D], buf.v[int(pairOf[r-lo])*D:]
			for d := range D {
				vals[d] = f[d] * v[d]
			}
			o.DiscountedPurchases.Low, o.DiscountedPurchases.High = quantileBand(vals, w.level, scratch)
		} else {
			o.DiscountedPurchases = Interval{math.NaN(), math.NaN()}
		}
		for _, iv := range [...]Interval{o.PurchaseWithin, o.PurchaseWithinHorizon, o.AliveAtHorizon, o.TimeBetweenPurchases} {
			if math.IsNaN(iv.Low) || math.IsNaN(iv.High) || math.IsNaN(o.NextPurchaseMedian.Low) {
				i := w.g.order[w.g.start[r]]
				return fmt.Errorf("interval: customers[%d] (%q): no outlook under some draw", i, w.cs[i].ID)
			}
		}
		ow.res.rows[r] = o
	}
	return nil
}

// infBand is quantileBand for values that may be +Inf (none NaN): the
// type-7 quantile between order statistics s_k ≤ s_{k+1} at fraction φ is
// s_k when φ = 0, +Inf when φ > 0 and s_{k+1} = +Inf, and
// s_k + φ·(s_{k+1} − s_k) otherwise. Without an Inf it is quantileBand.
func infBand(v []float64, level float64, scratch []float64) (lo, hi float64) {
	if !slices.ContainsFunc(v, func(x float64) bool { return math.IsInf(x, 1) }) {
		return quantileBand(v, level, scratch)
	}
	if slices.ContainsFunc(v, math.IsNaN) {
		return math.NaN(), math.NaN()
	}
	s := append(scratch[:0], v...)
	slices.Sort(s)
	q := func(p float64) float64 {
		h := p * float64(len(s)-1)
		k := int(h)
		frac := h - float64(k)
		switch {
		case frac == 0 || k+1 >= len(s):
			return s[k]
		case math.IsInf(s[k+1], 1):
			return math.Inf(1)
		}
		return s[k] + frac*(s[k+1]-s[k])
	}
	return q((1 - level) / 2), q((1 + level) / 2)
}
