package main

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	in := findDefault("testdata/subscriptions.csv")
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
	if err := analyze(&out, findDefault("testdata/subscriptions.csv"), dir, 10, 0.01); err != nil {
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
