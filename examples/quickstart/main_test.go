package main

import (
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out, "../../testdata/transactions.csv"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 10 || !strings.HasPrefix(lines[0], "BG/NBD{") || !strings.HasPrefix(lines[1], "customer") {
		t.Errorf("output:\n%s", out.String())
	}
}
