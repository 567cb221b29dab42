package ingest

import "math"

// Amount sketch: a histogram of |amount| over fixed bins of a quarter
// octave (bin k holds [2^((k−amountBias)/4), 2^((k−amountBias+1)/4)) ),
// from 2⁻⁶⁴ to 2⁶⁴ (amounts beyond fall into the end bins): O(1) memory,
// deterministic, and merged by adding counts.
const (
	amountSubBins = 4
	amountBias    = 64 * amountSubBins
	amountBins    = 2 * amountBias
	// OutlierOctaves is clv.OutlierOctaves.
	OutlierOctaves = 10
)

// AmountSketch is the engine of clv.AmountSketch: a histogram of the
// magnitudes of amounts, and the amount of largest magnitude with its
// line. Its zero value is empty.
type AmountSketch struct {
	counts    [amountBins]int64
	zero      int64 // amounts equal to 0 (a log without amounts)
	worst     float64
	worstLine int
}

// amountBin returns the bin of a nonzero finite amount.
func amountBin(a float64) int {
	bits := math.Float64bits(a) &^ (1 << 63)
	e := int(bits>>52) - 1023                   // exponent (subnormals fall below the range)
	k := (e+64)*amountSubBins + int(bits>>50&3) // quarter octave: the top two bits of the mantissa
	return min(max(k, 0), amountBins-1)
}

// Add counts amount a, read on line line.
func (s *AmountSketch) Add(a float64, line int) {
	if a == 0 {
		s.zero++
		return
	}
	s.counts[amountBin(a)]++
	if math.Abs(a) > math.Abs(s.worst) {
		s.worst, s.worstLine = a, line
	}
}

// Merge adds o's amounts to s. Of two equal worst amounts, the one on the
// earlier line is kept, so the result does not depend on the order of
// merging.
func (s *AmountSketch) Merge(o *AmountSketch) {
	for i, c := range o.counts {
		s.counts[i] += c
	}
	s.zero += o.zero
	if w, ow := math.Abs(s.worst), math.Abs(o.worst); ow > w || ow == w && ow > 0 && (s.worstLine == 0 || o.worstLine < s.worstLine) {
		s.worst, s.worstLine = o.worst, o.worstLine
	}
}

// Outliers are clv.AmountOutliers.
type Outliers struct {
	Amounts           int64
	Median, Threshold float64
	Count             int64
	Worst             float64
	WorstLine         int
}

// Outliers returns the amounts far above the median magnitude, as
// clv.AmountOutliers describes them; the zero value when there are no nonzero
// amounts.
func (s *AmountSketch) Outliers() Outliers {
	var n int64
	for _, c := range s.counts {
		n += c
	}
	if n == 0 {
		return Outliers{}
	}
	o := Outliers{Amounts: n, Worst: s.worst, WorstLine: s.worstLine}
	// The median's bin: the first where the cumulative count reaches half.
	m, cum := 0, int64(0)
	for ; m < amountBins; m++ {
		if cum += s.counts[m]; 2*cum >= n {
			break
		}
	}
	edge := func(k int) float64 { return math.Exp2(float64(k-amountBias) / amountSubBins) }
	o.Median = edge(m) * math.Exp2(0.5/amountSubBins)
	t := m + OutlierOctaves*amountSubBins
	o.Threshold = edge(t)
	for k := t; k < amountBins; k++ {
		o.Count += s.counts[k]
	}
	return o
}
