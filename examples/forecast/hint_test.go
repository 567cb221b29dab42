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

// TestSummariesColumns: -summaries reads its columns by name, so a column
// flag given with it is refused rather than ignored, and a header with
// other names is told the names.
func TestSummariesColumns(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "sum.csv")
	if err := os.WriteFile(in, []byte("ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"-summaries", "-end", "1997-09-30", "-id", "ID", "-out", dir, in}, io.Discard, io.Discard)
	if err == nil || !strings.HasPrefix(err.Error(), "-id ID: want none with -summaries (its columns are read by name: customer_id, frequency") {
		t.Errorf("-id with -summaries: %v, want a usage error naming -id", err)
	}
	err = run([]string{"-summaries", "-end", "1997-09-30", "-out", dir, in}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `summaries need the column "customer_id"`) ||
		!strings.Contains(err.Error(), "rename the header's, e.g. ID,x,t_x,T,zbar to customer_id,frequency,recency,T,monetary_value") {
		t.Errorf("other names: %v, want the names to use", err)
	}
	// -amount "" (no amounts) is a setting of -summaries, not a column.
	os.WriteFile(in, []byte("customer_id,frequency,recency,T\n1,2,30.43,38.86\n2,0,0,38.86\n"), 0o644)
	err = run([]string{"-summaries", "-end", "1997-09-30", "-amount", "", "-out", dir, in}, io.Discard, io.Discard)
	if err != nil && strings.Contains(err.Error(), "want none with -summaries") {
		t.Errorf(`-amount "": %v`, err)
	}
}

// TestDynamicCovariatesFileError: a time-varying covariates file that
// starts after a customer's first purchase (a file of the future alone) is
// an error that names -dynamic-covariates and its file, not the log, and
// says what to do.
func TestDynamicCovariatesFileError(t *testing.T) {
	dir := t.TempDir()
	in, covs := filepath.Join(dir, "log.csv"), filepath.Join(dir, "future.csv")
	os.WriteFile(in, []byte("customer_id,date,amount\na,2024-01-01,5\na,2024-02-01,6\nb,2024-01-05,7\n"), 0o644)
	os.WriteFile(covs, []byte("customer_id,date,season\n*,2025-01-01,1\n"), 0o644)
	err := run([]string{"-dynamic-covariates", covs, "-model", "paretonbd-dyn", "-out", dir, in}, io.Discard, io.Discard)
	want := "-dynamic-covariates " + covs + `: customer "a" has no covariates at the first purchase on 2024-01-01 (rows from 2025-01-01)`
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "-skip-invalid carries a customer's earliest values back") {
		t.Errorf("error %v, want it to start %q and say what to do", err, want)
	}
}
