package clv

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/internal/ingest"
)

// Stats counts what a Summarizer or a reader (a csvio.Reader) read and
// what it skipped.
type Stats struct {
	Records  int            // data records read (skipped ones included)
	Skipped  int            // records skipped
	Reasons  map[string]int // skipped records by reason
	Examples []error        // the first maxExamples errors behind the skips

	// Merged counts the records merged into an earlier purchase of the
	// same customer in the same period (SummaryOptions.Period; a day by
	// default): a customer buys at most once a period, so a line repeated
	// in the export, or a second order the same day, adds its amount to
	// that purchase and no purchase of its own. Zero for summaries not
	// read from a transaction log by this package.
	Merged int

	// Amounts sketches the amounts a reader parsed (those of records
	// skipped later included), so that Amounts.Outliers reports those far
	// above the log's bulk, with the line of the largest. It is empty for
	// summaries not read from a CSV by package clv/csvio.
	Amounts AmountSketch
}

const maxExamples = 5

// Skip counts a record skipped because of err, under the innermost
// error's text as its reason, and keeps err if fewer than five are kept.
func (s *Stats) Skip(err error) {
	s.Skipped++
	if s.Reasons == nil {
		s.Reasons = make(map[string]int)
	}
	s.Reasons[reason(err)]++
	if len(s.Examples) < maxExamples {
		s.Examples = append(s.Examples, err)
	}
}

// Merge adds o's counts, reasons and amounts to s, and keeps o's examples
// after s's (up to five in all).
func (s *Stats) Merge(o Stats) {
	s.Amounts.merge(&o.Amounts)
	s.Records += o.Records
	s.Skipped += o.Skipped
	s.Merged += o.Merged
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
		for _, k := range slices.Sorted(maps.Keys(s.Reasons)) {
			if !first {
				b.WriteString(", ")
			}
			first = false
			fmt.Fprintf(&b, "%s: %d", k, s.Reasons[k])
		}
		b.WriteString(")")
	}
	if s.Merged > 0 {
		fmt.Fprintf(&b, ", %d merged into a purchase of the same customer and period", s.Merged)
	}
	return b.String()
}

// OutlierOctaves is how far above the median |amount| an amount counts as
// an outlier: 10 octaves, a factor 2¹⁰ = 1024.
const OutlierOctaves = ingest.OutlierOctaves

// AmountSketch summarizes the amounts a reader parsed: a histogram of
// their magnitudes on a logarithmic scale, to a resolution of 2^(1/4)
// (19%), and the amount of largest magnitude with its line. Its zero value
// is empty; Outliers reads it. Sketches merge by adding counts: O(1)
// memory, deterministic.
type AmountSketch struct{ s ingest.AmountSketch }

// Add adds the amount a, read on the given line (0 if not known).
func (s *AmountSketch) Add(a float64, line int) { s.s.Add(a, line) }

func (s *AmountSketch) merge(o *AmountSketch) { s.s.Merge(&o.s) }

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
	o := s.s.Outliers()
	return AmountOutliers{Amounts: o.Amounts, Median: o.Median, Threshold: o.Threshold, Count: o.Count, Worst: o.Worst, WorstLine: o.WorstLine}
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
