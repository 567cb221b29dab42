package paretonbd_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// benchCustomers simulates n customers with cohorts spread over a year and
// times in weeks rounded to whole days, as Summarize gives for a log of
// dates.
func benchCustomers(b *testing.B, n int) []clv.Customer {
	T := make([]float64, n)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	cs, err := cdnowParams.Simulate(rand.NewPCG(1, 1), T)
	if err != nil {
		b.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency*7) / 7
	}
	return cs
}

// BenchmarkParetoNBD: fit, P(alive) and conditional expectation for 10⁶
// customers.
func BenchmarkParetoNBD(b *testing.B) {
	cs := benchCustomers(b, 1_000_000)
	m, err := paretonbd.New(cdnowParams)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Fit", func(b *testing.B) {
		cpu0 := cpuSeconds()
		for b.Loop() {
			if _, err := paretonbd.Fit(cs, paretonbd.FitOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		reportCPU(b, cpu0)
	})
	b.Run("ProbabilityAlive", func(b *testing.B) {
		for b.Loop() {
			if _, err := m.ProbabilityAliveAll(cs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ConditionalExpectedPurchases", func(b *testing.B) {
		for b.Loop() {
			if _, err := m.ConditionalExpectedPurchasesAll(cs, 39); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFitPenalized: a penalized fit of 10⁶ customers, which also
// continues without the penalty to judge identification. (lifetimes'
// Pareto/NBD penalty is on the summed likelihood: c = 1000 weighs as
// 0.001 per customer.)
func BenchmarkFitPenalized(b *testing.B) {
	cs := benchCustomers(b, 1_000_000)
	for _, c := range []float64{1, 1000} {
		b.Run(fmt.Sprint(c), func(b *testing.B) {
			for b.Loop() {
				if _, err := paretonbd.Fit(cs, paretonbd.FitOptions{Penalizer: c}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
		})
	}
}
