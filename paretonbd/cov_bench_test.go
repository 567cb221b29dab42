package paretonbd_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// covBenchCustomers simulates n customers with two binary covariates and
// CDNOW-like parameters, cohorts spread over a year and times in weeks
// rounded to whole days, as Summarize gives for a log of dates.
func covBenchCustomers(b *testing.B, n int) ([]clv.Customer, clv.Covariates) {
	p := paretonbd.CovParams{Params: cdnowParams, Names: []string{"gender", "channel"},
		Trans: []float64{0.3, 0.6}, Life: []float64{-0.6, 0.8}}
	m, err := paretonbd.NewCovariates(p)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	T := make([]float64, n)
	z := clv.Covariates{Names: p.Names, Values: make([][]float64, n)}
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
		z.Values[i] = []float64{float64(rng.IntN(2)), float64(rng.IntN(2))}
	}
	cs, err := m.Simulate(rand.NewPCG(1, 1), T, z)
	if err != nil {
		b.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency*7) / 7
	}
	return cs, z
}

// BenchmarkFitCovariates: the Pareto/NBD with two categorical covariates
// (CLVTools 0.12.1 took 20.5 s for the 600 apparel customers).
func BenchmarkFitCovariates(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		cs, z := covBenchCustomers(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := paretonbd.FitCovariates(context.Background(), cs, z, paretonbd.CovFitOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
		})
	}
}
