package interval_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
)

// countGroupings is rows.CountGroupings in builds with the tag
// clvkit_countgroupings (count_test.go); otherwise it counts nothing and
// returns −1.
var countGroupings = func(int) int64 { return -1 }

// TestGrouped: given the customers' grouping (clv.GroupCustomers),
// Forecast, PredictiveAllGrouped, predict.LifetimeValues, predict.OutlookAll and
// BG/NBD's batch predictions (its (x, T) table: the methods ending in
// Grouped, a part of the customers with Grouping.Sub) give exactly what
// they give grouping the customers themselves, and (counted in builds
// with the tag clvkit_countgroupings) group nothing; given the grouping
// of other customers, each returns an error wrapping
// clv.ErrGroupingMismatch.
func TestGrouped(t *testing.T) {
	truth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	cs := dailyCustomers(t, truth, 9000, 5) // over 8192: BG/NBD's (x, T) table
	pm, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sm, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	draws := drawsOf(t, pm, sm, 20, false)
	vopts := predict.ValueOptions{Periods: 12, PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01, Margin: 0.3}
	groups := make([]int, len(cs))
	for i, c := range cs {
		groups[i] = min(int(c.Frequency), 3)
	}
	ts := []float64{4, 20, 39}
	const lo, hi = 100, 8900 // a part, still over 8192
	type outputs struct {
		iv       *interval.Result
		lo, hi   []int
		values   []float64
		outlooks []clv.Outlook
		exp      []float64
		curves   []float64
		part     []float64
	}
	// run computes everything with the grouping g of cs (nil: none) and
	// returns the first error.
	run := func(cs []clv.Customer, g *clv.Grouping) (outputs, error) {
		var o outputs
		var err error
		if o.iv, err = interval.Forecast(context.Background(), draws, cs,
			interval.Options{Horizon: 39, Value: vopts, Periods: ts, Groups: groups, Grouping: g}); err != nil {
			return o, fmt.Errorf("Forecast: %w", err)
		}
		if o.lo, o.hi, err = interval.PredictiveAllGrouped(pm, cs, g, 39, 0.9); err != nil {
			return o, fmt.Errorf("PredictiveAllGrouped: %w", err)
		}
		vo := vopts
		vo.Grouping = g
		if o.values, err = predict.LifetimeValues(pm, sm, cs, vo); err != nil {
			return o, fmt.Errorf("LifetimeValues: %w", err)
		}
		if o.exp, err = pm.ConditionalExpectedPurchasesAllGrouped(cs, g, 39); err != nil {
			return o, fmt.Errorf("ConditionalExpectedPurchasesAllGrouped: %w", err)
		}
		if o.curves, err = pm.AppendConditionalExpectedPurchasesAtGrouped(nil, cs, g, ts); err != nil {
			return o, fmt.Errorf("AppendConditionalExpectedPurchasesAtGrouped: %w", err)
		}
		var part *clv.Grouping
		if g != nil {
			if part, err = g.Sub(cs, lo, hi); err != nil {
				return o, fmt.Errorf("Sub: %w", err)
			}
		}
		if o.part, err = pm.AppendConditionalExpectedPurchasesAtGrouped(nil, cs[lo:hi], part, ts); err != nil {
			return o, fmt.Errorf("AppendConditionalExpectedPurchasesAtGrouped of a part: %w", err)
		}
		ol, err := predict.OutlookAll(pm, cs, clv.OutlookOptions{Window: 4, Horizon: 39, Grouping: g})
		if err != nil {
			return o, fmt.Errorf("OutlookAll: %w", err)
		}
		for i := range cs {
			o.outlooks = append(o.outlooks, ol.At(i))
		}
		return o, nil
	}
	want, err := run(cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := clv.GroupCustomers(cs)
	if err != nil {
		t.Fatal(err)
	}
	countGroupings(len(cs) - 1000) // the part too
	got, err := run(cs, g)
	if n := countGroupings(0); n > 0 {
		t.Errorf("%d groupings of the customers given their grouping", n)
	}
	if err != nil {
		t.Fatal(err)
	}
	// Compared as text: the same bits print the same, NaNs alike.
	for _, c := range []struct {
		name      string
		got, want any
	}{{"Forecast", got.iv, want.iv}, {"PredictiveAllGrouped", [2][]int{got.lo, got.hi}, [2][]int{want.lo, want.hi}},
		{"LifetimeValues", got.values, want.values}, {"OutlookAll", got.outlooks, want.outlooks},
		{"ConditionalExpectedPurchasesAllGrouped", got.exp, want.exp},
		{"AppendConditionalExpectedPurchasesAtGrouped", got.curves, want.curves},
		{"AppendConditionalExpectedPurchasesAtGrouped of a part", got.part, want.part}} {
		if g, w := fmt.Sprintf("%#v", c.got), fmt.Sprintf("%#v", c.want); g != w {
			t.Errorf("%s given the grouping differs from without", c.name)
		}
	}
	if len(want.part) != (hi-lo)*len(ts) || len(want.values) != len(cs) {
		t.Fatalf("%d curve values of the part, %d values: want %d, %d", len(want.part), len(want.values), (hi-lo)*len(ts), len(cs))
	}

	// The grouping of other customers: a copy (equal customers, another
	// slice), a part, the tail: each function returns an error wrapping
	// ErrGroupingMismatch.
	for _, other := range []struct {
		name string
		cs   []clv.Customer
	}{{"a copy", slices.Clone(cs)}, {"a part", cs[:len(cs)-1]}, {"the tail", cs[1:]}} {
		cp := other.cs
		errs := map[string]error{}
		_, errs["Forecast"] = interval.Forecast(context.Background(), draws, cp,
			interval.Options{Horizon: 39, Value: vopts, Periods: ts, Grouping: g})
		_, _, errs["PredictiveAllGrouped"] = interval.PredictiveAllGrouped(pm, cp, g, 39, 0.9)
		vo := vopts
		vo.Grouping = g
		_, errs["LifetimeValues"] = predict.LifetimeValues(pm, sm, cp, vo)
		_, errs["LifetimeValues, no DiscountedPurchases"] = predict.LifetimeValues(plainModel{pm}, sm, cp, vo)
		_, errs["ConditionalExpectedPurchasesAllGrouped"] = pm.ConditionalExpectedPurchasesAllGrouped(cp, g, 39)
		_, errs["AppendConditionalExpectedPurchasesAtGrouped"] = pm.AppendConditionalExpectedPurchasesAtGrouped(nil, cp, g, ts)
		_, errs["DiscountedPurchasesAllGrouped"] = pm.DiscountedPurchasesAllGrouped(cp, g, ts, []float64{1, 1, 1})
		_, errs["OutlookAll"] = predict.OutlookAll(pm, cp, clv.OutlookOptions{Window: 4, Horizon: 39, Grouping: g})
		_, errs["Sub"] = g.Sub(cp, 0, 10)
		_, errs["bgnbd.Fit"] = bgnbd.Fit(cp, bgnbd.FitOptions{Grouping: g})
		for name, err := range errs {
			if !errors.Is(err, clv.ErrGroupingMismatch) {
				t.Errorf("%s given the grouping of %s of the customers: %v, want %v", name, other.name, err, clv.ErrGroupingMismatch)
			}
		}
	}
	if _, err := g.Sub(cs, 5, 4); err == nil || errors.Is(err, clv.ErrGroupingMismatch) {
		t.Errorf("Sub(5, 4): %v, want an error about the range", err)
	}
	if n := g.Distinct(); n <= 0 || n >= len(cs) {
		t.Errorf("%d distinct rows of %d customers of a log of days", n, len(cs))
	}
}

// plainModel hides a model's batch methods (clv.DiscountedPurchases):
// LifetimeValues then values the distinct rows itself.
type plainModel struct{ clv.PurchaseModel }
