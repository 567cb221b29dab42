package campaign_test

import (
	"context"
	"math"
	"testing"

	"github.com/clvkit/clvkit/campaign"
	"github.com/clvkit/clvkit/clv"
)

// FuzzMeasure: any summaries, outcomes and options give a result or an
// error, never a panic, and a result's intervals hold their values.
func FuzzMeasure(f *testing.F) {
	f.Add(2.0, 20.0, 30.0, 40.0, 1.0, 30.0, 0.0, 0.0, 25.0, 13.0, 0.9, 1.0, 0.3)
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1e-9, 0.5, 0.0, 1.0)
	f.Add(1e6, 1.0, 1e6, 1e300, 1e6, -5.0, 3.0, 1.0, 2.0, 1e6, 0.99, 1e9, 1e-9)
	f.Fuzz(func(t *testing.T, x, tx, T, mv, y, rev, x2, tx2, T2, window, level, cost, margin float64) {
		pm, sm, _ := small(t)
		in := campaign.Input{
			Customers: []clv.Customer{{ID: "a", Frequency: x, Recency: tx, T: T, MonetaryValue: mv}, {ID: "b", Frequency: x2, Recency: tx2, T: T2}},
			Outcomes:  []campaign.Outcome{{Purchases: y, Revenue: rev}, {Purchases: 1, Revenue: 1}},
			Contacted: []string{"a"},
			Control:   []string{"b"},
		}
		res, err := campaign.Measure(context.Background(), pm, sm, in, campaign.Options{Window: window, Level: level, CostPerContact: cost, Margin: margin})
		if err != nil {
			return
		}
		p := res.Total.Purchases
		if !(p.Expected.Low <= p.Expected.Value+1e-9*math.Abs(p.Expected.Value) && p.Expected.Value <= p.Expected.High+1e-9*math.Abs(p.Expected.Value)) {
			t.Errorf("expected purchases %+v: the value is not in its interval", p.Expected)
		}
	})
}

// FuzzIndices: any indices of the groups give a result or an error, never
// a panic; a result counts the groups' customers.
func FuzzIndices(f *testing.F) {
	f.Add(0, 1, 2, 3)
	f.Add(0, 0, 5, 5)
	f.Add(-1, 6, 1<<40, -1<<40)
	f.Fuzz(func(t *testing.T, c1, c2, k1, k2 int) {
		pm, sm, in := small(t)
		in.Contacted, in.Control, in.ContactedAt, in.ControlAt = nil, nil, []int{c1, c2}, []int{k1, k2}
		res, err := campaign.Measure(context.Background(), pm, sm, in, campaign.Options{Window: 13})
		if err != nil {
			return
		}
		if res.Total.Contacted != 2 || res.Total.Control != 2 {
			t.Errorf("indices %d, %d and %d, %d: %d contacted, %d control", c1, c2, k1, k2, res.Total.Contacted, res.Total.Control)
		}
	})
}
