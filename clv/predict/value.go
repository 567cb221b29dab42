package predict

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// Lengths of a month in common time units, as the lifetimes package counts
// them, for ValueOptions.PeriodLength.
const (
	MonthInWeeks = 4.345
	MonthInDays  = 30
)

// ValueOptions configures LifetimeValue. PeriodLength is required; the zero
// values of the other fields give 12 periods, no discounting, and value
// counted as revenue.
type ValueOptions struct {
	// Periods is the horizon in periods (e.g. 12 months). Zero means 12.
	Periods int
	// PeriodLength is the length of one period in the model's time unit,
	// e.g. MonthInWeeks for monthly periods with a model fitted in weeks.
	PeriodLength float64
	// DiscountRate is the discount rate per period, e.g. 0.01 a month.
	DiscountRate float64
	// Margin is the profit margin applied to the expected value of each
	// purchase, in (0, 1]. Zero means 1: value is revenue.
	Margin float64
	// Continuous discounts continuously, with the rate ln(1+DiscountRate)
	// per period, integrating the expected purchases over time (midpoint
	// rule on 16 steps a period). Otherwise, as in the lifetimes package,
	// the purchases expected in each period are discounted at its end by
	// (1+DiscountRate)^i.
	Continuous bool
	// Grouping, read by LifetimeValues alone, is the grouping of its
	// customers (clv.GroupCustomers), which it then does not group again (nor
	// does a model implementing clv.GroupedDiscountedPurchases); nil: it
	// groups them itself. The values are the same either way.
	Grouping *clv.Grouping
}

// ErrBadValueOptions is wrapped by errors about invalid ValueOptions.
var ErrBadValueOptions = errors.New("predict: invalid value options")

func (o *ValueOptions) check() error {
	if o.Periods == 0 {
		o.Periods = 12
	}
	if o.Margin == 0 {
		o.Margin = 1
	}
	switch {
	case o.Periods < 0:
		return fmt.Errorf("%w: Periods %d < 0", ErrBadValueOptions, o.Periods)
	case !(o.PeriodLength > 0) || math.IsInf(o.PeriodLength, 0):
		return fmt.Errorf("%w: PeriodLength %v, want > 0 (e.g. predict.MonthInWeeks)", ErrBadValueOptions, o.PeriodLength)
	case !(o.DiscountRate > -1) || math.IsInf(o.DiscountRate, 0):
		return fmt.Errorf("%w: DiscountRate %v, want > −1", ErrBadValueOptions, o.DiscountRate)
	case !(o.Margin > 0 && o.Margin <= 1):
		return fmt.Errorf("%w: Margin %v, want (0, 1]", ErrBadValueOptions, o.Margin)
	}
	return nil
}

const substeps = 16

// schedule is the time grid of a lifetime value and the discount applied to
// the purchases expected in each step.
type schedule struct {
	ts, disc []float64
}

func newSchedule(o ValueOptions) schedule {
	var s schedule
	if !o.Continuous {
		for i := 1; i <= o.Periods; i++ {
			s.ts = append(s.ts, float64(i)*o.PeriodLength)
			s.disc = append(s.disc, math.Pow(1+o.DiscountRate, -float64(i)))
		}
		return s
	}
	delta := math.Log1p(o.DiscountRate) / o.PeriodLength // per time unit
	h := o.PeriodLength / substeps
	for k := 1; k <= o.Periods*substeps; k++ {
		s.ts = append(s.ts, float64(k)*h)
		s.disc = append(s.disc, math.Exp(-delta*(float64(k)-0.5)*h))
	}
	return s
}

// discountedPurchases returns the discounted number of purchases pm
// expects from c over the schedule; it depends on the customer's
// frequency, recency and T only. cum is scratch of len(s.ts).
func discountedPurchases(pm clv.PurchaseModel, c clv.Customer, s schedule, cum []float64) float64 {
	return DiscountedPurchasesOver(pm, c, s.ts, s.disc, cum)
}

// discount returns Σ (cum[i] − cum[i−1])·disc[i], cum[−1] = 0.
func (s schedule) discount(cum []float64) float64 {
	return discountCurve(cum, s.disc)
}

// discountCurve returns Σ_j w_j (cum_j − cum_{j−1}), cum_{−1} = 0.
func discountCurve(cum, w []float64) float64 {
	total, prev := 0.0, 0.0
	for i, v := range cum {
		total += (v - prev) * w[i]
		prev = v
	}
	return total
}

// DiscountedPurchasesOver returns the discounted number of purchases pm
// expects from c over a schedule (ts, w) of ValueOptions.Schedule,
//
//	Σ_j w_j (E[Y(t_j)] − E[Y(t_{j−1})]),  t_0 = 0,
//
// as LifetimeValue computes it, through clv.PurchaseCurve where pm has it.
// cum is scratch of len(ts) (nil: allocated); ts and w have the same
// length.
func DiscountedPurchasesOver(pm clv.PurchaseModel, c clv.Customer, ts, w, cum []float64) float64 {
	if len(cum) < len(ts) {
		cum = make([]float64, len(ts))
	}
	cum = cum[:len(ts)]
	if pc, ok := pm.(clv.PurchaseCurve); ok {
		pc.ConditionalExpectedPurchasesAt(c, ts, cum)
	} else {
		for i, t := range ts {
			cum[i] = pm.ConditionalExpectedPurchases(c, t)
		}
	}
	return discountCurve(cum, w)
}

func lifetimeValue(pm clv.PurchaseModel, sm clv.SpendModel, c clv.Customer, o ValueOptions) float64 {
	value := sm.ConditionalExpectedValue(c) * o.Margin
	if value == 0 {
		return 0
	}
	s := newSchedule(o)
	return value * discountedPurchases(pm, c, s, make([]float64, len(s.ts)))
}

// LifetimeValue returns the customer's expected discounted value over the
// horizon: the purchases pm expects in each step times the value per
// purchase sm expects, times the margin, discounted. With the lifetimes
// convention (Continuous false), for periods i = 1..n of length ℓ,
//
//	CLV = margin · E[M] · Σ_{i=1..n} (E[Y(iℓ)] − E[Y((i−1)ℓ)]) / (1+d)^i.
func LifetimeValue(pm clv.PurchaseModel, sm clv.SpendModel, c clv.Customer, opts ValueOptions) (float64, error) {
	if err := checkModels("LifetimeValue", pm, sm); err != nil {
		return 0, err
	}
	if err := opts.check(); err != nil {
		return 0, err
	}
	if err := c.Validate(); err != nil {
		return 0, err
	}
	v := lifetimeValue(pm, sm, c, opts)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("predict: lifetime value of customer %q is %v (an infinite mean spend: a gamma-gamma model with q ≤ 1?)", c.ID, v)
	}
	return v, nil
}

// LifetimeValues returns LifetimeValue for every customer, on all cores.
// A model implementing clv.DiscountedPurchases computes the discounted
// purchases of all customers at once; otherwise they are computed once per
// distinct (frequency, recency, T). The error names the first invalid
// customer; with opts.Grouping of other customers, it wraps
// clv.ErrGroupingMismatch.
func LifetimeValues(pm clv.PurchaseModel, sm clv.SpendModel, cs []clv.Customer, opts ValueOptions) ([]float64, error) {
	if err := checkModels("LifetimeValues", pm, sm); err != nil {
		return nil, err
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	g, err := groupsOf(opts.Grouping, "LifetimeValues", cs)
	if err != nil {
		return nil, err
	}
	if err := validate(cs, g); err != nil {
		return nil, err
	}
	sched := newSchedule(opts)
	out := make([]float64, len(cs))
	if dp, ok := pm.(clv.DiscountedPurchases); ok {
		var disc []float64
		var err error
		if gp, ok := pm.(clv.GroupedDiscountedPurchases); ok && opts.Grouping != nil {
			disc, err = gp.DiscountedPurchasesAllGrouped(cs, opts.Grouping, sched.ts, sched.disc)
		} else {
			disc, err = dp.DiscountedPurchasesAll(cs, sched.ts, sched.disc)
		}
		if err != nil {
			return nil, err
		}
		parallel.Map(len(cs), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if v := sm.ConditionalExpectedValue(cs[i]) * opts.Margin; v != 0 {
					out[i] = v * disc[i]
				}
			}
		})
	} else {
		// The discounted purchases depend on (frequency, recency, T)
		// only: computed once per distinct triple.
		distinct, slot := distinctRows(cs, g)
		disc := make([]float64, len(distinct))
		parallel.Map(len(distinct), func(lo, hi int) {
			cum := make([]float64, len(sched.ts))
			for i := lo; i < hi; i++ {
				disc[i] = discountedPurchases(pm, distinct[i], sched, cum)
			}
		})
		parallel.Map(len(cs), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if v := sm.ConditionalExpectedValue(cs[i]) * opts.Margin; v != 0 {
					out[i] = v * disc[slot[i]]
				}
			}
		})
	}
	for i, v := range out {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("predict: customers[%d] (%q): lifetime value is %v (an infinite mean spend: a gamma-gamma model with q ≤ 1?)", i, cs[i].ID, v)
		}
	}
	return out, nil
}

// Distribution summarizes values over a customer base.
type Distribution struct {
	N         int
	Total     float64
	Mean      float64
	Quantiles map[float64]float64 // at 0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1
	// TopShare is the share of the total held by the top 10% of customers.
	TopShare float64
}

// DistributionQuantiles are the quantiles Summarize reports.
var DistributionQuantiles = []float64{0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1}

// SummarizeValues returns the total, mean, quantiles (empirical, no
// interpolation) and the top decile's share of values. NaN values are an
// error.
func SummarizeValues(values []float64) (Distribution, error) {
	if len(values) == 0 {
		return Distribution{}, clv.ErrNoCustomers
	}
	s := slices.Clone(values)
	for i, v := range s {
		if math.IsNaN(v) {
			return Distribution{}, fmt.Errorf("predict: values[%d] is NaN", i)
		}
	}
	slices.Sort(s)
	d := Distribution{N: len(s), Quantiles: make(map[float64]float64)}
	for _, v := range s {
		d.Total += v
	}
	d.Mean = d.Total / float64(len(s))
	for _, q := range DistributionQuantiles {
		d.Quantiles[q] = empiricalQuantile(q, s)
	}
	top := 0.0
	k := int(math.Ceil(0.1 * float64(len(s))))
	for _, v := range s[len(s)-k:] {
		top += v
	}
	if d.Total != 0 {
		d.TopShare = top / d.Total
	}
	return d, nil
}

// distinctRows returns the distinct (frequency, recency, T) of cs, in
// ascending order, and each customer's index among them: from g, cs's
// grouping by them, or when g is nil rows.Group's.
func distinctRows(cs []clv.Customer, g *rows.Groups) (distinct []clv.Customer, slot []int32) {
	if g == nil {
		g = rows.Group(len(cs), func(i int) (rows.Key, bool) {
			c := &cs[i]
			return rows.Key{A: c.Frequency, B: c.Recency, C: c.T}, true
		})
	}
	distinct = make([]clv.Customer, len(g.Keys))
	for j, k := range g.Keys {
		distinct[j] = clv.Customer{Frequency: k.A, Recency: k.B, T: k.C}
	}
	return distinct, g.Of
}

// Schedule checks o and returns the grid of its lifetime value: the
// horizons t_1 < t_2 < ... < t_m and the weights w_j with which
//
//	CLV = margin · E[M] · Σ_j w_j (E[Y(t_j)] − E[Y(t_{j−1})]),  t_0 = 0,
//
// as LifetimeValue computes it (the ts and w that clv.DiscountedPurchases
// takes), and the margin (1 when o.Margin is zero). Without Continuous,
// t_j = jℓ and w_j = (1+d)^−j for the periods j = 1..n of length ℓ; with
// it, 16 steps a period, each weighted by the continuous discount at its
// midpoint.
func (o ValueOptions) Schedule() (ts, w []float64, margin float64, err error) {
	if err := o.check(); err != nil {
		return nil, nil, 0, err
	}
	s := newSchedule(o)
	return s.ts, s.disc, o.Margin, nil
}

// NewCustomerValue returns the expected discounted value of a customer
// acquired now, the number to set against the cost of acquiring one
// (CompareAcquisition): firstOrder, the value of the first purchase made
// at acquisition (0 to leave it out), plus the repeat purchases pm expects
// in each period, E[X(iℓ)] − E[X((i−1)ℓ)], times the population's mean
// value per purchase, discounted as in LifetimeValue; all times the
// margin. It is an error if the population mean is infinite (a
// gamma-gamma model with q ≤ 1) or the result is not a finite number.
func NewCustomerValue(pm clv.NewCustomerModel, sm clv.PopulationSpend, firstOrder float64, opts ValueOptions) (float64, error) {
	if err := opts.check(); err != nil {
		return 0, err
	}
	if err := checkModels("NewCustomerValue", pm, sm); err != nil {
		return 0, err
	}
	if !(firstOrder >= 0) || math.IsInf(firstOrder, 0) {
		return 0, fmt.Errorf("%w: first order value = %v, want a finite number ≥ 0", ErrBadValueOptions, firstOrder)
	}
	mean := sm.PopulationMean()
	if !(mean >= 0) || math.IsInf(mean, 0) {
		return 0, fmt.Errorf("predict: the spend model's population mean is %v: no finite value per purchase (is q ≤ 1?)", mean)
	}
	s := newSchedule(opts)
	cum := make([]float64, len(s.ts))
	for i, t := range s.ts {
		cum[i] = pm.ExpectedPurchases(t)
	}
	v := opts.Margin * (firstOrder + mean*s.discount(cum))
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("predict: new-customer value is %v", v)
	}
	return v, nil
}
