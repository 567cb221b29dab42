package paretonbd_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// Fit a Pareto/NBD model to 20,000 customers simulated from known
// parameters.
func ExampleFit() {
	truth := paretonbd.Params{R: 0.55, Alpha: 10.6, S: 0.6, Beta: 11.7}
	T := make([]float64, 20000)
	for i := range T {
		T[i] = 39 + float64(i%40) // observed 39 to 78 weeks
	}
	customers, err := truth.Simulate(rand.NewPCG(1, 2), T)
	if err != nil {
		log.Fatal(err)
	}
	m, err := paretonbd.Fit(customers, paretonbd.FitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	p := m.Params()
	fmt.Printf("r=%.2f alpha=%.0f s=%.1f beta=%.0f status=%v\n", p.R, p.Alpha, p.S, p.Beta, m.FitInfo().Status)
	// Output:
	// r=0.56 alpha=11 s=0.6 beta=10 status=converged
}

// Churn risk and next-year purchases of CDNOW customers, with the
// published Pareto/NBD parameters (Fader, Hardie & Lee 2005). Unlike
// BG/NBD, the one-time buyer is not assumed alive.
func ExampleModel_ProbabilityAlive() {
	m, err := paretonbd.New(paretonbd.Params{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range []clv.Customer{
		{ID: "one purchase, 39 weeks ago", T: 38.86},
		{ID: "2 repeat purchases, last 8 weeks ago", Frequency: 2, Recency: 30.43, T: 38.86},
	} {
		fmt.Printf("%s: P(alive) %.2f, purchases next 52 weeks %.2f\n", c.ID, m.ProbabilityAlive(c), m.ConditionalExpectedPurchases(c, 52))
	}
	// Output:
	// one purchase, 39 weeks ago: P(alive) 0.29, purchases next 52 weeks 0.13
	// 2 repeat purchases, last 8 weeks ago: P(alive) 0.87, purchases next 52 weeks 1.84
}

// The discounted expected residual transactions of a customer, at an
// annual discount rate of 15% with weekly data (Fader, Hardie & Lee 2005,
// "RFM and CLV").
func ExampleModel_DERT() {
	m, _ := paretonbd.New(paretonbd.Params{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67})
	delta := math.Log(1.15) / 52
	c := clv.Customer{Frequency: 2, Recency: 30.43, T: 38.86}
	fmt.Printf("DERT %.2f purchases\n", m.DERT(c, delta))
	// Output:
	// DERT 6.45 purchases
}
