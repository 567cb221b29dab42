package crosssell

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/internal/ingest"
)

// A Purchase is one record of a purchase log: a customer bought a product
// (or a product of a category) at a time.
type Purchase struct {
	CustomerID string
	Product    string
	Time       time.Time
}

// DefaultProductColumn is the product column when CSVOptions.Product is
// empty.
const DefaultProductColumn = "product"

// CSVOptions configure a Reader: csvio's options of a transaction log
// (delimiter, header, the id and time columns, time layouts and zone,
// SkipInvalid, MaxLineBytes, with the same defaults), and the product
// column. The amount options (Amount, DecimalComma) are not used.
type CSVOptions struct {
	csvio.Options

	// Product selects the product (or category) column: a header name, or
	// a 1-based column number in decimal. Empty means
	// DefaultProductColumn.
	Product string
}

// Stats count the records a Reader read and skipped.
type Stats struct {
	Records  int     // data records read, skipped ones included
	Skipped  int     // records skipped (CSVOptions.SkipInvalid)
	Examples []error // the first few errors behind the skips
}

const maxExamples = 5

// A Reader reads purchases from delimited text, one line at a time;
// memory does not grow with the file. Errors about a record are
// *clv.ParseError values naming the line, the column and its header name,
// wrapping one of clv's errors (clv.ErrFieldCount, clv.ErrMissingID,
// clv.ErrBadTime, clv.ErrBadQuote, clv.ErrLongLine) or ErrMissingProduct.
type Reader struct {
	opts    CSVOptions
	recs    *ingest.Records
	header  []string
	idCol   int
	timeCol int
	prodCol int
	maxCol  int
	nfields int
	tp      ingest.TimeParser
	stats   Stats
}

// NewReader returns a Reader for r. It reads the header (unless
// opts.NoHeader) and resolves the columns: an unknown column is an error
// wrapping clv.ErrUnknownColumn, a bad option one wrapping
// clv.ErrBadOption.
func NewReader(r io.Reader, opts CSVOptions) (*Reader, error) {
	if r == nil || (reflect.ValueOf(r).Kind() == reflect.Pointer && reflect.ValueOf(r).IsNil()) {
		return nil, fmt.Errorf("%w: nil io.Reader", clv.ErrRead)
	}
	o := &opts.Options
	if o.Delimiter == 0 {
		o.Delimiter = ','
	}
	if o.Delimiter == '"' || o.Delimiter == '\n' || o.Delimiter == '\r' || o.Delimiter >= 0x80 {
		return nil, fmt.Errorf("%w: delimiter %q (want an ASCII character other than quote and newline)", clv.ErrBadOption, o.Delimiter)
	}
	if o.ID == "" {
		o.ID = "customer_id"
	}
	if o.Time == "" {
		o.Time = "date"
	}
	if opts.Product == "" {
		opts.Product = DefaultProductColumn
	}
	if o.Layouts == nil {
		o.Layouts = csvio.DefaultLayouts
	}
	if len(o.Layouts) == 0 {
		return nil, fmt.Errorf("%w: no time layouts", clv.ErrBadOption)
	}
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	if o.MaxLineBytes == 0 {
		o.MaxLineBytes = csvio.DefaultMaxLineBytes
	}
	if o.MaxLineBytes < 0 {
		return nil, fmt.Errorf("%w: MaxLineBytes %d < 0", clv.ErrBadOption, o.MaxLineBytes)
	}
	recs, err := ingest.NewRecords(r, o.MaxLineBytes, byte(o.Delimiter))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", clv.ErrRead, err)
	}
	rd := &Reader{opts: opts, recs: recs, tp: ingest.TimeParser{Layouts: o.Layouts, Location: loc}}
	if !o.NoHeader {
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
			rd.header[0] = strings.TrimPrefix(rd.header[0], "\ufeff")
		}
	}
	for _, c := range []struct {
		col        *int
		what, spec string
	}{{&rd.idCol, "ID", o.ID}, {&rd.timeCol, "Time", o.Time}, {&rd.prodCol, "Product", opts.Product}} {
		if *c.col, err = ingest.Column(rd.header, c.what, c.spec, clv.ErrUnknownColumn); err != nil {
			return nil, err
		}
	}
	rd.maxCol = max(rd.idCol, rd.timeCol, rd.prodCol)
	return rd, nil
}

var errNilReader = fmt.Errorf("%w: nil *Reader (use NewReader)", clv.ErrRead)

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

// Read returns the next purchase, or io.EOF after the last. With
// SkipInvalid unset, a record that cannot be used is returned as a
// *clv.ParseError; reading may continue after it.
func (r *Reader) Read() (Purchase, error) {
	id, prod, t, err := r.readRaw()
	if err != nil {
		return Purchase{}, err
	}
	return Purchase{CustomerID: string(id), Product: string(prod), Time: t}, nil
}

// ReadAll reads all remaining purchases. An empty log is an error wrapping
// clv.ErrEmptyLog.
func (r *Reader) ReadAll() ([]Purchase, error) {
	if r == nil || r.recs == nil {
		return nil, errNilReader
	}
	var ps []Purchase
	for {
		p, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return ps, err
		}
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("%w: no records", clv.ErrEmptyLog)
	}
	return ps, nil
}

// ReadBaskets reads all remaining purchases into the baskets of the
// calibration period, purchases at or before end, and of the holdout
// period, those after end. A zero end puts every purchase in calibration
// and leaves holdout empty. An empty log is an error wrapping
// clv.ErrEmptyLog. It parses on one goroutine while the purchases are
// added on the others (Accumulator.AddBatch), and has stopped reading when
// it returns.
func ReadBaskets(r *Reader, end time.Time) (calibration, holdout *Baskets, err error) {
	if r == nil || r.recs == nil {
		return nil, nil, errNilReader
	}
	batches := make(chan *batch, 2)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(batches)
		for {
			b := r.readBatch(end)
			select {
			case batches <- b:
			case <-done:
				return
			}
			if b.err != nil {
				return
			}
		}
	})
	defer wg.Wait()
	defer close(done)
	var cal, hold Accumulator
	cal.init()
	hold.init()
	n := 0
	for b := range batches {
		if b.err != nil && b.err != io.EOF {
			return nil, nil, b.err
		}
		for k, acc := range []*Accumulator{&cal, &hold} {
			if len(b.cust[k]) > 0 {
				if err := addBatch(acc, b.cust[k], b.prod[k], func(id []byte) uint64 { return maphash.Bytes(acc.seed, id) }); err != nil {
					return nil, nil, err
				}
			}
			n += len(b.cust[k])
		}
		if b.err == io.EOF {
			break
		}
	}
	if n == 0 {
		return nil, nil, fmt.Errorf("%w: no records", clv.ErrEmptyLog)
	}
	return cal.Baskets(), hold.Baskets(), nil
}

// batchSize is the number of records ReadBaskets parses at a time.
const batchSize = 1 << 14

// A batch is records parsed ahead: ids and products of the calibration
// [0] and holdout [1] periods, aliasing arena, and the error that ended
// the batch (io.EOF at the end).
type batch struct {
	arena      []byte
	cust, prod [2][][]byte
	err        error
}

// readBatch parses up to batchSize records.
func (r *Reader) readBatch(end time.Time) *batch {
	b := &batch{}
	type rec struct {
		hold         int
		idEnd, prEnd int
	}
	var recs []rec
	for len(recs) < batchSize {
		id, prod, t, err := r.readRaw()
		if err != nil {
			b.err = err
			break
		}
		h := 0
		if !end.IsZero() && t.After(end) {
			h = 1
		}
		b.arena = append(b.arena, id...)
		idEnd := len(b.arena)
		b.arena = append(b.arena, prod...)
		recs = append(recs, rec{h, idEnd, len(b.arena)})
	}
	lo := 0
	for _, x := range recs {
		b.cust[x.hold] = append(b.cust[x.hold], b.arena[lo:x.idEnd:x.idEnd])
		b.prod[x.hold] = append(b.prod[x.hold], b.arena[x.idEnd:x.prEnd:x.prEnd])
		lo = x.prEnd
	}
	return b
}

// readRaw returns the next usable record, skipping the others with
// SkipInvalid. id and prod alias the Reader's buffer until the next call.
func (r *Reader) readRaw() (id, prod []byte, t time.Time, err error) {
	if r == nil || r.recs == nil {
		return nil, nil, t, errNilReader
	}
	for {
		id, prod, t, err = r.record()
		if err == nil || err == io.EOF || !r.opts.SkipInvalid || !isRecordError(err) {
			return id, prod, t, err
		}
		r.stats.Skipped++
		if len(r.stats.Examples) < maxExamples {
			r.stats.Examples = append(r.stats.Examples, err)
		}
	}
}

func isRecordError(err error) bool {
	var pe *clv.ParseError
	return errors.As(err, &pe)
}

func (r *Reader) record() (id, prod []byte, t time.Time, err error) {
	ok, err := r.next()
	if ok || isRecordError(err) {
		r.stats.Records++
	}
	if err != nil {
		return nil, nil, t, err
	}
	if !ok {
		return nil, nil, t, io.EOF
	}
	if r.nfields == 0 {
		r.nfields = len(r.header)
		if r.nfields == 0 {
			r.nfields = len(r.recs.Fields)
		}
	}
	if len(r.recs.Fields) != r.nfields || len(r.recs.Fields) <= r.maxCol {
		want := max(r.nfields, r.maxCol+1)
		return nil, nil, t, &clv.ParseError{Line: r.recs.Line, Err: fmt.Errorf("%w: %d fields, want %d (a delimiter inside an unquoted field shifts the columns)", clv.ErrFieldCount, len(r.recs.Fields), want)}
	}
	id = bytes.TrimSpace(r.recs.Fields[r.idCol])
	if len(id) == 0 {
		return nil, nil, t, r.fieldErr(r.idCol, clv.ErrMissingID)
	}
	ts := bytes.TrimSpace(r.recs.Fields[r.timeCol])
	if t, err = r.tp.Parse(ts); err != nil {
		return nil, nil, t, r.fieldErr(r.timeCol, fmt.Errorf("%w %s", clv.ErrBadTime, ingest.Quote(ts)))
	}
	prod = bytes.TrimSpace(r.recs.Fields[r.prodCol])
	if len(prod) == 0 {
		return nil, nil, t, r.fieldErr(r.prodCol, ErrMissingProduct)
	}
	return id, prod, t, nil
}

func (r *Reader) fieldErr(col int, err error) error {
	pe := &clv.ParseError{Line: r.recs.Line, Column: col + 1, Err: err}
	if col < len(r.header) {
		pe.Name = r.header[col]
	}
	return pe
}

func (r *Reader) next() (bool, error) {
	ok, err := r.recs.Next()
	if le, isLE := err.(*ingest.LineError); isLE {
		return false, &clv.ParseError{Line: le.Line, Err: le.Err}
	}
	return ok, err
}
