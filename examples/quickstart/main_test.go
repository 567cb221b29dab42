package main

import (
	"io"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/internal/readme"
)

// TestREADME runs the README's command from the repository's root and
// checks what it prints: the two models and eight customers.
func TestREADME(t *testing.T) {
	cmds := readme.For(t, "../../README.md", "", "./examples/quickstart")
	t.Chdir("../..")
	for _, c := range cmds {
		var out strings.Builder
		if err := run(c.Args, &out, io.Discard); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 10 || !strings.HasPrefix(lines[0], "BG/NBD{") || !strings.HasPrefix(lines[1], "customer") {
			t.Errorf("%s: output:\n%s", c, out.String())
		}
	}
}

// TestArguments: the program takes no arguments; it finds its data from
// any directory of the repository.
func TestArguments(t *testing.T) {
	if err := run([]string{"mydata.csv"}, io.Discard, io.Discard); err == nil || cli.Status("quickstart", err, io.Discard) != 2 {
		t.Errorf("an argument: %v", err)
	}
	var out strings.Builder
	if err := run(nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "BG/NBD{") {
		t.Errorf("from examples/quickstart: %v\n%s", err, out.String())
	}
}
