package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Errors of reading; clv exports them under the same names.
var (
	ErrLongLine = errors.New("line too long")
	ErrRead     = errors.New("clv: cannot read the input")
)

// A LineError is an error about one line of the input, which clv reports
// as a *clv.ParseError.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns Err.
func (e *LineError) Unwrap() error { return e.Err }

// Records reads the records of delimited text: it splits each non-blank
// line into fields, counting lines, within the line limit of Lines.
type Records struct {
	lines  *Lines
	max    int
	delim  byte
	Line   int      // number of the last line read
	Fields [][]byte // the fields of the last record read, aliasing its line
}

// NewRecords returns Records reading r, with lines of at most max bytes
// and fields separated by delim (' ': runs of blanks, see Split).
func NewRecords(r io.Reader, max int, delim byte) (*Records, error) {
	lines, err := NewLines(r, max)
	if err != nil {
		return nil, err
	}
	return &Records{lines: lines, max: max, delim: delim}, nil
}

// Next reads the next non-blank line and splits it into Fields. It reports
// false at the end of the input. A line over the limit or with a bad
// quoted field is a *LineError, after which reading may continue; a line
// too long to skip, or a failure of the reader, ends reading with an error
// wrapping ErrRead.
func (r *Records) Next() (bool, error) {
	for {
		if r.lines.EOF() {
			return false, nil
		}
		line, err := r.lines.Next()
		var long LongLineError
		if errors.As(err, &long) {
			hint := ""
			if long.Binary {
				hint = " (it holds NUL bytes: the input is not a text log)"
			}
			if long.Endless { // not skipped: reading ends
				return false, fmt.Errorf("%w at line %d: %w: over %d bytes, too long to skip%s", ErrRead, r.Line, ErrLongLine, long.N, hint)
			}
			r.Line++
			return false, &LineError{Line: r.Line, Err: fmt.Errorf("%w: %d bytes or more, over the limit of %d bytes%s", ErrLongLine, long.N, r.max, hint)}
		}
		if err == io.EOF {
			if len(line) == 0 {
				return false, nil
			}
		} else if err != nil {
			return false, fmt.Errorf("%w at line %d: %w", ErrRead, r.Line+1, err)
		}
		r.Line++
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if r.Fields, err = Split(r.Fields, line, r.delim); err != nil {
			return false, &LineError{Line: r.Line, Err: err}
		}
		return true, nil
	}
}

// Column resolves a column spec, a header name or a 1-based number, to a
// 0-based column of header (nil: no header), naming it what in errors,
// which wrap unknown.
func Column(header []string, what, spec string, unknown error) (int, error) {
	found := -1
	for i, h := range header {
		if h == spec {
			if found >= 0 {
				return 0, fmt.Errorf("%w: %s column %s appears twice in the header %s (use its number)", unknown, what, Quote([]byte(spec)), QuoteAll(header))
			}
			found = i
		}
	}
	if found >= 0 {
		return found, nil
	}
	if n, err := strconv.Atoi(spec); err == nil && n >= 1 && n <= 1<<20 {
		if header != nil && n > len(header) {
			return 0, fmt.Errorf("%w: %s column %d: the header has %d columns %s", unknown, what, n, len(header), QuoteAll(header))
		}
		return n - 1, nil
	}
	if header == nil {
		return 0, fmt.Errorf("%w: %s column %s: without a header, columns are 1-based numbers", unknown, what, Quote([]byte(spec)))
	}
	return 0, fmt.Errorf("%w: %s column %s is not in the header %s", unknown, what, Quote([]byte(spec)), QuoteAll(header))
}
