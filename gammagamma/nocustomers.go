package gammagamma

import (
	"fmt"

	"github.com/clvkit/clvkit/clv"
)

// errNoCustomers is the error of a fit left without customers: it counts
// the customers without repeat purchases (excluded) and those whose
// monetary value is not > 0 (skipped, with SkipNonPositive), so that a log
// whose amounts are all 0 is not taken for one without repeat buyers.
func errNoCustomers(excluded, skipped int) error {
	if skipped == 0 {
		return fmt.Errorf("gammagamma: %w with repeat purchases (%d without)", clv.ErrNoCustomers, excluded)
	}
	return fmt.Errorf("gammagamma: %w with repeat purchases and a monetary value > 0 (%d without repeat purchases; "+
		"%d with them, whose monetary value is ≤ 0)", clv.ErrNoCustomers, excluded, skipped)
}
