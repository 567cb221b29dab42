package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDelimHint: a comma-separated log read with -delim ';' is told
// "-delim ','; or leave -delim out"; the same error explained for a
// Config whose delimiter was not given as a flag (c.set without delim)
// says -delim ',' alone.
func TestDelimHint(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "comma.csv")
	if err := os.WriteFile(path, []byte("customer_id,date,amount\na,2024-01-01,5\na,2024-02-01,6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"-out", filepath.Join(dir, "out"), "-delim", ";", path}, io.Discard, io.Discard)
	const given = "(the header is one field holding ',': -delim ','; or leave -delim out)"
	if err == nil || !strings.Contains(err.Error(), given) {
		t.Fatalf("-delim ';': %v", err)
	}
	var ex explained
	if !errors.As(err, &ex) {
		t.Fatalf("%T: not explained", err)
	}
	got := Config{Delim: ";"}.explain("comma.csv", ex.err).Error()
	if want := "(the header is one field holding ',': -delim ',')"; !strings.Contains(got, want) || strings.Contains(got, "leave -delim out") {
		t.Errorf("-delim not given: %s\nwant it to contain %q", got, want)
	}
}
