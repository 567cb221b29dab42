package ggompertz_test

import (
	"fmt"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
)

// A customer with 4 repeat purchases, the last at week 30 of 52, under a
// model whose dropout hazard grows with age (b > 0).
func Example() {
	m, err := ggompertz.New(ggompertz.Params{R: 0.8, Alpha: 6, B: 0.02, S: 0.6, Beta: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := clv.Customer{Frequency: 4, Recency: 30, T: 52}
	fmt.Printf("P(alive) %.4f\n", m.ProbabilityAlive(c))
	fmt.Printf("expected purchases in the next 26 weeks %.4f\n", m.ConditionalExpectedPurchases(c, 26))
	fmt.Printf("a new customer's first year %.4f\n", m.ExpectedPurchases(52))
	// Output:
	// P(alive) 0.5813
	// expected purchases in the next 26 weeks 1.1120
	// a new customer's first year 5.8143
}
