package bgnbd_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// Fit a BG/NBD model with a static covariate to 20,000 customers
// simulated with a known effect: customers from the online channel buy
// 1.5 times as often.
func ExampleFitCovariates() {
	truth := bgnbd.CovParams{
		Params: bgnbd.Params{R: 0.8, Alpha: 10, A: 0.8, B: 3},
		Names:  []string{"online"},
		Trans:  []float64{0.4}, // purchase rate ×1.49
		Life:   []float64{0.5}, // a and b ×1.65: dropout probabilities closer to their mean
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 20000
	z := clv.Covariates{Names: truth.Names, Values: make([][]float64, n)}
	T := make([]float64, n)
	for i := range n {
		z.Values[i] = []float64{float64(rng.IntN(2))}
		T[i] = 52 + float64(i%52) // observed one to two years, in weeks
	}
	sim, err := bgnbd.NewCovariates(bgnbd.BGNBD, truth)
	if err != nil {
		log.Fatal(err)
	}
	customers, err := sim.Simulate(rand.NewPCG(3, 4), T, z)
	if err != nil {
		log.Fatal(err)
	}
	m, err := bgnbd.FitCovariates(context.Background(), customers, z, bgnbd.CovFitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	effects, err := m.Effects(0.95)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range effects {
		fmt.Printf("%s %s ×%.2f [%.2f, %.2f]\n", e.Covariate, e.Process, e.Ratio, e.Lo, e.Hi)
	}
	// The same history means less for an online customer, who would
	// have bought in the last 20 weeks if still active.
	c := clv.Customer{Frequency: 3, Recency: 40, T: 60}
	fmt.Printf("expected purchases in a year: offline %.2f, online %.2f\n",
		m.ConditionalExpectedPurchases(c, []float64{0}, 52), m.ConditionalExpectedPurchases(c, []float64{1}, 52))
	// Output:
	// online purchase ×1.51 [1.45, 1.57]
	// online dropout ×1.57 [1.36, 1.80]
	// expected purchases in a year: offline 1.49, online 1.37
}
