package forecast

import (
	"math"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
)

// DefaultWindow is the default of Config.Window: 30 days.
const DefaultWindow = 30

// MaxWindow bounds Config.Window: ten years of days.
const MaxWindow = 3650

// AnswerColumns are the columns of forecast.csv after the tiers: the
// answers in calendar terms (see Answers; README defines each).
var AnswerColumns = []string{"discounted_purchases", "p_purchase_window", "p_churn_window", "p_purchase_horizon",
	"p_alive_horizon_end", "next_order_days_p10", "next_order_days_median", "next_order_days_p90", "next_order_date",
	"next_order_note", "avg_days_between_orders", "model_days_between_orders"}

// The values of Answers.NextOrderNote.
const (
	// NoteUnlikely: the probability of a purchase within the horizon is
	// below 1/2, so the median time to the next order lies beyond it (or
	// never comes: the customer may be gone); the three percentiles are blank.
	NoteUnlikely = "unlikely_within_horizon"
	// NoteP90Beyond: the 90th percentile lies beyond the horizon (the
	// probability of a purchase within it is below 0.9); it is blank.
	NoteP90Beyond = "p90_beyond_horizon"
	// NoteNoModel: the purchase model gives no distribution of the time to
	// the next purchase (it does not implement clv.NextPurchaseModel).
	NoteNoModel = "no_distribution"
)

// Answers are what the purchase model says about one customer in the
// calendar terms people ask in: probabilities over the next
// Config.Window days and over the horizon, the next order's date, the
// time between orders. Times are in days after the end of observation;
// NaN (an empty cell) where there is no answer.
type Answers struct {
	// PurchaseWithinWindow is the probability of at least one purchase in
	// the Config.Window days after the end; ChurnWithinWindow = 1 − it,
	// the probability of none.
	PurchaseWithinWindow, ChurnWithinWindow float64
	// PurchaseWithinHorizon is the probability of at least one purchase
	// within the horizon; AliveAtHorizonEnd the probability of being
	// alive at its end, given the history to the end of observation.
	PurchaseWithinHorizon, AliveAtHorizonEnd float64
	// NextOrderDays are the 10th, 50th and 90th percentiles of the time to
	// the next order, in days after the end of observation, from the
	// model's predictive distribution given the customer's history; all
	// NaN when PurchaseWithinHorizon < 1/2, the 90th when it lies beyond
	// the horizon; NextOrderNote says why (NoteUnlikely, NoteP90Beyond,
	// NoteNoModel), empty when all three are given.
	NextOrderDays [3]float64
	NextOrderNote string
	// NextOrderDate is the day of the median (the end of observation plus
	// NextOrderDays[1]); zero when that is NaN.
	NextOrderDate time.Time
	// AvgDaysBetweenOrders is the observed mean time between orders,
	// recency/frequency in days (NaN without repeat purchases);
	// ModelDaysBetweenOrders is 1/E[λ | history] in days, the reciprocal of
	// the model's posterior mean purchase rate while alive
	// (clv.NextPurchaseModel.ExpectedPurchaseRate).
	AvgDaysBetweenOrders, ModelDaysBetweenOrders float64
}

// outlook computes every customer's clv.Outlook over the window and the
// horizon, once per distinct (frequency, recency, T); nil if the model
// gives no distribution of the next purchase.
func (j *job) outlook(cs []clv.Customer, pm PurchaseModel, horizon float64) (*clv.Outlooks, error) {
	np, ok := pm.(clv.NextPurchaseModel)
	if !ok {
		j.say("note: %v gives no distribution of the next purchase: the next-order columns are empty", pm)
		return nil, nil
	}
	return clv.OutlookAll(np, cs, clv.OutlookOptions{Window: j.window(), Horizon: horizon})
}

// window returns Config.Window in the models' unit.
func (j *job) window() float64 {
	return float64(time.Duration(j.cfg.Window)*24*time.Hour) / float64(j.cfg.Unit)
}

// answers returns the Answers of customer i.
func (res *Result) answers(i int) Answers {
	c := res.Summary.Customers[i]
	if res.Outlooks == nil {
		nan := math.NaN()
		return Answers{nan, nan, nan, nan, [3]float64{nan, nan, nan}, NoteNoModel, time.Time{}, res.avgDays(c), nan}
	}
	return res.answersOf(c, res.Outlooks.At(i))
}

// days is the number of days in one time unit of the models.
func (res *Result) days() float64 { return float64(res.Config.Unit) / float64(24*time.Hour) }

func (res *Result) avgDays(c clv.Customer) float64 {
	if c.Frequency == 0 {
		return math.NaN()
	}
	return c.Recency / c.Frequency * res.days()
}

// answersOf turns a customer's outlook into Answers.
func (res *Result) answersOf(c clv.Customer, o clv.Outlook) Answers {
	d := res.days()
	a := Answers{PurchaseWithinWindow: o.PurchaseWithin, ChurnWithinWindow: 1 - o.PurchaseWithin,
		PurchaseWithinHorizon: o.PurchaseWithinHorizon, AliveAtHorizonEnd: o.AliveAtHorizon,
		AvgDaysBetweenOrders: res.avgDays(c), ModelDaysBetweenOrders: d / o.PurchaseRate}
	for k, v := range o.NextPurchase {
		a.NextOrderDays[k] = v * d
	}
	switch {
	case o.PurchaseWithinHorizon < 0.5 || math.IsNaN(o.NextPurchase[1]):
		a.NextOrderDays = [3]float64{math.NaN(), math.NaN(), math.NaN()}
		a.NextOrderNote = NoteUnlikely
	case math.IsNaN(o.NextPurchase[2]):
		a.NextOrderNote = NoteP90Beyond
	}
	if m := a.NextOrderDays[1]; !math.IsNaN(m) {
		a.NextOrderDate = res.Summary.End.Add(time.Duration(m * float64(24*time.Hour)))
	}
	return a
}

// answerCells holds the cells of forecast.csv's answer columns,
// formatted once per distinct row of Outlooks (they depend on frequency,
// recency and T only), in chunks of parallel.ChunkSize rows: row j's are
// bufs[k][offs[k][i]:offs[k][i+1]] with k, i = j / ChunkSize, j % ChunkSize,
// each cell preceded by a comma; ivBufs and ivOffs the same of the
// AnswerIntervalColumns, with AnswerIntervals.
type answerCells struct {
	bufs, ivBufs [][]byte
	offs, ivOffs [][]int
}

// cells formats the answer cells of every distinct row, on all cores;
// the zero answerCells without Outlooks.
func (res *Result) cells() answerCells {
	o := res.Outlooks
	if o == nil {
		return answerCells{}
	}
	// A customer of each row, for its observed time between orders.
	first := make([]int32, o.Distinct())
	for i := range first {
		first[i] = -1
	}
	for i := range o.Len() {
		if j := o.Index(i); first[j] < 0 {
			first[j] = int32(i)
		}
	}
	n := len(first)
	ac := answerCells{bufs: make([][]byte, parallel.Chunks(n)), offs: make([][]int, parallel.Chunks(n))}
	ivs := res.AnswerIntervals
	if ivs != nil {
		ac.ivBufs, ac.ivOffs = make([][]byte, len(ac.bufs)), make([][]int, len(ac.bufs))
	}
	parallel.For(len(ac.bufs), func(k int) {
		lo, hi := parallel.Bounds(k, n)
		b := make([]byte, 0, (hi-lo)*140)
		off := make([]int, 0, hi-lo+1)
		for j := lo; j < hi; j++ {
			i := int(first[j])
			off = append(off, len(b))
			b = append(b, ',')
			b = strconv.AppendFloat(b, res.Forecasts[i].DiscountedPurchases, 'g', 10, 64)
			b = appendAnswers(b, res.answersOf(res.Summary.Customers[i], o.Row(j)))
		}
		ac.bufs[k], ac.offs[k] = b, append(off, len(b))
		if ivs != nil {
			b, off = make([]byte, 0, (hi-lo)*200), make([]int, 0, hi-lo+1)
			for j := lo; j < hi; j++ {
				off = append(off, len(b))
				b = appendAnswerIntervals(b, answerIntervalsOf(ivs.At(int(first[j])), res.days()))
			}
			ac.ivBufs[k], ac.ivOffs[k] = b, append(off, len(b))
		}
	})
	return ac
}

// appendAnswers appends the cells of a's columns (AnswerColumns after
// discounted_purchases), each preceded by a comma; NaN is an empty cell.
func appendAnswers(b []byte, a Answers) []byte {
	num := func(b []byte, v float64) []byte {
		b = append(b, ',')
		if math.IsNaN(v) {
			return b
		}
		return strconv.AppendFloat(b, v, 'g', 10, 64)
	}
	b = num(b, a.PurchaseWithinWindow)
	b = num(b, a.ChurnWithinWindow)
	b = num(b, a.PurchaseWithinHorizon)
	b = num(b, a.AliveAtHorizonEnd)
	for _, v := range a.NextOrderDays {
		b = num(b, v)
	}
	b = append(b, ',')
	if !a.NextOrderDate.IsZero() {
		b = a.NextOrderDate.AppendFormat(b, time.DateOnly)
	}
	b = append(b, ',')
	b = append(b, a.NextOrderNote...)
	b = num(b, a.AvgDaysBetweenOrders)
	return num(b, a.ModelDaysBetweenOrders)
}

// appendAnswerRow appends customer i's answer cells (AnswerColumns), each
// preceded by a comma.
func (res *Result) appendAnswerRow(b []byte, ac *answerCells, i int) []byte {
	if res.Outlooks == nil {
		b = append(b, ',')
		b = strconv.AppendFloat(b, res.Forecasts[i].DiscountedPurchases, 'g', 10, 64)
		return appendAnswers(b, res.answers(i))
	}
	j := res.Outlooks.Index(i)
	k, r := j/parallel.ChunkSize, j%parallel.ChunkSize
	return append(b, ac.bufs[k][ac.offs[k][r]:ac.offs[k][r+1]]...)
}
