package clv_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

func TestSummarizeUnordered(t *testing.T) {
	ts := []clv.Transaction{
		{"b", date(2020, 3, 1), 5},
		{"a", date(2020, 2, 1), 3},
		{"a", date(2020, 1, 1), 1},
		{"a", date(2020, 2, 1), 4}, // same day as a's second purchase
	}
	sum, err := clv.Summarize(ts, clv.SummaryOptions{End: date(2020, 3, 1)})
	if err != nil {
		t.Fatal(err)
	}
	want := []clv.Customer{
		{ID: "a", Frequency: 1, Recency: 31, T: 60, MonetaryValue: 7},
		{ID: "b", Frequency: 0, Recency: 0, T: 0},
	}
	if len(sum.Customers) != 2 || sum.Customers[0] != want[0] || sum.Customers[1] != want[1] {
		t.Errorf("got %+v, want %+v", sum.Customers, want)
	}
	if _, err := clv.Summarize([]clv.Transaction{{"", date(2020, 1, 1), 1}}, clv.SummaryOptions{End: date(2020, 3, 1)}); !errors.Is(err, clv.ErrMissingID) {
		t.Errorf("missing id: %v", err)
	}
}

// TestSummarizeOrder checks the order of Summarize's customers (first
// purchase, ties in input order) on the three paths of its sorting: input
// already in order, a span that fits nanosecond keys, and one over 584
// years, which compares the times themselves.
func TestSummarizeOrder(t *testing.T) {
	for _, early := range []time.Time{date(2019, 12, 1), date(1200, 1, 1)} {
		ts := []clv.Transaction{
			{"c", date(2020, 1, 2), 1},
			{"b", date(2020, 1, 1), 1}, // ties with d: b comes first in ts
			{"d", date(2020, 1, 1), 1},
			{"a", early, 1},
			{"b", date(2020, 1, 3), 2},
		}
		for _, sorted := range []bool{false, true} {
			in := ts
			if sorted { // in time order already
				in = []clv.Transaction{ts[3], ts[1], ts[2], ts[0], ts[4]}
			}
			sum, err := clv.Summarize(in, clv.SummaryOptions{End: date(2020, 2, 1)})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range sum.Customers {
				ids = append(ids, c.ID)
			}
			if got := strings.Join(ids, ""); got != "abdc" || sum.Customers[1].Frequency != 1 {
				t.Errorf("first purchase %v, sorted %v: customers %q (b: %+v), want \"abdc\" with b buying twice", early, sorted, got, sum.Customers[1])
			}
		}
	}
}

func TestCustomerValidate(t *testing.T) {
	bad := []clv.Customer{
		{Frequency: -1, T: 1},
		{Frequency: 1.5, Recency: 1, T: 2},
		{Frequency: 1, Recency: 3, T: 2},
		{Frequency: 0, Recency: 1, T: 2},
		{Frequency: 1, Recency: -1, T: 2},
		{Frequency: 1, Recency: 1, T: -2},
		{Frequency: 1, Recency: 1, T: 2, MonetaryValue: nan()},
	}
	for _, c := range bad {
		if err := c.Validate(); !errors.Is(err, clv.ErrInvalidCustomer) {
			t.Errorf("%+v: err = %v, want ErrInvalidCustomer", c, err)
		}
	}
	if err := clv.ValidateAll([]clv.Customer{{T: 1}, bad[2]}); err == nil || !strings.Contains(err.Error(), "customers[1]") {
		t.Errorf("ValidateAll: %v, want an error naming customers[1]", err)
	}
	if err := clv.ValidateAll(nil); !errors.Is(err, clv.ErrNoCustomers) {
		t.Errorf("ValidateAll(nil): %v", err)
	}
}

// TestReaderBOMQuotedHeader: a spreadsheet's "CSV UTF-8" export with every
