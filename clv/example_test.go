package clv_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// Summarize a small log in weeks: customer a bought on three days (two
// purchases on January 1 merge into one), customer b once.
func ExampleSummarizeCSV() {
	const log_ = `customer_id,date,amount
a,2024-01-01,10.00
a,2024-01-01,5.00
b,2024-01-03,8.00
a,2024-01-15,20.00
a,2024-02-12,30.00
`
	sum, err := clv.SummarizeCSV(strings.NewReader(log_),
		clv.CSVOptions{Amount: "amount"},
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
	// 5 records, 0 skipped
}

func ExampleSimpleValue() {
	v, err := clv.SimpleValue(30, 4, 3) // 30 € four times a year for 3 years
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)
	// Output: 360
}

func ExampleSimpleProfit() {
	v, err := clv.SimpleProfit(50, 5, 10, 0.2) // 2,500 € of revenue at a 20% margin
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)
	// Output: 500
}

func ExampleRetentionValue() {
	forever, _ := clv.RetentionValue(100, 0.8, 0.1, 0)
	three, _ := clv.RetentionValue(100, 0.8, 0.1, 3)
	fmt.Printf("%.2f %.2f\n", forever, three)
	// Output: 266.67 164.09
}

func ExampleLifetimeFromChurn() {
	years, _ := clv.LifetimeFromChurn(0.2)
	fmt.Println(years)
	// Output: 5
}

func ExampleCompareAcquisition() {
	a, _ := clv.CompareAcquisition(360, 120, 10)
	fmt.Printf("CLV/CAC %.1f, payback %.0f months\n", a.Ratio, a.PaybackPeriods)
	// Output: CLV/CAC 3.0, payback 12 months
}
