package forecast

import (
	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
	"github.com/clvkit/clvkit/paretonbd"
)

// rowScores returns every customer's P(alive) and expected purchases over
// the horizon t. For the purchase models whose scores depend on the
// customer's (x, t_x, T) alone (BG/NBD, MBG/NBD and Pareto/NBD without
// covariates), given cs's grouping g, it computes them once per distinct
// row, by the same methods, and copies each row's values to its customers:
// the numbers are the per-customer ones bit for bit, at the cost of the
// distinct rows (178,233 of 10⁶ simulated customers). Otherwise, and when
// a row's computation fails (so that the error names the customer), it
// scores each customer.
func rowScores(cs []clv.Customer, g *clv.Grouping, pm PurchaseModel, t float64) (pa, exp []float64, err error) {
	if reps, of := distinctRows(cs, g, pm); reps != nil {
		rpa, err := pm.ProbabilityAliveAll(reps)
		var rexp []float64
		if err == nil {
			rexp, err = pm.ConditionalExpectedPurchasesAll(reps, t)
		}
		if err == nil {
			pa, exp = make([]float64, len(cs)), make([]float64, len(cs))
			parallel.Map(len(cs), func(lo, hi int) {
				for i := lo; i < hi; i++ {
					r := of[i]
					pa[i], exp[i] = rpa[r], rexp[r]
				}
			})
			return pa, exp, nil
		}
	}
	if pa, err = pm.ProbabilityAliveAll(cs); err != nil {
		return nil, nil, err
	}
	if ge, ok := pm.(groupedExpected); ok && g != nil {
		exp, err = ge.ConditionalExpectedPurchasesAllGrouped(cs, g, t)
	} else {
		exp, err = pm.ConditionalExpectedPurchasesAll(cs, t)
	}
	if err != nil {
		return nil, nil, err
	}
	return pa, exp, nil
}

// distinctRows returns one customer of each distinct (x, t_x, T) of g, the
// grouping of cs, in the grouping's order, and each customer's row; nil if
// g is nil or not cs's, if pm's scores may depend on more than the row (a
// model with covariates), or if the rows are more than half the customers
// (where copying would not pay).
func distinctRows(cs []clv.Customer, g *clv.Grouping, pm PurchaseModel) ([]clv.Customer, []int32) {
	switch pm.(type) {
	case *bgnbd.Model, *paretonbd.Model:
	default:
		return nil, nil
	}
	byRow, ok := rows.GroupsOf((*rows.Grouping)(g), cs)
	if !ok || byRow == nil || len(byRow.Keys) == 0 || 2*len(byRow.Keys) > len(cs) {
		return nil, nil
	}
	reps := make([]clv.Customer, len(byRow.Keys))
	seen := make([]bool, len(reps))
	for i, r := range byRow.Of {
		if !seen[r] {
			seen[r] = true
			reps[r] = cs[i]
		}
	}
	return reps, byRow.Of
}

// selectTop rearranges a so that a[k:] holds the len(a)−k largest values
// (as a multiset: the tail of a sorted copy), in no particular order, and
// a[:k] the rest: quickselect with a three-way partition (runs of equal
// values, such as customers' zero CLVs, cost nothing), in expected
// O(len(a)) time. a must hold no NaN; 0 ≤ k ≤ len(a).
func selectTop(a []float64, k int) {
	lo, hi := 0, len(a) // the boundary k lies in a[lo:hi]
	for hi-lo > 16 {
		x, y, z := a[lo], a[lo+(hi-lo)/2], a[hi-1]
		p := max(min(x, y), min(max(x, y), z)) // median of three
		// a[lo:lt] < p, a[lt:i] == p, a[gt:hi] > p.
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch v := a[i]; {
			case v < p:
				a[lt], a[i] = a[i], a[lt]
				lt++
				i++
			case v > p:
				gt--
				a[gt], a[i] = a[i], a[gt]
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k > gt:
			lo = gt
		default:
			return // a[:k] ≤ a[k:] already
		}
	}
	for i := lo + 1; i < hi; i++ { // insertion sort of the short rest
		for j := i; j > lo && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
