package interval_test

import (
	"context"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
)

// TestJoinOutlooks: two parts' intervals, computed under different
// draws, joined: each customer keeps its part's intervals (even where two
// customers of different parts share a row), and bad index lists are
// errors.
func TestJoinOutlooks(t *testing.T) {
	ctx := context.Background()
	draws := func(alpha float64) []interval.Draw {
		var ds []interval.Draw
		for _, f := range []float64{0.9, 1, 1.1} {
			m, err := bgnbd.New(bgnbd.Params{R: 0.6, Alpha: alpha * f, A: 0.8, B: 2.5})
			if err != nil {
				t.Fatal(err)
			}
			ds = append(ds, interval.Draw{Purchase: m})
		}
		return ds
	}
	cs := []clv.Customer{{Frequency: 1, Recency: 2, T: 5}, {T: 3}, {Frequency: 1, Recency: 2, T: 5}, {Frequency: 2, Recency: 4, T: 5}}
	idx := [][]int{{0, 1}, {2, 3}}
	opts := interval.Options{Horizon: 10, Outlook: clv.OutlookOptions{Window: 1, Horizon: 10}}
	var parts []*interval.Outlooks
	for p, alpha := range []float64{5, 1} {
		sub := make([]clv.Customer, len(idx[p]))
		for k, i := range idx[p] {
			sub[k] = cs[i]
		}
		r, err := interval.Forecast(ctx, draws(alpha), sub, opts)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, r.Outlooks)
	}
	o, err := interval.JoinOutlooks(len(cs), parts, idx)
	if err != nil {
		t.Fatal(err)
	}
	if o.Len() != 4 || o.Distinct() != parts[0].Distinct()+parts[1].Distinct() {
		t.Fatalf("Len %d, Distinct %d", o.Len(), o.Distinct())
	}
	for p, ix := range idx {
		for k, i := range ix {
			a, b := o.At(i), parts[p].At(k)
			if a.PurchaseWithin != b.PurchaseWithin || a.AliveAtHorizon != b.AliveAtHorizon || a.TimeBetweenPurchases != b.TimeBetweenPurchases {
				t.Errorf("customer %d: %+v, its part's %+v", i, o.At(i), parts[p].At(k))
			}
		}
	}
	if o.At(0).PurchaseWithin == o.At(2).PurchaseWithin { // one row, different draws
		t.Errorf("customers 0 and 2 share %+v", o.At(0))
	}
	for name, bad := range map[string][][]int{"repeated": {{0, 1}, {1, 3}}, "out of range": {{0, 1}, {2, 4}}, "short": {{0, 1}, {2}}} {
		if _, err := interval.JoinOutlooks(len(cs), parts, bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := interval.JoinOutlooks(5, parts, idx); err == nil {
		t.Error("customer 4 in no part: no error")
	}
	if _, err := interval.JoinOutlooks(4, parts[:1], idx); err == nil {
		t.Error("fewer parts than lists: no error")
	}
	if o, err := interval.JoinOutlooks(0, []*interval.Outlooks{nil}, [][]int{nil}); err != nil || o.Len() != 0 {
		t.Errorf("no customers: %v", err)
	}
}
