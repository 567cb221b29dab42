package forecast

import (
	"context"
	"errors"
	"fmt"

	"github.com/clvkit/clvkit/clv"
)

// AmountOutliersError is the error of a spend model that could not be
// fitted (or fitted an infinite mean spend) on a log with amounts far
// outside its bulk (clv.AmountOutliers: about 1000 times the median or
// more): such amounts, typos, test orders or wholesale buyers, may be
// why. A single amount of 1e308 makes the Gamma-Gamma likelihood
// overflow at every start. Err is the spend model's error; Outliers
// names the amounts, with the line of the largest.
type AmountOutliersError struct {
	Err      error
	Outliers clv.AmountOutliers
}

// Error returns Err's message followed by the outliers, e.g.
// "gammagamma: …: fit did not converge …; amounts far outside the log's
// bulk may be why: 3 of 481 amounts ≥ 2.32e+04 (about 1000 × the median
// 24.7); the largest, 1e+308, on line 202".
func (e *AmountOutliersError) Error() string {
	return fmt.Sprintf("%v; amounts far outside the log's bulk may be why: %v", e.Err, e.Outliers)
}

// Unwrap returns Err.
func (e *AmountOutliersError) Unwrap() error { return e.Err }

// spendOutliers returns err, the spend model's error, as an
// *AmountOutliersError if st counts amounts far outside the log's bulk,
// and unchanged otherwise (nil, a cancellation, or no such amounts).
func spendOutliers(err error, st clv.Stats) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if o := st.Amounts.Outliers(); o.Count > 0 {
		return &AmountOutliersError{Err: err, Outliers: o}
	}
	return err
}
