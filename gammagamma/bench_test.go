package gammagamma_test

import (
	"testing"

	"github.com/clvkit/clvkit/gammagamma"
)

// BenchmarkFit1e6 fits the spend model to 10^6 customers with 1 to 10
// repeat purchases.
func BenchmarkFit1e6(b *testing.B) {
	cs := simulateSpend(gammagamma.Params{P: 6, Q: 4, Gamma: 15}, 1_000_000, 10, 1)
	cpu0 := cpuSeconds()
	for b.Loop() {
		if _, err := gammagamma.Fit(cs, gammagamma.FitOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
	b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}
