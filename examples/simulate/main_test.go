package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/internal/readme"
)

// TestREADME runs the README's commands from the repository's root, the
// output sent to a temporary directory: -out testdata/transactions.csv
// writes the synthetic log byte for byte; the 10⁶-customer log (15 s,
// 0.5 GB) is made only with CLVKIT_LONG set (.ci/run sets it).
func TestREADME(t *testing.T) {
	cmds := readme.For(t, "../../README.md", "", "./examples/simulate")
	t.Chdir("../..")
	for _, c := range cmds {
		t.Run(fmt.Sprintf("line%d", c.Line), func(t *testing.T) {
			if strings.Contains(c.String(), "-customers") && (testing.Short() || os.Getenv("CLVKIT_LONG") == "") {
				t.Skipf("%s takes 15 s and 0.5 GB (set CLVKIT_LONG=1 to run it)", c)
			}
			dir := t.TempDir()
			out := filepath.Join(dir, "transactions.csv")
			var stderr strings.Builder
			if err := run(readme.Redirect(c.Args, "-out", out), io.Discard, &stderr); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			if !strings.HasPrefix(stderr.String(), "wrote ") {
				t.Errorf("%s: %s", c, stderr.String())
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(c.String(), "testdata/transactions.csv") {
				want, err := os.ReadFile("testdata/transactions.csv")
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s: the log differs from testdata/transactions.csv", c)
				}
			} else if n := bytes.Count(got, []byte("\n")); n < 1_000_000 {
				t.Errorf("%s: %d lines", c, n)
			}
		})
	}
}

func TestArguments(t *testing.T) {
	for _, args := range [][]string{{"out.csv"}, {"-customers", "0"}, {"-customers", "x"}} {
		err := run(args, io.Discard, io.Discard)
		if code := cli.Status("simulate", err, io.Discard); code != 2 {
			t.Errorf("%q: %v, exit status %d", args, err, code)
		}
	}
}

func TestGenerate(t *testing.T) {
	c := Config{Customers: 500, Seed: 3, Start: "2024-01-01", End: "2024-12-31",
		Purchase: bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}, Spend: gammagamma.Params{P: 6, Q: 4, Gamma: 15}}
	a, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(c)
	if len(a) != len(b) || len(a) < 500 {
		t.Fatalf("%d and %d transactions", len(a), len(b))
	}
	ids := map[string]bool{}
	end, _ := time.Parse(time.DateOnly, c.End)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("not deterministic at %d", i)
		}
		if a[i].amount <= 0 || a[i].day.After(end) || (i > 0 && a[i].day.Before(a[i-1].day)) {
			t.Fatalf("transaction %d: %+v", i, a[i])
		}
		ids[a[i].id] = true
	}
	if len(ids) != 500 {
		t.Errorf("%d customers, want 500", len(ids))
	}
	c.Start = "Jan"
	if _, err := Generate(c); err == nil {
		t.Error("bad start accepted")
	}
}

// TestRegeneratesTestdata: the default configuration writes
// testdata/transactions.csv and its parameters byte for byte.
func TestRegeneratesTestdata(t *testing.T) {
	out := filepath.Join(t.TempDir(), "transactions.csv")
	if _, err := write(defaultConfig(), out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"transactions.csv", "transactions.params.json"} {
		got, err := os.ReadFile(filepath.Join(filepath.Dir(out), name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from testdata/%s (%d vs %d bytes)", name, name, len(got), len(want))
		}
	}
}
