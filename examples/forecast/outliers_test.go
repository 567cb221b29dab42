package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/internal/cli"
)

// TestSpendOutliersHint: a log whose spend model fails on amounts far
// outside its bulk (three repeat amounts of 1e308) is told, after the
// spend model's error, to check those amounts, from the line of the
// largest, or to forecast purchases only.
func TestSpendOutliersHint(t *testing.T) {
	b, err := os.ReadFile(cli.ModuleFile("testdata/transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.SplitAfter(string(b), "\n")
	seen := map[string]bool{}
	first := 0
	for n, huge := 1, 0; n < len(rows) && huge < 3; n++ {
		id, _, _ := strings.Cut(rows[n], ",")
		if seen[id] {
			rows[n] = rows[n][:strings.LastIndexByte(rows[n], ',')+1] + "1e308\n"
			if huge++; first == 0 {
				first = n + 1
			}
		}
		seen[id] = true
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "huge.csv")
	if err := os.WriteFile(in, []byte(strings.Join(rows, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	err = run([]string{"-model", "bgnbd", "-out", dir, in}, io.Discard, io.Discard)
	for _, w := range []string{in + ": gammagamma: ", "; amounts far outside the log's bulk may be why: 3 of ",
		fmt.Sprintf("the largest, 1e+308, on line %d\n", first),
		fmt.Sprintf("(check the 3 amounts far outside the log's bulk, the largest on line %d: fix or remove", first), `-amount "")`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("run: %v; want %q", err, w)
		}
	}
}
