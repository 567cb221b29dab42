package ingest

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestArenaIsAdd: states grown in one arena (AddIn), many at once and
// interleaved, with periods in and out of order, on both sides, repeated,
// and some customers with hundreds of periods (beyond a block's share),
// encode exactly as the same states grown by Add; no state's periods
// overlap another's; the ids the arena copies are equal to theirs and
// survive the reuse of the caller's buffer.
func TestArenaIsAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 3000
	var a Arena
	heap, arena := make([]State, n), make([]State, n)
	ids := make([]string, n)
	buf := make([]byte, 0, 64)
	for k := range 40_000 {
		c := rng.IntN(n)
		if c < 3 {
			c = k % 3 // three customers with many periods
		}
		p := int64(rng.IntN(400))
		if rng.IntN(4) > 0 {
			p = int64(k / 50) // mostly in time order
		}
		holdout := rng.IntN(10) == 0
		sec, amt := float64(p)*86400+float64(rng.IntN(86400)), rng.Float64()*100
		heap[c].Add(holdout, p, sec, sec, amt)
		arena[c].AddIn(&a, holdout, p, sec, sec, amt)
		if ids[c] == "" {
			buf = append(buf[:0], "customer-"...)
			buf = append(buf, byte('a'+c%26), byte('a'+c/26%26), byte('a'+c/676))
			ids[c] = a.String(string(buf))
			buf[0] = 'X' // the caller's buffer reused
		}
	}
	seen := map[*statePeriod]int{}
	for c := range heap {
		if got, want := arena[c].AppendBinary(nil), heap[c].AppendBinary(nil); !bytes.Equal(got, want) {
			t.Fatalf("customer %d: the arena's state encodes differently from Add's (%d and %d periods)", c, len(arena[c].periods), len(heap[c].periods))
		}
		ps := arena[c].periods
		for i := range ps[:cap(ps)] {
			if o, ok := seen[&ps[:cap(ps)][i]]; ok {
				t.Fatalf("customers %d and %d share a period", o, c)
			}
			seen[&ps[:cap(ps)][i]] = c
		}
		if ids[c] != "" && ids[c][0] != 'c' {
			t.Fatalf("customer %d: id %q changed with the caller's buffer", c, ids[c])
		}
	}
	// A state grown in the arena is an ordinary one: Add and Merge work.
	arena[0].Merge(&heap[1])
	heap[0].Merge(&heap[1])
	arena[0].Add(true, 1e6, 0, 0, 1)
	heap[0].Add(true, 1e6, 0, 0, 1)
	if !bytes.Equal(arena[0].AppendBinary(nil), heap[0].AppendBinary(nil)) {
		t.Error("Merge and Add on an arena's state differ from the heap's")
	}
	if s := a.String(""); s != "" {
		t.Errorf("String(\"\") = %q", s)
	}
	long := string(bytes.Repeat([]byte{'z'}, arenaIDs))
	if s := a.String(long); s != long {
		t.Error("a long id is not copied whole")
	}
}
