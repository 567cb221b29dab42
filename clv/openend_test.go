package clv_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// TestOpenEnd: without SummaryOptions.End the end of observation is the
// last transaction, read in the same pass, with the result Summarize gives
// for End set to it; a calibration end at or after it is an error.
func TestOpenEnd(t *testing.T) {
	log := "customer_id,date,amount\na,2024-01-01,10\nb,2024-01-03,5\na,2024-01-05,20\nb,2024-01-03,7\na,2024-02-01,1\nc,2024-01-20,3\n"
	open, err := csvio.Summarize(strings.NewReader(log), csvio.Options{Amount: "amount"}, clv.SummaryOptions{TrackRepeats: true})
	if err != nil {
		t.Fatal(err)
	}
	last := date(2024, 2, 1)
	fixed, err := csvio.Summarize(strings.NewReader(log), csvio.Options{Amount: "amount"}, clv.SummaryOptions{End: last})
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
	_, err = csvio.Summarize(strings.NewReader(log), csvio.Options{Amount: "amount"}, clv.SummaryOptions{CalibrationEnd: last})
	if err == nil {
		t.Error("calibration end at the last transaction accepted")
	}
	split, err := csvio.Summarize(strings.NewReader(log), csvio.Options{Amount: "amount"},
		clv.SummaryOptions{CalibrationEnd: date(2024, 1, 10), TrackRepeats: true, Unit: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if split.Holdout[0].Duration != 22 || split.Holdout[0].Frequency != 1 || len(split.Repeats) != 2 {
		t.Errorf("holdout %+v, repeats %v", split.Holdout, split.Repeats)
	}
}

// TestEndOfDay: with EndOfDay, an end date includes that whole day of a
// log with times (T measured to the day's end), and changes nothing for a
// log of dates.
func TestEndOfDay(t *testing.T) {
	end := date(2024, 4, 1)
	withTimes := "customer_id,date,amount\na,2024-03-01T09:00:00Z,1\na,2024-04-01T15:30:00Z,2\nb,2024-03-20T10:00:00Z,3\n"
	if _, err := csvio.Summarize(strings.NewReader(withTimes), csvio.Options{Amount: "amount"}, clv.SummaryOptions{End: end}); err == nil {
		t.Error("without EndOfDay, a purchase at 15:30 on the end day must be after End")
	}
	sum, err := csvio.Summarize(strings.NewReader(withTimes), csvio.Options{Amount: "amount"}, clv.SummaryOptions{End: end, EndOfDay: true})
	if err != nil {
		t.Fatal(err)
	}
	a := sum.Customers[0]
	wantT := (end.Add(24 * time.Hour).Sub(date(2024, 3, 1).Add(9 * time.Hour))).Hours() / 24
	if a.Frequency != 1 || math.Abs(a.T-wantT) > 1e-9 || !sum.End.Equal(end.Add(24*time.Hour)) {
		t.Errorf("customer a %+v (T want %v), end %v", a, wantT, sum.End)
	}
	// A calibration end date keeps that whole day in the calibration period.
	split, err := csvio.Summarize(strings.NewReader(withTimes), csvio.Options{Amount: "amount"},
		clv.SummaryOptions{End: end, CalibrationEnd: date(2024, 3, 1), EndOfDay: true})
	if err != nil {
		t.Fatal(err)
	}
	if split.Customers[0].Frequency != 0 || split.Holdout[0].Frequency != 1 || split.HoldoutOnly != 1 {
		t.Errorf("split: %+v %+v, %d holdout-only", split.Customers, split.Holdout, split.HoldoutOnly)
	}
	// A log of dates: the same summaries with and without EndOfDay.
	dates := "customer_id,date,amount\na,2024-03-01,1\na,2024-04-01,2\nb,2024-03-20,3\n"
	x, _ := csvio.Summarize(strings.NewReader(dates), csvio.Options{Amount: "amount"}, clv.SummaryOptions{End: end})
	y, _ := csvio.Summarize(strings.NewReader(dates), csvio.Options{Amount: "amount"}, clv.SummaryOptions{End: end, EndOfDay: true})
	for i := range x.Customers {
		if x.Customers[i] != y.Customers[i] {
			t.Errorf("dates: %+v vs %+v", x.Customers[i], y.Customers[i])
		}
	}
}
