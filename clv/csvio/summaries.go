package csvio

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/csvline"
	"github.com/clvkit/clvkit/internal/ingest"
	"github.com/clvkit/clvkit/internal/nilmodel"
)

// SummaryColumns are the columns ReadSummaries expects in a header:
// customer_id, frequency, recency, T and monetary_value (the table a
// warehouse query produces; see the README for the SQL).
var SummaryColumns = []string{"customer_id", "frequency", "recency", "T", "monetary_value"}

// DefaultMaxFrequency is the largest frequency ReadSummaries accepts when
// SummariesOptions.MaxFrequency is zero: a million repeat purchase
// periods, a purchase every day for 2,700 years or every minute for two
// years. The models evaluate larger counts (their predictions stay finite
// up to 2⁵³, the largest count a float64 holds exactly), but a row beyond
// this bound is almost surely a bug in the query that made the table (a
// sum of amounts or a count of rows where a count of periods was meant),
// and one such row moves every customer's fitted parameters.
const DefaultMaxFrequency = 1e6

// maxExactCount is 2⁵³, the largest whole number below which every whole
// number is a float64.
const maxExactCount = 1 << 53

// SummariesOptions configures ReadSummaries. The zero value reads a
// comma-separated table and stops at the first unusable row.
type SummariesOptions struct {
	// Delimiter separates fields. Zero means ','.
	Delimiter rune

	// SkipInvalid skips unusable rows instead of returning an error; clv.Stats
	// counts them by reason and keeps the first few errors.
	SkipInvalid bool

	// AllowNegative accepts a negative monetary_value (returns netted
	// against purchases); by default it is an error wrapping
	// clv.ErrNegativeAmount. The spend models leave such customers out.
	AllowNegative bool

	// MaxFrequency bounds the frequency column. Zero means
	// DefaultMaxFrequency; values above 2⁵³ mean 2⁵³.
	MaxFrequency float64
}

// ReadSummaries reads per-customer summaries from a CSV with a header
// holding SummaryColumns (in any order, other columns ignored;
// monetary_value may be absent and is then 0), with the conventions of
// clv.Customer: time in the model's unit, frequency the number of repeat
// purchase periods, monetary value the mean of the repeat purchases.
//
// Every row is checked against what a summary can be; an unusable row is a
// *clv.ParseError naming the line, the column and what to do, or, with
// opts.SkipInvalid, skipped and counted in the returned clv.Stats by reason:
//   - customer_id: not empty, and one row per id (a repeated id wraps
//     clv.ErrDuplicateID and names the line of the first row);
//   - frequency: a whole number in [0, MaxFrequency];
//   - recency: in [0, T], and 0 when frequency is 0;
//   - T: finite and ≥ 0 (0 is a customer whose first purchase was at the
//     end of observation, as clv.Summarize reports it);
//   - monetary_value: ≥ 0 unless opts.AllowNegative, and 0 when
//     frequency is 0 (the first purchase is not part of the mean). It may
//     be 0 with repeat purchases: a log without amounts, or free orders.
//
// Errors about consistency wrap clv.ErrInvalidCustomer; a number that does not
// parse wraps clv.ErrBadAmount; a negative monetary value clv.ErrNegativeAmount.
func ReadSummaries(r io.Reader, opts SummariesOptions) ([]clv.Customer, clv.Stats, error) {
	var st clv.Stats
	if nilmodel.Is(r) {
		return nil, st, errNilInput
	}
	delim := opts.Delimiter
	if delim == 0 {
		delim = ','
	}
	maxX := opts.MaxFrequency
	switch {
	case maxX == 0:
		maxX = DefaultMaxFrequency
	case !(maxX > 0):
		return nil, st, fmt.Errorf("%w: MaxFrequency %v, want a number > 0 (or 0 for the default)", clv.ErrBadOption, maxX)
	case maxX > maxExactCount:
		maxX = maxExactCount
	}
	// encoding/csv keeps a whole line: bound it.
	cr := csv.NewReader(ingest.LimitLines(ingest.SkipBOM(r), DefaultMaxLineBytes))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, st, fmt.Errorf("%w: summaries header: %w", clv.ErrRead, err)
	}
	header = append([]string(nil), header...) // the reader reuses its record
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	idx := make([]int, len(SummaryColumns))
	for k, name := range SummaryColumns {
		i, ok := col[name]
		if !ok && name != "monetary_value" {
			return nil, st, fmt.Errorf("%w: summaries need the column %q (header %s)", clv.ErrUnknownColumn, name, ingest.QuoteAll(header))
		}
		if !ok {
			i = -1
		}
		idx[k] = i
	}
	var cs []clv.Customer
	seen := map[string]int{} // id → line of its row
	for {
		rec, line, cpe, err := csvline.Read(cr)
		if err == io.EOF {
			break
		}
		st.Records++
		// fail reports e at column k of SummaryColumns (-1: the record).
		fail := func(k int, e error) error {
			pe := &clv.ParseError{Line: line, Err: e}
			if k >= 0 && idx[k] >= 0 {
				pe.Column, pe.Name = idx[k]+1, SummaryColumns[k]
			}
			if !opts.SkipInvalid {
				return pe
			}
			st.Skip(pe)
			return nil
		}
		if err != nil {
			if cpe == nil {
				return nil, st, fmt.Errorf("%w: %w", clv.ErrRead, err)
			}
			if e := fail(-1, clv.ErrBadQuote); e != nil {
				return nil, st, e
			}
			continue
		}
		r, k, e := ingest.ParseSummary(rec, idx, SummaryColumns, opts.AllowNegative, maxX)
		c := clv.Customer{ID: r.ID, Frequency: r.Frequency, Recency: r.Recency, T: r.T, MonetaryValue: r.MonetaryValue}
		if e == nil {
			if first, dup := seen[c.ID]; dup {
				k, e = 0, fmt.Errorf("%w %s: its first row is on line %d; a table of summaries has one row per customer (group by customer_id)", clv.ErrDuplicateID, ingest.Quote([]byte(c.ID)), first)
			}
		}
		if e != nil {
			if e := fail(k, e); e != nil {
				return nil, st, e
			}
			continue
		}
		c.ID = strings.Clone(c.ID)
		seen[c.ID] = line
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		return nil, st, fmt.Errorf("%w: no usable summary (%v)", clv.ErrEmptyLog, st)
	}
	return cs, st, nil
}
