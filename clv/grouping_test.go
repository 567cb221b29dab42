package clv_test

import (
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestGroupCustomers: GroupCustomers rejects invalid customers as
// ValidateAll does (no customers included); a nil Grouping has no rows
// and no parts.
func TestGroupCustomers(t *testing.T) {
	bad := []clv.Customer{{ID: "ok", Frequency: 1, Recency: 2, T: 3}, {ID: "bad", Frequency: 1, Recency: 4, T: 3}}
	if g, err := clv.GroupCustomers(bad); err == nil || g != nil {
		t.Errorf("GroupCustomers(recency > T) = %v, %v; want an error", g, err)
	} else if want := clv.ValidateAll(bad); err.Error() != want.Error() {
		t.Errorf("GroupCustomers: %v, want ValidateAll's %v", err, want)
	}
	if _, err := clv.GroupCustomers([]clv.Customer{{Frequency: math.NaN()}}); err == nil {
		t.Error("GroupCustomers(NaN frequency): no error")
	}
	var none *clv.Grouping
	if n := none.Distinct(); n != 0 {
		t.Errorf("nil Grouping: %d distinct rows", n)
	}
	if _, err := none.Sub(bad, 0, 1); !errors.Is(err, clv.ErrGroupingMismatch) {
		t.Errorf("nil Grouping's Sub: %v, want %v", err, clv.ErrGroupingMismatch)
	}
	if g, err := clv.GroupCustomers(nil); !errors.Is(err, clv.ErrNoCustomers) || g != nil {
		t.Errorf("GroupCustomers(nil) = %v, %v; want %v", g, err, clv.ErrNoCustomers)
	}
}
