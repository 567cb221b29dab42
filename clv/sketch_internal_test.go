package clv

import (
	"math/rand/v2"
	"testing"
)

// TestAmountSketchMerge: sketches of the parts of a log merged in either
// order equal the sketch of the whole, the worst amount included (on a
// tie, the earlier line).
func TestAmountSketchMerge(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var whole, a, b AmountSketch
	for line := 2; line < 10_002; line++ {
		v := rng.ExpFloat64() * 30
		if line == 5000 || line == 7000 {
			v = -1e9 // a tie in magnitude: line 5000 is the worst
		}
		whole.Add(v, line)
		if line%3 == 0 {
			a.Add(v, line)
		} else {
			b.Add(v, line)
		}
	}
	ab, ba := a, b
	ab.merge(&b)
	ba.merge(&a)
	if ab != whole || ba != whole || whole.Outliers().WorstLine != 5000 || whole.Outliers().Count != 2 {
		t.Errorf("merged %+v / %+v, whole %+v", ab.Outliers(), ba.Outliers(), whole.Outliers())
	}
}

// BenchmarkAmountSketchAdd measures what the sketch adds to reading a
// record (csvio.Summarize spends about 450 ns per record on two cores).
func BenchmarkAmountSketchAdd(b *testing.B) {
	vs := make([]float64, 1024)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range vs {
		vs[i] = rng.ExpFloat64() * 30
	}
	var s AmountSketch
	for i := 0; b.Loop(); i++ {
		s.Add(vs[i&1023], i)
	}
}
