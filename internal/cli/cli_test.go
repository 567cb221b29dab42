package cli

import (
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

func newSet() (*flag.FlagSet, *string, *int) {
	fs := flag.NewFlagSet("prog", flag.ContinueOnError)
	return fs, fs.String("in", "default.csv", ""), fs.Int("n", 1, "")
}

// TestParse: flags may follow the positional arguments; "--" ends the
// flags; parse errors are reported usage errors.
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		args []string
		pos  []string
		n    int
	}{
		{[]string{"a.csv"}, []string{"a.csv"}, 1},
		{[]string{"a.csv", "-n", "3"}, []string{"a.csv"}, 3},
		{[]string{"-n", "2", "a.csv", "b.csv", "-n", "3"}, []string{"a.csv", "b.csv"}, 3},
		{[]string{"--", "-n", "3"}, []string{"-n", "3"}, 1},
		{[]string{"a.csv", "--", "-n"}, []string{"a.csv", "-n"}, 1},
		{[]string{"-"}, []string{"-"}, 1},
	} {
		fs, _, n := newSet()
		if err := Parse(fs, tc.args, io.Discard); err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if !slices.Equal(fs.Args(), tc.pos) || *n != tc.n {
			t.Errorf("%q: arguments %q, -n %d; want %q, %d", tc.args, fs.Args(), *n, tc.pos, tc.n)
		}
	}
	fs, _, _ := newSet()
	var stderr strings.Builder
	err := Parse(fs, []string{"a.csv", "-x"}, &stderr)
	if !errors.Is(err, ErrUsage) || !strings.Contains(stderr.String(), "-x") {
		t.Errorf("unknown flag: %v, %q", err, stderr.String())
	}
	stderr.Reset()
	if code := Status("prog", err, &stderr); code != 2 || stderr.Len() != 0 {
		t.Errorf("reported usage error: status %d, %q", code, stderr.String())
	}
	fs, _, _ = newSet()
	if err := Parse(fs, []string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) || Status("prog", err, io.Discard) != 0 {
		t.Errorf("-h: %v", err)
	}
}

func TestInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		in   string
		err  string
	}{
		{nil, "default.csv", ""},
		{[]string{"a.csv"}, "a.csv", ""},
		{[]string{"-in", "a.csv"}, "a.csv", ""},
		{[]string{"-in", "a.csv", "a.csv"}, "a.csv", ""},
		{[]string{"-in", "a.csv", "b.csv"}, "", `two input files: -in "a.csv" and the argument "b.csv": give one`},
		{[]string{"a.csv", "b.csv"}, "", `2 arguments ("a.csv" "b.csv"): want one input file, or -in`},
		{[]string{""}, "", "the input file's name is empty"},
		{[]string{"-in", ""}, "", "no input file: give -in FILE, or the file as the argument"},
	} {
		fs, _, _ := newSet()
		if err := Parse(fs, tc.args, io.Discard); err != nil {
			t.Fatal(err)
		}
		in, err := Input(fs, "in")
		switch {
		case tc.err == "" && (err != nil || in != tc.in):
			t.Errorf("%q: %q, %v; want %q", tc.args, in, err, tc.in)
		case tc.err != "" && (err == nil || err.Error() != tc.err || !errors.Is(err, ErrUsage)):
			t.Errorf("%q: %v, want the usage error %q", tc.args, err, tc.err)
		}
	}
	fs, _, _ := newSet()
	Parse(fs, []string{"x"}, io.Discard)
	var stderr strings.Builder
	if err := NoArgs(fs); Status("prog", err, &stderr) != 2 || !strings.Contains(stderr.String(), `unexpected argument "x"`) {
		t.Errorf("NoArgs: %v, %q", err, stderr.String())
	}
	if code := Status("prog", errors.New("boom"), io.Discard); code != 1 {
		t.Errorf("another error: status %d", code)
	}
}
