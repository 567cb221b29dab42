package predict_test

import (
	"fmt"
	"log"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
)

// Lifetime value over 12 months, discounted 1% a month, of three customers
// with the CDNOW parameters (time unit: weeks).
func ExampleLifetimeValues() {
	pm, err := bgnbd.New(bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259})
	if err != nil {
		log.Fatal(err)
	}
	sm, err := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	if err != nil {
		log.Fatal(err)
	}
	customers := []clv.Customer{
		{ID: "loyal", Frequency: 10, Recency: 38, T: 39, MonetaryValue: 40},
		{ID: "lapsed", Frequency: 10, Recency: 30, T: 39, MonetaryValue: 40},
		{ID: "one-off", Frequency: 0, Recency: 0, T: 39},
	}
	values, err := predict.LifetimeValues(pm, sm, customers, predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01})
	if err != nil {
		log.Fatal(err)
	}
	for i, c := range customers {
		fmt.Printf("%-8s %7.2f\n", c.ID, values[i])
	}
	// Output:
	// loyal     315.05
	// lapsed    195.95
	// one-off     8.33
}
