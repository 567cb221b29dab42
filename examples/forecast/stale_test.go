package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestStaleOutputs: a run into a directory an earlier run wrote leaves
// none of that run's outputs it does not write itself (a daily -state run
// writes no cohorts.csv, a run without -calibration-end no holdout.csv,
// one without amounts no clv.png), and says which it removed; files that
// are not the job's stay.
func TestStaleOutputs(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	b, err := os.ReadFile(defaultConfig().In)
	if err != nil {
		t.Fatal(err)
	}
	whole := string(b)
	i := strings.Index(whole, ",2024-12-30,")
	i = strings.LastIndexByte(whole[:i], '\n') + 1
	header := whole[:strings.IndexByte(whole, '\n')+1]
	base, day := filepath.Join(dir, "base.csv"), filepath.Join(dir, "day.csv")
	os.WriteFile(base, []byte(whole[:i]), 0o644)
	os.WriteFile(day, []byte(header+whole[i:]), 0o644)
	mine := filepath.Join(out, "mine.csv")
	state := filepath.Join(dir, "state")
	if err := run([]string{"-state", state, "-out", out, base}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if !slices.Contains(outputNames, e.Name()) {
			t.Errorf("the job wrote %s, which is not among outputNames", e.Name())
		}
	}
	os.WriteFile(mine, []byte("x\n"), 0o644)
	for _, f := range []string{"cohorts.csv", "kpis.csv", "kpis.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Fatalf("the first run wrote no %s: %v", f, err)
		}
	}
	var progress bytes.Buffer
	if err := run([]string{"-state", state, "-out", out, day}, io.Discard, &progress); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"cohorts.csv", "kpis.csv", "kpis.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err == nil {
			t.Errorf("%s of the first run is left beside the daily run's outputs", f)
		}
		if !strings.Contains(progress.String(), f) {
			t.Errorf("the progress does not say %s was removed:\n%s", f, progress.String())
		}
	}
	if _, err := os.Stat(filepath.Join(out, "forecast.csv")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("a file not the job's was removed: %v", err)
	}
}
