package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/clvkit/clvkit/internal/cli"
)

// layoutProbes are the times checkLayout writes with a -layout and reads
// back: Go's reference time itself (a layout with an element mistyped,
// such as 13 for 01, writes it as the layout and cannot read it back), a
// time whose every element has two digits, and one whose month, day and
// hour have one.
var layoutProbes = [...]time.Time{
	time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC),
	time.Date(2024, 11, 23, 17, 45, 56, 123456789, time.UTC),
	time.Date(2025, 3, 7, 8, 9, 7, 0, time.UTC),
}

// checkLayout refuses a -layout that time.Parse cannot read the dates of:
// one holding no element of Go's reference time (YYYY-MM-DD, %d.%m.%Y),
// whose dates are the layout itself, or one that cannot read back the
// dates it writes (2006-13-01 writes 2006-01-02 as 2006-13-01 and reads
// month 13). Before, such a layout met the log's first date as an
// unparseable date, which named the line and not the flag. A layout that
// reads back what it writes is accepted, whether or not it suits the log.
func checkLayout(layout string) error {
	const how = "write that time as the log writes its dates, e.g. 2006-01-02 for 2024-12-31, 02.01.2006 for 31.12.2024, " +
		"01/02/2006 for 12/31/2024, 2006-01-02 15:04 for 2024-12-31 23:59"
	if layoutProbes[1].Format(layout) == layout {
		return cli.Usagef("-layout %q: holds no element of Go's reference time 2006-01-02 15:04:05 (Mon Jan 2 15:04:05 MST 2006): %s", layout, how)
	}
	for _, t := range layoutProbes {
		s := t.Format(layout)
		_, err := time.Parse(layout, s)
		if err == nil {
			continue
		}
		why := err.Error()
		if pe := (*time.ParseError)(nil); errors.As(err, &pe) {
			why = fmt.Sprintf("cannot parse %q as %q", pe.ValueElem, pe.LayoutElem)
			if pe.Message != "" {
				why = strings.TrimPrefix(pe.Message, ": ")
			}
		}
		return cli.Usagef("-layout %q: time.Parse cannot read back the dates it writes (it writes %s as %q and reads: %s): "+
			"a layout is Go's reference time 2006-01-02 15:04:05; %s", layout, t.Format("2006-01-02 15:04:05"), s, why, how)
	}
	return nil
}
