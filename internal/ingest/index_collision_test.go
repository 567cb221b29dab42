package ingest

import (
	"fmt"
	"testing"
	"time"
)

// TestIndexCollisions gives many customers the same hash, so that every
// lookup walks a long probe sequence of equal hashes and must tell the
// customers apart by their ids, across the table's growth.
func TestIndexCollisions(t *testing.T) {
	s := NewSummarizer(SummaryOptions{End: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), Unit: 86400}, func(error) {})
	const n = 3000 // the table grows from 1,024 slots to 8,192
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for round := range 3 {
		for i := range n {
			h := uint32(7)
			if i%3 == 0 {
				h = uint32(i) // some spread-out hashes in between
			}
			id := testID(i)
			if err := s.add(id, h, -1, day.AddDate(0, 0, round), float64(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if entries, slots := s.index.Len(); s.n != n || entries != n || slots != 8192 {
		t.Fatalf("%d customers, %d in the index, %d slots; want %d, %d, 8192", s.n, entries, slots, n, n)
	}
	type idCustomer struct {
		id string
		Customer
	}
	sum, err := Summary(s, func(id string, c Customer) idCustomer { return idCustomer{id, c} }, func(h Holdout) Holdout { return h })
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range sum.Customers {
		if c.id != testID(i) || c.Frequency != 2 || c.MonetaryValue != float64(i) {
			t.Fatalf("customer %d: %+v", i, c)
		}
	}
}

// testID returns short ids (held inline) for even i, long ones for odd i.
func testID(i int) string {
	if i%2 == 0 {
		return fmt.Sprintf("id%d", i)
	}
	return fmt.Sprintf("a-longer-customer-id-%d", i)
}
