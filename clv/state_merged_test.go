package clv_test

import (
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// TestCustomerStateMerged: a state's Merged is the count Summarize adds
// to Stats.Merged for the customer, with and without a calibration end
// inside a day that has purchases on both sides of it (one purchase
// period, counted once), and the difference before and after Merge is
// what the merged transactions add.
func TestCustomerStateMerged(t *testing.T) {
	at := func(d, h int) time.Time { return time.Date(2024, 3, d, h, 0, 0, 0, time.UTC) }
	ts := []clv.Transaction{
		{CustomerID: "A", Time: at(1, 9), Amount: 1}, {CustomerID: "A", Time: at(1, 10), Amount: 2},
		{CustomerID: "A", Time: at(2, 9), Amount: 3}, {CustomerID: "A", Time: at(2, 15), Amount: 4},
		{CustomerID: "A", Time: at(2, 16), Amount: 5}, {CustomerID: "A", Time: at(4, 9), Amount: 6},
	}
	for _, cal := range []time.Time{{}, at(2, 12)} {
		opts := clv.SummaryOptions{End: at(5, 0), CalibrationEnd: cal}
		sum, err := clv.Summarize(ts, opts)
		if err != nil {
			t.Fatal(err)
		}
		var whole, head, tail clv.CustomerState
		for i, tr := range ts {
			if err := whole.Add(tr, opts); err != nil {
				t.Fatal(err)
			}
			part := &head
			if i >= 3 {
				part = &tail
			}
			if err := part.Add(tr, opts); err != nil {
				t.Fatal(err)
			}
		}
		if got := whole.Merged(); got != 3 || got != sum.Stats.Merged {
			t.Errorf("calibration end %v: Merged %d, Summarize's %d, want 3", cal, got, sum.Stats.Merged)
		}
		before := head.Merged()
		if err := head.Merge(&tail); err != nil {
			t.Fatal(err)
		}
		if before != 1 || head.Merged()-before != 2 {
			t.Errorf("calibration end %v: Merged %d before the merge, %d after, want 1 and 3", cal, before, head.Merged())
		}
	}
	var nilState *clv.CustomerState
	if nilState.Merged() != 0 {
		t.Error("a nil state merged lines")
	}
}
