package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
)

func TestMapCoversEachIndexOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 7} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 5*ChunkSize + 17} {
			seen := make([]int32, n)
			Map(n, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					atomic.AddInt32(&seen[i], 1)
				}
			})
			for i, v := range seen {
				if v != 1 {
					t.Fatalf("GOMAXPROCS %d, n %d: index %d seen %d times", procs, n, i, v)
				}
			}
			if want := (n + ChunkSize - 1) / ChunkSize; Chunks(n) != want {
				t.Errorf("Chunks(%d) = %d, want %d", n, Chunks(n), want)
			}
		}
		runtime.GOMAXPROCS(old)
	}
	if lo, hi := Bounds(2, 2*ChunkSize+5); lo != 2*ChunkSize || hi != 2*ChunkSize+5 {
		t.Errorf("Bounds = %d, %d", lo, hi)
	}
}
