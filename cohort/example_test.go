package cohort_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/cohort"
)

// The cohorts and KPIs of a small log, tabulated during the one read that
// summarizes it: the accumulator is the summarizer's Observer.
func Example() {
	log := `customer_id,date,amount
a,2024-01-05,10
b,2024-01-20,20
a,2024-01-05,5
a,2024-02-11,30
c,2024-02-14,40
b,2024-03-02,25
c,2024-03-09,15
`
	acc := cohort.New()
	_, err := csvio.Summarize(strings.NewReader(log), csvio.Options{Amount: "amount"},
		clv.SummaryOptions{End: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), Observer: acc})
	if err != nil || acc.Err() != nil {
		fmt.Println(err, acc.Err())
		return
	}
	t := acc.Table()
	for _, c := range t.Cohorts {
		fmt.Printf("cohort %v of %d:", c.Month, c.Size)
		for s, cell := range c.Months {
			fmt.Printf("  +%d: %d active, %d orders, %.0f (%.1f per customer to date)", s, cell.Customers, cell.Orders, cell.Revenue,
				c.CumulativeRevenuePerCustomer(s))
		}
		fmt.Println()
	}
	for _, k := range t.KPIs {
		fmt.Printf("%v: %d active (%d new, %d returning), %d orders, revenue %.0f, AOV %.2f, repeat rate %.2f\n",
			k.Month, k.Active, k.New, k.Returning, k.Orders, k.Revenue, k.AverageOrderValue, k.RepeatPurchaseRate)
	}
	// Output:
	// cohort 2024-01 of 2:  +0: 2 active, 2 orders, 35 (17.5 per customer to date)  +1: 1 active, 1 orders, 30 (32.5 per customer to date)  +2: 1 active, 1 orders, 25 (45.0 per customer to date)
	// cohort 2024-02 of 1:  +0: 1 active, 1 orders, 40 (40.0 per customer to date)  +1: 1 active, 1 orders, 15 (55.0 per customer to date)
	// 2024-01: 2 active (2 new, 0 returning), 2 orders, revenue 35, AOV 17.50, repeat rate 0.00
	// 2024-02: 2 active (1 new, 1 returning), 2 orders, revenue 70, AOV 35.00, repeat rate 0.33
	// 2024-03: 2 active (0 new, 2 returning), 2 orders, revenue 40, AOV 20.00, repeat rate 1.00
}
