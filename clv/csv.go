package clv

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/clvkit/clvkit/internal/ingest"
	"io"
	"strconv"
	"strings"
	"time"
)

// DefaultLayouts are the time layouts a Reader tries when CSVOptions.Layouts
// is nil: ISO dates, compact dates (CDNOW's 19970101), ISO date-times and
// RFC 3339.
var DefaultLayouts = []string{"2006-01-02", "20060102", "2006-01-02 15:04:05", time.RFC3339}

// CSVOptions configures a Reader. The zero value reads a comma-separated
// file with a header, customer ids in column "customer_id", dates in column
// "date" in one of DefaultLayouts, and no amounts.
type CSVOptions struct {
	// Delimiter separates fields. Zero means ','. A space (' ') means runs
	// of blanks (spaces and tabs), with leading and trailing blanks ignored,
	// as in the CDNOW files. Fields may be quoted with '"' (a quote inside a
	// quoted field is written twice); a quoted field cannot span lines.
	Delimiter rune

	// NoHeader says the first line is a record rather than column names.
	NoHeader bool

	// ID, Time and Amount select the columns: a header name, or a 1-based
	// column number in decimal ("3"). A header name takes precedence over a
	// number. Without a header, only numbers can be used. The zero values
	// are "customer_id", "date", and no amount column (amounts are 0).
	ID, Time, Amount string

	// Layouts are the time layouts tried, in order (see time.Parse); the
	// layout that parsed the previous record is tried first. Nil means
	// DefaultLayouts.
	Layouts []string

	// Location is the time zone of times written without one. Nil means UTC.
	Location *time.Location

	// SkipInvalid skips records that cannot be used (bad field count, date,
	// amount or id, a line over MaxLineBytes) instead of returning an
	// error; Stats counts them by reason and keeps the first few errors.
	SkipInvalid bool

	// DecimalComma reads amounts written with a decimal comma, as in
	// Germany or France: "12,50" is 12.5, and "1.234,50" and "1 234,50"
	// are 1234.5 (points, or blanks: a space, U+00A0 or U+202F, then only
	// group thousands, by threes, one kind in a number). Use it with a
	// delimiter other than ',' (and other than a blank, for blanks).
	// With or without it, a currency symbol (€ $ £ ¥) and blanks before
	// or after the number are ignored: "12,50 €", "$12.50".
	DecimalComma bool

	// MaxLineBytes bounds the length of a line; a longer line is an error
	// wrapping ErrLongLine as soon as more than MaxLineBytes of it are
	// read, and is never kept, so that no input, not even an endless
	// stream, can exhaust memory or hang the reader. With SkipInvalid it
	// is skipped, read to its end up to 64 times MaxLineBytes; a longer
	// one ends reading with an error wrapping ErrRead and ErrLongLine.
	// Zero means 1 MiB.
	MaxLineBytes int
}

// DefaultMaxLineBytes is the line length limit when CSVOptions.MaxLineBytes
// is zero.
const DefaultMaxLineBytes = 1 << 20

// A Reader reads transactions from a delimited text file. It reads one line
// at a time; memory does not grow with the file.
type Reader struct {
	opts    CSVOptions
	lines   *ingest.Lines
	line    int // line number of the last line read
	fields  [][]byte
	header  []string
	idCol   int // 0-based
	timeCol int
	amtCol  int // -1: none
	maxCol  int
	nfields int // fields per record: the header's, or the first record's
	tp      ingest.TimeParser
	stats   Stats
}

// NewReader returns a Reader for r. It reads the header (unless
// opts.NoHeader) and resolves the columns, so an unknown column is reported
// here, wrapping ErrUnknownColumn.
func NewReader(r io.Reader, opts CSVOptions) (*Reader, error) {
	if isNil(r) {
		return nil, errNilInput
	}
	if opts.Delimiter == 0 {
		opts.Delimiter = ','
	}
	if opts.Delimiter == '"' || opts.Delimiter == '\n' || opts.Delimiter == '\r' || opts.Delimiter >= 0x80 {
		return nil, fmt.Errorf("%w: delimiter %q (want an ASCII character other than quote and newline)", ErrBadOption, opts.Delimiter)
	}
	if opts.ID == "" {
		opts.ID = "customer_id"
	}
	if opts.Time == "" {
		opts.Time = "date"
	}
	if opts.Layouts == nil {
		opts.Layouts = DefaultLayouts
	}
	if len(opts.Layouts) == 0 {
		return nil, fmt.Errorf("%w: no time layouts", ErrBadOption)
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	if opts.MaxLineBytes == 0 {
		opts.MaxLineBytes = DefaultMaxLineBytes
	}
	if opts.MaxLineBytes < 0 {
		return nil, fmt.Errorf("%w: MaxLineBytes %d < 0", ErrBadOption, opts.MaxLineBytes)
	}
	if opts.DecimalComma && opts.Delimiter == ',' {
		return nil, fmt.Errorf("%w: DecimalComma with the delimiter ',' (use ';' or tab)", ErrBadOption)
	}
	lines, err := ingest.NewLines(r, opts.MaxLineBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRead, err)
	}
	rd := &Reader{opts: opts, lines: lines, tp: ingest.TimeParser{Layouts: opts.Layouts, Location: loc}}
	if !opts.NoHeader {
		ok, err := rd.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("%w: no header line", ErrEmptyLog)
		}
		rd.header = make([]string, len(rd.fields))
		for i, f := range rd.fields {
			rd.header[i] = strings.TrimSpace(string(f))
		}
		if len(rd.header) > 0 {
			rd.header[0] = strings.TrimPrefix(rd.header[0], "\ufeff") // byte-order mark
		}
	}
	if rd.idCol, err = rd.column("ID", opts.ID); err != nil {
		return nil, err
	}
	if rd.timeCol, err = rd.column("Time", opts.Time); err != nil {
		return nil, err
	}
	rd.amtCol = -1
	if opts.Amount != "" {
		if rd.amtCol, err = rd.column("Amount", opts.Amount); err != nil {
			return nil, err
		}
	}
	rd.maxCol = max(rd.idCol, rd.timeCol, rd.amtCol)
	return rd, nil
}

// errNilInput is returned for a nil io.Reader.
var errNilInput = fmt.Errorf("%w: nil io.Reader", ErrRead)

// errNilReader is returned by the methods of a nil *Reader.
var errNilReader = fmt.Errorf("%w: nil *Reader (use NewReader)", ErrRead)

// Header returns the column names read from the header, or nil.
func (r *Reader) Header() []string {
	if r == nil {
		return nil
	}
	return r.header
}

// Stats returns what the Reader has read and skipped so far.
func (r *Reader) Stats() Stats {
	if r == nil {
		return Stats{}
	}
	return r.stats
}

func (r *Reader) column(what, spec string) (int, error) {
	found := -1
	for i, h := range r.header {
		if h == spec {
			if found >= 0 {
				return 0, fmt.Errorf("%w: %s column %s appears twice in the header %s (use its number)", ErrUnknownColumn, what, ingest.Quote([]byte(spec)), ingest.QuoteAll(r.header))
			}
			found = i
		}
	}
	if found >= 0 {
		return found, nil
	}
	if n, err := strconv.Atoi(spec); err == nil && n >= 1 && n <= 1<<20 {
		if r.header != nil && n > len(r.header) {
			return 0, fmt.Errorf("%w: %s column %d: the header has %d columns %s", ErrUnknownColumn, what, n, len(r.header), ingest.QuoteAll(r.header))
		}
		return n - 1, nil
	}
	if r.header == nil {
		return 0, fmt.Errorf("%w: %s column %s: without a header, columns are 1-based numbers", ErrUnknownColumn, what, ingest.Quote([]byte(spec)))
	}
	return 0, fmt.Errorf("%w: %s column %s is not in the header %s", ErrUnknownColumn, what, ingest.Quote([]byte(spec)), ingest.QuoteAll(r.header))
}

// Read returns the next transaction, or io.EOF after the last. With
// SkipInvalid unset, a record that cannot be used is returned as a
// *ParseError; reading may continue after it.
func (r *Reader) Read() (Transaction, error) {
	if r == nil || r.lines == nil {
		return Transaction{}, errNilReader
	}
	for {
		id, t, amt, err := r.readRaw()
		if err == nil {
			return Transaction{CustomerID: string(id), Time: t, Amount: amt}, nil
		}
		if err == io.EOF || !r.opts.SkipInvalid || !isRecordError(err) {
			return Transaction{}, err
		}
		r.stats.skip(err)
	}
}

// ReadAll reads all remaining transactions. An empty log is an error
// wrapping ErrEmptyLog.
func (r *Reader) ReadAll() ([]Transaction, error) {
	if r == nil || r.lines == nil {
		return nil, errNilReader
	}
	// Fixed-size chunks, joined once at the end: growing one slice would
	// copy a large log several times over.
	const size = 1 << 16
	var chunks [][]Transaction
	cur := make([]Transaction, 0, 1024)
	var err error
	for {
		var t Transaction
		t, err = r.Read()
		if err != nil {
			break
		}
		if len(cur) == cap(cur) {
			chunks = append(chunks, cur)
			cur = make([]Transaction, 0, size)
		}
		cur = append(cur, t)
	}
	chunks = append(chunks, cur)
	n := 0
	for _, c := range chunks {
		n += len(c)
	}
	ts := make([]Transaction, 0, n)
	for _, c := range chunks {
		ts = append(ts, c...)
	}
	if err != io.EOF {
		return ts, err
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: no records (%v)", ErrEmptyLog, r.stats)
	}
	return ts, nil
}

func isRecordError(err error) bool {
	var pe *ParseError
	return errors.As(err, &pe)
}

// readRaw parses the next record. The returned id aliases the Reader's
// buffer and is valid until the next call.
func (r *Reader) readRaw() (id []byte, t time.Time, amt float64, err error) {
	ok, err := r.next()
	if ok || isRecordError(err) {
		r.stats.Records++
	}
	if err != nil {
		return nil, t, 0, err
	}
	if !ok {
		return nil, t, 0, io.EOF
	}
	if r.nfields == 0 {
		r.nfields = len(r.header)
		if r.nfields == 0 {
			r.nfields = len(r.fields)
		}
	}
	if len(r.fields) != r.nfields || len(r.fields) <= r.maxCol {
		want := max(r.nfields, r.maxCol+1)
		return nil, t, 0, &ParseError{Line: r.line, Err: fmt.Errorf("%w: %d fields, want %d (a delimiter inside an unquoted field shifts the columns)", ErrFieldCount, len(r.fields), want)}
	}
	id = bytes.TrimSpace(r.fields[r.idCol])
	if len(id) == 0 {
		return nil, t, 0, r.fieldErr(r.idCol, ErrMissingID)
	}
	ts := bytes.TrimSpace(r.fields[r.timeCol])
	t, err = r.tp.Parse(ts)
	if err != nil {
		return nil, t, 0, r.fieldErr(r.timeCol, fmt.Errorf("%w %s", ErrBadTime, ingest.Quote(ts)))
	}
	if r.amtCol >= 0 {
		as := bytes.TrimSpace(r.fields[r.amtCol])
		amt, err = ingest.ParseAmount(as, r.opts.DecimalComma)
		if err != nil {
			return nil, t, 0, r.fieldErr(r.amtCol, err)
		}
		r.stats.Amounts.add(amt, r.line)
	}
	return id, t, amt, nil
}

func (r *Reader) fieldErr(col int, err error) error {
	return r.fieldErrAt(r.line, col, err)
}

// fieldErrAt returns a *ParseError for column col (0-based, -1 for none) of
// the given line.
func (r *Reader) fieldErrAt(line, col int, err error) error {
	pe := &ParseError{Line: line, Column: col + 1, Err: err}
	if col >= 0 && col < len(r.header) {
		pe.Name = r.header[col]
	}
	return pe
}

// next reads the next non-blank line and splits it into r.fields. It
// reports false at the end of the input.
func (r *Reader) next() (bool, error) {
	for {
		if r.lines.EOF() {
			return false, nil
		}
		line, err := r.lines.Next()
		var long ingest.LongLineError
		if errors.As(err, &long) {
			hint := ""
			if long.Binary {
				hint = " (it holds NUL bytes: the input is not a text log)"
			}
			if long.Endless { // not skipped: reading ends
				return false, fmt.Errorf("%w at line %d: %w: over %d bytes, too long to skip%s", ErrRead, r.line, ErrLongLine, long.N, hint)
			}
			r.line++
			return false, &ParseError{Line: r.line, Err: fmt.Errorf("%w: %d bytes or more, over the limit of %d bytes%s", ErrLongLine, long.N, r.opts.MaxLineBytes, hint)}
		}
		if err == io.EOF {
			if len(line) == 0 {
				return false, nil
			}
		} else if err != nil {
			return false, fmt.Errorf("%w at line %d: %w", ErrRead, r.line+1, err)
		}
		r.line++
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if r.fields, err = ingest.Split(r.fields, line, byte(r.opts.Delimiter)); err != nil {
			return false, &ParseError{Line: r.line, Err: err}
		}
		return true, nil
	}
}
