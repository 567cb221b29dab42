package plots

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkCLVDistribution makes the CLV histogram of 10⁶ skewed values,
// as the job's report does.
func BenchmarkCLVDistribution(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	v := make([]float64, 1_000_000)
	for i := range v {
		v[i] = rng.ExpFloat64() * rng.ExpFloat64() * 30
	}
	for b.Loop() {
		if _, err := CLVDistribution(v, "CLV"); err != nil {
			b.Fatal(err)
		}
	}
}
