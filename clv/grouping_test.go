package clv_test

import (
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
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

// TestZeroGrouping: the zero Grouping (not made by GroupCustomers) is the
// grouping of no customers: Distinct is 0, its part of no customers is
// none, Sub and the functions given it for some customers return
// ErrGroupingMismatch, and nothing panics.
func TestZeroGrouping(t *testing.T) {
	var g clv.Grouping
	if n := g.Distinct(); n != 0 {
		t.Errorf("Distinct %d, want 0", n)
	}
	cs := []clv.Customer{{Frequency: 1, Recency: 2, T: 3}}
	if s, err := g.Sub(nil, 0, 0); s != nil || err != nil {
		t.Errorf("Sub of no customers: %v, %v, want none", s, err)
	}
	if _, err := g.Sub(cs, 0, 0); !errors.Is(err, clv.ErrGroupingMismatch) {
		t.Errorf("Sub of a customer: %v, want ErrGroupingMismatch", err)
	}
	pm, err := bgnbd.New(bgnbd.Params{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4})
	if err != nil {
		t.Fatal(err)
	}
	_, err = predict.OutlookAll(pm, cs, clv.OutlookOptions{Window: 1, Horizon: 2, Grouping: &g})
	if !errors.Is(err, clv.ErrGroupingMismatch) {
		t.Errorf("OutlookAll given the zero Grouping: %v, want ErrGroupingMismatch", err)
	}
}
