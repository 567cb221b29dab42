package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/internal/cli"
)

// TestLayoutChecked: a -layout that time.Parse cannot read back the dates
// of (an element mistyped, or none at all) is a usage error naming
// -layout and Go's reference time, given when the flags are read (before
// the log: its file need not exist), not an unparseable date on line 2.
// Valid layouts pass, and one of them reads its log.
func TestLayoutChecked(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.csv")
	for _, tc := range []struct{ layout, want string }{
		{"2006-13-01", `-layout "2006-13-01": time.Parse cannot read back the dates it writes (it writes 2006-01-02 15:04:05 as "2006-13-01" and reads: month out of range): a layout is Go's reference time 2006-01-02 15:04:05`},
		{"2006-01-32", `-layout "2006-01-32": time.Parse cannot read back the dates it writes (it writes 2006-01-02 15:04:05 as "2006-01-32" and reads: hour out of range)`},
		{"20061202", `-layout "20061202": time.Parse cannot read back the dates it writes (it writes 2006-01-02 15:04:05 as "20061202" and reads: cannot parse "" as "02")`},
		{"YYYY-MM-DD", `-layout "YYYY-MM-DD": holds no element of Go's reference time 2006-01-02 15:04:05 (Mon Jan 2 15:04:05 MST 2006): write that time as the log writes its dates, e.g. 2006-01-02 for 2024-12-31, 02.01.2006 for 31.12.2024`},
		{"%d.%m.%Y", `-layout "%d.%m.%Y": holds no element of Go's reference time`},
	} {
		err := run([]string{"-layout", tc.layout, "-out", dir, missing}, io.Discard, io.Discard)
		if !errors.Is(err, cli.ErrUsage) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("-layout %s: %v (usage %t); want a usage error %q…", tc.layout, err, errors.Is(err, cli.ErrUsage), tc.want)
		}
	}
	for _, layout := range []string{"2006-01-02", "02.01.2006", "20060102", "2006-01-02T15:04:05Z07:00", "1/2/2006", "01/02/06",
		"2006-01-02 15:04:05 MST", "Mon, 02 Jan 2006 15:04:05 -0700", "2006-01-02 3:04PM", "2006-002", "Jan _2 2006", "2006-01"} {
		if err := checkLayout(layout); err != nil {
			t.Errorf("checkLayout(%q): %v", layout, err)
		}
	}
	// The shipped log with its dates written 31.12.2024.
	b, err := os.ReadFile(cli.ModuleFile("testdata/transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.SplitAfter(string(b), "\n")
	for i := 1; i < len(rows); i++ {
		if f := strings.Split(rows[i], ","); len(f) == 3 {
			y, m, d := f[1][:4], f[1][5:7], f[1][8:10]
			rows[i] = f[0] + "," + d + "." + m + "." + y + "," + f[2]
		}
	}
	in := filepath.Join(dir, "dots.csv")
	if err := os.WriteFile(in, []byte(strings.Join(rows, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-layout", "02.01.2006", "-model", "bgnbd", "-out", dir, in}, io.Discard, io.Discard); err != nil {
		t.Errorf("-layout 02.01.2006 on its log: %v", err)
	}
}
