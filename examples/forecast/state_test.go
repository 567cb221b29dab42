package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/forecast"
)

// TestState: with -state, a run on the log but its last day and a run on
// that day write the forecast.csv of a full run on the whole log, byte
// for byte; the same day again is refused, and the state is kept; an
// -end before the state's is refused naming -end.
func TestState(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(defaultConfig().In)
	if err != nil {
		t.Fatal(err)
	}
	whole := string(b)
	i := strings.Index(whole, ",2024-12-30,")
	i = strings.LastIndexByte(whole[:i], '\n') + 1
	header := whole[:strings.IndexByte(whole, '\n')+1]
	base, day := filepath.Join(dir, "base.csv"), filepath.Join(dir, "day.csv")
	if err := os.WriteFile(base, []byte(whole[:i]), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(day, []byte(header+whole[i:]), 0o644); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	var progress bytes.Buffer
	for k, in := range []string{base, day} {
		if err := run([]string{"-state", state, "-out", filepath.Join(dir, "inc"), in}, io.Discard, &progress); err != nil {
			t.Fatalf("run %d: %v\n%s", k, err, progress.String())
		}
	}
	if !strings.Contains(progress.String(), "saved the state of 3000 customers, 7348 transactions") {
		t.Errorf("progress does not report the state saved:\n%s", progress.String())
	}
	if err := run([]string{"-out", filepath.Join(dir, "full"), defaultConfig().In}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	inc, _ := os.ReadFile(filepath.Join(dir, "inc", "forecast.csv"))
	full, _ := os.ReadFile(filepath.Join(dir, "full", "forecast.csv"))
	if len(full) == 0 || !bytes.Equal(inc, full) {
		t.Errorf("forecast.csv of the incremental runs (%d bytes) differs from the full run's (%d bytes)", len(inc), len(full))
	}
	saved, _ := os.ReadFile(filepath.Join(state, stateFile))
	err = run([]string{"-state", state, "-out", filepath.Join(dir, "again"), day}, io.Discard, io.Discard)
	if !errors.Is(err, forecast.ErrAlreadyApplied) {
		t.Errorf("the same day again: %v, want ErrAlreadyApplied", err)
	} else if msg := err.Error(); !strings.HasPrefix(msg, day+": the log was applied") || strings.Count(msg, "forecast:") != 0 {
		// cli.Status prefixes the command's name: one "forecast:" in all.
		t.Errorf("the same day again: %q, want the file and the message without the library's prefix", msg)
	}
	err = run([]string{"-state", state, "-out", filepath.Join(dir, "again"), "-end", "2024-12-29", day}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-end") {
		t.Errorf("-end before the state's: %v, want an error naming -end", err)
	}
	if now, _ := os.ReadFile(filepath.Join(state, stateFile)); !bytes.Equal(now, saved) {
		t.Error("a refused run changed the saved state")
	}
}
