package bgnbd_test

import (
	"fmt"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// A customer's outlook in calendar terms, times in weeks: the chance of an
// order in the next 30 days and within a year, P(alive) a year on, and
// when the next order is expected.
func ExampleModel_Outlook() {
	m, _ := bgnbd.New(bgnbd.Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}) // CDNOW, weeks
	c := clv.Customer{Frequency: 6, Recency: 35, T: 38}
	o := m.Outlook(c, clv.OutlookOptions{Window: 30.0 / 7, Horizon: 52})
	fmt.Printf("P(order within 30 days) %.3f, within a year %.3f\n", o.PurchaseWithin, o.PurchaseWithinHorizon)
	fmt.Printf("P(alive) in a year %.3f\n", o.AliveAtHorizon)
	// The 90th percentile is NaN: P(order within a year) is below 0.9.
	fmt.Printf("next order: median in %.1f days, 10th percentile %.1f, 90th %v\n", 7*o.NextPurchase[1], 7*o.NextPurchase[0], 7*o.NextPurchase[2])
	fmt.Printf("days between orders: observed %.1f, model %.1f\n", 7*c.Recency/c.Frequency, 7/o.PurchaseRate)
	// Output:
	// P(order within 30 days) 0.386, within a year 0.850
	// P(alive) in a year 0.534
	// next order: median in 44.8 days, 10th percentile 6.0, 90th NaN
	// days between orders: observed 40.8, model 47.0
}
