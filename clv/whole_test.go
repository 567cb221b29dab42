package clv_test

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
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
