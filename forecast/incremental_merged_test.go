package forecast_test

import (
	"context"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// TestIncrementalMerged: the lines merged into a purchase of the same
// customer and day (Summary.Stats.Merged, model.json's
// data.records_merged) of a first -state run and a daily run add up to
// those of one full run on both logs: within the day's log (Z1's second
// line on Dec 30, Z2's on Dec 31), and across the two logs (Z1's line on
// Dec 29 after the watermark, merged into the first log's purchase that
// day), which the daily run sees only through the state.
func TestIncrementalMerged(t *testing.T) {
	ctx := context.Background()
	cfg := forecast.Config{Model: "bgnbd"}
	_, pieces := splitLog(t, "2024-12-29")
	day1 := pieces[0] + "Z1,2024-12-29T10:00:00,5.00\n"
	day2 := strings.TrimSuffix(pieces[1], "\n") + "\nZ1,2024-12-29T15:00:00,7.00\nZ1,2024-12-30T09:00:00,3.00\nZ1,2024-12-30T11:00:00,4.00\n" +
		"Z2,2024-12-30T12:00:00,6.00\nZ2,2024-12-30T13:00:00,6.00\n"
	st := &forecast.State{}
	r1, err := forecast.RunIncremental(ctx, st, strings.NewReader(day1), cfg)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := forecast.RunIncremental(ctx, st, strings.NewReader(day2), cfg)
	if err != nil {
		t.Fatal(err)
	}
	full, err := forecast.Run(ctx, strings.NewReader(day1+strings.SplitAfterN(day2, "\n", 2)[1]), cfg)
	if err != nil {
		t.Fatal(err)
	}
	m1, m2, mf := r1.Summary.Stats.Merged, r2.Summary.Stats.Merged, full.Summary.Stats.Merged
	if m1+m2 != mf {
		t.Errorf("merged: first run %d + daily run %d = %d, full run %d", m1, m2, m1+m2, mf)
	}
	// The daily run's own merged lines: the shipped log's after Dec 29
	// (read alone, as a full run) and the three above.
	alone, err := csvio.Summarize(strings.NewReader(pieces[1]), csvio.Options{}, clv.SummaryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := alone.Stats.Merged + 3; m2 != want {
		t.Errorf("daily run merged %d lines, want %d", m2, want)
	}
	if mf < 3 {
		t.Errorf("full run merged %d lines, want at least the 3 added", mf)
	}
}
