package clv

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestIndexCollisions gives many customers the same hash, so that every
// lookup walks a long probe sequence of equal hashes and must tell the
// customers apart by their ids, across the table's growth.
func TestIndexCollisions(t *testing.T) {
	s, err := NewSummarizer(SummaryOptions{End: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
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
	if s.n != n || s.index.n != n || len(s.index.slots) != 8192 {
		t.Fatalf("%d customers, %d in the index, %d slots; want %d, %d, 8192", s.n, s.index.n, len(s.index.slots), n, n)
	}
	sum, err := s.Summary()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range sum.Customers {
		if c.ID != testID(i) || c.Frequency != 2 || c.MonetaryValue != float64(i) {
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

func TestIDStore(t *testing.T) {
	var st idStore
	ids := []string{"", "a", "1234567", "12345678", "\x00", "\x00\x00", "ü", "a somewhat longer id", "1234567"}
	var refs []uint64
	for _, id := range ids {
		refs = append(refs, st.add(id))
	}
	for i, ref := range refs {
		if got := st.string(ref); got != ids[i] {
			t.Errorf("string(add(%q)) = %q", ids[i], got)
		}
		for j, other := range ids {
			if st.equal(ref, other) != (ids[i] == other) {
				t.Errorf("equal(add(%q), %q) = %v", ids[i], ids[j], !(ids[i] == other))
			}
		}
	}
	if got := st.strings(refs); !slices.Equal(got, ids) {
		t.Errorf("strings = %q, want %q", got, ids)
	}
	if refs[2]&inlineID == 0 || refs[3]&inlineID != 0 {
		t.Errorf("7-byte id stored inline: %v, 8-byte id: %v; want true, false", refs[2]&inlineID != 0, refs[3]&inlineID != 0)
	}
}
