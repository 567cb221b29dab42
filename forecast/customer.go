package forecast

import (
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
)

// CustomerForecast is one customer's row of forecast.csv, typed: the
// summary, the forecast, the RFM scores and segment, the tiers and the
// suggested action, and, with intervals, their bounds.
type CustomerForecast struct {
	clv.Customer // ID, Frequency, Recency, T, MonetaryValue
	Forecast     // PAlive, ExpectedPurchases, ExpectedValue, CLV
	RFM          segment.RFM
	Tier         segment.Tier
	// Intervals are the intervals of PAlive, ExpectedPurchases and CLV,
	// and Purchases the predictive interval of the purchases the customer
	// will make over the horizon; nil without Config.Interval (Purchases
	// also when the purchase model has no predictive distribution).
	Intervals *Intervals
	Purchases *PurchaseInterval
	// Answers are the customer's answers in calendar terms: purchase and
	// churn within Config.Window days, P(alive) at the horizon's end, the
	// next order's date, the time between orders.
	Answers Answers
	// AnswerIntervals are the intervals of the answers that are model
	// quantities; nil without Config.Interval or without Answers (a
	// covariate model), when forecast.csv's cells are empty.
	AnswerIntervals *AnswerIntervals
}

// Customer returns the forecast of the i-th customer of Summary.Customers,
// everything forecast.csv has about it, and whether there is such a
// customer (0 ≤ i < len(Summary.Customers)).
func (res *Result) Customer(i int) (CustomerForecast, bool) {
	if res == nil || res.Summary == nil || i < 0 || i >= len(res.Summary.Customers) || i >= len(res.Forecasts) {
		return CustomerForecast{}, false
	}
	cf := CustomerForecast{Customer: res.Summary.Customers[i], Forecast: res.Forecasts[i], RFM: res.RFM[i], Tier: res.Tiers.At(i),
		Answers: res.answers(i)}
	if res.Intervals != nil {
		iv := res.Intervals[i]
		cf.Intervals = &iv
	}
	if res.Purchases != nil {
		p := res.Purchases[i]
		cf.Purchases = &p
	}
	if a, ok := res.AnswerIntervalsAt(i); ok {
		cf.AnswerIntervals = &a
	}
	return cf, true
}
