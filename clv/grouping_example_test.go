package clv_test

import (
	"fmt"
	"log"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
)

// Group the customers once and pass the grouping to the fit and the
// lifetime values, which would otherwise each group them again; the
// grouping of other customers (here a copy) is an error.
func ExampleGroupCustomers() {
	customers := []clv.Customer{
		{ID: "a", Frequency: 2, Recency: 30, T: 39, MonetaryValue: 40},
		{ID: "b", Frequency: 2, Recency: 30, T: 39, MonetaryValue: 25},
		{ID: "c", Frequency: 0, Recency: 0, T: 39},
		{ID: "d", Frequency: 5, Recency: 36, T: 39, MonetaryValue: 30},
		{ID: "e", Frequency: 1, Recency: 12, T: 20, MonetaryValue: 55},
		{ID: "f", Frequency: 0, Recency: 0, T: 20},
	}
	g, err := clv.GroupCustomers(customers)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(customers), "customers,", g.Distinct(), "distinct rows")

	pm, err := bgnbd.New(bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259})
	if err != nil {
		log.Fatal(err)
	}
	sm, err := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	if err != nil {
		log.Fatal(err)
	}
	opts := predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01}
	without, err := predict.LifetimeValues(pm, sm, customers, opts)
	if err != nil {
		log.Fatal(err)
	}
	opts.Grouping = g
	with, err := predict.LifetimeValues(pm, sm, customers, opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("same values: %v (customer a: %.2f)\n", fmt.Sprint(with) == fmt.Sprint(without), with[0])

	other := append([]clv.Customer(nil), customers...)
	_, err = predict.LifetimeValues(pm, sm, other, opts)
	fmt.Println(err)
	// Output:
	// 6 customers, 5 distinct rows
	// same values: true (customer a: 56.88)
	// clv: the grouping is not of these customers (LifetimeValues)
}
