package paretonbd_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// Fit a Pareto/NBD model with two static covariates to 20,000 customers
// simulated with known effects, and read the effects: customers from the
// online channel buy 1.5 times as often and drop out 2.2 times as fast.
func ExampleFitCovariates() {
	truth := paretonbd.CovParams{
		Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 0.7, Beta: 12},
		Names:  []string{"loyalty", "online"},
		Trans:  []float64{0.3, 0.4},  // purchase rate ×1.35 and ×1.49
		Life:   []float64{-0.7, 0.8}, // dropout rate ×0.50 and ×2.23
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 20000
	z := clv.Covariates{Names: truth.Names, Values: make([][]float64, n)}
	T := make([]float64, n)
	for i := range n {
		z.Values[i] = []float64{float64(rng.IntN(2)), float64(rng.IntN(2))}
		T[i] = 52 + float64(i%52) // observed one to two years, in weeks
	}
	sim, err := paretonbd.NewCovariates(truth)
	if err != nil {
		log.Fatal(err)
	}
	customers, err := sim.Simulate(rand.NewPCG(3, 4), T, z)
	if err != nil {
		log.Fatal(err)
	}
	m, err := paretonbd.FitCovariates(context.Background(), customers, z, paretonbd.CovFitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	effects, err := m.Effects(0.95)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range effects {
		fmt.Printf("%-8s %-8s ×%.2f [%.2f, %.2f]\n", e.Covariate, e.Process, e.Ratio, e.Lo, e.Hi)
	}
	// One customer's predictions: the plain model at the customer's
	// parameters.
	c := clv.Customer{Frequency: 3, Recency: 40, T: 60}
	fmt.Printf("P(alive): offline %.2f, online %.2f\n",
		m.ProbabilityAlive(c, []float64{0, 0}), m.ProbabilityAlive(c, []float64{0, 1}))
	// Output:
	// loyalty  purchase ×1.41 [1.35, 1.47]
	// loyalty  dropout  ×0.50 [0.46, 0.54]
	// online   purchase ×1.50 [1.44, 1.57]
	// online   dropout  ×2.24 [2.07, 2.42]
	// P(alive): offline 0.66, online 0.62
}
