package forecast

import (
	"encoding/binary"
	"math"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
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
// horizon, once per distinct (frequency, recency, T), taken from g, the
// customers' grouping (nil: OutlookAll groups them); nil if the model
// gives no distribution of the next purchase.
func (j *job) outlook(cs []clv.Customer, g *clv.Grouping, pm PurchaseModel, horizon float64) (*predict.Outlooks, error) {
	if each, ok := pm.(outlookEach); ok {
		return each.OutlookEach(cs, clv.OutlookOptions{Window: j.window(), Horizon: horizon})
	}
	np, ok := pm.(clv.NextPurchaseModel)
	if !ok {
		j.say("note: %v gives no distribution of the next purchase: the next-order columns are empty", pm)
		return nil, nil
	}
	return predict.OutlookAll(np, cs, clv.OutlookOptions{Window: j.window(), Horizon: horizon, Grouping: g})
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

// answerCells holds, once per distinct row of Outlooks, the cells of
// forecast.csv that depend on frequency, recency and T only, formatted:
// the record of row j is bufs[c][offs[c][r]:offs[c][r+1]], c, r = j /
// ChunkSize, j % ChunkSize. A record starts with the values it was
// formatted from (its rowKey, rowKeyLen bytes), then the lengths of
// its first two parts (one byte each), then the parts: "frequency,recency,
// T," and "p_alive,expected_purchases," cells each followed by a comma,
// and the answer columns (discounted_purchases, AnswerColumns) each
// preceded by one. A customer's row uses the record only when its own
// values are those of the key, bit for bit.
type answerCells struct {
	bufs [][]byte
	offs [][]int32
	iv   intervalCells // of AnswerIntervalColumns (answerintervals.go)
	// tiers, if not nil, are the cells of each kind of tiers (tierCells).
	tiers [][]byte
}

// rowKey are the values of customer i a record is formatted from:
// frequency, recency, T, P(alive), expected and discounted purchases.
type rowKey [6]float64

// rowKeyLen is the length of a record's key: its bits, little-endian.
const rowKeyLen = len(rowKey{}) * 8

func (res *Result) rowKey(i int) rowKey {
	c, f := &res.Summary.Customers[i], &res.Forecasts[i]
	return rowKey{c.Frequency, c.Recency, c.T, f.PAlive, f.ExpectedPurchases, f.DiscountedPurchases}
}

// record returns the record of customer i's row and whether customer i
// may use it (its values are the key's).
func (res *Result) record(ac *answerCells, i int) ([]byte, bool) {
	if ac.bufs == nil {
		return nil, false
	}
	j := res.Outlooks.Index(i)
	c, r := j/parallel.ChunkSize, j%parallel.ChunkSize
	rec := ac.bufs[c][ac.offs[c][r]:ac.offs[c][r+1]]
	for k, v := range res.rowKey(i) {
		if binary.LittleEndian.Uint64(rec[8*k:]) != math.Float64bits(v) {
			return nil, false
		}
	}
	return rec[rowKeyLen:], true
}

// recordBlock is the number of customers whose records records looks up
// together.
const recordBlock = 32

// records sets recs[i−lo], oks[i−lo] to record(ac, i) for the customers i
// in [lo, hi), hi − lo ≤ recordBlock: it loads the first word of each
// record (the key's frequency) before it checks the rest, so that the
// records' cache misses overlap.
func (res *Result) records(ac *answerCells, lo, hi int, recs *[recordBlock][]byte, oks *[recordBlock]bool) {
	if ac.bufs == nil {
		clear(oks[:])
		return
	}
	for i := lo; i < hi; i++ {
		j := res.Outlooks.Index(i)
		c, r := j/parallel.ChunkSize, j%parallel.ChunkSize
		rec := ac.bufs[c][ac.offs[c][r]:ac.offs[c][r+1]]
		recs[i-lo] = rec
		oks[i-lo] = binary.LittleEndian.Uint64(rec) == math.Float64bits(res.Summary.Customers[i].Frequency)
	}
	for i := lo; i < hi; i++ {
		if !oks[i-lo] {
			continue
		}
		rec := recs[i-lo]
		key := res.rowKey(i)
		for k := 1; k < len(key); k++ {
			if binary.LittleEndian.Uint64(rec[8*k:]) != math.Float64bits(key[k]) {
				oks[i-lo] = false
				break
			}
		}
		recs[i-lo] = rec[rowKeyLen:]
	}
}

// cells formats the records of every distinct row, on all cores; the
// zero answerCells without Outlooks.
func (res *Result) cells() answerCells {
	o := res.Outlooks
	if o == nil {
		return answerCells{}
	}
	// The values of the first customer of each row, gathered in one pass
	// over the customers in order (stores to the rows' scattered slots do
	// not wait on memory as loads from them would).
	n := o.Distinct()
	keys := make([]rowKey, n)
	seen := make([]bool, n)
	for i := range o.Len() {
		if j := o.Index(i); !seen[j] {
			seen[j], keys[j] = true, res.rowKey(i)
		}
	}
	ac := answerCells{bufs: make([][]byte, parallel.Chunks(n)), offs: make([][]int32, parallel.Chunks(n)), iv: res.intervalCells()}
	parallel.For(len(ac.bufs), func(k int) {
		lo, hi := parallel.Bounds(k, n)
		b := make([]byte, 0, (hi-lo)*240)
		off := make([]int32, 0, hi-lo+1)
		for j := lo; j < hi; j++ {
			key := &keys[j]
			off = append(off, int32(len(b)))
			for _, v := range key {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
			}
			at := len(b)
			b = append(b, 0, 0)
			for _, v := range key[:3] { // frequency, recency, T
				b = append(appendG10(b, v), ',')
			}
			b[at] = byte(len(b) - at - 2)
			mid := len(b)
			for _, v := range key[3:5] { // P(alive), expected purchases
				b = append(appendG10(b, v), ',')
			}
			b[at+1] = byte(len(b) - mid)
			b = append(b, ',')
			b = appendG10(b, key[5])
			b = appendAnswers(b, res.answersOf(clv.Customer{Frequency: key[0], Recency: key[1], T: key[2]}, o.Row(j)))
		}
		ac.bufs[k], ac.offs[k] = b, append(off, int32(len(b)))
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
		return appendG10(b, v)
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
