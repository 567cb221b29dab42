package predict_test

import (
	"fmt"
	"log"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/formula"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
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

// The value of a customer acquired today, to set against what acquiring
// one costs: a first order of 35 €, then the repeat purchases a
// Pareto/NBD model expects over two years at the population's mean spend,
// at a 30% margin and 1% discount a month.
func ExampleNewCustomerValue() {
	pm, _ := paretonbd.New(paretonbd.Params{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67})
	sm, _ := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	v, err := predict.NewCustomerValue(pm, sm, 35, predict.ValueOptions{Periods: 24, PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01, Margin: 0.3})
	if err != nil {
		log.Fatal(err)
	}
	a, _ := formula.CompareAcquisition(v, 10, 0)
	fmt.Printf("new customer worth %.2f €; CLV/CAC at 10 € acquisition cost: %.1f\n", v, a.Ratio)
	// Output:
	// new customer worth 32.11 €; CLV/CAC at 10 € acquisition cost: 3.2
}
