package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/campaign"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/internal/readme"
)

// interval reads "v [lo, hi]" after the row's label.
func interval(t *testing.T, out, row string) (v, lo, hi float64) {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(row) + `[^\n]*?\s(-?[\d.]+) \[(-?[\d.]+), (-?[\d.]+)\]`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no row %q in\n%s", row, out)
	}
	f := func(s string) float64 { x, _ := strconv.ParseFloat(s, 64); return x }
	return f(m[1]), f(m[2]), f(m[3])
}

// truth reads the simulated truth row.
func truth(t *testing.T, out string) float64 {
	t.Helper()
	m := regexp.MustCompile(`\(truth\)\s+(-?\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no truth row in\n%s", out)
	}
	x, _ := strconv.ParseFloat(m[1], 64)
	return x
}

// TestREADME runs the README's commands of this program from the
// repository's root: each prints the table, and on the simulated logs the
// difference-in-differences 90% interval covers the purchases the uplift
// caused (zero with -uplift 0). The model's own interval need not: on a
// log of dates it expects a few percent too much of customers first seen
// weeks before the date (see the README), which the DiD corrects.
func TestREADME(t *testing.T) {
	cmds := readme.For(t, "../../README.md", "", "./examples/campaign")
	if len(cmds) < 3 {
		t.Fatalf("the README shows %d commands of examples/campaign, want 3: %v", len(cmds), cmds)
	}
	t.Chdir("../..")
	for _, c := range cmds {
		t.Run(fmt.Sprintf("line%d", c.Line), func(t *testing.T) {
			var stdout, stderr strings.Builder
			if err := run(c.Args, &stdout, &stderr); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			out := stdout.String()
			interval(t, out, "incremental, model")
			_, lo, hi := interval(t, out, "difference in differences")
			if !strings.Contains(stderr.String(), "one-time buyers") {
				t.Errorf("%s: stderr %q", c, stderr.String())
			}
			if strings.Contains(c.String(), "-log") {
				return
			}
			want := truth(t, out)
			if strings.Contains(c.String(), "-uplift 0") && want != 0 {
				t.Errorf("%s: truth %v with -uplift 0", c, want)
			}
			if !(lo <= want && want <= hi) {
				t.Errorf("%s: the DiD interval [%v, %v] misses the truth %v", c, lo, hi, want)
			}
		})
	}
}

// TestArguments: bad flags are usage errors, bad input errors that say why.
func TestArguments(t *testing.T) {
	dir := t.TempDir()
	ids := filepath.Join(dir, "ids.txt")
	if err := os.WriteFile(ids, []byte("C00001\nnobody\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	log := "../../testdata/transactions.csv"
	for _, tc := range []struct {
		args  []string
		usage bool
		is    error
		says  string
	}{
		{[]string{"extra"}, true, nil, "unexpected argument"},
		{[]string{"-customers", "0"}, true, nil, "-customers"},
		{[]string{"-window", "0"}, true, nil, "-window"},
		{[]string{"-date", "2024-13-01"}, true, nil, "-date"},
		{[]string{"-draws", "1"}, true, nil, "-draws"},
		{[]string{"-model", "x"}, true, nil, "-model"},
		{[]string{"-uplift", "-1"}, true, nil, "-uplift"},
		{[]string{"-contacted", ids}, true, nil, "with -log"},
		{[]string{"-log", filepath.Join(dir, "missing.csv")}, false, os.ErrNotExist, ""},
		{[]string{"-log", log, "-date", "2025-06-01"}, false, nil, "nothing to measure"},
		{[]string{"-log", log, "-contacted", ids, "-model", "bgnbd"}, false, campaign.ErrUnknownCustomer, `"nobody"`},
		{[]string{"-margin", "2"}, true, nil, "-margin"},
		{[]string{"-level", "1"}, true, nil, "-level"},
		{[]string{"-cost", "-1"}, true, nil, "-cost"},
		{[]string{"-min-age", "-1"}, true, nil, "-min-age"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := run(tc.args, &strings.Builder{}, &strings.Builder{})
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, cli.ErrUsage) != tc.usage {
				t.Errorf("%v: usage error %v, want %v", err, !tc.usage, tc.usage)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("%v does not wrap %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("%v does not say %q", err, tc.says)
			}
		})
	}
}
