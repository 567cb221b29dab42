package csvio_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

func TestReadSummaries(t *testing.T) {
	in := "customer_id,frequency,recency,T,monetary_value,extra\na,2,30.43,38.86,22.35,x\nb,0,0,38.86,0,y\nc,1,0.5,0,0,z\n"
	in = strings.Replace(in, "c,1,0.5,0,0,z", "c,1,0.5,0.5,0,z", 1) // monetary value 0 with repeat purchases: a log without amounts
	cs, st, err := csvio.ReadSummaries(strings.NewReader(in), csvio.SummariesOptions{})
	if err != nil || len(cs) != 3 || st.Records != 3 || cs[0] != (clv.Customer{ID: "a", Frequency: 2, Recency: 30.43, T: 38.86, MonetaryValue: 22.35}) {
		t.Fatalf("%+v %v %v", cs, st, err)
	}
	if _, _, err := csvio.ReadSummaries(strings.NewReader("id,frequency\n"), csvio.SummariesOptions{}); !errors.Is(err, clv.ErrUnknownColumn) {
		t.Errorf("missing columns: %v", err)
	}
	if _, _, err := csvio.ReadSummaries(strings.NewReader(in), csvio.SummariesOptions{MaxFrequency: -1}); !errors.Is(err, clv.ErrBadOption) {
		t.Errorf("MaxFrequency -1: %v", err)
	}
}

// TestReadSummariesInvalid: every row that cannot be a summary is an error
// naming its line, its column by name and the reason, and with
// SkipInvalid it is skipped and counted under that reason.
func TestReadSummariesInvalid(t *testing.T) {
	const head = "customer_id,frequency,recency,T,monetary_value\nok,1,1,2,5\n"
	for _, tc := range []struct {
		row    string
		want   error
		column string // "" for the whole record
		reason string // Stats.Reasons key with SkipInvalid
		text   string // in the message
	}{
		{"a,1,5,3,1", clv.ErrInvalidCustomer, "recency", "recency outside [0, T]", "at most T"},
		{"a,1,-1,3,1", clv.ErrInvalidCustomer, "recency", "recency outside [0, T]", "recency -1"},
		{"a,0,2,3,0", clv.ErrInvalidCustomer, "recency", "recency ≠ 0 with frequency 0", "first"},
		{"a,1.5,2,3,1", clv.ErrInvalidCustomer, "frequency", "frequency not a whole number ≥ 0", "1.5"},
		{"a,-2,2,3,1", clv.ErrInvalidCustomer, "frequency", "frequency not a whole number ≥ 0", "-2"},
		{"a,1e9,2,3,1", clv.ErrInvalidCustomer, "frequency", "frequency above the bound", "MaxFrequency"},
		{"a,0,0,-1,0", clv.ErrInvalidCustomer, "T", "T < 0", "end of observation"},
		{"a,2,1,3,-4", clv.ErrNegativeAmount, "monetary_value", "negative amount", "AllowNegative"},
		{"a,0,0,3,7", clv.ErrInvalidCustomer, "monetary_value", "monetary_value ≠ 0 with frequency 0", "first purchase"},
		{"a,x,2,3,1", clv.ErrBadAmount, "frequency", "unparseable amount", `"x"`},
		{"a,1,2,Inf,1", clv.ErrBadAmount, "T", "unparseable amount", `"Inf"`},
		{"a,1,2,1e400,1", clv.ErrBadAmount, "T", "unparseable amount", "1e400"},
		{"a,0x1p1,2,3,1", clv.ErrBadAmount, "frequency", "unparseable amount", "0x1p1"},
		{",1,2,3,1", clv.ErrMissingID, "customer_id", "missing customer id", ""},
		{"a,1,2", clv.ErrFieldCount, "", "wrong number of fields", "field 4"},
		{"ok,1,1,2,5", clv.ErrDuplicateID, "customer_id", "duplicate customer id", "line 2"},
	} {
		in := head + tc.row + "\n"
		_, _, err := csvio.ReadSummaries(strings.NewReader(in), csvio.SummariesOptions{})
		var pe *clv.ParseError
		if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Line != 3 || pe.Name != tc.column || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%q: %v, want %v on line 3, column %q, saying %q", tc.row, err, tc.want, tc.column, tc.text)
			continue
		}
		cs, st, err := csvio.ReadSummaries(strings.NewReader(in+"z,1,1,2,3\n"), csvio.SummariesOptions{SkipInvalid: true})
		if err != nil || len(cs) != 2 || st.Records != 3 || st.Skipped != 1 || st.Reasons[tc.reason] != 1 {
			t.Errorf("%q with skipping: %d customers, %v, %v; want the reason %q", tc.row, len(cs), st, err, tc.reason)
		}
	}
}

func TestReadSummariesOptions(t *testing.T) {
	in := "customer_id;frequency;recency;T;monetary_value\na;2;1;3;-4\nb;2000000;1;3;4\n"
	cs, _, err := csvio.ReadSummaries(strings.NewReader(in), csvio.SummariesOptions{Delimiter: ';', AllowNegative: true, MaxFrequency: 1e7})
	if err != nil || len(cs) != 2 || cs[0].MonetaryValue != -4 || cs[1].Frequency != 2e6 {
		t.Fatalf("%+v %v", cs, err)
	}
	// Above 2⁵³ a count is not exact: the bound is capped there.
	in = "customer_id,frequency,recency,T\na,18014398509481984,1,3\n"
	if _, _, err := csvio.ReadSummaries(strings.NewReader(in), csvio.SummariesOptions{MaxFrequency: 1e300}); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("frequency 2⁵⁴: %v", err)
	}
	// Without the column, monetary values are 0.
	cs, _, err = csvio.ReadSummaries(strings.NewReader("T,recency,frequency,customer_id\n3,1,2,a\n"), csvio.SummariesOptions{})
	if err != nil || cs[0] != (clv.Customer{ID: "a", Frequency: 2, Recency: 1, T: 3}) {
		t.Fatalf("%+v %v", cs, err)
	}
}

// TestReadSummariesBOM: a byte-order mark before a quoted header.
func TestReadSummariesBOM(t *testing.T) {
	in := "\ufeff\"customer_id\",\"frequency\",\"recency\",\"T\",\"monetary_value\"\r\n\"a\",\"1\",\"2\",\"10\",\"5\"\r\n"
	cs, _, err := csvio.ReadSummaries(strings.NewReader(in), csvio.SummariesOptions{})
	if err != nil || len(cs) != 1 || cs[0] != (clv.Customer{ID: "a", Frequency: 1, Recency: 2, T: 10, MonetaryValue: 5}) {
		t.Errorf("%+v %v", cs, err)
	}
}
