package csvio_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

func TestReaderErrors(t *testing.T) {
	end := date(2020, 12, 31)
	withAmount := csvio.Options{ID: "id", Time: "date", Amount: "amount"}
	tests := []struct {
		name    string
		in      string
		csv     csvio.Options
		sum     clv.SummaryOptions
		want    error
		line    int
		col     int
		message string // a substring of the error text
	}{
		{"bad date", "id,date,amount\na,2020-01-01,1\nb,2020-13-01,2\n", withAmount, clv.SummaryOptions{}, clv.ErrBadTime, 3, 2, `"2020-13-01"`},
		{"February 30", "id,date,amount\na,2020-02-30,1\n", withAmount, clv.SummaryOptions{}, clv.ErrBadTime, 2, 2, "date"},
		{"bad amount", "id,date,amount\na,2020-01-01,1\na,2020-01-02,x1\n", withAmount, clv.SummaryOptions{}, clv.ErrBadAmount, 3, 3, `"amount"`},
		{"empty amount", "id,date,amount\n\na,2020-01-01,\n", withAmount, clv.SummaryOptions{}, clv.ErrBadAmount, 3, 3, "empty"},
		{"NaN amount", "id,date,amount\na,2020-01-01,NaN\n", withAmount, clv.SummaryOptions{}, clv.ErrNonFinite, 2, 3, "NaN"},
		{"Inf amount", "id,date,amount\na,2020-01-01,1\na,2020-01-01,-Inf\n", withAmount, clv.SummaryOptions{}, clv.ErrNonFinite, 3, 3, "Inf"},
		{"huge amount", "id,date,amount\na,2020-01-01,1e999\n", withAmount, clv.SummaryOptions{}, clv.ErrNonFinite, 2, 3, "1e999"},
		{"negative amount", "id,date,amount\na,2020-01-01,1\na,2020-01-05,-3.5\n", withAmount, clv.SummaryOptions{}, clv.ErrNegativeAmount, 3, 3, "AllowNegative"},
		{"missing id", "id,date,amount\na,2020-01-01,1\n  ,2020-01-05,3\n", withAmount, clv.SummaryOptions{}, clv.ErrMissingID, 3, 1, `"id"`},
		{"too few fields", "id,date,amount\na,2020-01-01,1\na,2020-01-05\n", withAmount, clv.SummaryOptions{}, clv.ErrFieldCount, 3, 0, "2 fields, want 3"},
		{"too many fields", "id,date,amount\na,2020-01-01,1\nSmith, J.,2020-01-05,3\n", withAmount, clv.SummaryOptions{}, clv.ErrFieldCount, 3, 0, "4 fields, want 3"},
		{"no header: fields differ from the first record", "a 19970101 1\nb 19970102 1 extra\n", csvio.Options{Delimiter: ' ', NoHeader: true, ID: "1", Time: "2", Amount: "3"}, clv.SummaryOptions{}, clv.ErrFieldCount, 2, 0, "4 fields, want 3"},
		{"after end", "id,date,amount\na,2020-01-01,1\na,2021-01-05,1\n", withAmount, clv.SummaryOptions{}, clv.ErrAfterEnd, 3, 2, "SkipAfterEnd"},
		{"out of order", "id,date,amount\na,2020-03-01,1\nb,2020-01-01,1\na,2020-02-01,1\n", withAmount, clv.SummaryOptions{}, clv.ErrOutOfOrder, 4, 2, `customer "a"`},
		{"unterminated quote", "id,date,amount\n\"a,2020-01-01,1\n", withAmount, clv.SummaryOptions{}, clv.ErrBadQuote, 2, 0, "closing quote"},
		{"text after quote", "id,date,amount\n\"a\"x,2020-01-01,1\n", withAmount, clv.SummaryOptions{}, clv.ErrBadQuote, 2, 0, "after closing"},
		{"whitespace bad date", "c d\nx 1997010\n", csvio.Options{Delimiter: ' ', ID: "c", Time: "d"}, clv.SummaryOptions{}, clv.ErrBadTime, 2, 2, `"1997010"`},
		{"hexadecimal amount", "id,date,amount\na,2020-01-01,0x1p4\n", withAmount, clv.SummaryOptions{}, clv.ErrBadAmount, 2, 3, `"0x1p4"`},
		{"underscore amount", "id,date,amount\na,2020-01-01,1_000\n", withAmount, clv.SummaryOptions{}, clv.ErrBadAmount, 2, 3, `"1_000"`},
		{"underflowing amount", "id,date,amount\na,2020-01-01,1e-400\n", withAmount, clv.SummaryOptions{}, clv.ErrBadAmount, 2, 3, "too small"},
		{"decimal comma without the option", "id;date;amount\na;2020-01-01;12,50\n", csvio.Options{Delimiter: ';', ID: "id", Time: "date", Amount: "amount"}, clv.SummaryOptions{}, clv.ErrBadAmount, 2, 3, `"12,50"`},
		{"bad thousands grouping", "id;date;amount\na;2020-01-01;1.23,5\n", csvio.Options{Delimiter: ';', ID: "id", Time: "date", Amount: "amount", DecimalComma: true}, clv.SummaryOptions{}, clv.ErrBadAmount, 2, 3, "decimal comma"},
		{"long field quoted short", "id,date,amount\na,2020-01-01," + strings.Repeat("9x", 5000) + "\n", withAmount, clv.SummaryOptions{}, clv.ErrBadAmount, 2, 3, "(10000 bytes)"},
		{"long line", "id,date,amount\na,2020-01-01,1\nb,2020-01-02," + strings.Repeat("1", 3000) + "\n", csvio.Options{ID: "id", Time: "date", Amount: "amount", MaxLineBytes: 1000}, clv.SummaryOptions{}, clv.ErrLongLine, 3, 0, "over the limit of 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.sum
			opts.End = end
			_, err := csvio.Summarize(strings.NewReader(tt.in), tt.csv, opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var pe *clv.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %T %v, want *ParseError", err, err)
			}
			if pe.Line != tt.line || pe.Column != tt.col {
				t.Errorf("line, column = %d, %d, want %d, %d (%v)", pe.Line, pe.Column, tt.line, tt.col, err)
			}
			if len(err.Error()) > 400 {
				t.Errorf("error of %d bytes", len(err.Error()))
			}
			if !strings.Contains(err.Error(), tt.message) || !strings.Contains(err.Error(), "line ") {
				t.Errorf("error %q does not mention %q and the line", err, tt.message)
			}
		})
	}
}

func TestOptionErrors(t *testing.T) {
	csvTests := []struct {
		name string
		in   string
		opts csvio.Options
		want error
	}{
		{"unknown column", "id,when\n", csvio.Options{ID: "id"}, clv.ErrUnknownColumn},
		{"unknown amount", "id,date\n", csvio.Options{ID: "id", Amount: "value"}, clv.ErrUnknownColumn},
		{"number past header", "id,date\n", csvio.Options{ID: "id", Amount: "3"}, clv.ErrUnknownColumn},
		{"duplicate name", "id,date,id\n", csvio.Options{ID: "id"}, clv.ErrUnknownColumn},
		{"name without header", "a,2020-01-01\n", csvio.Options{NoHeader: true}, clv.ErrUnknownColumn},
		{"empty file", "", csvio.Options{}, clv.ErrEmptyLog},
		{"blank file", "\n \n", csvio.Options{}, clv.ErrEmptyLog},
		{"quote delimiter", "id,date\n", csvio.Options{Delimiter: '"'}, clv.ErrBadOption},
		{"no layouts", "id,date\n", csvio.Options{ID: "id", Layouts: []string{}}, clv.ErrBadOption},
	}
	for _, tt := range csvTests {
		_, err := csvio.NewReader(strings.NewReader(tt.in), tt.opts)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	sumTests := []struct {
		name string
		opts clv.SummaryOptions
	}{
		{"calendar with unit", clv.SummaryOptions{End: date(2020, 1, 1), Calendar: true, Unit: time.Hour}},
		{"bad period", clv.SummaryOptions{End: date(2020, 1, 1), Period: 7}},
		{"calibration after end", clv.SummaryOptions{End: date(2020, 1, 1), CalibrationEnd: date(2020, 2, 1)}},
		{"negative unit", clv.SummaryOptions{End: date(2020, 1, 1), Unit: -time.Hour}},
	}
	for _, tt := range sumTests {
		if _, err := clv.NewSummarizer(tt.opts); !errors.Is(err, clv.ErrBadOption) {
			t.Errorf("%s: err = %v, want ErrBadOption", tt.name, err)
		}
	}
}

func TestEmptyLog(t *testing.T) {
	opts := clv.SummaryOptions{End: date(2020, 12, 31)}
	if _, err := csvio.Summarize(strings.NewReader("customer_id,date\n"), csvio.Options{}, opts); !errors.Is(err, clv.ErrEmptyLog) {
		t.Errorf("header only: err = %v, want ErrEmptyLog", err)
	}
	if _, err := clv.Summarize(nil, opts); !errors.Is(err, clv.ErrEmptyLog) {
		t.Errorf("nil slice: err = %v, want ErrEmptyLog", err)
	}
	rd, _ := csvio.NewReader(strings.NewReader("customer_id,date\n"), csvio.Options{})
	if _, err := rd.ReadAll(); !errors.Is(err, clv.ErrEmptyLog) {
		t.Errorf("ReadAll: err = %v, want ErrEmptyLog", err)
	}
	// Every transaction after the end, skipped: nothing is left.
	opts.SkipAfterEnd = true
	_, err := csvio.Summarize(strings.NewReader("customer_id,date\na,2021-01-01\n"), csvio.Options{}, opts)
	if !errors.Is(err, clv.ErrEmptyLog) || !strings.Contains(err.Error(), "1 skipped") {
		t.Errorf("all skipped: err = %v, want ErrEmptyLog mentioning the skip", err)
	}
}

func TestSkipInvalid(t *testing.T) {
	in := "id,date,amount\n" +
		"a,2020-01-01,10\n" +
		"a,2020-01-01,5\n" + // same day: merges with the first purchase
		"b,2020-01-02,oops\n" + // bad amount
		"a,2020-01-08,20\n" +
		"c,someday,1\n" + // bad date
		"a,2020-01-09,-1\n" + // negative
		"a,2021-02-01,1\n" // after end
	sum, err := csvio.Summarize(strings.NewReader(in), csvio.Options{ID: "id", Amount: "amount", SkipInvalid: true},
		clv.SummaryOptions{End: date(2020, 12, 31), SkipAfterEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	st := sum.Stats
	if st.Records != 7 || st.Skipped != 4 {
		t.Errorf("stats %v: want 7 records, 4 skipped", st)
	}
	for r, n := range map[string]int{"unparseable amount": 1, "unparseable date": 1, "negative amount": 1, "transaction after the observation end": 1} {
		if st.Reasons[r] != n {
			t.Errorf("reason %q: %d, want %d (%v)", r, st.Reasons[r], n, st)
		}
	}
	if len(st.Examples) != 4 || !strings.Contains(st.Examples[0].Error(), "line 4") {
		t.Errorf("examples %v: want 4, the first naming line 4", st.Examples)
	}
	want := clv.Customer{ID: "a", Frequency: 1, Recency: 7, T: 365, MonetaryValue: 20}
	if len(sum.Customers) != 1 || sum.Customers[0] != want {
		t.Errorf("customers = %+v, want [%+v]", sum.Customers, want)
	}
}

func TestReaderFormats(t *testing.T) {
	in := "\ufeffname;when;value\r\n" +
		"\"Smith; J.\";2020-01-02T10:00:00+02:00;1.5\r\n" +
		"  \"Say \"\"hi\"\"\"  ;2020-01-02T23:30:00Z;2e3\r\n" +
		"x;2020-01-03T00:00:00Z;7" // no final newline
	rd, err := csvio.NewReader(strings.NewReader(in), csvio.Options{Delimiter: ';', ID: "name", Time: "when", Amount: "value"})
	if err != nil {
		t.Fatal(err)
	}
	var got []clv.Transaction
	for {
		tr, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tr)
	}
	want := []clv.Transaction{
		{CustomerID: "Smith; J.", Time: time.Date(2020, 1, 2, 8, 0, 0, 0, time.UTC), Amount: 1.5},
		{CustomerID: `Say "hi"`, Time: time.Date(2020, 1, 2, 23, 30, 0, 0, time.UTC), Amount: 2000},
		{CustomerID: "x", Time: date(2020, 1, 3), Amount: 7},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d transactions, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].CustomerID != want[i].CustomerID || !got[i].Time.Equal(want[i].Time) || got[i].Amount != want[i].Amount {
			t.Errorf("transaction %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if h := rd.Header(); len(h) != 3 || h[0] != "name" {
		t.Errorf("header %q", h)
	}
}

func TestParseAmount(t *testing.T) {
	// The fast path must agree bit for bit with strconv.ParseFloat.
	for _, s := range []string{"0", "12.34", "-0.1", "+7", "999999999999999", "0.000000000000001", "123456789.012345", "1.", ".5", "22.345"} {
		in := "customer_id,date,amount\na,2020-01-01," + s + "\n"
		rd, _ := csvio.NewReader(strings.NewReader(in), csvio.Options{Amount: "amount"})
		tr, err := rd.Read()
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		want, _ := strconvParse(s)
		if tr.Amount != want {
			t.Errorf("%s: %v, want %v", s, tr.Amount, want)
		}
	}
}

func TestPeriods(t *testing.T) {
	// Week periods run Monday to Sunday, as pandas' "W". 2020-01-05 is a
	// Sunday, 2020-01-06 a Monday.
	in := "customer_id,date,amount\n" +
		"a,2020-01-05,1\n" + "a,2020-01-06,2\n" + "a,2020-01-12,4\n" + "a,2020-01-13,8\n" + "a,2020-03-31,16\n"
	tests := []struct {
		opts clv.SummaryOptions
		want clv.Customer
	}{
		{clv.SummaryOptions{Calendar: true, Period: clv.Week}, clv.Customer{ID: "a", Frequency: 3, Recency: 13, T: 13, MonetaryValue: 10}}, // Mon 2019-12-30 to Mon 2020-03-30
		{clv.SummaryOptions{Calendar: true, Period: clv.Month}, clv.Customer{ID: "a", Frequency: 1, Recency: 2, T: 3, MonetaryValue: 16}},
		{clv.SummaryOptions{Calendar: true}, clv.Customer{ID: "a", Frequency: 4, Recency: 86, T: 87, MonetaryValue: 7.5}},
		{clv.SummaryOptions{Period: clv.Week, Unit: 7 * 24 * time.Hour}, clv.Customer{ID: "a", Frequency: 3, Recency: 12 + 2.0/7, T: 12 + 3.0/7, MonetaryValue: 10}},
	}
	for _, tt := range tests {
		tt.opts.End = date(2020, 4, 1)
		sum, err := csvio.Summarize(strings.NewReader(in), csvio.Options{Amount: "amount"}, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		c := sum.Customers[0]
		if c.ID != tt.want.ID || c.Frequency != tt.want.Frequency || !near(c.Recency, tt.want.Recency) || !near(c.T, tt.want.T) || c.MonetaryValue != tt.want.MonetaryValue {
			t.Errorf("%+v: got %+v, want %+v", tt.opts, c, tt.want)
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-12 && b-a < 1e-12 }

func TestHoldoutOnly(t *testing.T) {
	in := "customer_id,date\na,2020-01-01\nb,2020-02-15\na,2020-02-20\na,2020-02-21\nb,2020-02-22\n"
	sum, err := csvio.Summarize(strings.NewReader(in), csvio.Options{},
		clv.SummaryOptions{CalibrationEnd: date(2020, 1, 31), End: date(2020, 2, 29)})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Customers) != 1 || sum.HoldoutOnly != 1 {
		t.Fatalf("customers %+v, holdout-only %d; want a alone, 1", sum.Customers, sum.HoldoutOnly)
	}
	if h := sum.Holdout[0]; h.Frequency != 2 || h.Duration != 29 {
		t.Errorf("holdout %+v, want frequency 2, duration 29", h)
	}
}

// field quoted starts with a byte-order mark before the header's first
// quote; the header's first name is still the unquoted name.
func TestReaderBOMQuotedHeader(t *testing.T) {
	in := "\ufeff\"customer_id\",\"date\",\"amount\"\r\n\"a\",\"2020-01-02\",\"1.5\"\r\n"
	rd, err := csvio.NewReader(strings.NewReader(in), csvio.Options{Amount: "amount"})
	if err != nil {
		t.Fatal(err)
	}
	if h := rd.Header(); len(h) != 3 || h[0] != "customer_id" {
		t.Errorf("header %q, want customer_id first", h)
	}
	tr, err := rd.Read()
	if err != nil || tr.CustomerID != "a" || tr.Amount != 1.5 {
		t.Errorf("Read = %+v, %v; want customer a, amount 1.5", tr, err)
	}
}

// TestReaderISODateTimeT: an ISO 8601 date-time without an offset is read
// in either form, with a space or a "T" between date and time (Python's
// isoformat, JavaScript, many SQL exports), in the Location.
func TestReaderISODateTimeT(t *testing.T) {
	in := "customer_id,date\na,2024-01-02T10:30:00\na,2024-01-03 11:00:00\n"
	rd, err := csvio.NewReader(strings.NewReader(in), csvio.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []time.Time{time.Date(2024, 1, 2, 10, 30, 0, 0, time.UTC), time.Date(2024, 1, 3, 11, 0, 0, 0, time.UTC)} {
		tr, err := rd.Read()
		if err != nil || !tr.Time.Equal(want) {
			t.Errorf("Read = %v, %v; want %v", tr.Time, err, want)
		}
	}
}
