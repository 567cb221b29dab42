package forecast

import (
	"github.com/clvkit/clvkit/clv"
)

// asyncObserver shows the groups of transactions a Summarizer adds to an
// Observer on a goroutine of its own, off the summarizer's critical path:
// csvio.Summarize parses on one goroutine and adds on another, and an
// Observer called by the adding one (the cohort tables: 0.18 CPU-s of a
// 10⁶-customer log) lengthens the longer of the two. The observer sees the
// same groups, in the same order, as it would on the adding goroutine, so
// its results are the same; the records are copied (their time and amount:
// the CustomerID of each record shown is empty, so the observer must not
// read it, as cohort.Accumulator does not) in batches of about
// asyncBatch records, a few of which are in flight at a time.
//
// close must be called once the Summarizer is done (whether it failed or
// not), before the observer's results are read: it shows the last batch
// and waits until the observer has seen everything.
type asyncObserver struct {
	o    clv.Observer
	cur  *observed
	full chan *observed // batches to show, in order
	free chan *observed // batches shown, to reuse
	done chan struct{}  // closed when the goroutine has shown every batch
}

// observed is a batch of groups: the customers and the records of the
// groups one after the other, and where each group ends.
type observed struct {
	ks   []int32
	ts   []clv.Transaction
	ends []int
}

// asyncBatch is the number of records of a batch (~210 KB of copies); the
// batches in flight are at most asyncInFlight.
const (
	asyncBatch    = 4096
	asyncInFlight = 4
)

// newAsyncObserver starts the goroutine that shows o the groups.
func newAsyncObserver(o clv.Observer) *asyncObserver {
	a := &asyncObserver{o: o, full: make(chan *observed, asyncInFlight), free: make(chan *observed, asyncInFlight+1),
		done: make(chan struct{})}
	for range asyncInFlight + 1 {
		a.free <- &observed{ks: make([]int32, 0, asyncBatch+64), ts: make([]clv.Transaction, 0, asyncBatch+64)}
	}
	a.cur = <-a.free
	go func() {
		defer close(a.done)
		for b := range a.full {
			start := 0
			for _, end := range b.ends {
				a.o.Observe(b.ks[start:end], b.ts[start:end])
				start = end
			}
			b.ks, b.ts, b.ends = b.ks[:0], b.ts[:0], b.ends[:0]
			a.free <- b
		}
	}()
	return a
}

// Observe implements clv.Observer: it copies the group into the current
// batch, and hands the batch on once it is full.
func (a *asyncObserver) Observe(customers []int32, ts []clv.Transaction) {
	n := min(len(customers), len(ts))
	b := a.cur
	b.ks = append(b.ks, customers[:n]...)
	for _, t := range ts[:n] {
		b.ts = append(b.ts, clv.Transaction{Time: t.Time, Amount: t.Amount})
	}
	b.ends = append(b.ends, len(b.ks))
	if len(b.ks) >= asyncBatch {
		a.full <- b
		a.cur = <-a.free
	}
}

// close shows the last batch and waits until the observer has seen every
// group.
func (a *asyncObserver) close() {
	if a.cur == nil { // closed already
		return
	}
	if len(a.cur.ends) > 0 {
		a.full <- a.cur
	}
	a.cur = nil
	close(a.full)
	<-a.done
}
