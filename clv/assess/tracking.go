package assess

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
)

// maxCohorts bounds the distinct first-purchase times
// ExpectedCumulativeRepeats evaluates; beyond it they are binned.
const maxCohorts = 4096

// ExpectedCumulativeRepeats returns, for each time of at, the number of
// repeat purchases pm expects the customers cs to have made by then, in
// total: the model's tracking curve (Fader, Hardie & Lee 2005, Figure 3),
// to set beside the actual cumulative count (clv.Summary.Repeats).
//
// Times are in the model's unit since the earliest first purchase among
// cs. Customer i first bought at s_i = max T − T_i (every customer is
// observed to the same end), and
//
//	E(τ) = Σ_i E[X(τ − s_i)] · 1{τ > s_i},
//
// with E[X(t)] the expectation of a customer acquired at 0. Customers who
// first bought at the same time share one evaluation; when more than 4,096
// distinct first-purchase times occur (continuous times), they are binned
// into 4,096 equal intervals of the observation span, each cohort placed at
// its bin's mean time. Every value of at must be a finite number.
func ExpectedCumulativeRepeats(pm clv.NewCustomerModel, cs []clv.Customer, at []float64) ([]float64, error) {
	if err := checkModels("ExpectedCumulativeRepeats", pm); err != nil {
		return nil, err
	}
	curves, err := ExpectedCumulativeRepeatsAll([]clv.NewCustomerModel{pm}, cs, at)
	if err != nil {
		return nil, err
	}
	return curves[0], nil
}

// ExpectedCumulativeRepeatsAll returns ExpectedCumulativeRepeats for each
// of models (e.g. the model under parameter draws, for a band around its
// curve), finding the customers' cohorts once; the curves are computed on
// all cores.
func ExpectedCumulativeRepeatsAll(models []clv.NewCustomerModel, cs []clv.Customer, at []float64) ([][]float64, error) {
	for _, m := range models {
		if err := checkModels("ExpectedCumulativeRepeats", m); err != nil {
			return nil, err
		}
	}
	if err := clv.ValidateAll(cs); err != nil {
		return nil, err
	}
	for _, t := range at {
		if !finite(t) {
			return nil, fmt.Errorf("assess: ExpectedCumulativeRepeats: time %v", t)
		}
	}
	cohorts := cohortsOf(cs)
	out := make([][]float64, len(models))
	errs := make([]error, len(models))
	parallel.For(len(models), func(m int) {
		out[m] = make([]float64, len(at))
		for k, t := range at {
			var e float64
			for _, c := range cohorts {
				if t > c.s {
					e += c.n * models[m].ExpectedPurchases(t-c.s)
				}
			}
			if math.IsNaN(e) {
				errs[m] = fmt.Errorf("assess: ExpectedCumulativeRepeats: expectation at %v is not a number", t)
				return
			}
			out[m][k] = e
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// cohort is a group of customers who first bought at time s (since the
// earliest first purchase): n of them.
type cohort struct{ s, n float64 }

// cohortsOf returns the customers' cohorts, binned into maxCohorts when
// there are more.
func cohortsOf(cs []clv.Customer) []cohort {
	maxT := 0.0
	for _, c := range cs {
		maxT = math.Max(maxT, c.T)
	}
	starts := make([]float64, len(cs))
	for i, c := range cs {
		starts[i] = maxT - c.T
	}
	slices.Sort(starts)
	var cohorts []cohort
	for i := 0; i < len(starts); {
		j := i
		for j < len(starts) && starts[j] == starts[i] {
			j++
		}
		cohorts = append(cohorts, cohort{starts[i], float64(j - i)})
		i = j
	}
	if len(cohorts) > maxCohorts && maxT > 0 {
		bins := make([]cohort, maxCohorts)
		for _, s := range starts {
			b := &bins[min(int(s/maxT*maxCohorts), maxCohorts-1)]
			b.s += s
			b.n++
		}
		cohorts = cohorts[:0]
		for _, b := range bins {
			if b.n > 0 {
				cohorts = append(cohorts, cohort{b.s / b.n, b.n})
			}
		}
	}
	return cohorts
}
