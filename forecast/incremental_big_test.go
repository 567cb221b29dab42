package forecast_test

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/clvkit/clvkit/forecast"
)

// TestIncrementalDayTimes measures appending a day to a large state, phase
// by phase, against a full run on the whole log: set CLVKIT_DAILY to a
// directory holding base.csv (the log but its last day), day.csv (the
// last day) and all.csv (the whole log), e.g. from
// go run ./examples/simulate -customers 1000000. Skipped without it.
func TestIncrementalDayTimes(t *testing.T) {
	dir := os.Getenv("CLVKIT_DAILY")
	if dir == "" {
		t.Skip("CLVKIT_DAILY not set: no large log to measure on")
	}
	ctx := context.Background()
	cfg := forecast.Config{Discount: 0.01}
	start := time.Now()
	progress := stampWriter{t, &start}
	open := func(name string) *os.File {
		f, err := os.Open(dir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	st := &forecast.State{}
	if _, err := forecast.RunIncremental(ctx, st, open("base.csv"), cfg); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := st.Save(&buf); err != nil {
		t.Fatal(err)
	}
	size := buf.Len()
	st = nil
	runtime.GC()
	phase := func(name string, f func()) {
		start := time.Now()
		f()
		t.Logf("%-40s %6.0f ms", name, float64(time.Since(start).Microseconds())/1000)
	}
	phase("LoadState", func() {
		var err error
		if st, err = forecast.LoadState(&buf); err != nil {
			t.Fatal(err)
		}
	})
	var res *forecast.Result
	phase("RunIncremental (read, merge, fit, score)", func() {
		var err error
		start = time.Now()
		cfg.Progress = progress
		defer func() { cfg.Progress = nil }()
		if res, err = forecast.RunIncremental(ctx, st, open("day.csv"), cfg); err != nil {
			t.Fatal(err)
		}
	})
	phase("Save", func() {
		buf.Reset()
		if err := st.Save(&buf); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("state: %d customers, %d transactions, %d bytes", st.Customers(), st.Records, size)
	var full *forecast.Result
	phase("Run (the whole log)", func() {
		var err error
		start = time.Now()
		cfg.Progress = progress
		if full, err = forecast.Run(ctx, open("all.csv"), cfg); err != nil {
			t.Fatal(err)
		}
	})
	for i := range full.Summary.Customers {
		if full.Summary.Customers[i] != res.Summary.Customers[i] {
			t.Fatalf("customer %d: %+v, full run %+v", i, res.Summary.Customers[i], full.Summary.Customers[i])
		}
	}
	var df float64
	for i := range full.Forecasts {
		x, y := res.Forecasts[i], full.Forecasts[i]
		df = max(df, relDiff(x.PAlive, y.PAlive), relDiff(x.ExpectedPurchases, y.ExpectedPurchases), relDiff(x.CLV, y.CLV))
	}
	t.Logf("%s vs %s: forecasts within %.2g relative", res.Choice.Name, full.Choice.Name, df)
}

// stampWriter logs each progress line with the time since *start.
type stampWriter struct {
	t     *testing.T
	start *time.Time
}

func (w stampWriter) Write(p []byte) (int, error) {
	w.t.Logf("  %6.0f ms %s", float64(time.Since(*w.start).Microseconds())/1000, bytes.TrimSpace(p))
	return len(p), nil
}
