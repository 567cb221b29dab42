// Package parallel runs loops over customers on all cores with a fixed
// chunking, so that reductions do not depend on the number of goroutines.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// ChunkSize is the number of items in a chunk. Results reduced chunk by
// chunk, in chunk order, are the same on any machine.
const ChunkSize = 8192

// Chunks returns the number of chunks of ChunkSize covering n items.
func Chunks(n int) int { return (n + ChunkSize - 1) / ChunkSize }

// Bounds returns the half-open range of items in chunk c of n items.
func Bounds(c, n int) (lo, hi int) {
	lo = c * ChunkSize
	return lo, min(lo+ChunkSize, n)
}

// For calls fn(c) for every chunk c in [0, chunks), on up to GOMAXPROCS
// goroutines. It returns when all calls have returned.
func For(chunks int, fn func(c int)) {
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		for c := range chunks {
			fn(c)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				fn(c)
			}
		})
	}
	wg.Wait()
}

// Map calls fn(lo, hi) over [0, n) in chunks, on all cores. fn must write
// only to its own range of the output.
func Map(n int, fn func(lo, hi int)) {
	For(Chunks(n), func(c int) {
		lo, hi := Bounds(c, n)
		fn(lo, hi)
	})
}
