package clv_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// FuzzWholeSummary: with a calibration end, Summary.Whole is exactly the
// Customers of the same log summarized without one (bit for bit, in the
// same order, customers first seen in the holdout included), under both
// time conventions, every merging period, with and without EndOfDay,
// times of day and an open end; and the calibration summaries are what
// the log cut at the calibration end gives.
func FuzzWholeSummary(f *testing.F) {
	f.Add(uint64(1), false, false, false, false)
	f.Add(uint64(2), true, false, true, false)
	f.Add(uint64(3), false, true, true, true)
	f.Add(uint64(4), false, true, false, true)
	f.Add(uint64(5), true, true, true, true)
	f.Fuzz(func(t *testing.T, seed uint64, calendar, endOfDay, times, open bool) {
		rng := rand.New(rand.NewPCG(seed, 5))
		start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
		opts := clv.SummaryOptions{Calendar: calendar, Period: clv.Period(rng.IntN(4)), EndOfDay: endOfDay, AllowNegative: true}
		if calendar {
			opts.Period = clv.Day
		} else {
			opts.Unit = 7 * 24 * time.Hour
		}
		if !open {
			opts.End = start.AddDate(1, 0, rng.IntN(10))
		}
		var txs []clv.Transaction
		for c := range 1 + rng.IntN(40) {
			id := string(rune('a'+c%26)) + string(rune('0'+c/26))
			for range 1 + rng.IntN(10) {
				at := start.AddDate(0, 0, rng.IntN(364))
				if times {
					at = at.Add(time.Duration(rng.IntN(86400)) * time.Second)
				}
				amt := float64(rng.IntN(100000)-10000) / 100 // cents: the same order gives the same sums
				txs = append(txs, clv.Transaction{CustomerID: id, Time: at, Amount: amt})
			}
		}
		whole, err := clv.Summarize(txs, opts)
		if err != nil {
			t.Fatal(err)
		}
		split := opts
		split.CalibrationEnd = start.AddDate(0, 3+rng.IntN(6), rng.IntN(28))
		if times && rng.IntN(2) == 0 {
			split.CalibrationEnd = split.CalibrationEnd.Add(time.Duration(rng.IntN(86400)) * time.Second)
		}
		got, err := clv.Summarize(txs, split)
		if errors.Is(err, clv.ErrEmptyLog) || errors.Is(err, clv.ErrBadOption) {
			return // nobody bought in the calibration period, or it ends after the log
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Whole) != len(whole.Customers) {
			t.Fatalf("%d whole customers, want %d", len(got.Whole), len(whole.Customers))
		}
		for i, c := range got.Whole {
			if c != whole.Customers[i] {
				t.Fatalf("whole customer %d: %+v, want %+v", i, c, whole.Customers[i])
			}
		}
		if n := len(got.Customers) + got.HoldoutOnly; n != len(got.Whole) {
			t.Fatalf("%d calibration + %d holdout-only customers, %d in the whole", len(got.Customers), got.HoldoutOnly, len(got.Whole))
		}
		// The calibration summaries are the log cut at the calibration end.
		cut := clv.SummaryOptions{Calendar: opts.Calendar, Period: opts.Period, Unit: opts.Unit, EndOfDay: opts.EndOfDay,
			AllowNegative: true, End: split.CalibrationEnd, SkipAfterEnd: true}
		cal, err := clv.Summarize(txs, cut)
		if err != nil {
			t.Fatal(err)
		}
		if len(cal.Customers) != len(got.Customers) {
			t.Fatalf("%d calibration customers, want %d", len(got.Customers), len(cal.Customers))
		}
		for i, c := range got.Customers {
			w := cal.Customers[i]
			if c.ID != w.ID || c.Frequency != w.Frequency || c.Recency != w.Recency || c.MonetaryValue != w.MonetaryValue {
				t.Fatalf("calibration customer %d: %+v, want %+v", i, c, w)
			}
		}
		if got.Holdout == nil || whole.Whole != nil {
			t.Fatal("Holdout and Whole go with a calibration end only")
		}
	})
}

// TestSummarizeCSVAnyOrder: a log in any order gives the summary of the
// same log in time order, and an error names the line of the file at fault
// (not a position in the sorted log).
func TestSummarizeCSVAnyOrder(t *testing.T) {
	log := "customer_id,date,amount\n" +
		"b,2024-03-01,5.00\n" +
		"a,2024-02-01,12.50\n" +
		"a,2024-01-01,10.00\n" +
		"b,2024-01-15,7.25\n" +
		"a,2024-02-20,3.00\n"
	sorted := "customer_id,date,amount\n" +
		"a,2024-01-01,10.00\n" +
		"b,2024-01-15,7.25\n" +
		"a,2024-02-01,12.50\n" +
		"a,2024-02-20,3.00\n" +
		"b,2024-03-01,5.00\n"
	opts := clv.SummaryOptions{End: time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC), Unit: 7 * 24 * time.Hour}
	csvOpts := csvio.Options{Amount: "amount"}
	if _, err := csvio.Summarize(strings.NewReader(log), csvOpts, opts); !errors.Is(err, clv.ErrOutOfOrder) {
		t.Fatalf("csvio.Summarize on the unsorted log: %v", err)
	}
	got, err := csvio.SummarizeAnyOrder(strings.NewReader(log), csvOpts, opts)
	if err != nil {
		t.Fatal(err)
	}
	want, err := csvio.Summarize(strings.NewReader(sorted), csvOpts, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Customers, want.Customers) || got.Stats.Records != 5 || want.Stats.Records != 5 {
		t.Errorf("got %+v (%v), want %+v", got.Customers, got.Stats, want.Customers)
	}
	// The purchase after the end is on line 2 of the file, the last in time.
	opts.End = time.Date(2024, 2, 25, 0, 0, 0, 0, time.UTC)
	_, err = csvio.SummarizeAnyOrder(strings.NewReader(log), csvOpts, opts)
	var pe *clv.ParseError
	if !errors.Is(err, clv.ErrAfterEnd) || !errors.As(err, &pe) || pe.Line != 2 || pe.Name != "date" {
		t.Errorf("after the end: %v", err)
	}
	// A negative amount, with SkipInvalid, is skipped and counted.
	bad := strings.Replace(log, "12.50", "-12.50", 1)
	opts.End = time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	if _, err := csvio.SummarizeAnyOrder(strings.NewReader(bad), csvOpts, opts); !errors.As(err, &pe) || pe.Line != 3 || pe.Name != "amount" {
		t.Errorf("negative amount: %v", err)
	}
	csvOpts.SkipInvalid = true
	sum, err := csvio.SummarizeAnyOrder(strings.NewReader(bad), csvOpts, opts)
	if err != nil || sum.Stats.Skipped != 1 || sum.Stats.Records != 5 || sum.Customers[0].Frequency != 1 {
		t.Errorf("skipping: %v, %+v", err, sum)
	}
}
