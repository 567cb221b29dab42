package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/internal/readme"
)

// TestREADME runs the README's command from the repository's root, the
// output sent to a temporary directory.
func TestREADME(t *testing.T) {
	cmds := readme.For(t, "../../README.md", "", "./examples/subscriptions")
	t.Chdir("../..")
	for _, c := range cmds {
		dir := t.TempDir()
		var out strings.Builder
		if err := run(readme.Redirect(c.Args, "-out", dir), &out, io.Discard); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if !strings.Contains(out.String(), "chosen by BIC: BdW") {
			t.Errorf("%s: output:\n%s", c, out.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "subscribers.csv")); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
}

// TestArguments: the input file is -in's or the one argument.
func TestArguments(t *testing.T) {
	in := cli.ModuleFile("testdata/subscriptions.csv")
	var out strings.Builder
	if err := run([]string{in, "-out", t.TempDir()}, &out, io.Discard); err != nil || !strings.Contains(out.String(), "4000 subscriptions") {
		t.Errorf("the file as the argument: %v\n%s", err, out.String())
	}
	for _, args := range [][]string{{in, in}, {"-in", in, "other.csv"}, {"-margin", "0"}, {"-discount", "-1"}} {
		err := run(append(args, "-out", t.TempDir()), io.Discard, io.Discard)
		if code := cli.Status("subscriptions", err, io.Discard); code != 2 {
			t.Errorf("%q: %v, exit status %d", args, err, code)
		}
	}
	err := run([]string{filepath.Join(t.TempDir(), "missing.csv")}, io.Discard, io.Discard)
	if code := cli.Status("subscriptions", err, io.Discard); code != 1 || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("a missing file: %v, exit status %d", err, code)
	}
}

// TestRun: on the synthetic log (BdW with c = 0.8) the program chooses the
// BdW, values the active subscribers above the constant-retention formula,
// and writes one row per active subscriber and the plot.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	if err := analyze(&out, config{in: cli.ModuleFile("testdata/subscriptions.csv"), out: dir, margin: 10, discount: 0.01}); err != nil {
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
	want, err := os.ReadFile(cli.ModuleFile("testdata/subscriptions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(generate(), want) {
		t.Error("generate() differs from testdata/subscriptions.csv")
	}
}

// TestFutureEnd: one cancellation dated 2031 appended to the synthetic
// log (extracted on 2024-12-31). Without -end it moves the end of
// observation to 2031, which the output names with its line, and every
// active subscriber is credited with renewals to 2031: the model changes.
// With -end it is an error naming the line and the column; with
// -clip-after-end the subscription counts as active and the fit is the
// one of the log without the date.
func TestFutureEnd(t *testing.T) {
	orig, err := os.ReadFile(cli.ModuleFile("testdata/subscriptions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "subs.csv")
	if err := os.WriteFile(in, append(orig, "S99999,2023-06-01,2031-01-01\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	cfg := config{in: in, out: dir, margin: 10, discount: 0.01}
	runOut := func(c config) (string, error) {
		var out strings.Builder
		err := analyze(&out, c)
		return out.String(), err
	}
	s, err := runOut(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s, "observed to 2031-01-01, the latest date in the log (line 4002)") || strings.Contains(s, "chosen by BIC: BdW (c = 0.81") {
		t.Errorf("default end: the output should name line 4002 and the fit should move:\n%s", s)
	}
	cfg.end = end
	_, err = runOut(cfg)
	if err == nil || !strings.Contains(err.Error(), "line 4002") || !strings.Contains(err.Error(), `"end"`) || !strings.Contains(err.Error(), "-clip-after-end") {
		t.Errorf("-end 2024-12-31: %v, want an error naming line 4002, the column end and -clip-after-end", err)
	}
	cfg.clipAfterEnd = true
	s, err = runOut(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"4001 subscriptions in 24 monthly cohorts, 1815 still active on 2024-12-31", "1 subscriptions ending after -end counted as active", "chosen by BIC: BdW (c = 0.81"} {
		if !strings.Contains(s, want) {
			t.Errorf("-clip-after-end: output lacks %q:\n%s", want, s)
		}
	}
}

// TestFlags: flag errors name the flag.
func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-end", "2024-13-01"}, "-end"},
		{[]string{"-clip-after-end"}, "-clip-after-end needs -end"},
		{[]string{"-margin", "NaN"}, "-margin"},
		{[]string{"-discount", "-1"}, "-discount"},
	} {
		err := run(append(tc.args, "-out", t.TempDir()), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%v: %v, want a usage error naming %s", tc.args, err, tc.want)
		}
	}
	var out strings.Builder
	if err := run([]string{"-end", "2024-12-31", "-clip-after-end", "-out", t.TempDir()}, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "still active on 2024-12-31") {
		t.Errorf("-end 2024-12-31 -clip-after-end: %v\n%s", err, out.String())
	}
}
