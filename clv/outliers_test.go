package clv_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// TestAmountOutliers: in a log of amounts around 20, two typos (an amount
// in cents times 1000, an id pasted into the amount column) are counted
// and the larger is named with its line; amounts up to 500 × the median
// are not counted.
func TestAmountOutliers(t *testing.T) {
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 1000 {
		amt := 10 + float64(i%21) // 10..30, median 20
		switch i {
		case 100:
			amt = 10_000 // 500 × the median: large, not an outlier
		case 400:
			amt = 2_000_000
		case 700:
			amt = 98765432101
		case 900:
			amt = 0 // free: not in the scale
		}
		fmt.Fprintf(&b, "c%d,%s,%v\n", i%50, day.AddDate(0, 0, i/50).Format(time.DateOnly), amt)
	}
	sum, err := csvio.Summarize(strings.NewReader(b.String()), csvio.Options{Amount: "amount"}, clv.SummaryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := sum.Stats.Amounts.Outliers()
	if o.Amounts != 999 || o.Count != 2 || o.Worst != 98765432101 || o.WorstLine != 702 {
		t.Errorf("%+v, want 999 amounts, 2 outliers, the worst 98765432101 on line 702", o)
	}
	// The median to the sketch's resolution: within a factor 2^(1/8).
	if r := o.Median / 20; !(r > math.Exp2(-0.25) && r < math.Exp2(0.25)) {
		t.Errorf("median %v, want about 20", o.Median)
	}
	if r := o.Threshold / o.Median; !(r >= 861 && r <= 1218) {
		t.Errorf("threshold %v = %v × the median", o.Threshold, r)
	}
	if s := o.String(); !strings.Contains(s, "2 of 999 amounts") || !strings.Contains(s, "line 702") {
		t.Errorf("String: %q", s)
	}
	// The Reader's stats hold the same sketch.
	rd, err := csvio.NewReader(strings.NewReader(b.String()), csvio.Options{Amount: "amount"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rd.ReadAll(); err != nil {
		t.Fatal(err)
	}
	if st := rd.Stats(); st.Amounts.Outliers() != o {
		t.Errorf("Reader: %+v, csvio.Summarize %+v", st.Amounts.Outliers(), o)
	}
	var empty clv.AmountSketch
	if e := empty.Outliers(); e != (clv.AmountOutliers{}) || e.String() != "no nonzero amounts" {
		t.Errorf("empty: %+v %q", e, e.String())
	}
}
