package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/cli"
)

// TestInputHints: the first errors a shop's export meets name what to
// change: a header that is one field holding ';' (-delim), a date in
// another layout (-layout, with the layout of such dates), an amount with
// commas between thousands (not -decimal-comma, which is for 1.234,50).
func TestInputHints(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	de := write("de.csv", "customer_id;date;amount\r\na;31.12.2024;12,50 €\r\n")
	us := write("us.csv", "customer_id,date,amount\na,2024-01-02,\"1,234.50\"\n")
	for _, tc := range []struct {
		args     []string
		sentinel error
		want     string
	}{
		{[]string{de}, clv.ErrUnknownColumn, "(the header is one field holding ';': -delim ';')"},
		{[]string{de, "-delim", ";", "-decimal-comma"}, clv.ErrBadTime,
			"(dates written otherwise: -layout, in Go's reference time; for 31.12.2024, -layout 02.01.2006)"},
		{[]string{us}, clv.ErrBadAmount,
			"(amounts with commas between thousands, such as 1,234.50, are not read: export the column without " +
				"the thousands separator; -decimal-comma is for 1.234,50)"},
	} {
		err := run(append(tc.args, "-out", dir), io.Discard, io.Discard)
		if !errors.Is(err, tc.sentinel) || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("%q: %v\nwant it to end %q", tc.args, err, tc.want)
		}
	}
}

// TestCalibrationEndOutsideLog: a -calibration-end before the log's first
// purchase or not before its last names the flag and the log's dates,
// not "empty transaction log" or Go's time format.
func TestCalibrationEndOutsideLog(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		cal  string
		is   error
		want string
	}{
		{"2023-01-01", clv.ErrEmptyLog, "no purchase up to -calibration-end 2023-01-01: the first is on 2024-01-01"},
		{"2025-01-01", clv.ErrBadOption, "-calibration-end 2025-01-01 is not before the last transaction, on 2024-12-30, the end of observation"},
	} {
		err := run([]string{"-calibration-end", tc.cal, "-out", dir}, io.Discard, io.Discard)
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("-calibration-end %s: %v\nwant it to say %q", tc.cal, err, tc.want)
		}
	}
}

// TestDynamicCovariatesCheckedFirst: a -dynamic-covariates file that does
// not read stops the run before the job runs and writes its outputs.
func TestDynamicCovariatesCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	covs := filepath.Join(dir, "dyn.csv")
	os.WriteFile(covs, []byte("customer_id,date,promo\nC00001,2024-01-01,x\n"), 0o644)
	out := filepath.Join(dir, "out")
	var progress strings.Builder
	err := run([]string{"-dynamic-covariates", covs, "-out", out}, io.Discard, &progress)
	if !errors.Is(err, clv.ErrInvalidCovariates) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("%v, want ErrInvalidCovariates naming line 2", err)
	}
	if _, err := os.Stat(filepath.Join(out, "forecast.csv")); err == nil || strings.Contains(progress.String(), "fitting") {
		t.Errorf("the job ran before the file was checked:\n%s", progress.String())
	}
}

// TestNoDefaultInput: run outside the repository without an input, the
// command says to give one (the example log lives in the repository),
// rather than failing to open a relative path the user never gave.
func TestNoDefaultInput(t *testing.T) {
	t.Chdir(t.TempDir())
	err := run([]string{"-out", "out"}, io.Discard, io.Discard)
	if !errors.Is(err, cli.ErrUsage) || !strings.Contains(err.Error(), "give the transaction log with -in FILE or as the argument") {
		t.Errorf("%v, want a usage error asking for the log", err)
	}
}

// TestCorruptState: a state file that does not load is an error naming
// it, wrapping forecast.ErrStateCorrupt, without the library's prefix
// (cli.Status adds the command's name: one "forecast:" in all).
func TestCorruptState(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, stateFile), []byte("garbage\n"), 0o644)
	err := run([]string{"-state", dir, "-out", filepath.Join(dir, "out")}, io.Discard, io.Discard)
	if !errors.Is(err, forecast.ErrStateCorrupt) || !strings.HasPrefix(err.Error(), "-state "+filepath.Join(dir, stateFile)+": corrupt state") {
		t.Errorf("%v", err)
	}
}

// TestCovariatesErrorNamesItsFile: an error in the -covariates file names
// that file, not the log, first.
func TestCovariatesErrorNamesItsFile(t *testing.T) {
	dir := t.TempDir()
	covs := filepath.Join(dir, "cov.csv")
	os.WriteFile(covs, []byte("customer_id,channel\nC00001,\n"), 0o644)
	err := run([]string{"-covariates", covs, "-out", filepath.Join(dir, "out")}, io.Discard, io.Discard)
	if !errors.Is(err, clv.ErrInvalidCovariates) || !strings.HasPrefix(err.Error(), "-covariates "+covs+": line 2") {
		t.Errorf("%v", err)
	}
}
