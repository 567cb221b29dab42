package csvio

import (
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// TestStatsMerged: lines of a customer in the period of an earlier
// purchase of theirs (a duplicate line, a second order that day, one in
// the same calendar week with clv.Period clv.Week) are counted in clv.Stats.Merged,
// on the sequential path and on the parts alike; a skipped line is not.
func TestStatsMerged(t *testing.T) {
	const log = `customer_id,date,amount
a,2024-01-01,10
a,2024-01-01,10
b,2024-01-01,5
a,2024-01-01,3
b,2024-01-02,5
c,2024-01-03,x
b,2024-01-02,7
a,2024-01-04,1
`
	end := time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		opts clv.SummaryOptions
		want int
	}{
		{clv.SummaryOptions{End: end}, 3}, // a twice on the 1st, b once on the 2nd
		{clv.SummaryOptions{End: end, Calendar: true, Period: clv.Week}, 5},
		{clv.SummaryOptions{End: end, CalibrationEnd: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}, 3},
	} {
		for _, parts := range []int{-1, 1} {
			partsCSV = parts
			sum, err := Summarize(strings.NewReader(log), Options{Amount: "amount", SkipInvalid: true}, tc.opts)
			partsCSV = 0
			if err != nil {
				t.Fatal(err)
			}
			if st := sum.Stats; st.Merged != tc.want || st.Skipped != 1 || st.Records != 8 {
				t.Errorf("%+v, parts %d: %v, want 8 records, 1 skipped, %d merged", tc.opts, parts, st, tc.want)
			}
			if s := sum.Stats.String(); tc.want == 3 && !strings.HasSuffix(s, ", 3 merged into a purchase of the same customer and period") {
				t.Errorf("%q does not end with the merged count", s)
			}
		}
	}
}
