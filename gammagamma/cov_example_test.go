package gammagamma_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// Fit the gamma-gamma model with a covariate on spend to 5,000 customers
// simulated with a known effect: online customers spend 1.5 times as much
// per purchase.
func ExampleFitCovariates() {
	truth := gammagamma.CovParams{
		Params: gammagamma.Params{P: 6, Q: 4, Gamma: 15}, // mean spend 30 offline
		Names:  []string{"online"},
		Spend:  []float64{0.405}, // mean spend ×1.50 online
	}
	rng := rand.New(rand.NewPCG(1, 2))
	n := 5000
	z := clv.Covariates{Names: truth.Names, Values: make([][]float64, n)}
	freq := make([]float64, n)
	for i := range n {
		z.Values[i] = []float64{float64(rng.IntN(2))}
		freq[i] = float64(1 + rng.IntN(8))
	}
	sim, err := gammagamma.NewCovariates(truth)
	if err != nil {
		log.Fatal(err)
	}
	customers, err := sim.Simulate(rand.NewPCG(3, 4), freq, z)
	if err != nil {
		log.Fatal(err)
	}
	m, err := gammagamma.FitCovariates(context.Background(), customers, z, gammagamma.CovFitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	effects, err := m.EffectTests(context.Background(), customers, z, gammagamma.CovFitOptions{}, 0.95)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range effects {
		fmt.Printf("%s: %s ×%.2f [%.2f, %.2f], LR %.0f\n", e.Covariate, e.Quantity, e.Ratio, e.Lo, e.Hi, e.LR)
	}
	fmt.Printf("population mean: offline %.1f, online %.1f\n", m.PopulationMean([]float64{0}), m.PopulationMean([]float64{1}))
	// Output:
	// online: mean spend per purchase ×1.49 [1.44, 1.53], LR 592
	// population mean: offline 30.3, online 45.0
}
