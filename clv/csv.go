package clv

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
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
	// Germany or France: "12,50" is 12.5 and "1.234,50" 1234.5 (a point
	// then only groups thousands). Use it with a delimiter other than ','.
	// With or without it, a currency symbol (€ $ £ ¥) and blanks before
	// or after the number are ignored: "12,50 €", "$12.50".
	DecimalComma bool

	// MaxLineBytes bounds the length of a line; a longer line is an error
	// wrapping ErrLongLine (skipped with SkipInvalid), read to its end
	// without being kept, so that no input can exhaust memory. Zero means
	// 1 MiB.
	MaxLineBytes int
}

// DefaultMaxLineBytes is the line length limit when CSVOptions.MaxLineBytes
// is zero.
const DefaultMaxLineBytes = 1 << 20

// maxQuote bounds how much of a field or header an error message quotes.
const maxQuote = 100

// quote returns b quoted as %q does, cut to its first maxQuote bytes (and
// marked so) when longer: error messages never carry a whole huge or
// binary field.
func quote(b []byte) string {
	if len(b) <= maxQuote {
		return strconv.Quote(string(b))
	}
	return strconv.Quote(string(b[:maxQuote])) + fmt.Sprintf("… (%d bytes)", len(b))
}

// quoteAll quotes the names of a header for an error message, each cut as
// by quote, at most 20 of them.
func quoteAll(names []string) string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, n := range names {
		if i == 20 {
			fmt.Fprintf(&sb, " … %d more", len(names)-20)
			break
		}
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(quote([]byte(n)))
	}
	sb.WriteByte(']')
	return sb.String()
}

// Stats counts what a Reader or a Summarizer read and what it skipped.
type Stats struct {
	Records  int            // data records read (skipped ones included)
	Skipped  int            // records skipped
	Reasons  map[string]int // skipped records by reason
	Examples []error        // the first maxExamples errors behind the skips
}

const maxExamples = 5

func (s *Stats) skip(err error) {
	s.Skipped++
	if s.Reasons == nil {
		s.Reasons = make(map[string]int)
	}
	s.Reasons[reason(err)]++
	if len(s.Examples) < maxExamples {
		s.Examples = append(s.Examples, err)
	}
}

// merge adds o's skips to s.
func (s *Stats) merge(o Stats) {
	s.Records += o.Records
	s.Skipped += o.Skipped
	for k, v := range o.Reasons {
		if s.Reasons == nil {
			s.Reasons = make(map[string]int)
		}
		s.Reasons[k] += v
	}
	for _, e := range o.Examples {
		if len(s.Examples) < maxExamples {
			s.Examples = append(s.Examples, e)
		}
	}
}

// reason is the innermost error's text, e.g. "unparseable date".
func reason(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err.Error()
		}
		err = u
	}
}

// String summarizes s in one line, e.g.
// "69659 records, 2 skipped (unparseable date: 2)".
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d records, %d skipped", s.Records, s.Skipped)
	if len(s.Reasons) > 0 {
		b.WriteString(" (")
		first := true
		for _, k := range sortedKeys(s.Reasons) {
			if !first {
				b.WriteString(", ")
			}
			first = false
			fmt.Fprintf(&b, "%s: %d", k, s.Reasons[k])
		}
		b.WriteString(")")
	}
	return b.String()
}

// A Reader reads transactions from a delimited text file. It reads one line
// at a time; memory does not grow with the file.
type Reader struct {
	opts    CSVOptions
	br      *bufio.Reader
	line    int // line number of the last line read
	fields  [][]byte
	buf     []byte // line bytes, reused
	header  []string
	idCol   int // 0-based
	timeCol int
	amtCol  int // -1: none
	maxCol  int
	nfields int // fields per record: the header's, or the first record's
	tp      timeParser
	stats   Stats
	eof     bool
}

// NewReader returns a Reader for r. It reads the header (unless
// opts.NoHeader) and resolves the columns, so an unknown column is reported
// here, wrapping ErrUnknownColumn.
func NewReader(r io.Reader, opts CSVOptions) (*Reader, error) {
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
	br := bufio.NewReaderSize(r, 1<<16)
	// A gzip file (magic bytes 1f 8b) is read transparently.
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %w", ErrRead, err)
		}
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	rd := &Reader{opts: opts, br: br, tp: timeParser{layouts: opts.Layouts, loc: loc}}
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
	var err error
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

// Header returns the column names read from the header, or nil.
func (r *Reader) Header() []string { return r.header }

// Stats returns what the Reader has read and skipped so far.
func (r *Reader) Stats() Stats { return r.stats }

func (r *Reader) column(what, spec string) (int, error) {
	found := -1
	for i, h := range r.header {
		if h == spec {
			if found >= 0 {
				return 0, fmt.Errorf("%w: %s column %s appears twice in the header %s (use its number)", ErrUnknownColumn, what, quote([]byte(spec)), quoteAll(r.header))
			}
			found = i
		}
	}
	if found >= 0 {
		return found, nil
	}
	if n, err := strconv.Atoi(spec); err == nil && n >= 1 && n <= 1<<20 {
		if r.header != nil && n > len(r.header) {
			return 0, fmt.Errorf("%w: %s column %d: the header has %d columns %s", ErrUnknownColumn, what, n, len(r.header), quoteAll(r.header))
		}
		return n - 1, nil
	}
	if r.header == nil {
		return 0, fmt.Errorf("%w: %s column %s: without a header, columns are 1-based numbers", ErrUnknownColumn, what, quote([]byte(spec)))
	}
	return 0, fmt.Errorf("%w: %s column %s is not in the header %s", ErrUnknownColumn, what, quote([]byte(spec)), quoteAll(r.header))
}

// Read returns the next transaction, or io.EOF after the last. With
// SkipInvalid unset, a record that cannot be used is returned as a
// *ParseError; reading may continue after it.
func (r *Reader) Read() (Transaction, error) {
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
	t, err = r.tp.parse(ts)
	if err != nil {
		return nil, t, 0, r.fieldErr(r.timeCol, fmt.Errorf("%w %s", ErrBadTime, quote(ts)))
	}
	if r.amtCol >= 0 {
		as := bytes.TrimSpace(r.fields[r.amtCol])
		amt, err = parseAmount(as, r.opts.DecimalComma)
		if err != nil {
			return nil, t, 0, r.fieldErr(r.amtCol, err)
		}
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
		if r.eof {
			return false, nil
		}
		line, err := r.readLine()
		var long errLongLine
		if errors.As(err, &long) {
			r.line++
			return false, &ParseError{Line: r.line, Err: fmt.Errorf("%w: %d bytes or more, over the limit of %d (CSVOptions.MaxLineBytes)", ErrLongLine, long.n, r.opts.MaxLineBytes)}
		}
		if err == io.EOF {
			r.eof = true
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
		if err := r.split(line); err != nil {
			return false, &ParseError{Line: r.line, Err: err}
		}
		return true, nil
	}
}

// readLine returns the next line without its line ending. A line over
// MaxLineBytes is read to its end without being kept and reported as
// errLongLine.
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.buf = append(r.buf[:0], line...)
		n := len(line)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			n += len(line)
			if n > r.opts.MaxLineBytes+2 {
				r.buf = r.buf[:0]
				continue
			}
			r.buf = append(r.buf, line...)
		}
		if n > r.opts.MaxLineBytes+2 {
			if err != nil && err != io.EOF {
				return nil, err
			}
			if err == io.EOF {
				r.eof = true
			}
			return nil, errLongLine{n}
		}
		line = r.buf
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	if len(line) > r.opts.MaxLineBytes {
		if err == io.EOF {
			r.eof = true
		}
		return nil, errLongLine{len(line)}
	}
	return line, err
}

// errLongLine is readLine's report of a line over the limit.
type errLongLine struct{ n int }

func (e errLongLine) Error() string { return fmt.Sprintf("line of %d bytes", e.n) }

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

func (r *Reader) split(line []byte) error {
	r.fields = r.fields[:0]
	if r.opts.Delimiter == ' ' {
		i := 0
		for {
			for i < len(line) && isBlank(line[i]) {
				i++
			}
			if i == len(line) {
				return nil
			}
			if line[i] == '"' {
				f, n, err := r.unquote(line[i:])
				if err != nil {
					return err
				}
				r.fields = append(r.fields, f)
				i += n
				if i < len(line) && !isBlank(line[i]) {
					return fmt.Errorf("%w: text after closing quote", ErrBadQuote)
				}
				continue
			}
			j := i
			for j < len(line) && !isBlank(line[j]) {
				j++
			}
			r.fields = append(r.fields, line[i:j])
			i = j
		}
	}
	d := byte(r.opts.Delimiter)
	i := 0
	for {
		// Skip blanks before a quoted field: `a, "b"`.
		k := i
		for k < len(line) && isBlank(line[k]) && line[k] != d {
			k++
		}
		if k < len(line) && line[k] == '"' {
			f, n, err := r.unquote(line[k:])
			if err != nil {
				return err
			}
			r.fields = append(r.fields, f)
			i = k + n
			for i < len(line) && isBlank(line[i]) && line[i] != d {
				i++
			}
			if i == len(line) {
				return nil
			}
			if line[i] != d {
				return fmt.Errorf("%w: text after closing quote", ErrBadQuote)
			}
			i++
			continue
		}
		j := bytes.IndexByte(line[i:], d)
		if j < 0 {
			r.fields = append(r.fields, line[i:])
			return nil
		}
		r.fields = append(r.fields, line[i:i+j])
		i += j + 1
	}
}

// unquote parses the quoted field at the start of s, returning its content
// (a new slice) and the number of bytes consumed.
func (r *Reader) unquote(s []byte) ([]byte, int, error) {
	var f []byte
	i := 1
	for {
		j := bytes.IndexByte(s[i:], '"')
		if j < 0 {
			return nil, 0, fmt.Errorf("%w: no closing quote on the line", ErrBadQuote)
		}
		f = append(f, s[i:i+j]...)
		i += j + 1
		if i < len(s) && s[i] == '"' {
			f = append(f, '"')
			i++
			continue
		}
		return f, i, nil
	}
}

// parseAmount parses a decimal amount: [+-]digits[.digits][e[+-]digits]
// (with decimalComma, ',' for '.' and '.' between groups of three digits),
// optionally with a currency symbol and blanks around it. Plain decimals
// with up to 15 significant digits take an exact fast path; others go
// through strconv.ParseFloat after a check of that grammar, so that
// hexadecimal ("0x1p4"), underscores ("1_000"), "Inf" and "NaN" are
// errors. A number too large for float64 is ErrNonFinite; a non-zero
// number too small for it (it would read as 0) is ErrBadAmount.
func parseAmount(b []byte, decimalComma bool) (float64, error) {
	if !decimalComma {
		if v, ok := fastDecimal(b); ok {
			return v, nil
		}
	}
	orig := b
	b = trimCurrency(b)
	if decimalComma {
		nb, ok := fromDecimalComma(b)
		if !ok {
			return 0, fmt.Errorf("%w %s (a decimal comma was expected)", ErrBadAmount, quote(orig))
		}
		b = nb
	}
	if v, ok := fastDecimal(b); ok {
		return v, nil
	}
	if len(b) == 0 {
		return 0, fmt.Errorf("%w: empty", ErrBadAmount)
	}
	if !plainNumber(b) {
		switch strings.ToLower(strings.TrimLeft(string(b), "+-")) {
		case "nan", "inf", "infinity":
			return 0, fmt.Errorf("%w: %s", ErrNonFinite, quote(orig))
		}
		return 0, fmt.Errorf("%w %s", ErrBadAmount, quote(orig))
	}
	v, err := strconv.ParseFloat(string(b), 64)
	var ne *strconv.NumError
	if err != nil && !(errors.As(err, &ne) && ne.Err == strconv.ErrRange) {
		return 0, fmt.Errorf("%w %s", ErrBadAmount, quote(orig))
	}
	if !finite(v) {
		return 0, fmt.Errorf("%w: %s", ErrNonFinite, quote(orig))
	}
	if v == 0 && hasNonZeroDigit(b) {
		return 0, fmt.Errorf("%w %s: too small for a float64 (it would read as 0)", ErrBadAmount, quote(orig))
	}
	return v, nil
}

// trimCurrency removes blanks (also non-breaking spaces) and one currency
// symbol before or after the number.
func trimCurrency(b []byte) []byte {
	b = bytes.TrimSpace(b)
	for _, sym := range [...]string{"€", "$", "£", "¥", "EUR", "USD"} {
		if t, ok := bytes.CutPrefix(b, []byte(sym)); ok {
			b = t
			break
		}
		if t, ok := bytes.CutSuffix(b, []byte(sym)); ok {
			b = t
			break
		}
	}
	return bytes.TrimFunc(b, func(r rune) bool { return r == ' ' || r == '\t' || r == '\u00a0' || r == '\u202f' })
}

// fromDecimalComma rewrites a decimal-comma number ("1.234,50") in the
// decimal-point form ("1234.50"), checking that points group thousands.
func fromDecimalComma(b []byte) ([]byte, bool) {
	intPart, frac, hasFrac := bytes.Cut(b, []byte(","))
	if bytes.Contains(frac, []byte(",")) {
		return nil, false
	}
	if groups := bytes.Split(intPart, []byte(".")); len(groups) > 1 {
		for i, g := range groups {
			d := bytes.TrimLeft(g, "+-")
			if i == 0 && (len(d) == 0 || len(d) > 3) || i > 0 && len(g) != 3 {
				return nil, false
			}
		}
		intPart = bytes.ReplaceAll(intPart, []byte("."), nil)
	}
	out := append([]byte(nil), intPart...)
	if hasFrac {
		out = append(append(out, '.'), frac...)
	}
	return out, true
}

// plainNumber reports whether b is [+-]digits[.digits][(e|E)[+-]digits]
// with at least one digit before the exponent.
func plainNumber(b []byte) bool {
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		digits++
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(b)
}

// hasNonZeroDigit reports whether the mantissa of b has a digit other
// than 0.
func hasNonZeroDigit(b []byte) bool {
	for _, c := range b {
		if c == 'e' || c == 'E' {
			return false
		}
		if c >= '1' && c <= '9' {
			return true
		}
	}
	return false
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// fastDecimal parses [-+]digits[.digits] with at most 15 digits in all.
// The mantissa and the power of ten are exact in float64, so one division
// gives the correctly rounded result (Clinger's fast path).
func fastDecimal(b []byte) (float64, bool) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i++
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	v := float64(m) / pow10[frac]
	if neg {
		v = -v
	}
	return v, true
}
