package forecast_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/forecast"
)

// TestIncrementalNoTracking: a run on a state keeps no repeat purchases
// by day, so it has no tracking curve (Result.Tracking nil, no
// tracking.png), as RunIncremental documents; it drew the model's curve
// against an "actual" curve of zeros. The first run, on the whole log,
// has one.
func TestIncrementalNoTracking(t *testing.T) {
	ctx := context.Background()
	cfg := forecast.Config{Model: "bgnbd"}
	_, pieces := splitLog(t, "2024-12-29")
	st := &forecast.State{}
	first, err := forecast.RunIncremental(ctx, st, strings.NewReader(pieces[0]), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if first.Tracking == nil || len(first.Tracking.Actual) == 0 || first.Tracking.Actual[len(first.Tracking.Actual)-1] < 4000 {
		t.Fatalf("first run: tracking %v, want the log's curve (4,3xx repeat purchases)", first.Tracking)
	}
	res, err := forecast.RunIncremental(ctx, st, strings.NewReader(pieces[1]), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Tracking != nil {
		t.Errorf("a day's run has a tracking curve (actual ends at %v)", res.Tracking.Actual[len(res.Tracking.Actual)-1])
	}
	dir := t.TempDir()
	if _, err := res.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tracking.png")); err == nil {
		t.Error("a day's run wrote tracking.png")
	}
}
