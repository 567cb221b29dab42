//go:build clvkit_countgroupings

package forecast_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/rows"
)

// TestGroupsOnce: a job groups each set of its customers (the whole
// observation; with a calibration end, the calibration period too) into
// distinct (x, t_x, T) rows once, in the summaries stage
// (clv.GroupCustomers). The fits (every model under auto, and the refit),
// the scores and lifetime values, the answers, the periods, the intervals
// (twice with a calibration end) and BG/NBD's (x, T) table are given that
// grouping instead of grouping the customers again. The log is the
// shipped one four times over, 12,000 customers: enough for BG/NBD's
// (x, T) table. Group counts its calls only in builds with the tag
// clvkit_countgroupings (go test -tags clvkit_countgroupings ./forecast);
// without it, nocount_test.go's TestGroupsOnce says so and skips.
func TestGroupsOnce(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	header, body, _ := bytes.Cut(b, []byte("\n"))
	log := append(append([]byte{}, header...), '\n')
	for k := range 4 {
		for line := range bytes.Lines(body) {
			log = append(append(log, fmt.Sprintf("copy%d-", k)...), line...)
		}
	}
	const customers = 12_000
	calEnd := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		cfg  forecast.Config
		sets int64 // sets of customers: whole, and calibration
	}{
		{forecast.Config{Model: "auto", CalibrationEnd: calEnd, Interval: 0.9, IntervalDraws: 20}, 2},
		{forecast.Config{Model: "bgnbd", Interval: 0.9, IntervalDraws: 20}, 1},
		{forecast.Config{Model: "mbgnbd", CalibrationEnd: calEnd, Interval: 0.9, IntervalDraws: 20}, 2},
		{forecast.Config{Model: "paretonbd", Penalizer: 0.01}, 1},
	} {
		c.cfg.CSV = csvio.Options{Amount: "amount"}
		rows.CountGroupings(customers)
		res, err := forecast.Run(context.Background(), bytes.NewReader(log), c.cfg)
		got := rows.CountGroupings(0)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(res.Summary.Customers); n != customers {
			t.Fatalf("%d customers, want %d", n, customers)
		}
		if got != c.sets {
			t.Errorf("model %s, calibration end %v, intervals %v: %d groupings of the customers, want %d",
				c.cfg.Model, !c.cfg.CalibrationEnd.IsZero(), c.cfg.Interval, got, c.sets)
		}
	}
}
