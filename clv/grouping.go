package clv

import (
	"errors"
	"fmt"

	"github.com/clvkit/clvkit/internal/rows"
)

// Grouping is customers grouped by their distinct (frequency, recency, T),
// made once by GroupCustomers and passed to the functions that would
// otherwise each group the same customers again: the purchase models' fits
// (bgnbd.FitOptions.Grouping, paretonbd.FitOptions.Grouping),
// predict.LifetimeValues (predict.ValueOptions.Grouping), predict.OutlookAll
// (OutlookOptions.Grouping), interval.Forecast (interval.Options.Grouping),
// interval.PredictiveAllGrouped and BG/NBD's batch predictions (the
// bgnbd.Model methods ending in Grouped). A job that calls several of them
// on the same customers groups them once instead of once per call; the
// results are the same bit for bit, since a function given the grouping
// finds exactly the groups it would have computed.
//
// A Grouping is valid only for the slice it was built from: the same
// length and the same first element (its address), whose customers have
// not changed since. Functions given the grouping of other customers (a
// copy, a part: see Sub) return an error wrapping ErrGroupingMismatch;
// they cannot see changed customers, so do not change them while the
// grouping is in use. GroupCustomers validated the customers: a function
// given their grouping does not validate them again. A nil *Grouping means none: the function groups the
// customers itself. A Grouping is immutable and safe for concurrent use.
type Grouping struct {
	r rows.Grouping // the kernel's grouping, bound to the customers
}

func init() {
	// The module's packages that take or make a *Grouping reach the
	// kernel's through these (rows cannot import clv).
	rows.Box = func(r *rows.Grouping) any { return box(r) }
	rows.Unbox = func(b any) *rows.Grouping {
		if g, _ := b.(*Grouping); g != nil {
			return &g.r
		}
		return nil
	}
}

// box returns r as a *Grouping; nil for a nil r.
func box(r *rows.Grouping) *Grouping {
	if r == nil {
		return nil
	}
	return &Grouping{r: *r}
}

// ErrGroupingMismatch is wrapped by the error of a function given a
// Grouping of other customers than the ones it was given.
var ErrGroupingMismatch = errors.New("clv: the grouping is not of these customers")

// GroupCustomers validates the customers (ValidateAll: no customers is
// an error too) and groups them by
// their distinct (frequency, recency, T), in one hash lookup per customer
// (on all cores for many customers), for the functions that take a
// Grouping. The grouping is bound to cs: see Grouping.
func GroupCustomers(cs []Customer) (*Grouping, error) {
	if err := ValidateAll(cs); err != nil {
		return nil, err
	}
	g := rows.Group(len(cs), func(i int) (rows.Key, bool) {
		c := &cs[i]
		return rows.Key{A: c.Frequency, B: c.Recency, C: c.T}, true
	})
	return box(rows.NewGrouping(cs, g)), nil
}

// Sub returns the grouping of the customers cs[lo:hi], taken from g, the
// grouping of cs, without grouping them again: for a caller that passes
// the customers part by part. It returns an error wrapping
// ErrGroupingMismatch if g is not cs's grouping, and one for lo, hi out of
// range (0 ≤ lo ≤ hi ≤ len(cs)). The part's grouping is valid for
// cs[lo:hi] only.
func (g *Grouping) Sub(cs []Customer, lo, hi int) (*Grouping, error) {
	if g == nil {
		return nil, fmt.Errorf("%w (Grouping.Sub)", ErrGroupingMismatch)
	}
	if _, ok := rows.GroupsOf(&g.r, cs); !ok {
		return nil, fmt.Errorf("%w (Grouping.Sub)", ErrGroupingMismatch)
	}
	if lo < 0 || hi < lo || hi > len(cs) {
		return nil, fmt.Errorf("clv: Grouping.Sub: part [%d, %d) of %d customers", lo, hi, len(cs))
	}
	s, _ := rows.SubGrouping(&g.r, cs, lo, hi) // nil for the zero Grouping
	return box(s), nil
}

// Distinct returns the number of distinct (frequency, recency, T) among
// the customers; 0 for a nil Grouping.
func (g *Grouping) Distinct() int {
	if g == nil {
		return 0
	}
	return rows.Distinct(&g.r)
}
