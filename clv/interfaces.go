package clv

// The capabilities of models that clv's functions use. Models implement
// them without importing anything but clv; a function asks for the least
// it needs and looks for the optional ones with a type assertion.
//
// Required of every model of a kind:
//
//	PurchaseModel        every purchase model    predict.LifetimeValue(s), assess.EvaluateHoldout, assess.CompareModels; interval.Forecast; forecast
//	SpendModel           every spend model       predict.LifetimeValue(s); interval.Forecast; forecast
//	FittedModel (fit.go) every fitted model      assess.CompareModels; forecast's report and model.json
//	NewCustomerModel     every purchase model    predict.NewCustomerValue, assess.ExpectedCumulativeRepeats(All); plots.Tracking; forecast
//
// Optional:
//
//	PopulationSpend      gammagamma                   predict.NewCustomerValue
//	UnconditionalPMF     bgnbd, paretonbd, ggompertz  assess.ExpectedFrequencyCounts; forecast's frequency plot
//	PurchaseCurve        bgnbd, paretonbd, ggompertz  predict.LifetimeValue(s), interval.Forecast (one P(alive) for all horizons); forecast's periods
//	DiscountedPurchases  bgnbd                        predict.LifetimeValues (all customers at once)
//	AlivePurchaseMoment  paretonbd                    campaign.Measure (the variance of purchases in closed form)
//	ValueMoments         gammagamma                   campaign.Measure (the scatter of a customer's purchase values)
//	NextPurchaseModel    bgnbd, paretonbd, ggompertz  predict.OutlookAll (outlook.go); forecast's answer columns
//	OutlookRows          bgnbd, paretonbd, ggompertz  predict.OutlookAll (per (x, T) group)
//
// The capabilities only the interval code uses (AliveFactored,
// AliveMixture, ConditionalPMF, AliveCurve, AliveMixtureSeq) are declared
// in package clv/interval.

// PurchaseModel forecasts a customer's repeat purchases from the customer's
// summary. Implementations (bgnbd.Model) are immutable and safe for
// concurrent use.
type PurchaseModel interface {
	// ProbabilityAlive returns P(the customer is still active at T).
	ProbabilityAlive(c Customer) float64
	// ConditionalExpectedPurchases returns the expected number of purchases
	// in (T, T+t], given the customer's history.
	ConditionalExpectedPurchases(c Customer, t float64) float64
}

// SpendModel forecasts a customer's mean value per purchase. Implementations
// (gammagamma.Model) are immutable and safe for concurrent use.
type SpendModel interface {
	// ConditionalExpectedValue returns the expected mean value of the
	// customer's future purchases, given the customer's history.
	ConditionalExpectedValue(c Customer) float64
}

// NewCustomerModel forecasts the repeat purchases of a customer acquired
// now. Every purchase model of clvkit implements it.
type NewCustomerModel interface {
	// ExpectedPurchases returns E[X(t)], the expected number of repeat
	// purchases in the first t time units after the first purchase.
	ExpectedPurchases(t float64) float64
}

// PopulationSpend gives the expected value of a purchase of a customer of
// whom nothing is known yet (gammagamma.Model implements it).
type PopulationSpend interface {
	PopulationMean() float64
}

// UnconditionalPMF is implemented by purchase models that give the
// distribution of a new customer's repeat purchases, P(X(t) = n).
type UnconditionalPMF interface {
	ProbabilityOfPurchasesUnconditional(n int, t float64) float64
}

// PurchaseCurve is implemented by purchase models that compute the
// conditional expected purchases at several horizons at once (bgnbd.Model
// does, computing P(alive) once). predict.LifetimeValues uses it when available;
// out[i] must equal ConditionalExpectedPurchases(c, ts[i]).
type PurchaseCurve interface {
	ConditionalExpectedPurchasesAt(c Customer, ts, out []float64)
}

// DiscountedPurchases is implemented by purchase models that compute, for
// many customers at once, the discounted expected purchases
//
//	Σ_j w_j (E[Y(t_j)] − E[Y(t_{j−1})]),  t_0 = 0, E[Y(0)] = 0,
//
// given ascending horizons ts and weights w (bgnbd.Model does, sharing the
// work between customers with equal frequency and T). predict.LifetimeValues uses
// it when available.
type DiscountedPurchases interface {
	DiscountedPurchasesAll(cs []Customer, ts, w []float64) ([]float64, error)
}

// AlivePurchaseMoment is implemented by purchase models that give in
// closed form the second moment of the purchases of a customer known to
// be alive at T (paretonbd.Model does):
//
//	M₂(x, T, t) = E[N(t)² | alive at T, x repeat purchases in (0, T]],
//
// N(t) the purchases in (T, T+t]. With P(alive) it gives the variance of
// the purchases, Var[Y(t)] = P(alive)·M₂ − E[Y(t)]², without summing their
// distribution (package campaign). It is NaN for an invalid x, T or t.
type AlivePurchaseMoment interface {
	PurchasesSecondMomentIfAlive(x, T, t float64) float64
}

// ValueMoments is implemented by spend models that give the second
// moments of a customer's future purchase values S_k, which a purchase
// count Y values at Σ_{k≤Y} S_k (gammagamma.Model does): cross =
// E[S_k S_l] for two purchases k ≠ l, which share the customer's
// unobserved mean, and square = E[S_k²]. With the values fixed at their
// mean m both are m²; their difference is the values' own scatter. They
// are +Inf where the moments do not exist, NaN for an invalid customer.
type ValueMoments interface {
	ConditionalValueMoments(c Customer) (cross, square float64)
}

// GroupedDiscountedPurchases is implemented by DiscountedPurchases models
// that take the customers' grouping (GroupCustomers) instead of grouping
// them (bgnbd.Model does): DiscountedPurchasesAllGrouped returns what
// DiscountedPurchasesAll does, bit for bit, or an error wrapping
// ErrGroupingMismatch when g is not cs's grouping; a nil g means none.
// predict.LifetimeValues uses it when predict.ValueOptions.Grouping is set.
type GroupedDiscountedPurchases interface {
	DiscountedPurchasesAllGrouped(cs []Customer, g *Grouping, ts, w []float64) ([]float64, error)
}
