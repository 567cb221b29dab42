package segment_test

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
)

// BenchmarkScoreAndSummarize1e6 scores 10^6 customers and summarizes the
// segments, frame conversion included.
func BenchmarkScoreAndSummarize1e6(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	cs := make([]clv.Customer, 1_000_000)
	for i := range cs {
		x := float64(rng.IntN(20))
		T := 1 + 51*rng.Float64()
		r := 0.0
		if x > 0 {
			r = T * rng.Float64()
		}
		cs[i] = clv.Customer{ID: strconv.Itoa(i), Frequency: x, Recency: r, T: T, MonetaryValue: 100 * rng.Float64()}
	}
	df := segment.FromCustomers(cs)
	b.ReportAllocs()
	for b.Loop() {
		out, err := segment.Score(df, segment.ScoreOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := segment.Summarize(out, segment.ColSegment, segment.Columns{}); err != nil {
			b.Fatal(err)
		}
	}
}
