package sbg_test

import (
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/sbg"
)

// TestLatest: Subscriptions.Latest is the latest start or end date of a
// usable row, with its line, whether or not ObservationEnd is given.
func TestLatest(t *testing.T) {
	const log = "customer_id,start,end\na,2024-01-05,2024-03-02\nb,2024-02-10,\nc,2024-01-20,2024-02-01\n"
	for _, end := range []time.Time{{}, time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)} {
		s, err := sbg.ReadSubscriptions(strings.NewReader(log), sbg.ReadOptions{ObservationEnd: end})
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC); !s.Latest.Equal(want) || s.LatestLine != 2 {
			t.Errorf("end %v: Latest %v line %d, want %v line 2", end, s.Latest, s.LatestLine, want)
		}
	}
}
