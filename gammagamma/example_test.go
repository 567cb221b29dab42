package gammagamma_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// Fit the spend model to 5,000 customers simulated from known parameters.
func ExampleFit() {
	truth := gammagamma.Params{P: 6, Q: 4, Gamma: 15}
	src := rand.NewPCG(1, 2)
	customers := make([]clv.Customer, 5000)
	for i := range customers {
		x := i%5 + 1 // 1 to 5 repeat purchases
		sum := 0.0
		for _, v := range truth.SimulateValues(src, x) {
			sum += v
		}
		customers[i] = clv.Customer{Frequency: float64(x), MonetaryValue: sum / float64(x)}
	}
	customers = append(customers, clv.Customer{ID: "new"}) // no repeat purchase: left out
	m, err := gammagamma.Fit(customers, gammagamma.FitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	p := m.Params()
	fmt.Printf("p=%.1f q=%.1f gamma=%.0f, fitted on %d customers, %d left out\n", p.P, p.Q, p.Gamma, m.FitInfo().Customers, m.FitInfo().Excluded)
	// Output:
	// p=5.5 q=4.2 gamma=17, fitted on 5000 customers, 1 left out
}

// The expected value per purchase shrinks a customer's observed mean toward
// the population mean, the more so the fewer purchases there are.
func ExampleModel_ConditionalExpectedValue() {
	m, err := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("population mean %.2f\n", m.PopulationMean())
	for _, x := range []float64{1, 10} {
		fmt.Printf("x=%2.0f, mean 60: %.2f\n", x, m.ConditionalExpectedValue(clv.Customer{Frequency: x, MonetaryValue: 60}))
	}
	// Output:
	// population mean 35.22
	// x= 1, mean 60: 52.45
	// x=10, mean 60: 58.96
}
