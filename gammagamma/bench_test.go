package gammagamma_test

import (
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// BenchmarkFit1e6 fits the spend model to 10^6 customers with 1 to 10
// repeat purchases.
func BenchmarkFit1e6(b *testing.B) {
	truth := gammagamma.Params{P: 6, Q: 4, Gamma: 15}
	src := rand.NewPCG(1, 2)
	rng := rand.New(rand.NewPCG(3, 4))
	cs := make([]clv.Customer, 1_000_000)
	for i := range cs {
		x := 1 + rng.IntN(10)
		sum := 0.0
		for _, v := range truth.SimulateValues(src, x) {
			sum += v
		}
		cs[i] = clv.Customer{Frequency: float64(x), MonetaryValue: sum / float64(x)}
	}
	for b.Loop() {
		if _, err := gammagamma.Fit(cs, gammagamma.FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}
