package predict

import (
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// TestEmpiricalQuantile: SummarizeValues' quantiles are gonum's
// stat.Empirical ones, which they replace, bit for bit, on sizes 1 to 300
// with ties, at the reported levels and at random ones.
func TestEmpiricalQuantile(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 300; n++ {
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(rng.IntN(20)) * rng.ExpFloat64()
		}
		slices.Sort(s)
		ps := append(slices.Clone(DistributionQuantiles), rng.Float64(), 1e-300, 1-1e-16)
		for _, p := range ps {
			if got, want := empiricalQuantile(p, s), stat.Quantile(p, stat.Empirical, s, nil); got != want {
				t.Fatalf("n %d p %v: %v, gonum %v", n, p, got, want)
			}
		}
	}
}
