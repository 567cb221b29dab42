package clv

import (
	"encoding/csv"
	"fmt"
	"github.com/clvkit/clvkit/internal/ingest"
	"io"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/internal/csvline"
)

// SummaryColumns are the columns ReadSummaries expects in a header:
// customer_id, frequency, recency, T and monetary_value (the table a
// warehouse query produces; see the README for the SQL).
var SummaryColumns = []string{"customer_id", "frequency", "recency", "T", "monetary_value"}

// ReadSummaries reads per-customer summaries from a CSV with a header
// holding SummaryColumns (in any order, other columns ignored;
// monetary_value may be absent), delimiter delim (0 means ','). Each row is
// validated (Customer.Validate); an unusable row is a *ParseError naming
// the line and column, or, with skipInvalid, skipped and counted in the
// returned Stats.
func ReadSummaries(r io.Reader, delim rune, skipInvalid bool) ([]Customer, Stats, error) {
	var st Stats
	if delim == 0 {
		delim = ','
	}
	// encoding/csv keeps a whole line: bound it.
	cr := csv.NewReader(ingest.LimitLines(r, DefaultMaxLineBytes))
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, st, fmt.Errorf("%w: summaries header: %w", ErrRead, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	idx := make([]int, len(SummaryColumns))
	for k, name := range SummaryColumns {
		i, ok := col[name]
		if !ok && name != "monetary_value" {
			return nil, st, fmt.Errorf("%w: summaries need the column %q (header %s)", ErrUnknownColumn, name, ingest.QuoteAll(header))
		}
		if !ok {
			i = -1
		}
		idx[k] = i
	}
	var cs []Customer
	for {
		rec, line, cpe, err := csvline.Read(cr)
		if err == io.EOF {
			break
		}
		st.Records++
		fail := func(column int, e error) error {
			pe := &ParseError{Line: line, Column: column + 1, Err: e}
			if column >= 0 && column < len(header) {
				pe.Name = header[column]
			}
			if !skipInvalid {
				return pe
			}
			st.skip(pe)
			return nil
		}
		if err != nil {
			if cpe == nil {
				return nil, st, fmt.Errorf("%w: %w", ErrRead, err)
			}
			if e := fail(-1, ErrBadQuote); e != nil {
				return nil, st, e
			}
			continue
		}
		var c Customer
		bad := false
		for k, i := range idx {
			if i < 0 {
				continue
			}
			if i >= len(rec) {
				if e := fail(-1, ErrFieldCount); e != nil {
					return nil, st, e
				}
				bad = true
				break
			}
			v := strings.TrimSpace(rec[i])
			if k == 0 {
				if v == "" {
					if e := fail(i, ErrMissingID); e != nil {
						return nil, st, e
					}
					bad = true
					break
				}
				c.ID = strings.Clone(v)
				continue
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !ingest.PlainNumber([]byte(v)) {
				if e := fail(i, fmt.Errorf("%w %s", ErrBadAmount, ingest.Quote([]byte(v)))); e != nil {
					return nil, st, e
				}
				bad = true
				break
			}
			switch k {
			case 1:
				c.Frequency = f
			case 2:
				c.Recency = f
			case 3:
				c.T = f
			case 4:
				c.MonetaryValue = f
			}
		}
		if bad {
			continue
		}
		if err := c.Validate(); err != nil {
			if e := fail(-1, err); e != nil {
				return nil, st, e
			}
			continue
		}
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		return nil, st, fmt.Errorf("%w: no usable summary (%v)", ErrEmptyLog, st)
	}
	return cs, st, nil
}
