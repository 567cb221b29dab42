package segment_test

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
)

// BenchmarkCore1e6: the slice core the forecast job uses, for 10^6
// customers: RFM scores and segments, then churn and value tiers.
func BenchmarkCore1e6(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	cs := benchCustomers(rng, 1_000_000)
	pa := make([]float64, len(cs))
	values := make([]float64, len(cs))
	for i := range cs {
		pa[i], values[i] = rng.Float64(), 500*rng.Float64()*rng.Float64()
	}
	b.Run("ScoreCustomers", func(b *testing.B) {
		for b.Loop() {
			if _, err := segment.ScoreCustomers(cs, segment.ScoreOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TierCustomers", func(b *testing.B) {
		for b.Loop() {
			if _, err := segment.TierCustomers(pa, values, segment.TierOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchCustomers draws n customers with up to 19 repeat purchases in up
// to 52 weeks.
func benchCustomers(rng *rand.Rand, n int) []clv.Customer {
	cs := make([]clv.Customer, n)
	for i := range cs {
		x := float64(rng.IntN(20))
		T := 1 + 51*rng.Float64()
		r := 0.0
		if x > 0 {
			r = T * rng.Float64()
		}
		cs[i] = clv.Customer{ID: strconv.Itoa(i), Frequency: x, Recency: r, T: T, MonetaryValue: 100 * rng.Float64()}
	}
	return cs
}
