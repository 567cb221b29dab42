package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRun: on the synthetic log (BdW with c = 0.8) the program chooses the
// BdW, values the active subscribers above the constant-retention formula,
// and writes one row per active subscriber and the plot.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := run(&out, findDefault("testdata/subscriptions.csv"), dir, 10, 0.01); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"4000 subscriptions in 24 monthly cohorts, 1814 still active", "chosen by BIC: BdW (c = 0.81", "The lesson"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	f, err := os.Open(filepath.Join(dir, "subscribers.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 1815 {
		t.Fatalf("subscribers.csv: %d rows, %v", len(rows), err)
	}
	if st, err := os.Stat(filepath.Join(dir, "retention.png")); err != nil || st.Size() < 10000 {
		t.Errorf("retention.png: %v", err)
	}
}

// TestGenerate: -generate writes testdata/subscriptions.csv byte for byte.
func TestGenerate(t *testing.T) {
	want, err := os.ReadFile(findDefault("testdata/subscriptions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(generate(), want) {
		t.Error("generate() differs from testdata/subscriptions.csv")
	}
}
