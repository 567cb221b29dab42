package bgnbd_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
)

// benchCustomers simulates n customers with cohorts spread over a year and
// times in weeks rounded to whole days, as Summarize gives for a log of
// dates (real logs have whole days, which compression exploits).
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

func BenchmarkFit(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		cs := benchCustomers(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cpu0 := cpuSeconds()
			for b.Loop() {
				if _, err := bgnbd.Fit(cs, bgnbd.FitOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu0)
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
		})
	}
}

// BenchmarkFitContinuous1e6 is the worst case for compression: continuous
// times, every row distinct.
func BenchmarkFitContinuous1e6(b *testing.B) {
	T := make([]float64, 1_000_000)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range T {
		T[i] = 1 + 51*rng.Float64()
	}
	cs, _ := cdnowParams.Simulate(rand.NewPCG(1, 1), T)
	for b.Loop() {
		if _, err := bgnbd.Fit(cs, bgnbd.FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}

// BenchmarkFitHighFrequency fits 289,000 customers observed for 1 to 730
// days (times in whole days) with frequencies up to 909 (mean 11): the
// case where rows barely compress (187,388 distinct of 289,000) and
// terms of x reach far.
func BenchmarkFitHighFrequency(b *testing.B) {
	T := make([]float64, 289_000)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range T {
		T[i] = float64(rng.IntN(730) + 1)
	}
	cs, err := bgnbd.Params{R: 0.3, Alpha: 5, A: 0.5, B: 10}.Simulate(rand.NewPCG(1, 1), T)
	if err != nil {
		b.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency)
	}
	cpu0 := cpuSeconds()
	for b.Loop() {
		if _, err := bgnbd.Fit(cs, bgnbd.FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
}

func BenchmarkProbabilityAlive(b *testing.B) {
	m := mustNew(b, cdnowParams)
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		cs := benchCustomers(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := m.ProbabilityAliveAll(cs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
		})
	}
}

func BenchmarkConditionalExpectedPurchases(b *testing.B) {
	m := mustNew(b, cdnowParams)
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		cs := benchCustomers(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := m.ConditionalExpectedPurchasesAll(cs, 39); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
		})
	}
}

// BenchmarkMBGNBD: fit, P(alive) and conditional expectation of MBG/NBD
// for 10⁶ customers, with times in whole days.
func BenchmarkMBGNBD(b *testing.B) {
	cs := benchCustomers(b, 1_000_000)
	m, err := bgnbd.NewVariant(bgnbd.MBGNBD, mbgParams)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Fit", func(b *testing.B) {
		cpu0 := cpuSeconds()
		for b.Loop() {
			if _, err := bgnbd.Fit(cs, bgnbd.FitOptions{Variant: bgnbd.MBGNBD}); err != nil {
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
// continues without the penalty to judge identification.
func BenchmarkFitPenalized(b *testing.B) {
	cs := benchCustomers(b, 1_000_000)
	for _, c := range []float64{0.001, 0.1} {
		b.Run(fmt.Sprint(c), func(b *testing.B) {
			for b.Loop() {
				if _, err := bgnbd.Fit(cs, bgnbd.FitOptions{Penalizer: c}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
		})
	}
}

// BenchmarkLongHorizon: predictions 100 years (5,200 weeks) ahead, where
// the series in z = t/(α+T+t) alone would need 40·t/(α+T) terms per
// (x, T): the conditional expectation of 10⁶ customers at t = 5,200, and
// the discounted purchases of 10⁵ customers over 1,200 month ends (what
// examples/forecast -horizon 1200 asks).
func BenchmarkLongHorizon(b *testing.B) {
	m := mustNew(b, cdnowParams)
	b.Run("ConditionalExpectedPurchases5200", func(b *testing.B) {
		cs := benchCustomers(b, 1_000_000)
		for b.Loop() {
			if _, err := m.ConditionalExpectedPurchasesAll(cs, 5200); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
	})
	b.Run("DiscountedPurchases1200Months", func(b *testing.B) {
		cs := benchCustomers(b, 100_000)
		ts := make([]float64, 1200)
		w := make([]float64, len(ts))
		for j := range ts {
			ts[j] = 5200 * float64(j+1) / float64(len(ts))
			w[j] = math.Pow(1.01, -float64(j+1))
		}
		for b.Loop() {
			if _, err := m.DiscountedPurchasesAll(cs, ts, w); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(1e5*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
	})
}
