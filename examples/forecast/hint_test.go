package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoAmountHint: a log without an amount column, run with the default
// -amount, is told how to run without amounts; with -amount given, the
// error names the column only.
func TestNoAmountHint(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "ids.csv")
	if err := os.WriteFile(in, []byte("date,id\n2014-03-08 00:00:00,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const hint = `a log without amounts: -amount ""`
	err := run([]string{"-id", "id", "-out", dir, in}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `-amount column "amount" is not in the header`) || !strings.Contains(err.Error(), hint) {
		t.Errorf("default -amount: %v, want the column named and %q", err, hint)
	}
	err = run([]string{"-id", "id", "-amount", "price", "-out", dir, in}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `-amount column "price" is not in the header`) || strings.Contains(err.Error(), hint) {
		t.Errorf("-amount price: %v, want the column named without the hint", err)
	}
}
