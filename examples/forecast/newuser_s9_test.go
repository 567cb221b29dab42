package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoDecimalCommaHint: an empty or hexadecimal amount is not told of
// -decimal-comma (the hint matched the comma of "line 2, column 3").
func TestNoDecimalCommaHint(t *testing.T) {
	dir := t.TempDir()
	for _, amount := range []string{"", "0x10", "n/a"} {
		in := filepath.Join(dir, "log.csv")
		if err := os.WriteFile(in, []byte("customer_id,date,amount\na,2024-01-01,"+amount+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		err := run([]string{"-out", filepath.Join(dir, "out"), in}, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), `line 2, column 3 ("amount"): unparseable amount`) || strings.Contains(err.Error(), "-decimal-comma") {
			t.Errorf("amount %q: %v, want the amount named without the -decimal-comma hint", amount, err)
		}
	}
}

// TestNewUserHints: errors a newcomer meets on a first run of their own
// file name the cause and the flag that fixes it (issue #18).
func TestNewUserHints(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{
			// A shop export with its own header names.
			"header names",
			[]string{write("shop.csv", "Customer ID,Order Date,Total\na,2024-01-01,5\na,2024-02-01,6\n")},
			[]string{`-id column "customer_id" is not in the header ["Customer ID" "Order Date" "Total"]`, `e.g. -id "Customer ID", or a 1-based number`},
		},
		{
			// The date column misnamed, the id right.
			"date name",
			[]string{"-id", "Customer ID", filepath.Join(dir, "shop.csv")},
			[]string{`-date column "date" is not in the header`, "-id, -date and -amount name the log's columns"},
		},
		{
			// -no-header on a file that has one.
			"header with -no-header",
			[]string{"-no-header", "-id", "1", "-date", "2", "-amount", "3", filepath.Join(dir, "shop.csv")},
			[]string{`line 1, column 2: unparseable date "Order Date"`, "line 1 looks like a header: without -no-header it is read as one"},
		},
		{
			// Every amount 0: the repeat buyers are there, their spend is not.
			"zero amounts",
			[]string{write("zero.csv", "customer_id,date,amount\na,2024-01-01,0\na,2024-02-01,0\na,2024-03-11,0\nb,2024-01-03,0\nb,2024-04-01,0\n"+
				"c,2024-01-05,0\nd,2024-02-07,0\nd,2024-06-01,0\ne,2024-03-01,0\nf,2024-05-01,0\nf,2024-05-20,0\ng,2024-06-30,0\n")},
			[]string{"no customers with repeat purchases and a monetary value > 0 (", "with them, whose monetary value is ≤ 0)", `without amounts: -amount ""`},
		},
		{
			// Summaries without monetary_value read as amounts of 0.
			"summaries without monetary_value",
			[]string{"-summaries", "-end", "1997-09-30", write("sum.csv", "customer_id,frequency,recency,T\n1,2,30.43,38.86\n2,0,0,38.86\n3,1,1.71,38.86\n"+
				"4,0,0,38.86\n5,3,20,38.86\n6,0,0,30\n7,5,35,38\n8,1,10,20\n")},
			[]string{"whose monetary value is ≤ 0)", "(with -summaries, monetary_value)", `-amount ""`},
		},
		{
			// A calibration end on the log's first day: the hint is about
			// -calibration-end, not -end.
			"calibration end too early",
			[]string{"-calibration-end", "2024-01-01", write("cal.csv", "customer_id,date,amount\na,2024-01-01,5\na,2024-02-01,6\nb,2024-01-01,7\nb,2024-03-01,7\n")},
			[]string{"every customer's first purchase is on -calibration-end 2024-01-01: give a later -calibration-end"},
		},
		{
			// A comma-separated log read with another delimiter.
			"comma log, -delim ;",
			[]string{"-delim", ";", filepath.Join(dir, "comma.csv")},
			[]string{`is not in the header ["customer_id,date,amount"]`, "(the header is one field holding ',': -delim ','"},
		},
		{
			// An amount with a decimal comma is told of -decimal-comma.
			"decimal comma",
			[]string{write("comma.csv", "customer_id,date,amount\na,2024-01-01,\"12,50\"\n")},
			[]string{`unparseable amount "12,50"`, "-decimal-comma"},
		},
	} {
		err := run(append([]string{"-out", filepath.Join(dir, "out")}, tc.args...), io.Discard, io.Discard)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v\nwant it to contain %q", tc.name, err, w)
			}
		}
	}
}

// TestAnswerIntervalsFlag: -answer-intervals alone says to give -interval.
func TestAnswerIntervalsFlag(t *testing.T) {
	err := run([]string{"-answer-intervals", "-out", t.TempDir()}, io.Discard, io.Discard)
	if want := "-interval 0: want a level in (0, 1), e.g. 0.9, with -answer-intervals"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want it to start %q", err, want)
	}
}

// TestOutNotADirectory: an -out that is a file is refused before the run,
// naming -out (it failed after the fits with "mkdir out: not a directory").
func TestOutNotADirectory(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if err := os.WriteFile(out, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var progress strings.Builder
	err := run([]string{"-out", out, "-in", "../../testdata/transactions.csv"}, io.Discard, &progress)
	if want := "-out " + out + ": not a directory"; err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(progress.String(), "fitting") {
		t.Errorf("error %v, want it to start %q before any fit; progress:\n%s", err, want, progress.String())
	}
}

// TestCovariatesDelimiterHint: a covariates file written with another
// delimiter than the log's is told that it is read with the log's.
func TestCovariatesDelimiterHint(t *testing.T) {
	dir := t.TempDir()
	covs := filepath.Join(dir, "covs.csv")
	if err := os.WriteFile(covs, []byte("customer_id;channel\nC00052;1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"-out", dir, "-covariates", covs, "-in", "../../testdata/transactions.csv"}, io.Discard, io.Discard)
	if want := `(the file is read with the log's delimiter, -delim ",": write it with that one)`; err == nil ||
		!strings.Contains(err.Error(), `got "customer_id;channel"`) || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want the header named and %q", err, want)
	}
}
