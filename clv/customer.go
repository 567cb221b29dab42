package clv

import (
	"fmt"
	"math"
	"time"

	"github.com/clvkit/clvkit/internal/parallel"
)

// A Transaction is one line of a transaction log: who bought, when, and for
// how much. Amount is zero when the log carries no amounts.
type Transaction struct {
	CustomerID string
	Time       time.Time
	Amount     float64
}

// A Customer is the summary of one customer's purchase history over an
// observation period, in the time unit chosen when it was computed.
type Customer struct {
	ID string

	// Frequency is the number of repeat purchases: distinct purchase periods
	// after the first. It is a whole number ≥ 0.
	Frequency float64

	// Recency is the time from the first to the last purchase, in [0, T].
	// It is zero when Frequency is zero.
	Recency float64

	// T is the time from the first purchase to the end of observation, ≥ 0.
	T float64

	// MonetaryValue is the mean value of the repeat purchases, zero when
	// Frequency is zero.
	MonetaryValue float64
}

// Validate reports whether c is a consistent summary: finite fields,
// a whole, non-negative Frequency, 0 ≤ Recency ≤ T, and Recency = 0 when
// Frequency = 0. The error wraps ErrInvalidCustomer.
func (c Customer) Validate() error {
	x, r, t := c.Frequency, c.Recency, c.T
	// The common case, checked without building anything.
	if x >= 0 && x == math.Trunc(x) && r >= 0 && r <= t && (x > 0 || r == 0) &&
		finite(x) && finite(t) && finite(c.MonetaryValue) {
		return nil
	}
	var why string
	switch {
	case !finite(x) || !finite(r) || !finite(t) || !finite(c.MonetaryValue):
		why = fmt.Sprintf("non-finite field (frequency %v, recency %v, T %v, monetary value %v)", x, r, t, c.MonetaryValue)
	case x < 0 || x != math.Trunc(x):
		why = fmt.Sprintf("frequency %v is not a whole number ≥ 0", x)
	case t < 0:
		why = fmt.Sprintf("T %v < 0", t)
	case r < 0:
		why = fmt.Sprintf("recency %v < 0", r)
	case r > t:
		why = fmt.Sprintf("recency %v > T %v", r, t)
	default:
		why = fmt.Sprintf("recency %v ≠ 0 with frequency 0", r)
	}
	return fmt.Errorf("%w: customer %q: %s", ErrInvalidCustomer, c.ID, why)
}

// ValidateAll validates every customer and returns the first error, naming
// the customer's index in cs. Many customers are checked on all cores.
func ValidateAll(cs []Customer) error {
	if len(cs) == 0 {
		return ErrNoCustomers
	}
	if len(cs) >= 1<<16 {
		// In chunks on all cores; the first error is the first chunk's
		// with one.
		errs := make([]error, parallel.Chunks(len(cs)))
		parallel.Map(len(cs), func(lo, hi int) {
			if err := validateAll(cs[lo:hi], lo); err != nil {
				errs[lo/parallel.ChunkSize] = err
			}
		})
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		return nil
	}
	return validateAll(cs, 0)
}

// validateAll is ValidateAll of cs, customers first to first+len(cs)−1.
func validateAll(cs []Customer, first int) error {
	for i := range cs {
		// Validate's common case inline: one pass over the customers
		// without a call each.
		c := &cs[i]
		if x, r, t := c.Frequency, c.Recency, c.T; x >= 0 && x == math.Trunc(x) && r >= 0 && r <= t &&
			(x > 0 || r == 0) && finite(x) && finite(t) && finite(c.MonetaryValue) {
			continue
		}
		if err := c.Validate(); err != nil {
			return fmt.Errorf("customers[%d]: %w", first+i, err)
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
