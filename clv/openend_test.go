package clv_test

import (
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// TestOpenEnd: without SummaryOptions.End the end of observation is the
// last transaction, read in the same pass, with the result Summarize gives
// for End set to it; a calibration end at or after it is an error.
func TestOpenEnd(t *testing.T) {
	log := "customer_id,date,amount\na,2024-01-01,10\nb,2024-01-03,5\na,2024-01-05,20\nb,2024-01-03,7\na,2024-02-01,1\nc,2024-01-20,3\n"
	open, err := clv.SummarizeCSV(strings.NewReader(log), clv.CSVOptions{Amount: "amount"}, clv.SummaryOptions{TrackRepeats: true})
	if err != nil {
		t.Fatal(err)
	}
	last := date(2024, 2, 1)
	fixed, err := clv.SummarizeCSV(strings.NewReader(log), clv.CSVOptions{Amount: "amount"}, clv.SummaryOptions{End: last})
	if err != nil {
		t.Fatal(err)
	}
	if !open.End.Equal(last) || !open.Last.Equal(last) || !open.First.Equal(date(2024, 1, 1)) || !fixed.End.Equal(last) {
		t.Errorf("end %v, first %v, last %v", open.End, open.First, open.Last)
	}
	for i := range fixed.Customers {
		if open.Customers[i] != fixed.Customers[i] {
			t.Errorf("customer %d: %+v, want %+v", i, open.Customers[i], fixed.Customers[i])
		}
	}
	// Repeat purchases by day: a on Jan 5 and Feb 1 (b's two purchases on
	// Jan 3 merge into its first).
	want := []clv.DayCount{{Day: date(2024, 1, 5), Count: 1}, {Day: date(2024, 2, 1), Count: 1}}
	if len(open.Repeats) != 2 || open.Repeats[0] != want[0] || open.Repeats[1] != want[1] || fixed.Repeats != nil {
		t.Errorf("repeats %v, want %v", open.Repeats, want)
	}
	_, err = clv.SummarizeCSV(strings.NewReader(log), clv.CSVOptions{Amount: "amount"}, clv.SummaryOptions{CalibrationEnd: last})
	if err == nil {
		t.Error("calibration end at the last transaction accepted")
	}
	split, err := clv.SummarizeCSV(strings.NewReader(log), clv.CSVOptions{Amount: "amount"},
		clv.SummaryOptions{CalibrationEnd: date(2024, 1, 10), TrackRepeats: true, Unit: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if split.Holdout[0].Duration != 22 || split.Holdout[0].Frequency != 1 || len(split.Repeats) != 2 {
		t.Errorf("holdout %+v, repeats %v", split.Holdout, split.Repeats)
	}
}
