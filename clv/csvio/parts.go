package csvio

import (
	"errors"
	"io"
	"slices"
	"sync"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/ingest"
)

// Summarize's parallel path. The parsing goroutine fills chunks of
// records in the log's order, as on the sequential path; each chunk goes to
// ingest.Parts goroutines, each of which adds, in order, the records of the
// customers whose ids hash into its part (ingest.NewParts). A customer's
// transactions all reach one part, in the log's order, and meet there the
// arithmetic of one clv.Summarizer, so that the merged parts (ingest.Merge) are
// bit for bit the clv.Summarizer of the whole log. This goroutine takes the
// chunks back in order and puts together, by the records' ordinals in the
// log, what the parts saw: the skips in order, the first error of the
// log (the one with the lowest ordinal: the sequential path's), and for an
// clv.Observer each record's customer numbered by first appearance, shown in
// the log's order.

// partChunk is the number of records a chunk of the parallel path holds.
var partChunk = 16384

// partFlights is the number of chunks on their way at a time: parsed
// ahead, in the parts, or waiting to be put together.
const partFlights = 8

// ordErr is an error of the record with the ordinal ord in the log.
type ordErr struct {
	ord int64
	err error
}

// flight is a chunk on its way through the parts.
type flight struct {
	c    *ingest.Chunk[clv.Transaction]
	base int64    // ordinal of the chunk's first record
	hs   []uint32 // the hashes of the records' ids (ingest.Summarizer.Hash)
	wg   sync.WaitGroup
	out  [ingest.Parts]partOut
	// With a clv.Observer: each record's part and its customer in the part
	// (−1: skipped after the end; −2: refused or not reached).
	part []uint8
	k    []int32
}

// partOut is what a part did with a chunk.
type partOut struct {
	refused  []ordErr // records refused and skipped (SkipInvalid), in order
	afterEnd []ordErr // records skipped after the end (SkipAfterEnd), in order
	stop     ordErr   // the error that stopped the part, if err != nil
}

// summarizeParts is Summarize on ingest.Parts cores (see above).
func (s *summarizer) summarizeParts(rd *Reader) (*clv.Summary, error) {
	var cur [ingest.Parts]*flight // the flight each part works on, for its skip callback
	var parts []*ingest.Summarizer
	parts = ingest.NewParts(s.eopts, func(p int, err error) {
		cur[p].out[p].afterEnd = append(cur[p].out[p].afterEnd, ordErr{parts[p].Ord(), err})
	})
	observe := s.opts.Observer != nil
	var in [ingest.Parts]chan *flight
	var wg sync.WaitGroup
	for p := range parts {
		in[p] = make(chan *flight, partFlights)
		wg.Go(func() {
			var w partWork
			for f := range in[p] {
				cur[p] = f
				w.add(s, rd, parts[p], p, f, observe)
				f.wg.Done()
			}
		})
	}
	// The parser fills the free flights' chunks in order and hands each to
	// the parts and to this goroutine at once.
	free := make(chan *flight, partFlights)
	ready := make(chan *flight, partFlights)
	for range partFlights {
		free <- &flight{c: &ingest.Chunk[clv.Transaction]{
			Recs: make([]clv.Transaction, 0, partChunk), Lines: make([]int, 0, partChunk), Arena: make([]byte, 0, 16*partChunk),
		}}
	}
	done := make(chan struct{})
	var pwg sync.WaitGroup
	pwg.Go(func() {
		var ord int64
		for {
			var f *flight
			select {
			case f = <-free:
			case <-done:
				return
			}
			c := f.c
			c.Recs, c.Lines, c.Arena, c.Err = c.Recs[:0], c.Lines[:0], c.Arena[:0], nil
			last := fillChunk(rd, c, partChunk)
			f.base = ord
			ord += int64(len(c.Recs))
			f.hs = slices.Grow(f.hs[:0], len(c.Recs))[:len(c.Recs)]
			for i := range c.Recs {
				f.hs[i] = parts[0].Hash(c.Recs[i].CustomerID)
			}
			for p := range f.out {
				o := &f.out[p]
				o.refused, o.afterEnd, o.stop = o.refused[:0], o.afterEnd[:0], ordErr{}
			}
			if observe {
				f.part = slices.Grow(f.part[:0], len(c.Recs))[:len(c.Recs)]
				f.k = slices.Grow(f.k[:0], len(c.Recs))[:len(c.Recs)]
			}
			f.wg.Add(len(parts))
			for p := range in {
				in[p] <- f // never blocks: the channels hold every flight
			}
			ready <- f
			if last {
				return
			}
		}
	})
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		close(done)
		pwg.Wait() // the parser sends no more flights
		for p := range in {
			close(in[p])
		}
		wg.Wait()
	}
	defer stop()

	var skipped clv.Stats
	var glob [ingest.Parts][]int32 // with a clv.Observer: the log's number of each part's customers
	nglob := int32(0)
	var ks [32]int32
	var ts [32]clv.Transaction
	for {
		f := <-ready
		f.wg.Wait()
		c := f.c
		// The first error of the chunk, on the sequential path's order.
		first := ordErr{ord: f.base + int64(len(c.Recs))}
		for p := range f.out {
			if o := f.out[p].stop; o.err != nil && o.ord < first.ord {
				first = o
			}
		}
		for _, e := range mergeOrd(f.out[0].refused, f.out[1].refused) {
			if e.ord < first.ord {
				skipped.Skip(e.err)
			}
		}
		for _, e := range mergeOrd(f.out[0].afterEnd, f.out[1].afterEnd) {
			if e.ord < first.ord {
				s.skip(e.err)
			}
		}
		if observe {
			n := 0
			for i := range int(first.ord - f.base) {
				k := f.k[i]
				if k == -2 {
					continue
				}
				if k >= 0 {
					g := &glob[f.part[i]]
					if int(k) == len(*g) {
						*g = append(*g, nglob)
						nglob++
					}
					k = (*g)[k]
				}
				ks[n], ts[n] = k, c.Recs[i]
				if n++; n == len(ks) {
					s.opts.Observer.Observe(ks[:n], ts[:n])
					n = 0
				}
			}
			if n > 0 {
				s.opts.Observer.Observe(ks[:n], ts[:n])
			}
		}
		if first.err != nil {
			return nil, first.err
		}
		err := c.Err
		free <- f
		if err == io.EOF {
			break
		}
		if err != nil {
			if !rd.opts.SkipInvalid || !isRecordError(err) {
				return nil, err
			}
			skipped.Skip(err)
		}
	}
	stop()
	e, err := ingest.Merge(parts)
	if err != nil {
		return nil, err
	}
	*s.e = e
	return s.finish(rd, skipped)
}

// mergeOrd returns a and b merged by ordinal.
func mergeOrd(a, b []ordErr) []ordErr {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	m := append(slices.Clip(a), b...)
	slices.SortStableFunc(m, func(x, y ordErr) int {
		switch {
		case x.ord < y.ord:
			return -1
		case x.ord > y.ord:
			return 1
		}
		return 0
	})
	return m
}

// partWork is a part goroutine's scratch: the records of its customers in
// a chunk, their hashes, ordinals and places in the chunk.
type partWork struct {
	ts   []ingest.Transaction
	hs   []uint32
	ords []int64
	at   []int32
	obs  partObserver
}

// partObserver keeps the customers a part added its records to, in order.
type partObserver struct{ ks []int32 }

func (o *partObserver) Observe(ks []int32, _ []ingest.Transaction) { o.ks = append(o.ks, ks...) }

// add adds the records of f's chunk whose customers are in part p (the
// engine e), as addLines would: an error names the line and column, and
// with SkipInvalid a record e cannot use (except one after the end or out
// of order) is skipped. It stops at the first other error.
func (w *partWork) add(s *summarizer, rd *Reader, e *ingest.Summarizer, p int, f *flight, observe bool) {
	c, out := f.c, &f.out[p]
	w.ts, w.hs, w.ords, w.at = w.ts[:0], w.hs[:0], w.ords[:0], w.at[:0]
	for i := range c.Recs {
		h := f.hs[i]
		if ingest.PartOf(h) != p {
			continue
		}
		r := &c.Recs[i]
		w.ts = append(w.ts, ingest.Transaction{CustomerID: r.CustomerID, Time: r.Time, Amount: r.Amount})
		w.hs = append(w.hs, h)
		w.ords = append(w.ords, f.base+int64(i))
		w.at = append(w.at, int32(i))
	}
	if observe {
		w.obs.ks = w.obs.ks[:0]
		e.SetObserver(&w.obs)
		for _, i := range w.at {
			f.part[i], f.k[i] = uint8(p), -2
		}
	}
	defer e.SetObserver(nil)
	j := 0
	for j < len(w.ts) {
		n, err := ingest.AddHashed(e, w.ts[j:], w.hs[j:], w.ords[j:])
		if observe {
			for q, k := range w.obs.ks {
				f.k[w.at[j+q]] = k
			}
			w.obs.ks = w.obs.ks[:0]
		}
		if err == nil {
			return
		}
		j += n
		err, stop := rd.addErr(c.Lines[w.at[j]], s.afterEnd(err))
		if stop {
			out.stop = ordErr{w.ords[j], err}
			return
		}
		out.refused = append(out.refused, ordErr{w.ords[j], err})
		j++
	}
}

// addErr returns err, the summarizer's refusal of the record on line, as
// the error naming the line and column, and whether it stops summarizing
// (not skipped with SkipInvalid).
func (rd *Reader) addErr(line int, err error) (error, bool) {
	switch {
	case errors.Is(err, clv.ErrAfterEnd) || errors.Is(err, clv.ErrOutOfOrder):
		return rd.fieldErrAt(line, rd.timeCol, err), true
	case errors.Is(err, clv.ErrLongID):
		err = rd.fieldErrAt(line, rd.idCol, err)
	default:
		err = rd.fieldErrAt(line, rd.amtCol, err)
	}
	return err, !rd.opts.SkipInvalid
}
