package ingest

import (
	"sync"
	"unsafe"
)

// Chunk is a run of records parsed ahead: the records, their line
// numbers, the bytes they alias, and the error that ended the run (nil
// when the chunk is full, io.EOF at the end of the input, or the error of
// the record after Recs).
type Chunk[R any] struct {
	Recs  []R
	Lines []int
	Arena []byte
	Err   error
}

// String returns b as a string that aliases a copy of b in the chunk's
// arena, valid as long as the chunk is not reused; "" for an empty b.
func (c *Chunk[R]) String(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	start := len(c.Arena)
	c.Arena = append(c.Arena, b...)
	// The string aliases the arena, which append may move: the old array
	// lives on while a string points into it.
	return unsafe.String(&c.Arena[start], len(b))
}

// inFlight is the number of chunks circulating in a Pipe.
const inFlight = 4

// Pipe connects a parsing goroutine to the goroutine that consumes its
// records: the parser fills a chunk taken from Free and sends it on Full;
// the consumer returns it to Free when done with it. Chunks are reused, so
// memory stays bounded whatever the input's size.
type Pipe[R any] struct {
	Full, Free chan *Chunk[R]
	done       chan struct{}
	wg         sync.WaitGroup
}

// StartPipe starts a goroutine that fills chunks with fill, in order, until
// fill reports that reading has ended (its chunk is sent first) or Stop is
// called. fill receives an emptied chunk with room for size records.
func StartPipe[R any](size int, fill func(c *Chunk[R]) (last bool)) *Pipe[R] {
	p := &Pipe[R]{Full: make(chan *Chunk[R], inFlight), Free: make(chan *Chunk[R], inFlight), done: make(chan struct{})}
	for range inFlight {
		p.Free <- &Chunk[R]{Recs: make([]R, 0, size), Lines: make([]int, 0, size), Arena: make([]byte, 0, 16*size)}
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			var c *Chunk[R]
			select {
			case c = <-p.Free:
			case <-p.done:
				return
			}
			c.Recs, c.Lines, c.Arena, c.Err = c.Recs[:0], c.Lines[:0], c.Arena[:0], nil
			last := fill(c)
			select {
			case p.Full <- c:
			case <-p.done:
				return
			}
			if last {
				return
			}
		}
	}()
	return p
}

// Stop ends the parsing goroutine and waits for it, so that the input is
// not read after Stop returns.
func (p *Pipe[R]) Stop() {
	close(p.done)
	p.wg.Wait()
}

// Collect calls next until it returns an error, and returns what it
// returned before, in order, with that error. The values are gathered in
// fixed-size chunks joined once at the end: growing one slice would copy
// a large input several times over.
func Collect[T any](next func() (T, error)) ([]T, error) {
	const size = 1 << 16
	var chunks [][]T
	cur := make([]T, 0, 1024)
	var err error
	for {
		var v T
		if v, err = next(); err != nil {
			break
		}
		if len(cur) == cap(cur) {
			chunks = append(chunks, cur)
			cur = make([]T, 0, size)
		}
		cur = append(cur, v)
	}
	chunks = append(chunks, cur)
	n := 0
	for _, c := range chunks {
		n += len(c)
	}
	out := make([]T, 0, n)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out, err
}
