package interval_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/rows"
)

// TestSharedGrouping: with the customers' grouping shared by a job
// (rows.Share), Forecast, PredictiveAll, clv.LifetimeValues, clv.OutlookAll
// and BG/NBD's batch predictions (its (x, T) table) give exactly what
// they give grouping the customers themselves, and group nothing.
func TestSharedGrouping(t *testing.T) {
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
	vopts := clv.ValueOptions{Periods: 12, PeriodLength: clv.MonthInWeeks, DiscountRate: 0.01, Margin: 0.3}
	groups := make([]int, len(cs))
	for i, c := range cs {
		groups[i] = min(int(c.Frequency), 3)
	}
	type outputs struct {
		iv       *interval.Result
		lo, hi   []int
		values   []float64
		outlooks []clv.Outlook
		exp      []float64
	}
	run := func() outputs {
		var o outputs
		var err error
		if o.iv, err = interval.Forecast(context.Background(), draws, cs,
			interval.Options{Horizon: 39, Value: vopts, Periods: []float64{4, 20, 39}, Groups: groups}); err != nil {
			t.Fatal(err)
		}
		if o.lo, o.hi, err = interval.PredictiveAll(pm, cs, 39, 0.9); err != nil {
			t.Fatal(err)
		}
		if o.values, err = clv.LifetimeValues(pm, sm, cs, vopts); err != nil {
			t.Fatal(err)
		}
		if o.exp, err = pm.ConditionalExpectedPurchasesAll(cs, 39); err != nil {
			t.Fatal(err)
		}
		ol, err := clv.OutlookAll(pm, cs, clv.OutlookOptions{Window: 4, Horizon: 39})
		if err != nil {
			t.Fatal(err)
		}
		for i := range cs {
			o.outlooks = append(o.outlooks, ol.At(i))
		}
		return o
	}
	want := run()
	g := rows.Group(len(cs), func(i int) (rows.Key, bool) {
		return rows.Key{A: cs[i].Frequency, B: cs[i].Recency, C: cs[i].T}, true
	})
	unshare := rows.Share(cs, g)
	defer unshare()
	rows.CountGroupings(len(cs))
	got := run()
	if n := rows.CountGroupings(0); n != 0 {
		t.Errorf("%d groupings of the customers with their grouping shared", n)
	}
	// Compared as text: the same bits print the same, NaNs alike.
	for _, c := range []struct {
		name      string
		got, want any
	}{{"Forecast", got.iv, want.iv}, {"PredictiveAll", [2][]int{got.lo, got.hi}, [2][]int{want.lo, want.hi}},
		{"LifetimeValues", got.values, want.values}, {"OutlookAll", got.outlooks, want.outlooks},
		{"ConditionalExpectedPurchasesAll", got.exp, want.exp}} {
		if g, w := fmt.Sprintf("%#v", c.got), fmt.Sprintf("%#v", c.want); g != w {
			t.Errorf("%s with the grouping shared differs from without", c.name)
		}
	}
}
