package forecast_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// outlierLog returns the shipped log with the amounts of its first three
// repeat purchases set to amount, and their lines (1-based, the header
// line 1).
func outlierLog(t *testing.T, amount string) (string, []int) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.SplitAfter(string(b), "\n")
	seen := map[string]bool{}
	var lines []int
	for n, r := range rows[1:] {
		id, _, _ := strings.Cut(r, ",")
		if seen[id] && len(lines) < 3 {
			rows[n+1] = r[:strings.LastIndexByte(r, ',')+1] + amount + "\n"
			lines = append(lines, n+2)
		}
		seen[id] = true
	}
	return strings.Join(rows, ""), lines
}

// TestSpendOutliersError: three repeat amounts of 1e308 overflow the
// Gamma-Gamma likelihood at every start, and the job's error, a
// *forecast.AmountOutliersError wrapping the spend model's, names the
// outliers and the line of the first of the largest, which the progress
// noted already. Amounts of 1e5 (outliers too)
// do not overflow: the spend model is fitted and the run has no error.
func TestSpendOutliersError(t *testing.T) {
	log, lines := outlierLog(t, "1e308")
	if len(lines) != 3 {
		t.Fatalf("the log has %d huge amounts, want 3", len(lines))
	}
	var progress strings.Builder
	_, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{
		CSV: csvio.Options{Amount: "amount"}, Name: "huge.csv", Model: "bgnbd", Progress: &progress})
	var oe *forecast.AmountOutliersError
	if !errors.As(err, &oe) {
		t.Fatalf("Run: %v; want a *forecast.AmountOutliersError\n%s", err, progress.String())
	}
	o := oe.Outliers
	if o.Count != 3 || o.Worst != 1e308 || o.WorstLine != lines[0] {
		t.Errorf("Outliers = %+v; want 3, the largest 1e308 on line %d", o, lines[0])
	}
	if oe.Err == nil || !strings.HasPrefix(err.Error(), "gammagamma: ") || !strings.HasPrefix(err.Error(), oe.Err.Error()) {
		t.Errorf("Run's error %q does not begin with the spend model's %v", err, oe.Err)
	}
	for _, w := range []string{"amounts far outside the log's bulk may be why: 3 of ", fmt.Sprintf("the largest, 1e+308, on line %d", lines[0])} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Run's error %q does not say %q", err, w)
		}
	}
	if !strings.Contains(progress.String(), "note: amounts far outside the log's bulk: 3 of ") {
		t.Errorf("the progress does not note the outliers:\n%s", progress.String())
	}

	log, _ = outlierLog(t, "1e5")
	progress.Reset()
	res, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{
		CSV: csvio.Options{Amount: "amount"}, Name: "large.csv", Model: "bgnbd", Progress: &progress})
	if err != nil {
		t.Fatalf("amounts of 1e5: %v", err)
	}
	if o := res.Summary.Stats.Amounts.Outliers(); o.Count != 3 || res.Spend == nil {
		t.Errorf("amounts of 1e5: %d outliers, spend model %v; want 3 and a fit", o.Count, res.Spend)
	}
}
