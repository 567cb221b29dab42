package clv

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// ErrInvalidCovariates is wrapped by errors about covariates that cannot
// be used: a number of vectors other than the number of customers, a
// vector of the wrong length, a value that is NaN or infinite, or names
// that are empty or repeated.
var ErrInvalidCovariates = errors.New("clv: invalid covariates")

// Covariates are static (time-invariant) covariates of customers: what is
// known about each customer and may change how often the customer buys
// and how long the customer stays — an acquisition channel, a region, a
// loyalty programme. Values[i] is the covariate vector z of the i-th
// customer of the slice it goes with, one number per name. A categorical
// covariate enters as 0/1 indicators of its levels but one, the reference
// level (whose customers have 0 in every indicator); a numeric one as its
// value, best centred so that z = 0 is a typical customer.
//
// The models with covariates (paretonbd.FitCovariates,
// bgnbd.FitCovariates) fit customers with many identical vectors — the
// categorical case — fastest: they group the customers by vector.
type Covariates struct {
	Names  []string
	Values [][]float64
}

// Check reports whether c holds one vector for each of n customers, each
// with one finite number per name, and names that are not empty and not
// repeated. Its error wraps ErrInvalidCovariates and names the customer
// (by index) or the name at fault.
func (c Covariates) Check(n int) error {
	if len(c.Names) == 0 {
		return fmt.Errorf("%w: no covariate names", ErrInvalidCovariates)
	}
	seen := make(map[string]bool, len(c.Names))
	for j, name := range c.Names {
		if name == "" {
			return fmt.Errorf("%w: Names[%d] is empty", ErrInvalidCovariates, j)
		}
		if seen[name] {
			return fmt.Errorf("%w: Names[%d] = %q is repeated", ErrInvalidCovariates, j, name)
		}
		seen[name] = true
	}
	if len(c.Values) != n {
		return fmt.Errorf("%w: %d covariate vectors for %d customers", ErrInvalidCovariates, len(c.Values), n)
	}
	for i, z := range c.Values {
		if err := checkVector(c.Names, z); err != nil {
			return fmt.Errorf("customers[%d]: %w", i, err)
		}
	}
	return nil
}

// CheckVector reports whether z is a covariate vector of c: one finite
// number per name. Its error wraps ErrInvalidCovariates.
func (c Covariates) CheckVector(z []float64) error { return checkVector(c.Names, z) }

func checkVector(names []string, z []float64) error {
	if len(z) != len(names) {
		return fmt.Errorf("%w: %d values for %d covariates", ErrInvalidCovariates, len(z), len(names))
	}
	for j, v := range z {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: %s = %v, want a finite number", ErrInvalidCovariates, names[j], v)
		}
	}
	return nil
}

// Processes of a purchase model that a covariate may act on.
const (
	PurchaseProcess = "purchase" // how often an active customer buys
	DropoutProcess  = "dropout"  // how soon a customer drops out
	SpendProcess    = "spend"    // how much a customer spends per purchase (gammagamma.CovModel)
)

// A CovariateEffect is the estimated effect of one covariate on one
// process of a model with covariates, as a number people can read: a
// customer whose covariate is one unit higher (for an indicator: who is
// in that level rather than the reference level) has Ratio times the
// rate of the process, all else equal, with the confidence interval
// [Lo, Hi] at the level asked for. What "rate" means is each model's
// (see its Effects method); Gamma is the coefficient itself, in the
// model's parametrisation, and Ratio = exp(±Gamma) with the sign that
// makes it the multiplier of the rate.
type CovariateEffect struct {
	Covariate string
	Process   string // PurchaseProcess, DropoutProcess or SpendProcess
	// Quantity names what Ratio multiplies, in the model's terms (e.g.
	// "purchase rate", "dropout rate"); empty means Process + " rate".
	Quantity string
	Gamma    float64
	StdErr   float64 // NaN without standard errors
	Ratio    float64
	Lo       float64 // NaN without standard errors
	Hi       float64
	// LR is the likelihood-ratio statistic of the model against the
	// model without this effect (its γ held at 0, or, for a covariate
	// with the same γ on both processes, without the covariate), 2·(LL −
	// LL₀), and P its p-value from the χ² distribution with 1 degree of
	// freedom; both NaN unless computed (the models' EffectTests).
	LR, P float64
	// Boundary marks a coefficient that ran off toward ±∞ (the sign of
	// Gamma): the likelihood keeps rising as the effect grows without
	// bound, so the fit held Gamma at its bound and Ratio is a limit the
	// effect goes beyond (toward 0 or ∞); StdErr, Lo and Hi are NaN.
	Boundary bool
}

// String writes the effect in a sentence's words, e.g. "Channel: purchase
// rate ×1.87 [1.52, 2.29]", with ", p = 0.0003" when P is known.
func (e CovariateEffect) String() string {
	q := e.Quantity
	if q == "" {
		q = e.Process + " rate"
	}
	s := fmt.Sprintf("%s: %s ×%.3g", e.Covariate, q, e.Ratio)
	if e.Boundary {
		lim := "0"
		if e.Ratio > 1 {
			lim = "∞"
		}
		s += " (at the fit's bound: runs off toward " + lim + ")"
	}
	if !math.IsNaN(e.Lo) {
		s += fmt.Sprintf(" [%.3g, %.3g]", e.Lo, e.Hi)
	}
	if !math.IsNaN(e.P) {
		s += fmt.Sprintf(", p = %.2g", e.P)
	}
	return s
}

// A CovariatePath is one customer's time-varying covariates, piecewise
// constant: Values[k] holds from Start[k] until Start[k+1], the last from
// its Start on, without end. Times are in the time unit of the customer's
// summary and measured from the customer's first purchase, like Recency
// and T; a path covers the customer's history from Start[0] ≤ 0 and,
// for a prediction, the future (T, T+t]. Periods shared by all customers
// in calendar time (a weekly season flag) become each customer's path by
// subtracting the customer's first purchase time.
type CovariatePath struct {
	Start  []float64
	Values [][]float64
}

// At returns the covariate vector in force at time t: Values[k] for the
// last Start[k] ≤ t, nil if t is before Start[0], t is NaN, the path is
// empty or that k has no vector (a path Check rejects). The vector is the
// path's, not a copy.
func (p CovariatePath) At(t float64) []float64 {
	k := sort.SearchFloat64s(p.Start, t) // the first Start[k] ≥ t
	if k < len(p.Start) && p.Start[k] == t {
		k++
	}
	if k == 0 || k > len(p.Values) || math.IsNaN(t) {
		return nil
	}
	return p.Values[k-1]
}

// Check reports whether p is a path of covariates names: as many starts
// as vectors, at least one, finite and strictly ascending, the first ≤ 0,
// and each vector one finite number per name. Its error wraps
// ErrInvalidCovariates.
func (p CovariatePath) Check(names []string) error {
	if len(p.Start) == 0 || len(p.Start) != len(p.Values) {
		return fmt.Errorf("%w: a path with %d starts and %d vectors, want as many and at least one", ErrInvalidCovariates, len(p.Start), len(p.Values))
	}
	for k, s := range p.Start {
		if !finite(s) || k > 0 && !(s > p.Start[k-1]) {
			return fmt.Errorf("%w: Start[%d] = %v, want finite and after Start[%d]", ErrInvalidCovariates, k, s, max(k-1, 0))
		}
		if err := checkVector(names, p.Values[k]); err != nil {
			return fmt.Errorf("Values[%d]: %w", k, err)
		}
	}
	if p.Start[0] > 0 {
		return fmt.Errorf("%w: the path starts at %v, after the first purchase (0)", ErrInvalidCovariates, p.Start[0])
	}
	return nil
}

// DynamicCovariates are time-varying covariates of customers (a season, a
// campaign calendar, a price level), for the models that take them
// (paretonbd.FitDynamic). Paths[i] is the covariate path of the i-th
// customer of the slice it goes with, and Purchases[i] the times of that
// customer's repeat purchases, in the unit of the summary and from the
// first purchase: Frequency of them, ascending, in (0, Recency], the last
// Recency (to 1e-9 relative: times computed apart from the summary may
// differ in the last bits). The likelihood needs the covariates in force at each purchase,
// which a summary does not keep.
//
// Static covariates may be among them as constant columns.
type DynamicCovariates struct {
	Names     []string
	Paths     []CovariatePath
	Purchases [][]float64
}

// Check reports whether c holds, for each customer of cs, a valid path
// (CovariatePath.Check) and the customer's repeat purchase times,
// consistent with the summary, and names that are not empty and not
// repeated. Its error wraps ErrInvalidCovariates and names the customer.
func (c DynamicCovariates) Check(cs []Customer) error {
	if err := (Covariates{Names: c.Names}).Check(0); err != nil {
		return err
	}
	if len(c.Paths) != len(cs) || len(c.Purchases) != len(cs) {
		return fmt.Errorf("%w: %d paths and %d purchase lists for %d customers", ErrInvalidCovariates, len(c.Paths), len(c.Purchases), len(cs))
	}
	for i, cu := range cs {
		if err := c.Paths[i].Check(c.Names); err != nil {
			return fmt.Errorf("customers[%d] (%q): %w", i, cu.ID, err)
		}
		ts := c.Purchases[i]
		if float64(len(ts)) != cu.Frequency {
			return fmt.Errorf("customers[%d] (%q): %w: %d purchase times for frequency %v", i, cu.ID, ErrInvalidCovariates, len(ts), cu.Frequency)
		}
		for k, t := range ts {
			if !(t > 0) || k > 0 && t < ts[k-1] || t > cu.Recency*(1+1e-9)+1e-9 {
				return fmt.Errorf("customers[%d] (%q): %w: purchase time %v, want ascending in (0, recency %v]", i, cu.ID, ErrInvalidCovariates, t, cu.Recency)
			}
		}
		if len(ts) > 0 && math.Abs(ts[len(ts)-1]-cu.Recency) > 1e-9*math.Max(1, cu.Recency) {
			return fmt.Errorf("customers[%d] (%q): %w: last purchase time %v, recency %v", i, cu.ID, ErrInvalidCovariates, ts[len(ts)-1], cu.Recency)
		}
	}
	return nil
}
