package forecast_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// TestAutoIntervalsDrawable: the shipped log observed to 2026-12-03 sends
// the Pareto/NBD to its exponential-dropout limit, and auto fits the
// GGompertz/NBD, which is chosen by BIC but stops on its way to s → ∞
// with no covariance. Asked for intervals, auto leaves it out, saying
// why, and chooses among the candidates that give them (the run used to
// fail with ErrNoIntervals); without -interval the GGompertz/NBD is
// chosen.
func TestAutoIntervalsDrawable(t *testing.T) {
	if testing.Short() {
		t.Skip("fits the shipped log's four models twice")
	}
	log, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	run := func(level float64) (*forecast.Result, string) {
		var prog strings.Builder
		res, err := forecast.Run(context.Background(), strings.NewReader(string(log)),
			forecast.Config{End: end, EndOfDay: true, Interval: level, Progress: &prog})
		if err != nil {
			t.Fatalf("interval %v: %v", level, err)
		}
		return res, prog.String()
	}
	plain, _ := run(0)
	if plain.Choice.Name != "ggompertz" || plain.Choice.Model.FitInfo().Status != clv.AtBoundary {
		t.Fatalf("without intervals chose %s (%v): the premise changed", plain.Choice.Name, plain.Choice.Model.FitInfo())
	}
	res, prog := run(0.9)
	why := res.Choice.Failed["ggompertz"]
	if res.Choice.Name != "paretonbd" || !strings.Contains(why, "-interval needs parameter draws") ||
		!strings.Contains(prog, "GGompertz/NBD: left out: -interval needs parameter draws") || res.Choice.Fitted["ggompertz"] != nil {
		t.Errorf("chose %s; failed %q; log:\n%s", res.Choice.Name, why, prog)
	}
	if res.Intervals == nil {
		t.Error("no intervals")
	}
}
