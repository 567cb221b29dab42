package bgnbd_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// Fit a BG/NBD model to 20,000 customers simulated from known parameters.
func ExampleFit() {
	truth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	T := make([]float64, 20000)
	for i := range T {
		T[i] = 39 // every customer observed 39 weeks
	}
	customers, err := truth.Simulate(rand.NewPCG(1, 2), T)
	if err != nil {
		log.Fatal(err)
	}
	m, err := bgnbd.Fit(customers, bgnbd.FitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	p := m.Params()
	fmt.Printf("r=%.2f alpha=%.1f a=%.2f b=%.1f status=%v\n", p.R, p.Alpha, p.A, p.B, m.FitInfo().Status)
	// Output:
	// r=0.25 alpha=4.1 a=0.79 b=2.4 status=converged
}

// The probability that a CDNOW customer is still active, with the
// parameters of Fader, Hardie & Lee (2005).
func ExampleModel_ProbabilityAlive() {
	m, err := bgnbd.New(bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259})
	if err != nil {
		log.Fatal(err)
	}
	// Two repeat purchases, the last in week 30.43 of 38.86.
	fmt.Printf("%.3f\n", m.ProbabilityAlive(clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86}))
	// The same purchases, the last in week 5.
	fmt.Printf("%.3f\n", m.ProbabilityAlive(clv.Customer{Frequency: 2, Recency: 5, T: 38.86}))
	// Output:
	// 0.727
	// 0.124
}

// Expected purchases in the next 39 weeks for a CDNOW customer.
func ExampleModel_ConditionalExpectedPurchases() {
	m, err := bgnbd.New(bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259})
	if err != nil {
		log.Fatal(err)
	}
	c := clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86}
	fmt.Printf("%.3f\n", m.ConditionalExpectedPurchases(c, 39))
	// Output:
	// 1.226
}
