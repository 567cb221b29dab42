package paretonbd_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// calendarSeason returns the path, from a first purchase in calendar
// week first, of a high-season flag on in calendar weeks 40–51 of each
// year (52 weeks), and a constant covariate web, until calendar week
// end.
func calendarSeason(first, end int, web float64) clv.CovariatePath {
	var p clv.CovariatePath
	on := func(w int) float64 {
		if w%52 >= 40 {
			return 1
		}
		return 0
	}
	for w := first; w < end; w++ {
		if w == first || on(w) != on(w-1) {
			p.Start = append(p.Start, float64(w-first))
			p.Values = append(p.Values, []float64{on(w), web})
		}
	}
	return p
}

// A Pareto/NBD model with a time-varying covariate (a high season, in
// calendar weeks 40–51) and a static one (acquired on the web), fitted to
// 2,000 simulated customers (true effects: season ×2.01 on the purchase
// rate, ×0.61 on the dropout rate; web ×1.35, ×1.49) who joined over two years and were observed until
// week 156; then a customer's expected purchases over the next year,
// which depend on the season calendar ahead.
func ExampleFitDynamic() {
	truth, _ := paretonbd.NewDynamic(paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 0.6, Beta: 40},
		Names: []string{"season", "web"}, Trans: []float64{0.7, 0.3}, Life: []float64{-0.5, 0.4}})
	rng := rand.New(rand.NewPCG(1, 2))
	var T []float64
	var paths []clv.CovariatePath
	for i := range 2000 {
		first := rng.IntN(104)
		T = append(T, float64(156-first))
		paths = append(paths, calendarSeason(first, 156+52, float64(i%2)))
	}
	customers, z, err := truth.Simulate(rand.NewPCG(3, 4), T, paths)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := paretonbd.FitDynamic(context.Background(), customers, z, paretonbd.CovFitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	eff, _ := m.Effects(0.95)
	for _, e := range eff {
		fmt.Printf("%s: %s ×%.2f [%.2f, %.2f]\n", e.Covariate, e.Quantity, e.Ratio, e.Lo, e.Hi)
	}
	c := clv.Customer{Frequency: 3, Recency: 30, T: 52}
	fmt.Printf("expected purchases in the next 52 weeks: %.3f\n", m.ConditionalExpectedPurchases(c, calendarSeason(104, 156+52, 1), 52))
	// Output:
	// season: purchase rate ×2.00 [1.93, 2.07]
	// season: dropout rate ×0.52 [0.35, 0.79]
	// web: purchase rate ×1.51 [1.35, 1.69]
	// web: dropout rate ×1.55 [1.21, 1.98]
	// expected purchases in the next 52 weeks: 1.449
}
