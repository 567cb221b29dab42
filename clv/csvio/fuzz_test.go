package csvio_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// FuzzSummarize feeds arbitrary text through the reader and the
// summarizer. It must never panic; a success must yield valid summaries and
// consistent counts; a failure must be one of the package's errors.
func FuzzSummarize(f *testing.F) {
	seeds := []string{
		"id,date,amount\na,2020-01-01,1\nb,2020-13-01,2\n",
		"id,date,amount\na,2020-01-01,1\na,2020-01-01,5\na,2020-02-03,7.25\n",
		"id,date,amount\n\"a,b\",2020-01-01 10:00:00,1\n\"x\"\"y\",2020-06-30T10:00:00+02:00,2\n",
		"id,date,amount\na,20200101,-3\na,20200101,NaN\n,2020-01-01,1\n",
		" customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n 00002 19970112  1   12.00\n 00002 19970112  5   77.00\n",
		"id,date,amount\na,2020-03-01,1\na,2020-02-01,1\n",
		"id,date,amount\r\na,2020-01-01,1e308\r\na,2020-01-02,1e308\r\n",
		"\ufeffid,date,amount\na,2020-12-31,0\n",
	}
	for _, s := range seeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	end := date(2020, 12, 31)
	f.Fuzz(func(t *testing.T, in string, calendar bool) {
		csvOpts := csvio.Options{ID: "1", Time: "2", Amount: "3", SkipInvalid: calendar}
		if strings.HasPrefix(strings.TrimPrefix(in, "\ufeff"), " ") {
			csvOpts.Delimiter = ' '
		}
		opts := clv.SummaryOptions{End: end, Calendar: calendar, SkipAfterEnd: !calendar, AllowNegative: calendar}
		if calendar {
			opts.Period = clv.Week
			opts.CalibrationEnd = date(2020, 6, 30)
		} else {
			opts.Unit = 7 * 24 * time.Hour
		}
		sum, err := csvio.Summarize(strings.NewReader(in), csvOpts, opts)
		if err != nil {
			var pe *clv.ParseError
			if !errors.As(err, &pe) && !errors.Is(err, clv.ErrEmptyLog) && !errors.Is(err, clv.ErrUnknownColumn) && !errors.Is(err, clv.ErrNonFinite) && !errors.Is(err, clv.ErrRead) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			if pe != nil && pe.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		if len(sum.Customers) == 0 {
			t.Fatal("success with no customers")
		}
		if sum.Stats.Skipped > sum.Stats.Records {
			t.Fatalf("stats %v", sum.Stats)
		}
		for _, c := range sum.Customers {
			if !calendar || c.MonetaryValue >= 0 { // returns may make the mean negative
				if err := c.Validate(); err != nil {
					t.Fatalf("invalid summary: %v", err)
				}
			}
		}
		if calendar && len(sum.Holdout) != len(sum.Customers) {
			t.Fatalf("%d holdout rows for %d customers", len(sum.Holdout), len(sum.Customers))
		}
	})
}

// FuzzReadSummaries: on any input ReadSummaries returns an error naming a
// line, or customers that all validate, with distinct ids, frequencies
// within the bound, monetary values ≥ 0 (unless negative ones are allowed)
// and 0 without repeat purchases, with every record read either returned
// or skipped. Nothing panics (a malformed quote once reached FieldPos).
func FuzzReadSummaries(f *testing.F) {
	f.Add("customer_id,frequency,recency,T,monetary_value\na,2,30.43,38.86,22.35\nb,0,0,38.86,0\n", false, false)
	f.Add("customer_id,frequency,recency,T\na,2,3,1\n\"b,1,1,2\n", true, false)
	f.Add("frequency,T,recency,customer_id\n1,5,2,x\n,,,\n", true, true)
	f.Add("customer_id,frequency,recency,T,monetary_value\na,1e9,1,2,3\na,1,1,2,-3\nb,0,0,2,1\n", true, true)
	f.Add("customer_id,frequency,recency,T,monetary_value\na,1,1,2,3\na,1,1,2,3\n", false, true)
	f.Fuzz(func(t *testing.T, in string, skip, negative bool) {
		cs, st, err := csvio.ReadSummaries(strings.NewReader(in), csvio.SummariesOptions{SkipInvalid: skip, AllowNegative: negative})
		if err != nil {
			var pe *clv.ParseError
			if errors.As(err, &pe) && pe.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		ids := map[string]bool{}
		for _, c := range cs {
			if err := c.Validate(); err != nil {
				t.Fatalf("returned an invalid customer %+v: %v", c, err)
			}
			if ids[c.ID] {
				t.Fatalf("id %q twice", c.ID)
			}
			ids[c.ID] = true
			if c.Frequency > csvio.DefaultMaxFrequency || c.MonetaryValue < 0 && !negative || c.Frequency == 0 && c.MonetaryValue != 0 {
				t.Fatalf("returned %+v", c)
			}
		}
		if len(cs)+st.Skipped != st.Records {
			t.Fatalf("%d customers + %d skipped != %d records", len(cs), st.Skipped, st.Records)
		}
	})
}
