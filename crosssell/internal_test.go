package crosssell

import (
	"fmt"
	"testing"
)

// TestCompaction: repeated purchases are folded as they come, so that the
// accumulator's memory follows the distinct (customer, product) pairs.
func TestCompaction(t *testing.T) {
	defer func(n int) { compactMin = n }(compactMin)
	compactMin = 1 << 10
	var a Accumulator
	for i := range 1 << 16 {
		if err := a.Add(fmt.Sprint(i%100), fmt.Sprint(i%7)); err != nil {
			t.Fatal(err)
		}
	}
	kept := 0
	for _, s := range a.shards {
		kept += len(s.recs)
	}
	if kept > 4<<10+700 {
		t.Errorf("%d records kept for 700 distinct pairs", kept)
	}
	b := a.Baskets()
	if b.NumCustomers() != 100 || b.Pairs() != 700 {
		t.Errorf("%d customers, %d pairs", b.NumCustomers(), b.Pairs())
	}
}

// TestBounded: the heap keeps the k best, in order, ties by the second
// key.
func TestBounded(t *testing.T) {
	h := newBounded(3, scored.better)
	for i, s := range []float64{1, 5, 2, 5, 0, 9, 2} {
		h.push(scored{int32(i), s})
	}
	got := h.sorted()
	want := []scored{{5, 9}, {1, 5}, {3, 5}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%v, want %v", got, want)
	}
	z := newBounded(0, scored.better)
	z.push(scored{1, 1})
	if len(z.sorted()) != 0 {
		t.Error("k = 0 kept a value")
	}
}

// TestShardCollisions: ids of the same hash bits are told apart by their
// bytes, across the table's growth, from strings and bytes alike.
func TestShardCollisions(t *testing.T) {
	var s shard
	const n = 5000
	for i := range n {
		h := uint32(i % 7) // few hash values: long probes, many equal hashes
		c, err := find(&s, fmt.Sprint("id", i), h, int64(i))
		if err != nil || c != int32(i) {
			t.Fatalf("id %d: customer %d, %v", i, c, err)
		}
	}
	for i := range n {
		c, _, ok := lookup(&s, []byte(fmt.Sprint("id", i)), uint32(i%7))
		if !ok || c != int32(i) {
			t.Fatalf("id %d: customer %d, %v", i, c, ok)
		}
	}
	if _, _, ok := lookup(&s, "id", 0); ok {
		t.Error("found an id never added")
	}
	if ids := s.ids(); len(ids) != n || ids[0] != "id0" || ids[n-1] != fmt.Sprint("id", n-1) || len(s.slots) < 2*n {
		t.Errorf("%d ids, first %q, last %q, %d slots", len(ids), ids[0], ids[n-1], len(s.slots))
	}
}
