package clv

import (
	"errors"
	"fmt"
	"math"

	"github.com/clvkit/clvkit/internal/parallel"
)

// NextPurchaseModel is implemented by purchase models that answer in
// calendar terms what a customer's history says about the coming time,
// from the model's exact distributions (bgnbd.Model, both variants, and
// paretonbd.Model). Times are in the model's unit, counted from the end of
// observation T; every method returns NaN for an invalid customer or a
// time that is not a finite number ≥ 0.
type NextPurchaseModel interface {
	PurchaseModel
	// ProbabilityOfPurchaseWithin returns P(Y(t) ≥ 1 | x, t_x, T), the
	// probability of at least one purchase in (T, T+t]: 1 minus the
	// model's conditional PMF at n = 0.
	ProbabilityOfPurchaseWithin(c Customer, t float64) float64
	// ProbabilityAliveAfter returns the probability that the customer is
	// still alive at T+t given the history to T (and nothing about
	// (T, T+t]); at t = 0 it is ProbabilityAlive.
	ProbabilityAliveAfter(c Customer, t float64) float64
	// ExpectedPurchaseRate returns E[λ | x, t_x, T], the posterior mean of
	// the customer's purchase rate while alive.
	ExpectedPurchaseRate(c Customer) float64
	// NextPurchaseQuantiles returns, for each level p of ps, the
	// p-quantile of the time from T to the customer's next purchase, the
	// smallest t with ProbabilityOfPurchaseWithin(c, t) ≥ p, when that t
	// is at most horizon; NaN when it lies beyond the horizon (the
	// distribution is defective: a customer who has dropped out never
	// buys again), for p outside (0, 1), or for invalid arguments.
	NextPurchaseQuantiles(c Customer, ps []float64, horizon float64) []float64
	// Outlook returns all of the above at once, sharing their work: the
	// probabilities over opts.Window and opts.Horizon, P(alive) at the
	// horizon's end, E[λ | history] and the percentiles
	// NextPurchaseLevels (all NaN when the probability of a purchase
	// within the horizon is below 1/2, so that the median lies beyond
	// it). Invalid arguments give NaN in every field.
	Outlook(c Customer, opts OutlookOptions) Outlook
}

// Valid reports whether o's spans are finite numbers > 0.
func (o OutlookOptions) Valid() bool {
	pos := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	return pos(o.Window) && pos(o.Horizon)
}

// OutlookRows is implemented by NextPurchaseModels that compute the
// outlooks of many customers at once, sharing work between customers with
// equal frequency and T (bgnbd.Model). OutlookAll uses it for its
// distinct rows when available; out[i] must equal Outlook(cs[i], opts).
type OutlookRows interface {
	OutlookRows(cs []Customer, opts OutlookOptions, out []Outlook)
}

// Outlook is what a NextPurchaseModel says about one customer's coming
// time (OutlookAll); times in the model's unit, counted from T.
type Outlook struct {
	// PurchaseWithin is the probability of at least one purchase within
	// the window, (T, T+Window]; 1 − PurchaseWithin is the probability of
	// none, churn within the window.
	PurchaseWithin float64
	// PurchaseWithinHorizon is the probability of at least one purchase
	// within the horizon, (T, T+Horizon].
	PurchaseWithinHorizon float64
	// AliveAtHorizon is the probability of being alive at T+Horizon.
	AliveAtHorizon float64
	// NextPurchase holds the 10th, 50th and 90th percentiles of the time
	// to the next purchase (NextPurchaseLevels); NaN where the percentile
	// lies beyond the horizon, and all NaN when PurchaseWithinHorizon is
	// below 1/2 (no median within the horizon).
	NextPurchase [3]float64
	// PurchaseRate is E[λ | x, t_x, T], the posterior mean purchase rate
	// while alive; 1/PurchaseRate is the model's expected time between
	// purchases.
	PurchaseRate float64
}

// NextPurchaseLevels are the levels of Outlook.NextPurchase: the median
// and the 80% range around it.
var NextPurchaseLevels = [3]float64{0.1, 0.5, 0.9}

// OutlookOptions are the spans of OutlookAll, in the model's time unit.
type OutlookOptions struct {
	Window  float64 // of PurchaseWithin; a finite number > 0
	Horizon float64 // of PurchaseWithinHorizon, AliveAtHorizon and NextPurchase; a finite number > 0
	// Grouping, read by OutlookAll alone, is the grouping of its
	// customers (GroupCustomers), which it then does not group again;
	// nil: it groups them itself. The outlooks are the same either way.
	Grouping *Grouping
}

// ErrBadOutlookOptions is wrapped by errors about invalid OutlookOptions.
var ErrBadOutlookOptions = errors.New("clv: invalid outlook options")

// Outlooks holds the Outlook of many customers, computed once per distinct
// (frequency, recency, T): At(i) is customer i's, Row(Index(i)) the same.
type Outlooks struct {
	rows []Outlook
	slot []int32
}

// Len returns the number of customers.
func (o *Outlooks) Len() int { return len(o.slot) }

// At returns the outlook of customer i, 0 ≤ i < Len(); the zero Outlook
// otherwise.
func (o *Outlooks) At(i int) Outlook {
	if i < 0 || i >= len(o.slot) {
		return Outlook{}
	}
	return o.rows[o.slot[i]]
}

// Distinct returns the number of distinct (frequency, recency, T) among
// the customers: the number of outlooks computed.
func (o *Outlooks) Distinct() int { return len(o.rows) }

// Index returns the distinct row of customer i (0 ≤ i < Len()), the rows
// in ascending order of (x, t_x, T) (internal/rows' canonical order); −1
// otherwise. Callers that derive something from
// an outlook (a formatted cell) can do it once per row.
func (o *Outlooks) Index(i int) int {
	if i < 0 || i >= len(o.slot) {
		return -1
	}
	return int(o.slot[i])
}

// Row returns the outlook of distinct row j, 0 ≤ j < Distinct(); the zero
// Outlook otherwise.
func (o *Outlooks) Row(j int) Outlook {
	if j < 0 || j >= len(o.rows) {
		return Outlook{}
	}
	return o.rows[j]
}

// OutlookAll returns the Outlook of every customer, computed once per
// distinct (frequency, recency, T) on all cores (logs of dates have far
// fewer distinct rows than customers: 10⁶ customers with times in days
// have some 180,000), so pm's predictions must depend on them alone (not a
// model with per-customer covariates). An invalid customer is an error
// naming it; opts.Grouping of other customers an error wrapping
// ErrGroupingMismatch.
func OutlookAll(pm NextPurchaseModel, cs []Customer, opts OutlookOptions) (*Outlooks, error) {
	if err := checkModels("OutlookAll", pm); err != nil {
		return nil, err
	}
	if !opts.Valid() {
		return nil, fmt.Errorf("%w: Window %v, Horizon %v: want finite numbers > 0", ErrBadOutlookOptions, opts.Window, opts.Horizon)
	}
	g, err := opts.Grouping.groupsOf("OutlookAll", cs)
	if err != nil {
		return nil, err
	}
	if err := ValidateAll(cs); err != nil {
		return nil, err
	}
	distinct, slot := distinctRows(cs, g)
	opts.Grouping = nil // of cs, not of the distinct rows the model sees
	rows := make([]Outlook, len(distinct))
	if or, ok := pm.(OutlookRows); ok {
		or.OutlookRows(distinct, opts, rows)
	} else {
		parallel.Map(len(distinct), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				rows[i] = pm.Outlook(distinct[i], opts)
			}
		})
	}
	for j := range rows {
		o := &rows[j]
		if math.IsNaN(o.PurchaseWithin) || math.IsNaN(o.PurchaseWithinHorizon) || math.IsNaN(o.AliveAtHorizon) || math.IsNaN(o.PurchaseRate) {
			i := 0
			for slot[i] != int32(j) {
				i++
			}
			return nil, fmt.Errorf("clv: customers[%d] (%q): no outlook from %v", i, cs[i].ID, pm)
		}
	}
	return &Outlooks{rows: rows, slot: slot}, nil
}
