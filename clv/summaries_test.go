package clv_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

func TestReadSummaries(t *testing.T) {
	in := "customer_id,frequency,recency,T,monetary_value,extra\na,2,30.43,38.86,22.35,x\nb,0,0,38.86,0,y\n"
	cs, st, err := clv.ReadSummaries(strings.NewReader(in), 0, false)
	if err != nil || len(cs) != 2 || st.Records != 2 || cs[0] != (clv.Customer{ID: "a", Frequency: 2, Recency: 30.43, T: 38.86, MonetaryValue: 22.35}) {
		t.Fatalf("%+v %v %v", cs, st, err)
	}
	for _, tc := range []struct {
		in   string
		want error
		line int
	}{
		{"customer_id,frequency,recency,T\na,1,2,3\nb,1,5,3\n", clv.ErrInvalidCustomer, 3},
		{"customer_id,frequency,recency,T\na,x,2,3\n", clv.ErrBadAmount, 2},
		{"customer_id,frequency,recency,T\n,1,2,3\n", clv.ErrMissingID, 2},
		{"customer_id,frequency,recency,T\na,0x1p1,2,3\n", clv.ErrBadAmount, 2},
	} {
		_, _, err := clv.ReadSummaries(strings.NewReader(tc.in), 0, false)
		var pe *clv.ParseError
		if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Line != tc.line {
			t.Errorf("%q: %v", tc.in, err)
		}
		cs, st, err := clv.ReadSummaries(strings.NewReader(tc.in+"z,1,1,2\n"), 0, true)
		if err != nil || len(cs) < 1 || st.Skipped != 1 {
			t.Errorf("%q with skipping: %v %v", tc.in, st, err)
		}
	}
	if _, _, err := clv.ReadSummaries(strings.NewReader("id,frequency\n"), 0, false); !errors.Is(err, clv.ErrUnknownColumn) {
		t.Errorf("missing columns: %v", err)
	}
}
