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

// TestInputHints: the first errors a shop's export meets name what to
// change: a header that is one field holding ';' (-delim), a date in
// another layout (-layout, with the layout of such dates), an amount with
// commas between thousands (not -decimal-comma, which is for 1.234,50).
func TestInputHints(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	de := write("de.csv", "customer_id;date;amount\r\na;31.12.2024;12,50 €\r\n")
	us := write("us.csv", "customer_id,date,amount\na,2024-01-02,\"1,234.50\"\n")
	for _, tc := range []struct {
		args     []string
		sentinel error
		want     string
	}{
		{[]string{de}, clv.ErrUnknownColumn, "(the header is one field holding ';': -delim ';')"},
		{[]string{de, "-delim", ";", "-decimal-comma"}, clv.ErrBadTime,
			"(dates written otherwise: -layout, in Go's reference time; for 31.12.2024, -layout 02.01.2006)"},
		{[]string{us}, clv.ErrBadAmount,
			"(amounts with commas between thousands, such as 1,234.50, are not read: export the column without " +
				"the thousands separator; -decimal-comma is for 1.234,50)"},
	} {
		err := run(append(tc.args, "-out", dir), io.Discard, io.Discard)
		if !errors.Is(err, tc.sentinel) || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("%q: %v\nwant it to end %q", tc.args, err, tc.want)
		}
	}
}
