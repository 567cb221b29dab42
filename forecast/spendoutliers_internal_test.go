package forecast

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestSpendOutliersPassThrough: spendOutliers wraps a spend model's error
// only if the log has amounts far outside its bulk, and never a nil error
// or a cancellation.
func TestSpendOutliersPassThrough(t *testing.T) {
	var bulk, huge clv.Stats
	for i := range 100 {
		bulk.Amounts.Add(10+float64(i%7), i+2)
		huge.Amounts.Add(10+float64(i%7), i+2)
	}
	huge.Amounts.Add(1e308, 102)
	fit := errors.New("gammagamma: fit did not converge")
	cancel := fmt.Errorf("gammagamma: %w", context.Canceled)
	for _, c := range []struct {
		err   error
		st    clv.Stats
		wraps bool
	}{{nil, huge, false}, {cancel, huge, false}, {fit, bulk, false}, {fit, huge, true}} {
		got := spendOutliers(c.err, c.st)
		var oe *AmountOutliersError
		if errors.As(got, &oe) != c.wraps || !errors.Is(got, c.err) || (!c.wraps && got != c.err) {
			t.Errorf("spendOutliers(%v, %d outliers) = %v; want it wrapped: %t", c.err, c.st.Amounts.Outliers().Count, got, c.wraps)
		}
		if c.wraps && (oe.Outliers.Count != 1 || oe.Outliers.WorstLine != 102) {
			t.Errorf("Outliers = %+v; want 1, on line 102", oe.Outliers)
		}
	}
}
