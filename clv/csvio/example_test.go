package csvio_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// Summarize a small log in weeks: customer a bought on three days (two
// purchases on January 1 merge into one), customer b once.
func ExampleSummarize() {
	const log_ = `customer_id,date,amount
a,2024-01-01,10.00
a,2024-01-01,5.00
b,2024-01-03,8.00
a,2024-01-15,20.00
a,2024-02-12,30.00
`
	sum, err := csvio.Summarize(strings.NewReader(log_),
		csvio.Options{Amount: "amount"},
		clv.SummaryOptions{End: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), Unit: 7 * 24 * time.Hour})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range sum.Customers {
		fmt.Printf("%s: frequency %.0f, recency %.1f, T %.1f, monetary value %.2f\n", c.ID, c.Frequency, c.Recency, c.T, c.MonetaryValue)
	}
	fmt.Println(sum.Stats)
	// Output:
	// a: frequency 2, recency 6.0, T 12.9, monetary value 25.00
	// b: frequency 0, recency 0.0, T 12.6, monetary value 0.00
	// 5 records, 0 skipped, 1 merged into a purchase of the same customer and period
}
