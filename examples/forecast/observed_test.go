package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestOneDayLog: a log whose customers were all first seen on its last day
// fails, for each purchase model, with clv.ErrNotIdentified naming that
// model and the flag that helps (-end).
func TestOneDayLog(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "one.csv")
	if err := os.WriteFile(in, []byte("customer_id,date,amount\na,2024-01-01,10\nb,2024-01-01,12\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for model, name := range map[string]string{"bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD", "paretonbd": "Pareto/NBD"} {
		err := run([]string{in, "-model", model, "-out", filepath.Join(dir, "out")}, io.Discard, io.Discard)
		if !errors.Is(err, clv.ErrNotIdentified) {
			t.Fatalf("-model %s: %v, want clv.ErrNotIdentified", model, err)
		}
		for _, want := range []string{name + ": ", "every customer has T = 0", "give a later -end"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("-model %s: %q does not say %q", model, err, want)
			}
		}
	}
}
