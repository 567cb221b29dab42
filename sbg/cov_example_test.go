package sbg_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/sbg"
)

// Fit retention by plan: 20,000 monthly and 20,000 annual subscribers
// simulated with known parameters, observed for 12 renewals. The effect
// is on the odds of cancelling at a new subscriber's first renewal; each
// plan's own sBG model gives its survival and expected lifetime.
func ExampleFitCovariates() {
	truth := sbg.CovParams{
		Params:     sbg.Params{Alpha: 0.8, Beta: 2.5, C: 1}, // monthly plan
		Names:      []string{"annual"},
		GammaAlpha: []float64{0.6},  // α ×0.55 on the annual plan
		GammaBeta:  []float64{-0.2}, // β ×1.22
	}
	sim, err := sbg.NewCovariates(truth)
	if err != nil {
		log.Fatal(err)
	}
	plans := clv.Covariates{Names: truth.Names, Values: [][]float64{{0}, {1}}}
	records, z, err := sim.SimulateCohorts(rand.NewPCG(1, 2), []int{20_000, 20_000}, 12, plans)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	m, err := sbg.FitCovariates(ctx, records, z, sbg.CovFitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	effects, err := m.EffectTests(ctx, records, z, sbg.CovFitOptions{}, 0.95)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range effects {
		fmt.Printf("%s: %s ×%.2f [%.2f, %.2f], p < 0.001: %v\n", e.Covariate, e.Quantity, e.Ratio, e.Lo, e.Hi, e.P < 0.001)
	}
	for _, v := range plans.Values {
		plan, err := m.Customer(v)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("annual = %v: still subscribed after 12 renewals %.2f, discounted expected lifetime (1%% a period) %.1f periods\n",
			v[0], plan.Survival(12), plan.DEL(0.01))
	}
	// Output:
	// annual: odds of cancelling at a new subscriber's first renewal ×0.43 [0.41, 0.45], p < 0.001: true
	// annual = 0: still subscribed after 12 renewals 0.24, discounted expected lifetime (1% a period) 12.6 periods
	// annual = 1: still subscribed after 12 renewals 0.49, discounted expected lifetime (1% a period) 29.8 periods
}
