package ingest

import (
	"testing"
	"time"
	"unsafe"
)

// TestAccLayout checks that a customer's hot state fills one cache line and
// that the blocks of it start on one, so that no acc straddles two lines.
func TestAccLayout(t *testing.T) {
	if n := unsafe.Sizeof(acc{}); n != 64 {
		t.Fatalf("acc is %d bytes, want 64 (one cache line)", n)
	}
	s := NewSummarizer(SummaryOptions{Period: 1, Unit: 86400}, nil)
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := make([]Transaction, 2*blockSize+1)
	for i := range ts {
		ts[i] = Transaction{CustomerID: string(rune('a'+i%26)) + string(rune('A'+i/26%26)) + string(rune('0'+i/676)), Time: day, Amount: 1}
	}
	if _, err := s.addBatch(ts, nil, nil); err != nil {
		t.Fatal(err)
	}
	if len(s.blocks) < 2 {
		t.Fatalf("%d blocks for %d customers, want at least 2", len(s.blocks), s.n)
	}
	for i, b := range s.blocks {
		if p := uintptr(unsafe.Pointer(&b[0])); p%64 != 0 {
			t.Errorf("block %d starts at %#x, not on a cache line", i, p)
		}
	}
	s2 := NewSummarizer(SummaryOptions{Period: 1, Unit: 86400}, nil)
	stop := s2.PrefaultBlocks()
	defer stop()
	if _, err := s2.addBatch(ts, nil, nil); err != nil {
		t.Fatal(err)
	}
	for i, b := range s2.blocks {
		if p := uintptr(unsafe.Pointer(&b[0])); p%64 != 0 {
			t.Errorf("prefaulted block %d starts at %#x, not on a cache line", i, p)
		}
	}
}
