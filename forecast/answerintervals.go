package forecast

import (
	"math"
	"time"

	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/internal/parallel"
)

// AnswerIntervalColumns are the columns forecast.csv adds after all other
// columns when Config.Interval and Config.AnswerIntervals are set: the intervals of the answer
// columns that are model quantities (AnswerIntervals; README defines
// each), under the same parameter draws as the other intervals.
var AnswerIntervalColumns = []string{"discounted_purchases_low", "discounted_purchases_high",
	"p_purchase_window_low", "p_purchase_window_high", "p_churn_window_low", "p_churn_window_high",
	"p_purchase_horizon_low", "p_purchase_horizon_high", "p_alive_horizon_end_low", "p_alive_horizon_end_high",
	"next_order_days_median_low", "next_order_days_median_high",
	"model_days_between_orders_low", "model_days_between_orders_high"}

// AnswerIntervals are the intervals of a customer's Answers that are model
// quantities (and of the discounted purchases), times in days: each runs
// between the (1−level)/2 and (1+level)/2 quantiles of the quantity
// computed under each of Config.IntervalDraws parameter draws
// (interval.Outlook). NextOrderDaysMedian counts a draw under which the
// median lies beyond the horizon as +Inf: High, or both bounds, are then
// +Inf (an empty cell: beyond the horizon).
type AnswerIntervals struct {
	DiscountedPurchases, PurchaseWithinWindow, ChurnWithinWindow Interval
	PurchaseWithinHorizon, AliveAtHorizonEnd                     Interval
	NextOrderDaysMedian, ModelDaysBetweenOrders                  Interval
}

// answerIntervalsOf turns a customer's interval.Outlook into
// AnswerIntervals, d days a time unit.
func answerIntervalsOf(o interval.Outlook, d float64) AnswerIntervals {
	return AnswerIntervals{DiscountedPurchases: o.DiscountedPurchases, PurchaseWithinWindow: o.PurchaseWithin,
		ChurnWithinWindow:     Interval{Low: 1 - o.PurchaseWithin.High, High: 1 - o.PurchaseWithin.Low},
		PurchaseWithinHorizon: o.PurchaseWithinHorizon, AliveAtHorizonEnd: o.AliveAtHorizon,
		NextOrderDaysMedian:    Interval{Low: o.NextPurchaseMedian.Low * d, High: o.NextPurchaseMedian.High * d},
		ModelDaysBetweenOrders: Interval{Low: o.TimeBetweenPurchases.Low * d, High: o.TimeBetweenPurchases.High * d}}
}

// AnswerIntervalsAt returns the AnswerIntervals of customer i, and false
// when the run has none (no Config.Interval, a purchase model without
// outlooks such as a covariate model, or i out of range).
func (res *Result) AnswerIntervalsAt(i int) (AnswerIntervals, bool) {
	if res == nil || res.AnswerIntervals == nil || i < 0 || i >= res.AnswerIntervals.Len() {
		return AnswerIntervals{}, false
	}
	return answerIntervalsOf(res.AnswerIntervals.At(i), res.days()), true
}

// appendAnswerIntervals appends the cells of AnswerIntervalColumns, each
// preceded by a comma; NaN and ±Inf are empty cells.
func appendAnswerIntervals(b []byte, a AnswerIntervals) []byte {
	for _, iv := range [...]Interval{a.DiscountedPurchases, a.PurchaseWithinWindow, a.ChurnWithinWindow,
		a.PurchaseWithinHorizon, a.AliveAtHorizonEnd, a.NextOrderDaysMedian, a.ModelDaysBetweenOrders} {
		for _, v := range [...]float64{iv.Low, iv.High} {
			b = append(b, ',')
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				b = appendG10(b, v)
			}
		}
	}
	return b
}

// intervalCells holds the cells of AnswerIntervalColumns formatted once
// per distinct row of Result.AnswerIntervals (they depend on frequency,
// recency and T only): row j's are bufs[c][offs[c][r]:offs[c][r+1]], c, r
// = j / ChunkSize, j % ChunkSize.
type intervalCells struct {
	bufs [][]byte
	offs [][]int32
}

// intervalCells formats the cells of every distinct row of
// AnswerIntervals, on all cores; the zero intervalCells without them.
func (res *Result) intervalCells() intervalCells {
	ivs := res.AnswerIntervals
	if ivs == nil {
		return intervalCells{}
	}
	n, d := ivs.Distinct(), res.days()
	ic := intervalCells{bufs: make([][]byte, parallel.Chunks(n)), offs: make([][]int32, parallel.Chunks(n))}
	parallel.For(len(ic.bufs), func(k int) {
		lo, hi := parallel.Bounds(k, n)
		b := make([]byte, 0, (hi-lo)*200)
		off := make([]int32, 0, hi-lo+1)
		for j := lo; j < hi; j++ {
			off = append(off, int32(len(b)))
			b = appendAnswerIntervals(b, answerIntervalsOf(ivs.Row(j), d))
		}
		ic.bufs[k], ic.offs[k] = b, append(off, int32(len(b)))
	})
	return ic
}

// appendAnswerIntervalRow appends customer i's cells of
// AnswerIntervalColumns (empty without AnswerIntervals), each preceded by
// a comma.
func (res *Result) appendAnswerIntervalRow(b []byte, ac *answerCells, i int) []byte {
	if res.AnswerIntervals == nil || ac.iv.bufs == nil {
		return append(b, ",,,,,,,,,,,,,,"...) // len(AnswerIntervalColumns) empty cells
	}
	j := res.AnswerIntervals.Index(i)
	c, r := j/parallel.ChunkSize, j%parallel.ChunkSize
	return append(b, ac.iv.bufs[c][ac.iv.offs[c][r]:ac.iv.offs[c][r+1]]...)
}

// window returns Config.Window in the models' unit.
func (res *Result) window() float64 {
	return float64(time.Duration(res.Config.Window)*24*time.Hour) / float64(res.Config.Unit)
}
