package forecast

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/plots"
	"github.com/clvkit/clvkit/segment"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// The bands of the churn-within-window probability
// (Answers.ChurnWithinWindow, forecast.csv's p_churn_window) in the
// report's "what to do this month" table: below ChurnBandLow the customer
// likely orders within the window (BandLikely), from ChurnBandLow to below
// ChurnBandHigh may or may not (BandMay), at ChurnBandHigh or more likely
// does not (BandUnlikely). They are the thresholds of the churn tiers
// (segment.DefaultLost, segment.DefaultActive) read the other way round:
// a probability of at least 0.7 of no order is as telling as one of 0.7 of
// being alive.
const (
	ChurnBandLow  = segment.DefaultLost
	ChurnBandHigh = segment.DefaultActive
)

// The churn-within-window bands (see ChurnBandLow), in the report's order.
const (
	BandLikely   = "likely to order"
	BandMay      = "may order"
	BandUnlikely = "unlikely to order"
)

// ChurnBands are the churn-within-window bands in the report's order.
var ChurnBands = []string{BandLikely, BandMay, BandUnlikely}

// ChurnBand returns the band of a churn-within-window probability:
// BandLikely below ChurnBandLow, BandUnlikely at ChurnBandHigh or more,
// else BandMay; "" for NaN.
func ChurnBand(churnWithinWindow float64) string {
	switch p := churnWithinWindow; {
	case math.IsNaN(p):
		return ""
	case p < ChurnBandLow:
		return BandLikely
	case p >= ChurnBandHigh:
		return BandUnlikely
	}
	return BandMay
}

// MonthAction suggests what to do within the window with the customers of
// a churn-within-window band and a value tier (rank: its index, 0 for the
// most valuable, as segment.Tier.Rank; with the default tiers 0 and 1 are
// the top 1% and 10%, 2 the top 50%):
//
//	                 likely to order            may order                    unlikely to order
//	top tiers        thank, early access        personal reminder            personal check-in
//	top 50%          cross-sell on the order    reminder with a small offer  low-cost reminder
//	rest             nothing: they order        low-cost reminder            no spend this month
//
// Customers likely to order need no push (an offer would give away
// margin on an order that comes anyway); the leverage is in the middle
// band; of those unlikely to order, only the valuable are worth a
// contact (whether they are gone, the churn tier says).
func MonthAction(band string, rank int) string {
	row := 2
	switch {
	case rank <= 1:
		row = 0
	case rank == 2:
		row = 1
	}
	col := map[string]int{BandLikely: 0, BandMay: 1, BandUnlikely: 2}
	c, ok := col[band]
	if !ok {
		return ""
	}
	return [3][3]string{
		{"thank, early access", "personal reminder", "personal check-in"},
		{"cross-sell on the order", "reminder with a small offer", "low-cost reminder"},
		{"nothing: they order", "low-cost reminder", "no spend this month"},
	}[row][c]
}

// MonthCell is one cell of the report's "what to do this month" table:
// the customers of a value tier (Result.Tiers) in a churn-within-window
// band, and what they are worth.
type MonthCell struct {
	Value string // the value tier, segment.Tier.Value
	Rank  int    // its rank, segment.Tier.Rank
	Band  string // the churn-within-window band (ChurnBand)
	// Customers counts them; CLV and ExpectedPurchases add up their
	// forecasts over the horizon (CLV 0 without amounts); Ordering adds up
	// their probabilities of a purchase within the window: the number of
	// them expected to order in it.
	Customers              int
	CLV, ExpectedPurchases float64
	Ordering               float64
	Action                 string // MonthAction
}

// MonthPlan returns the cells of the report's "what to do this month"
// table, by value tier (most valuable first) then band (ChurnBands), one
// for every pair (Customers 0 where none); nil without Outlooks (a
// purchase model without a distribution of the next purchase).
func (res *Result) MonthPlan() []MonthCell {
	o := res.Outlooks
	if o == nil || res.Tiers.Len() != o.Len() || len(res.Forecasts) != o.Len() {
		return nil
	}
	ranks := 0
	for _, t := range res.Tiers.Kinds {
		ranks = max(ranks, t.Rank+1)
	}
	// Each distinct row's probability of a purchase within the window and
	// band (index in ChurnBands), once.
	pw, band := make([]float64, o.Distinct()), make([]uint8, o.Distinct())
	for j := range pw {
		pw[j] = o.Row(j).PurchaseWithin
		band[j] = 1
		switch ChurnBand(1 - pw[j]) {
		case BandLikely:
			band[j] = 0
		case BandUnlikely:
			band[j] = 2
		}
	}
	cells := make([]MonthCell, ranks*len(ChurnBands))
	for i, k := range res.Tiers.Of {
		t := &res.Tiers.Kinds[k]
		j := o.Index(i)
		p := pw[j]
		c := &cells[t.Rank*len(ChurnBands)+int(band[j])]
		c.Value = t.Value
		c.Customers++
		c.CLV += res.Forecasts[i].CLV
		c.ExpectedPurchases += res.Forecasts[i].ExpectedPurchases
		c.Ordering += p
	}
	for k := range cells {
		c := &cells[k]
		c.Rank, c.Band = k/len(ChurnBands), ChurnBands[k%len(ChurnBands)]
		c.Action = MonthAction(c.Band, c.Rank)
		if c.Value == "" { // no customer in the cell: the tier's name from another
			for _, d := range cells[c.Rank*len(ChurnBands) : (c.Rank+1)*len(ChurnBands)] {
				if d.Value != "" {
					c.Value = d.Value
				}
			}
		}
	}
	return cells
}

// NextOrderWeeks returns the number of customers whose next order's
// median date (Answers.NextOrderDays[1], forecast.csv's
// next_order_days_median) falls in each week of the horizon (week k holds
// medians in [7k, 7k+7) days after the end of observation; the last week
// is cut at the horizon's end, and holds a median on it), and the number
// of customers without one (the note NoteUnlikely or NoteNoModel).
func (res *Result) NextOrderWeeks() (weeks []int, undefined int) {
	days := res.Horizon * res.days()
	weeks = make([]int, max(1, int(math.Ceil(days/7))))
	o := res.Outlooks
	if o == nil {
		return weeks, len(res.Summary.Customers)
	}
	// The week of each distinct row's median, −1 for none.
	week := make([]int32, o.Distinct())
	for j := range week {
		// The median does not depend on the customer given (only the
		// observed time between orders does): the job's rule, answersOf.
		m := res.answersOf(res.Summary.Customers[0], o.Row(j)).NextOrderDays[1]
		week[j] = -1
		if !math.IsNaN(m) {
			week[j] = int32(min(max(0, int(m/7)), len(weeks)-1))
		}
	}
	for i := range o.Len() {
		if w := week[o.Index(i)]; w >= 0 {
			weeks[w]++
		} else {
			undefined++
		}
	}
	return weeks, undefined
}

// nextOrderFigure is the report's maker of the histogram of the next
// order's median date by week.
func (res *Result) nextOrderFigure() maker {
	caption := fmt.Sprintf("Expected date of the next order (the median of the time to it, next_order_date) by week after the end of observation, over the %d-month horizon; customers whose next order is unlikely within it have none and are not shown.", res.Config.Months)
	return maker{"next_order.png", caption, func(r *Result) (*plot.Plot, error) {
		weeks, undefined := r.NextOrderWeeks()
		vals := make(plotter.Values, len(weeks))
		for k, n := range weeks {
			vals[k] = float64(n)
		}
		b, err := plotter.NewBarChart(vals, vg.Points(max(2, 360/float64(len(weeks)))))
		if err != nil {
			return nil, err
		}
		b.Color, b.LineStyle.Width = plots.ActualColor, 0
		p := plot.New()
		p.Title.Text = fmt.Sprintf("Next order's expected date by week (%d customers without one)", undefined)
		p.X.Label.Text = "weeks after " + r.Summary.End.Format(time.DateOnly)
		p.Y.Label.Text = "customers"
		p.Add(b)
		// Whole weeks on the axis, every 4 (13 over a year).
		step := max(1, len(weeks)/13)
		p.X.Tick.Marker = plot.TickerFunc(func(lo, hi float64) []plot.Tick {
			var ts []plot.Tick
			for k := 0; k < len(weeks); k += step {
				ts = append(ts, plot.Tick{Value: float64(k), Label: strconv.Itoa(k)})
			}
			return ts
		})
		return p, nil
	}}
}
