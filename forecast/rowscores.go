package forecast

import (
	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
	"github.com/clvkit/clvkit/paretonbd"
)

// distinct is a set of customers' distinct (x, t_x, T) rows, for the
// purchase models whose scores depend on the row alone: one customer of
// each row (reps, in the grouping's order), the rows' own grouping (each
// its own group) and each customer's row (of).
type distinct struct {
	g    *clv.Grouping // the customers' grouping it comes from
	reps []clv.Customer
	repG *clv.Grouping
	of   []int32
}

// distinctRows returns the distinct rows of cs, from g, cs's grouping, for
// scoring once per row; nil if g is nil or not cs's, if pm's scores may
// depend on more than the row (a model with covariates), or if the rows
// are more than half the customers (where copying would not pay). The
// job keeps the last one, for the stages after score.
func (j *job) distinctRows(cs []clv.Customer, g *clv.Grouping, pm PurchaseModel) *distinct {
	switch pm.(type) {
	case *bgnbd.Model, *paretonbd.Model: // BG/NBD, MBG/NBD, Pareto/NBD
	default:
		return nil
	}
	byRow, ok := rows.GroupsOf(rows.Unbox(g), cs)
	if !ok || byRow == nil || len(byRow.Keys) == 0 || 2*len(byRow.Keys) > len(cs) {
		return nil
	}
	if d := j.rows; d != nil && d.g == g {
		return d
	}
	n := len(byRow.Keys)
	d := &distinct{g: g, reps: make([]clv.Customer, n), of: byRow.Of}
	seen := make([]bool, n)
	for i, r := range byRow.Of {
		if !seen[r] {
			seen[r] = true
			d.reps[r] = cs[i]
		}
	}
	// The rows' grouping: each row its own group, the keys g's.
	own := &rows.Groups{Keys: byRow.Keys, Of: make([]int32, n), Count: make([]int32, n)}
	for r := range own.Of {
		own.Of[r], own.Count[r] = int32(r), 1
	}
	d.repG, _ = rows.Box(rows.NewGrouping(d.reps, own)).(*clv.Grouping)
	j.rows = d
	return d
}

// spread returns the per-row values v copied to each customer of d's:
// the customers' values.
func (d *distinct) spread(v []float64) []float64 {
	out := make([]float64, len(d.of))
	parallel.Map(len(out), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = v[d.of[i]]
		}
	})
	return out
}

// rowScores returns every customer's P(alive) and expected purchases
// over the horizon t. Given d (distinctRows), it computes them once per
// distinct row, by the same methods, and copies each row's values to its
// customers: the per-customer numbers bit for bit (each is a function of
// the row alone, whichever way the model batches the customers), at the
// cost of the distinct rows (178,233 of 10⁶ simulated customers).
// Otherwise, and when a row's computation fails (so that the error names
// the customer), it scores each customer with g, cs's grouping.
//
// The discounted purchases are not scored here: BG/NBD's
// (DiscountedPurchasesAllGrouped) round differently with and without its
// (x, T) table, whose use depends on the whole slice given, so a per-row
// call could differ from the per-customer one in the last bit.
func rowScores(cs []clv.Customer, g *clv.Grouping, d *distinct, pm PurchaseModel, t float64) (pa, exp []float64, err error) {
	pa, exp, of, err := rowScoresOf(cs, g, d, pm, t)
	if err != nil || of == nil {
		return pa, exp, err
	}
	return d.spread(pa), d.spread(exp), nil
}

// rowScoresOf is rowScores without copying the rows' values to their
// customers: when of is not nil, pa and exp are per distinct row, and
// customer i's are pa[of[i]] and exp[of[i]]; otherwise they are per
// customer.
func rowScoresOf(cs []clv.Customer, g *clv.Grouping, d *distinct, pm PurchaseModel, t float64) (pa, exp []float64, of []int32, err error) {
	if d != nil {
		rpa, err := pm.ProbabilityAliveAll(d.reps)
		var rexp []float64
		if err == nil {
			rexp, err = pm.ConditionalExpectedPurchasesAll(d.reps, t)
		}
		if err == nil {
			return rpa, rexp, d.of, nil
		}
	}
	if pa, err = pm.ProbabilityAliveAll(cs); err != nil {
		return nil, nil, nil, err
	}
	if ge, ok := pm.(groupedExpected); ok && g != nil {
		exp, err = ge.ConditionalExpectedPurchasesAllGrouped(cs, g, t)
	} else {
		exp, err = pm.ConditionalExpectedPurchasesAll(cs, t)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return pa, exp, nil, nil
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
