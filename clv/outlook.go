package clv

import (
	"errors"
	"math"
)

// NextPurchaseModel is implemented by purchase models that answer in
// calendar terms what a customer's history says about the coming time,
// from the model's exact distributions (bgnbd.Model, both variants,
// paretonbd.Model and ggompertz.Model). Times are in the model's unit, counted from the end of
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
// equal frequency and T (bgnbd.Model, paretonbd.Model, ggompertz.Model).
// predict.OutlookAll uses it for its
// distinct rows when available; out[i] must equal Outlook(cs[i], opts).
type OutlookRows interface {
	OutlookRows(cs []Customer, opts OutlookOptions, out []Outlook)
}

// Outlook is what a NextPurchaseModel says about one customer's coming
// time (predict.OutlookAll); times in the model's unit, counted from T.
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

// OutlookOptions are the spans of predict.OutlookAll, in the model's time unit.
type OutlookOptions struct {
	Window  float64 // of PurchaseWithin; a finite number > 0
	Horizon float64 // of PurchaseWithinHorizon, AliveAtHorizon and NextPurchase; a finite number > 0
	// Grouping, read by predict.OutlookAll alone, is the grouping of its
	// customers (GroupCustomers), which it then does not group again;
	// nil: it groups them itself. The outlooks are the same either way.
	Grouping *Grouping
}

// ErrBadOutlookOptions is wrapped by errors about invalid OutlookOptions.
var ErrBadOutlookOptions = errors.New("clv: invalid outlook options")
