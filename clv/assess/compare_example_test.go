package assess_test

import (
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/paretonbd"
)

// Fit BG/NBD, MBG/NBD and Pareto/NBD to the same customers and let BIC
// choose. The customers are simulated from a Pareto/NBD population.
func ExampleCompareModels() {
	T := make([]float64, 20000)
	for i := range T {
		T[i] = 26 + float64(i%27) // observed 26 to 52 weeks
	}
	customers, err := paretonbd.Params{R: 1.2, Alpha: 8, S: 1.5, Beta: 12}.Simulate(rand.NewPCG(1, 2), T)
	if err != nil {
		log.Fatal(err)
	}
	bg, err := bgnbd.Fit(customers, bgnbd.FitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	mbg, err := bgnbd.Fit(customers, bgnbd.FitOptions{Variant: bgnbd.MBGNBD})
	if err != nil {
		log.Fatal(err)
	}
	pn, err := paretonbd.Fit(customers, paretonbd.FitOptions{})
	if err != nil {
		log.Fatal(err)
	}
	cmp, err := assess.CompareModels([]assess.Candidate{{Name: "bgnbd", Model: bg}, {Name: "mbgnbd", Model: mbg}, {Name: "paretonbd", Model: pn}},
		customers, nil, 7)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range cmp.Scores {
		fmt.Printf("%-9s LL %9.1f  BIC %8.1f\n", s.Name, s.LogLikelihood, s.BIC)
	}
	fmt.Println("chosen:", cmp.Scores[cmp.Chosen].Name)
	// Output:
	// bgnbd     LL -119265.2  BIC 238570.0
	// mbgnbd    LL -117648.7  BIC 235337.1
	// paretonbd LL -117639.9  BIC 235319.4
	// chosen: paretonbd
}
