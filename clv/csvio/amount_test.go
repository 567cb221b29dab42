package csvio_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// TestAmountFormats: decimal commas with thousands points or blanks and
// currency symbols, as German and French shops write them, give the same
// amounts as plain decimals.
func TestAmountFormats(t *testing.T) {
	for _, tc := range []struct {
		in    string
		comma bool
		want  float64
	}{
		{"12.50", false, 12.5}, {"$12.50", false, 12.5}, {"12.50 €", false, 12.5}, {"1e3", false, 1000}, {"-3", false, -3},
		{"12,50", true, 12.5}, {"12,50 €", true, 12.5}, {"1.234,50", true, 1234.5}, {"€ 1.234.567,5", true, 1234567.5},
		{"7", true, 7}, {"-0,5", true, -0.5}, {"12,50\u00a0€", true, 12.5}, {"EUR 3,00", true, 3},
		// French shops group thousands by blanks: a space, U+00A0, U+202F.
		{"1 234,50 €", true, 1234.5}, {"1\u00a0234,50\u00a0€", true, 1234.5}, {"1\u202f234\u202f567,25", true, 1234567.25},
	} {
		delim := ','
		if tc.comma {
			delim = ';'
		}
		log := "id;date;amount\nz;2020-01-01;1\na;2020-01-01;1\na;2020-01-02;" + tc.in + "\n"
		if !tc.comma {
			log = strings.ReplaceAll(log, ";", ",")
		}
		rd, err := csvio.NewReader(strings.NewReader(log), csvio.Options{Delimiter: delim, ID: "id", Time: "date", Amount: "amount", DecimalComma: tc.comma})
		if err != nil {
			t.Fatal(err)
		}
		txs, err := rd.ReadAll()
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got := txs[2].Amount; got != tc.want {
			t.Errorf("%q: %v, want %v", tc.in, got, tc.want)
		}
	}
	if _, err := csvio.NewReader(strings.NewReader("id,date\n"), csvio.Options{DecimalComma: true}); !errors.Is(err, clv.ErrBadOption) {
		t.Errorf("decimal comma with ',' delimiter: %v", err)
	}
}

// TestGzipAndLongLines: gzip input is read transparently; a line over the
// limit is skipped and counted with SkipInvalid, and reading goes on.
func TestGzipAndLongLines(t *testing.T) {
	log := "customer_id,date,amount\na,2020-01-01,1\nb,2020-01-02," + strings.Repeat("7", 5000) + "\na,2020-01-03,2\n"
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(log))
	zw.Close()
	sum, err := csvio.Summarize(&buf, csvio.Options{Amount: "amount", SkipInvalid: true, MaxLineBytes: 4096}, clv.SummaryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Customers) != 1 || sum.Customers[0].Frequency != 1 || sum.Stats.Skipped != 1 || sum.Stats.Records != 3 {
		t.Errorf("customers %+v, stats %v", sum.Customers, sum.Stats)
	}
	// A single line of 5 MB with the default limit of 1 MiB: an error, not
	// 5 MB kept.
	huge := "customer_id,date\n" + strings.Repeat("x", 5<<20)
	_, err = csvio.Summarize(strings.NewReader(huge), csvio.Options{}, clv.SummaryOptions{})
	var pe *clv.ParseError
	if !errors.Is(err, clv.ErrLongLine) || !errors.As(err, &pe) || pe.Line != 2 {
		t.Errorf("huge line: %v", err)
	}
}

// endless is an endless stream of one byte, counting what was read.
type endless struct {
	b byte
	n int
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.b
	}
	e.n += len(p)
	return len(p), nil
}

// TestEndlessLine: a line over the limit is an error as soon as the limit
// is passed, even on an endless stream (/dev/zero); with SkipInvalid it is
// skipped up to 64 times the limit, then reading ends with an error.
func TestEndlessLine(t *testing.T) {
	const slack = 256 << 10 // the reader's buffers
	zero := &endless{b: 0}
	_, err := csvio.Summarize(zero, csvio.Options{}, clv.SummaryOptions{})
	var pe *clv.ParseError
	if !errors.Is(err, clv.ErrLongLine) || !errors.As(err, &pe) || pe.Line != 1 || !strings.Contains(err.Error(), "not a text log") {
		t.Errorf("/dev/zero: %v", err)
	}
	if zero.n > csvio.DefaultMaxLineBytes+slack {
		t.Errorf("/dev/zero: read %d bytes before the error", zero.n)
	}
	x := &endless{b: 'x'}
	_, err = csvio.Summarize(io.MultiReader(strings.NewReader("customer_id,date,amount\na,2024-01-01,1\n"), x),
		csvio.Options{SkipInvalid: true, MaxLineBytes: 1000}, clv.SummaryOptions{})
	if !errors.Is(err, clv.ErrLongLine) || !errors.Is(err, clv.ErrRead) || errors.As(err, &pe) || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("endless line with SkipInvalid: %v", err)
	}
	if x.n > 64*1000+slack {
		t.Errorf("endless line with SkipInvalid: read %d bytes before the error", x.n)
	}
	// Summaries, read with encoding/csv, likewise.
	zero = &endless{b: 0}
	if _, _, err := csvio.ReadSummaries(zero, csvio.SummariesOptions{SkipInvalid: true}); !errors.Is(err, clv.ErrRead) || !strings.Contains(err.Error(), "not a text file") ||
		zero.n > csvio.DefaultMaxLineBytes+slack {
		t.Errorf("summaries from /dev/zero: %v after %d bytes", err, zero.n)
	}
}

// TestAfterEndError: a transaction after the end is an *AfterEndError
// with both times; with EndOfDay it says the end's whole day counted.
func TestAfterEndError(t *testing.T) {
	log := "customer_id,date,amount\na,2024-01-01,1\na,2024-12-31T08:00:00Z,2\n"
	end := time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC)
	for _, eod := range []bool{false, true} {
		_, err := csvio.Summarize(strings.NewReader(log), csvio.Options{Amount: "amount"}, clv.SummaryOptions{End: end, EndOfDay: eod})
		var ae *clv.AfterEndError
		var pe *clv.ParseError
		if !errors.As(err, &ae) || !errors.Is(err, clv.ErrAfterEnd) || !errors.As(err, &pe) || pe.Line != 3 ||
			!ae.End.Equal(end) || ae.Time.Hour() != 8 || ae.EndOfDay != eod {
			t.Errorf("EndOfDay %v: %v", eod, err)
		}
		if eod && !strings.Contains(err.Error(), "the end of the day 2024-12-30") {
			t.Errorf("EndOfDay: %v", err)
		}
	}
}
