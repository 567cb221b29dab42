package segment_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
)

// TestSummarizeRFM: SummarizeRFM gives what SummarizeGroups of the
// segments gives, bit for bit: on scored customers with and without
// amounts, with and without CLV and P(alive), and on scores whose names
// differ from one customer to the next or lie outside 0 to 5.
func TestSummarizeRFM(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	n := 20_000
	cs := make([]clv.Customer, n)
	clvs, pa := make([]float64, n), make([]float64, n)
	for i := range cs {
		x := float64(rng.IntN(8))
		T := 1 + 52*rng.Float64()
		r := 0.0
		if x > 0 {
			r = T * rng.Float64()
		}
		cs[i] = clv.Customer{ID: "c", Frequency: x, Recency: r, T: T, MonetaryValue: 100 * rng.ExpFloat64()}
		clvs[i], pa[i] = 500*rng.ExpFloat64(), rng.Float64()
	}
	check := func(name string, rfm []segment.RFM, clvs, pa []float64) {
		t.Helper()
		keys := make([]string, len(rfm))
		for i := range rfm {
			keys[i] = rfm[i].Segment
		}
		want, err := segment.SummarizeGroups(keys, cs, clvs, pa)
		if err != nil {
			t.Fatal(err)
		}
		got, err := segment.SummarizeRFM(rfm, cs, clvs, pa)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d groups, want %d", name, len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			same := g.Key == w.Key && g.Customers == w.Customers
			for _, p := range [][2]float64{{g.Share, w.Share}, {g.MeanRecency, w.MeanRecency}, {g.MeanFrequency, w.MeanFrequency},
				{g.MeanMonetary, w.MeanMonetary}, {g.TotalCLV, w.TotalCLV}, {g.MeanCLV, w.MeanCLV}, {g.MeanPAlive, w.MeanPAlive}} {
				same = same && math.Float64bits(p[0]) == math.Float64bits(p[1])
			}
			if !same {
				t.Fatalf("%s: group %d %+v, want %+v", name, i, g, w)
			}
		}
	}
	for _, rules := range [][]segment.Rule{nil, segment.RecencyFrequencyRules} {
		rfm, err := segment.ScoreCustomers(cs, segment.ScoreOptions{Rules: rules})
		if err != nil {
			t.Fatal(err)
		}
		check("scored", rfm, clvs, pa)
		check("scored, no CLV", rfm, nil, nil)
	}
	// Names that do not follow the scores, and scores out of range.
	rfm := make([]segment.RFM, n)
	for i := range rfm {
		rfm[i] = segment.RFM{R: int8(rng.IntN(3)), F: 1, M: 1, Segment: []string{"a", "b", "c,d"}[rng.IntN(3)]}
		if i%7 == 0 {
			rfm[i].R, rfm[i].Segment = int8(-1-rng.IntN(100)), "out"
		}
		if i%11 == 0 {
			rfm[i].M = 9
		}
	}
	check("mixed", rfm, clvs, pa)
	if _, err := segment.SummarizeRFM(rfm[:1], cs, clvs, pa); err == nil {
		t.Error("SummarizeRFM of too few scores: no error")
	}
	if _, err := segment.SummarizeRFM(nil, nil, nil, nil); err == nil {
		t.Error("SummarizeRFM of no customers: no error")
	}
}

// BenchmarkSummarizeSegments: the segments' summaries of 10⁶ scored
// customers, by SummarizeGroups of a slice of the names (as the job did)
// and by SummarizeRFM.
func BenchmarkSummarizeSegments(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	n := 1_000_000
	cs := make([]clv.Customer, n)
	clvs, pa := make([]float64, n), make([]float64, n)
	for i := range cs {
		x := float64(rng.IntN(8))
		T := 1 + 52*rng.Float64()
		cs[i] = clv.Customer{ID: "c", Frequency: x, Recency: T * rng.Float64() * min(x, 1), T: T, MonetaryValue: 100 * rng.ExpFloat64()}
		clvs[i], pa[i] = 500*rng.ExpFloat64(), rng.Float64()
	}
	rfm, err := segment.ScoreCustomers(cs, segment.ScoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("keys", func(b *testing.B) {
		for b.Loop() {
			keys := make([]string, len(rfm))
			for i := range rfm {
				keys[i] = rfm[i].Segment
			}
			if _, err := segment.SummarizeGroups(keys, cs, clvs, pa); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rfm", func(b *testing.B) {
		for b.Loop() {
			if _, err := segment.SummarizeRFM(rfm, cs, clvs, pa); err != nil {
				b.Fatal(err)
			}
		}
	})
}
