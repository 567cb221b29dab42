package frame_test

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
	"github.com/clvkit/clvkit/segment/frame"
)

// BenchmarkScoreAndSummarize1e6 scores 10^6 customers and summarizes the
// segments, frame conversion included.
func BenchmarkScoreAndSummarize1e6(b *testing.B) {
	cs := benchCustomers(rand.New(rand.NewPCG(1, 2)), 1_000_000)
	df := frame.FromCustomers(cs)
	b.ReportAllocs()
	for b.Loop() {
		out, err := frame.Score(df, segment.ScoreOptions{}, frame.Columns{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := frame.Summarize(out, frame.ColSegment, frame.Columns{}); err != nil {
			b.Fatal(err)
		}
	}
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
