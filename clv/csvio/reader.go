package csvio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/ingest"
	"github.com/clvkit/clvkit/internal/nilmodel"
)

// DefaultLayouts are the time layouts a Reader tries when Options.Layouts
// is nil: ISO dates, compact dates (CDNOW's 19970101), ISO date-times
// without an offset (with a space or a "T" before the time) and RFC 3339.
var DefaultLayouts = []string{"2006-01-02", "20060102", "2006-01-02 15:04:05", "2006-01-02T15:04:05", time.RFC3339}

// Options configures a Reader. The zero value reads a comma-separated
// file with a header, customer ids in column "customer_id", dates in column
// "date" in one of DefaultLayouts, and no amounts.
type Options struct {
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
	// error; clv.Stats counts them by reason and keeps the first few errors.
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
	// wrapping clv.ErrLongLine as soon as more than MaxLineBytes of it are
	// read, and is never kept, so that no input, not even an endless
	// stream, can exhaust memory or hang the reader. With SkipInvalid it
	// is skipped, read to its end up to 64 times MaxLineBytes; a longer
	// one ends reading with an error wrapping clv.ErrRead and clv.ErrLongLine.
	// Zero means 1 MiB.
	MaxLineBytes int
}

// DefaultMaxLineBytes is the line length limit when Options.MaxLineBytes
// is zero.
const DefaultMaxLineBytes = 1 << 20

// A Reader reads transactions from a delimited text file. It reads one line
// at a time; memory does not grow with the file.
type Reader struct {
	opts    Options
	recs    *ingest.Records // lines split into fields, and the line number
	header  []string
	idCol   int // 0-based
	timeCol int
	amtCol  int // -1: none
	maxCol  int
	nfields int // fields per record: the header's, or the first record's
	tp      ingest.TimeParser
	stats   clv.Stats
}

// NewReader returns a Reader for r. It reads the header (unless
// opts.NoHeader) and resolves the columns, so an unknown column is reported
// here, wrapping clv.ErrUnknownColumn.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	if nilmodel.Is(r) {
		return nil, errNilInput
	}
	if opts.Delimiter == 0 {
		opts.Delimiter = ','
	}
	if opts.Delimiter == '"' || opts.Delimiter == '\n' || opts.Delimiter == '\r' || opts.Delimiter >= 0x80 {
		return nil, fmt.Errorf("%w: delimiter %q (want an ASCII character other than quote and newline)", clv.ErrBadOption, opts.Delimiter)
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
		return nil, fmt.Errorf("%w: no time layouts", clv.ErrBadOption)
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	if opts.MaxLineBytes == 0 {
		opts.MaxLineBytes = DefaultMaxLineBytes
	}
	if opts.MaxLineBytes < 0 {
		return nil, fmt.Errorf("%w: MaxLineBytes %d < 0", clv.ErrBadOption, opts.MaxLineBytes)
	}
	if opts.DecimalComma && opts.Delimiter == ',' {
		return nil, fmt.Errorf("%w: DecimalComma with the delimiter ',' (use ';' or tab)", clv.ErrBadOption)
	}
	recs, err := ingest.NewRecords(r, opts.MaxLineBytes, byte(opts.Delimiter))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", clv.ErrRead, err)
	}
	rd := &Reader{opts: opts, recs: recs, tp: ingest.TimeParser{Layouts: opts.Layouts, Location: loc}}
	if !opts.NoHeader {
		ok, err := rd.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("%w: no header line", clv.ErrEmptyLog)
		}
		rd.header = make([]string, len(rd.recs.Fields))
		for i, f := range rd.recs.Fields {
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
var errNilInput = fmt.Errorf("%w: nil io.Reader", clv.ErrRead)

// errNilReader is returned by the methods of a nil *Reader.
var errNilReader = fmt.Errorf("%w: nil *Reader (use NewReader)", clv.ErrRead)

// Header returns the column names read from the header, or nil.
func (r *Reader) Header() []string {
	if r == nil {
		return nil
	}
	return r.header
}

// Line returns the line number (from 1) of the record Read last
// returned, 0 before the first; callers that check transactions
// themselves name it in their errors.
func (r *Reader) Line() int {
	if r == nil || r.recs == nil {
		return 0
	}
	return r.recs.Line
}

// Stats returns what the Reader has read and skipped so far.
func (r *Reader) Stats() clv.Stats {
	if r == nil {
		return clv.Stats{}
	}
	return r.stats
}

func (r *Reader) column(what, spec string) (int, error) {
	return ingest.Column(r.header, what, spec, clv.ErrUnknownColumn)
}

// Read returns the next transaction, or io.EOF after the last. With
// SkipInvalid unset, a record that cannot be used is returned as a
// *clv.ParseError; reading may continue after it.
func (r *Reader) Read() (clv.Transaction, error) {
	if r == nil || r.recs == nil {
		return clv.Transaction{}, errNilReader
	}
	for {
		id, t, amt, err := r.readRaw()
		if err == nil {
			return clv.Transaction{CustomerID: string(id), Time: t, Amount: amt}, nil
		}
		if err == io.EOF || !r.opts.SkipInvalid || !isRecordError(err) {
			return clv.Transaction{}, err
		}
		r.stats.Skip(err)
	}
}

// ReadAll reads all remaining transactions. An empty log is an error
// wrapping clv.ErrEmptyLog.
func (r *Reader) ReadAll() ([]clv.Transaction, error) {
	if r == nil || r.recs == nil {
		return nil, errNilReader
	}
	ts, err := ingest.Collect(r.Read)
	if err != io.EOF {
		return ts, err
	}
	if len(ts) == 0 {
		return nil, fmt.Errorf("%w: no records (%v)", clv.ErrEmptyLog, r.stats)
	}
	return ts, nil
}

func isRecordError(err error) bool {
	var pe *clv.ParseError
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
			r.nfields = len(r.recs.Fields)
		}
	}
	if len(r.recs.Fields) != r.nfields || len(r.recs.Fields) <= r.maxCol {
		want := max(r.nfields, r.maxCol+1)
		return nil, t, 0, &clv.ParseError{Line: r.recs.Line, Err: fmt.Errorf("%w: %d fields, want %d (a delimiter inside an unquoted field shifts the columns)", clv.ErrFieldCount, len(r.recs.Fields), want)}
	}
	id = bytes.TrimSpace(r.recs.Fields[r.idCol])
	if len(id) == 0 {
		return nil, t, 0, r.fieldErr(r.idCol, clv.ErrMissingID)
	}
	ts := bytes.TrimSpace(r.recs.Fields[r.timeCol])
	t, err = r.tp.Parse(ts)
	if err != nil {
		return nil, t, 0, r.fieldErr(r.timeCol, fmt.Errorf("%w %s", clv.ErrBadTime, ingest.Quote(ts)))
	}
	if r.amtCol >= 0 {
		as := bytes.TrimSpace(r.recs.Fields[r.amtCol])
		amt, err = ingest.ParseAmount(as, r.opts.DecimalComma)
		if err != nil {
			return nil, t, 0, r.fieldErr(r.amtCol, err)
		}
		r.stats.Amounts.Add(amt, r.recs.Line)
	}
	return id, t, amt, nil
}

func (r *Reader) fieldErr(col int, err error) error {
	return r.fieldErrAt(r.recs.Line, col, err)
}

// fieldErrAt returns a *clv.ParseError for column col (0-based, -1 for none) of
// the given line.
func (r *Reader) fieldErrAt(line, col int, err error) error {
	pe := &clv.ParseError{Line: line, Column: col + 1, Err: err}
	if col >= 0 && col < len(r.header) {
		pe.Name = r.header[col]
	}
	return pe
}

// next reads the next non-blank line and splits it into r.recs.Fields.
// It reports false at the end of the input.
func (r *Reader) next() (bool, error) {
	ok, err := r.recs.Next()
	if le, isLE := err.(*ingest.LineError); isLE {
		return false, &clv.ParseError{Line: le.Line, Err: le.Err}
	}
	return ok, err
}
