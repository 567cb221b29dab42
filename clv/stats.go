package clv

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Stats counts what a Reader or a Summarizer read and what it skipped.
type Stats struct {
	Records  int            // data records read (skipped ones included)
	Skipped  int            // records skipped
	Reasons  map[string]int // skipped records by reason
	Examples []error        // the first maxExamples errors behind the skips

	// Amounts sketches the amounts a Reader parsed (those of records
	// skipped later included), so that Amounts.Outliers reports those far
	// above the log's bulk, with the line of the largest. It is empty for
	// summaries not read from a CSV by this package.
	Amounts AmountSketch
}

const maxExamples = 5

func (s *Stats) skip(err error) {
	s.Skipped++
	if s.Reasons == nil {
		s.Reasons = make(map[string]int)
	}
	s.Reasons[reason(err)]++
	if len(s.Examples) < maxExamples {
		s.Examples = append(s.Examples, err)
	}
}

// merge adds o's skips and amounts to s.
func (s *Stats) merge(o Stats) {
	s.Amounts.merge(&o.Amounts)
	s.Records += o.Records
	s.Skipped += o.Skipped
	for k, v := range o.Reasons {
		if s.Reasons == nil {
			s.Reasons = make(map[string]int)
		}
		s.Reasons[k] += v
	}
	for _, e := range o.Examples {
		if len(s.Examples) < maxExamples {
			s.Examples = append(s.Examples, e)
		}
	}
}

// reason is the innermost error's text, e.g. "unparseable date".
func reason(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// String summarizes s in one line, e.g.
// "69659 records, 2 skipped (unparseable date: 2)".
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d records, %d skipped", s.Records, s.Skipped)
	if len(s.Reasons) > 0 {
		b.WriteString(" (")
		first := true
		for _, k := range sortedKeys(s.Reasons) {
			if !first {
				b.WriteString(", ")
			}
			first = false
			fmt.Fprintf(&b, "%s: %d", k, s.Reasons[k])
		}
		b.WriteString(")")
	}
	return b.String()
}

// Amount sketch: a histogram of |amount| over fixed bins of a quarter
// octave (bin k holds [2^((k−amountBias)/4), 2^((k−amountBias+1)/4)) ),
// from 2⁻⁶⁴ to 2⁶⁴ (amounts beyond fall into the end bins): O(1) memory,
// deterministic, and merged by adding counts.
const (
	amountSubBins = 4
	amountBias    = 64 * amountSubBins
	amountBins    = 2 * amountBias
	// OutlierOctaves is how far above the median |amount| an amount counts
	// as an outlier: 10 octaves, a factor 2¹⁰ = 1024.
	OutlierOctaves = 10
)

// AmountSketch summarizes the amounts a Reader parsed: a histogram of
// their magnitudes on a logarithmic scale, to a resolution of 2^(1/4)
// (19%), and the amount of largest magnitude with its line. Its zero value
// is empty; Outliers reads it.
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

// add counts amount a, read on line line.
func (s *AmountSketch) add(a float64, line int) {
	if a == 0 {
		s.zero++
		return
	}
	s.counts[amountBin(a)]++
	if math.Abs(a) > math.Abs(s.worst) {
		s.worst, s.worstLine = a, line
	}
}

// merge adds o's amounts to s. Of two equal worst amounts, the one on the
// earlier line is kept, so the result does not depend on the order of
// merging.
func (s *AmountSketch) merge(o *AmountSketch) {
	for i, c := range o.counts {
		s.counts[i] += c
	}
	s.zero += o.zero
	if w, ow := math.Abs(s.worst), math.Abs(o.worst); ow > w || ow == w && ow > 0 && (s.worstLine == 0 || o.worstLine < s.worstLine) {
		s.worst, s.worstLine = o.worst, o.worstLine
	}
}

// AmountOutliers reports the amounts far above the bulk of a log's
// amounts: a typo (an amount in cents, an id in the amount column) moves
// the spend model for every customer.
type AmountOutliers struct {
	// Amounts counts the nonzero amounts; Median is the median of their
	// magnitudes, to the sketch's resolution (the geometric middle of a
	// quarter-octave bin).
	Amounts int64
	Median  float64
	// Threshold is 2¹⁰ times the lower edge of the median's bin (between
	// 861 and 1218 times the median); Count counts the amounts whose
	// magnitude is at least Threshold.
	Threshold float64
	Count     int64
	// Worst is the amount of largest magnitude and WorstLine its line in
	// the input (0 if not known).
	Worst     float64
	WorstLine int
}

// Outliers returns the amounts far above the median magnitude, as
// AmountOutliers describes; the zero value when there are no nonzero
// amounts.
func (s *AmountSketch) Outliers() AmountOutliers {
	var n int64
	for _, c := range s.counts {
		n += c
	}
	if n == 0 {
		return AmountOutliers{}
	}
	o := AmountOutliers{Amounts: n, Worst: s.worst, WorstLine: s.worstLine}
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

// String returns e.g. "3 of 69659 amounts ≥ 1.9e+04 (1000 × the median 18.5);
// the largest, 1.2e+06, on line 512".
func (o AmountOutliers) String() string {
	if o.Amounts == 0 {
		return "no nonzero amounts"
	}
	s := fmt.Sprintf("%d of %d amounts ≥ %.3g (about 1000 × the median %.3g)", o.Count, o.Amounts, o.Threshold, o.Median)
	if o.Count > 0 {
		s += fmt.Sprintf("; the largest, %.6g", o.Worst)
		if o.WorstLine > 0 {
			s += fmt.Sprintf(", on line %d", o.WorstLine)
		}
	}
	return s
}
