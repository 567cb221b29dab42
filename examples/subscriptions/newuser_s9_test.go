package main

import (
	"io"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/internal/cli"
)

// TestStaleEnd: an -end long after the log's latest date (a stale extract
// run with today's date) is noted with the gap and the line of the latest
// date, since it credits every active subscriber with renewals through
// the gap; an -end within a month of it is not (issue #18).
func TestStaleEnd(t *testing.T) {
	in := cli.ModuleFile("testdata/subscriptions.csv")
	for _, tc := range []struct {
		end  string
		note bool
	}{{"2026-12-03", true}, {"2025-01-15", false}} {
		var out strings.Builder
		if err := run([]string{"-end", tc.end, "-out", t.TempDir(), in}, &out, io.Discard); err != nil {
			t.Fatalf("-end %s: %v", tc.end, err)
		}
		want := "note: -end 2026-12-03 is 702 days after the latest date in the log (2024-12-31, line 63)"
		if got := strings.Contains(out.String(), "note: -end"); got != tc.note || tc.note && !strings.Contains(out.String(), want) {
			t.Errorf("-end %s: output:\n%s\nwant note %v (%q)", tc.end, out.String(), tc.note, want)
		}
	}
}
