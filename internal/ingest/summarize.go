package ingest

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
	"unsafe"

	"github.com/clvkit/clvkit/internal/parallel"
)

// Transaction is the layout of clv.Transaction, which AddBatch reads in
// place (see Transactions).
type Transaction struct {
	CustomerID string
	Time       time.Time
	Amount     float64
}

// Transactions is satisfied by clv.Transaction: any type of Transaction's
// layout, so that a slice of it is read as a []Transaction without a copy.
type Transactions interface {
	~struct {
		CustomerID string
		Time       time.Time
		Amount     float64
	}
}

// acc accumulates one customer's history: the part of it that a purchase
// reads or updates, in one 64-byte cache line (blocks of accs are page
// aligned, see blockSize), so that the state of a repeat customer of a
// large log costs one miss. Times are seconds since the Unix epoch
// (continuous) or period indexes (Calendar), as float64.
//
// n, lastBuy, lastPeriod and repHi + repLo describe the whole observation
// so far. With a calibration end, the first holdout transaction copies them
// into the customer's accHold, which then describes the calibration period
// (before it, the whole and the calibration period are the same). The time
// of the first purchase, written once and read by Summary, is kept apart
// (Summarizer.firstTimes).
type acc struct {
	id          uint64  // reference of the customer's id in the Store
	lastTime    float64 // time of the last transaction seen, for ordering
	lastBuy     float64 // time of the last purchase
	repHi       float64 // value of the repeat purchases (after the first period),
	repLo       float64 // as an unevaluated sum repHi + repLo (see AddExact)
	lastPeriod  int64   // period of the last purchase
	firstPeriod int64   // period of the first purchase
	n           int32   // purchases (merged)
	holdoutOnly bool    // first purchase in the holdout period
}

// accHold is the holdout side of a customer's history, kept only with a
// calibration end and touched only by holdout transactions.
type accHold struct {
	hPeriod    int64   // period of the last holdout purchase
	hTotal     float64 // value of all holdout purchases
	calLastBuy float64 // lastBuy at the end of the calibration period, once htx > 0
	calRep     float64 // repHi + repLo at the end of the calibration period, once htx > 0
	hn         int32   // holdout purchases (merged)
	htx        int32   // holdout transactions
	calN       int32   // n at the end of the calibration period, once htx > 0
}

// SummaryOptions are clv.SummaryOptions, checked by clv, with Period a
// PeriodIndex period and Unit in seconds.
type SummaryOptions struct {
	End, CalibrationEnd time.Time
	Period              int
	Unit                float64
	Calendar            bool
	SkipAfterEnd        bool
	AllowNegative       bool
	EndOfDay            bool
	TrackRepeats        bool
}

// An Observer is clv.Observer's engine: after each group of transactions
// AddBatch added, Observe is called with the group and the index of each
// one's customer (−1: skipped after the end), from the adding goroutine.
type Observer interface {
	Observe(ks []int32, ts []Transaction)
}

// A Summarizer is the engine of clv.Summarizer: customer states in
// blocks, found through an Index of their ids kept in a Store.
type Summarizer struct {
	opts       SummaryOptions
	split      bool
	end, cal   float64 // End and CalibrationEnd as seconds
	limit      float64 // the latest time accepted: end, or the end of its day with EndOfDay
	calSplit   float64 // the latest time in the calibration period
	sawTime    bool    // a transaction had a time of day (with EndOfDay)
	endP, calP int64   // their periods
	index      Index
	ids        Store
	blocks     [][]acc     // customer k is blocks[k/blockSize][k%blockSize]; blocks never move
	firstTimes [][]float64 // as blocks: the time of each customer's first purchase
	holds      [][]accHold // as blocks, with a calibration end: the holdout side
	n          int         // customers
	last       int32       // index of the previous transaction's customer, -1 at first
	lastH      uint32      // its hash
	sink       uint64      // consumes the loads that warm the caches (see addBatch)
	skip       func(error)

	// Records counts the transactions added (refused ones included).
	Records int
	// Merged counts the transactions accepted into an earlier purchase of
	// the same customer in the same period (one purchase a period).
	Merged int

	open               bool      // End is the latest transaction
	earliest, latest   time.Time // earliest and latest transaction
	earliestS, latestS float64   // their seconds
	latestP            int64     // period of the latest transaction
	repeats            map[int64]int
	blocksAhead        chan []acc // see PrefaultBlocks; nil: allocate on demand
	accepted           int32      // the customer add added to, −1 if it skipped the transaction
	observer           Observer   // nil: none

	// A part of a log split by customers (NewPart) keeps the ordinal in
	// the log of the transaction being added (ord), of each customer's
	// first transaction (firsts) and of the earliest and latest
	// transactions, so that Merge can order the parts' customers as one
	// Summarizer would have (by first appearance) and break ties alike.
	part                   bool
	ord                    int64
	firsts                 [][]int64 // in blocks, as blocks
	earliestOrd, latestOrd int64
	parts                  []*Summarizer // a merged Summarizer's parts (see Merge); nil otherwise
	order                  []uint32      // with parts: customer k is parts[order[k]>>31], number order[k]&partMask
}

// blockSize is the number of customers in a block. A block of accs
// (256 KiB) is a large object for Go's allocator, which starts it on a page
// boundary: every acc fills one cache line.
const blockSize = 4096

// dayEnd is the last instant of a day after its midnight, in seconds.
const dayEnd = 86400 - 1e-6

// NewSummarizer returns an empty Summarizer. skip is called with the
// transactions skipped after the end (SkipAfterEnd).
func NewSummarizer(opts SummaryOptions, skip func(error)) *Summarizer {
	s := &Summarizer{
		opts:  opts,
		skip:  skip,
		split: !opts.CalibrationEnd.IsZero(),
		open:  opts.End.IsZero(),
		end:   math.Inf(1),

		earliestS: math.Inf(1),
		latestS:   math.Inf(-1),
		index:     NewIndex(),
		last:      -1,
	}
	if !s.open {
		s.end, s.endP = Seconds(opts.End), PeriodIndex(opts.Period, opts.End)
	}
	s.limit = s.end
	if opts.EndOfDay && !s.open {
		s.limit = s.end + dayEnd
	}
	if opts.TrackRepeats {
		s.repeats = map[int64]int{}
	}
	if s.split {
		s.cal = Seconds(opts.CalibrationEnd)
		s.calP = PeriodIndex(opts.Period, opts.CalibrationEnd)
		s.calSplit = s.cal
		if opts.EndOfDay {
			s.calSplit = s.cal + dayEnd
		}
	}
	return s
}

// newBlock returns a new block of customer states: from the provider when
// there is one (see PrefaultBlocks), else a fresh allocation.
func (s *Summarizer) newBlock() []acc {
	if s.blocksAhead != nil {
		return <-s.blocksAhead
	}
	return make([]acc, blockSize)
}

// PrefaultBlocks starts a goroutine that allocates blocks ahead of need and
// writes to every page of each, so that the operating system's first-touch
// page faults happen there, on a core the summarizing goroutine does not
// use, rather than on the critical path of a large log. stop ends it.
func (s *Summarizer) PrefaultBlocks() (stop func()) {
	ahead := make(chan []acc, 2)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		const perPage = 4096 / int(unsafe.Sizeof(acc{}))
		for {
			b := make([]acc, blockSize)
			for i := 0; i < len(b); i += perPage {
				b[i].n = 0
			}
			select {
			case ahead <- b:
			case <-done:
				return
			}
		}
	})
	s.blocksAhead = ahead
	return func() {
		close(done)
		wg.Wait()
		s.blocksAhead = nil
	}
}

func (s *Summarizer) acc(k int32) *acc { return &s.blocks[uint32(k)/blockSize][uint32(k)%blockSize] }

func (s *Summarizer) firstTime(k int32) *float64 {
	return &s.firstTimes[uint32(k)/blockSize][uint32(k)%blockSize]
}

func (s *Summarizer) hold(k int32) *accHold {
	return &s.holds[uint32(k)/blockSize][uint32(k)%blockSize]
}

// owner returns the Summarizer holding the state of customer k and its
// number there: in a merged Summarizer (see Merge) the part's customer it
// stands for.
func (s *Summarizer) owner(k int32) (*Summarizer, int32) {
	if s.parts == nil {
		return s, k
	}
	o := s.order[k]
	return s.parts[o>>31], int32(o & partMask)
}

// at returns the state of customer k (see owner).
func (s *Summarizer) at(k int32) *acc {
	p, j := s.owner(k)
	return p.acc(j)
}

// idsOf returns the ids of the customers ks, in one allocation.
func (s *Summarizer) idsOf(ks []int32) []string {
	if s.parts == nil {
		refs := make([]uint64, len(ks))
		for i, k := range ks {
			refs[i] = s.acc(k).id
		}
		return s.ids.IDs(refs)
	}
	n := 0
	for _, k := range ks {
		n += Length(s.at(k).id)
	}
	buf := make([]byte, 0, n)
	for _, k := range ks {
		o := s.order[k]
		p := s.parts[o>>31]
		buf = p.ids.AppendID(buf, p.acc(int32(o&partMask)).id)
	}
	all := string(buf)
	ids := make([]string, len(ks))
	for i, k := range ks {
		n := Length(s.at(k).id)
		ids[i], all = all[:n], all[n:]
	}
	return ids
}

// AddBatch adds the transactions of ts in order and returns how many it
// added; if n < len(ts), err says why ts[n] could not be added. ts is read
// in place as a []Transaction: the constraint guarantees the layout.
func AddBatch[T Transactions](s *Summarizer, ts []T) (n int, err error) {
	return s.addBatch(view(ts), nil, nil)
}

// As returns ts as a []T, in place: the reverse of view.
func As[T Transactions](ts []Transaction) []T {
	if len(ts) == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(ts))), len(ts))
}

// view returns ts as a []Transaction, in place: the constraint guarantees
// the layout.
func view[T Transactions](ts []T) []Transaction {
	if len(ts) == 0 {
		return nil
	}
	return unsafe.Slice((*Transaction)(unsafe.Pointer(unsafe.SliceData(ts))), len(ts))
}

// batchSize is the number of transactions whose lookups overlap. Large
// enough to keep the memory system busy, small enough that the group's
// state stays in the L1 cache.
const batchSize = 32

// addBatch adds ts in groups of batchSize. For each group it loads the
// given ids, then hashes them, then loads their hash-table slots, then
// probes the slots, then loads the state of the customers the slots point
// to (one cache line each, see acc), then the stored ids, and only then
// adds each transaction in order (add). The passes before add only warm
// the caches and compute hints: a pass has no side effect and its loads do
// not depend on one another, so the processor issues them together (a
// million customers' state is far larger than the caches: one pass per
// dependent load turns four waits for memory per transaction into four per
// group). A pass of loads does nothing else, so that the processor's window
// holds many of them at once. add checks every hint, so a stale one (a customer inserted by an
// earlier transaction of the group) costs a second lookup, never a wrong
// result.
//
// hashes, if not nil, holds the hashes of the ids of ts (Index.Hash), and
// ords the ordinals of ts in the log (for a part, see NewPart).
func (s *Summarizer) addBatch(ts []Transaction, hashes []uint32, ords []int64) (int, error) {
	var hs [batchSize]uint32
	var ks [batchSize]int32
	for base := 0; base < len(ts); base += batchSize {
		g := ts[base:min(base+batchSize, len(ts))]
		sink := s.sink
		for i := range g {
			if id := g[i].CustomerID; len(id) > 0 {
				sink += uint64(id[0]) + uint64(id[len(id)-1]) // an id may span two lines
			}
		}
		var last uint64 // the previous group's last customer
		if s.last >= 0 {
			last = s.acc(s.last).id
		}
		for i := range g {
			id := g[i].CustomerID
			if i > 0 && id == g[i-1].CustomerID || i == 0 && s.last >= 0 && s.ids.Equal(last, id) {
				// The previous transaction's customer: no hashing.
				hs[i], ks[i] = s.lastH, -2
				if i > 0 {
					hs[i] = hs[i-1]
				}
				continue
			}
			var h uint32
			if hashes != nil {
				h = hashes[base+i]
			} else {
				h = s.index.Hash(id)
			}
			hs[i], ks[i] = h, -1
		}
		// The slots' loads on their own, back to back: hashing between them
		// would fill the processor's window and leave few loads in flight.
		for i := range g {
			if ks[i] == -1 {
				sink += s.index.Slot(hs[i])
			}
		}
		for i := range g {
			if ks[i] == -1 {
				if k := s.index.Probe(hs[i]); k >= 0 {
					ks[i] = k
				}
			}
		}
		// The states' loads, back to back as the slots'.
		for i := range g {
			if k := ks[i]; k >= 0 {
				sink += s.acc(k).id
			}
		}
		if s.split {
			for i := range g {
				if k := ks[i]; k >= 0 && Seconds(g[i].Time) > s.calSplit {
					sink += math.Float64bits(s.hold(k).hTotal)
				}
			}
		}
		for i := range g {
			if k := ks[i]; k >= 0 {
				if id := s.ids.Stored(s.acc(k).id); len(id) > 0 {
					sink += uint64(id[0]) + uint64(id[len(id)-1])
				}
			}
		}
		s.sink = sink
		for i := range g {
			s.accepted = -1
			if ords != nil {
				s.ord = ords[base+i]
			}
			if err := s.add(g[i].CustomerID, hs[i], ks[i], g[i].Time, g[i].Amount); err != nil {
				s.observe(ks[:i], g[:i])
				return base + i, err
			}
			ks[i] = s.accepted // the hint is used: now the customer added to, for the observer
		}
		s.observe(ks[:len(g)], g)
	}
	return len(ts), nil
}

// observe shows the observer, if any, the transactions ts just added, of
// the customers ks (−1: skipped).
func (s *Summarizer) observe(ks []int32, ts []Transaction) {
	if s.observer != nil && len(ts) > 0 {
		s.observer.Observe(ks, ts)
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// add adds one transaction of the customer id, whose hash is h. hint is the
// customer's probable index, -1 when unknown, or -2 when the customer is
// probably the previous transaction's.
func (s *Summarizer) add(id string, h uint32, hint int32, t time.Time, amount float64) error {
	s.Records++
	if id == "" {
		return ErrMissingID
	}
	if len(id) > MaxIDLen {
		return fmt.Errorf("%w: %d bytes", ErrLongID, len(id))
	}
	if !finite(amount) {
		return fmt.Errorf("%w: %v", ErrNonFinite, amount)
	}
	if amount < 0 && !s.opts.AllowNegative {
		return fmt.Errorf("%w %v (set AllowNegative to accept returns)", ErrNegativeAmount, amount)
	}
	sec := Seconds(t)
	if s.opts.EndOfDay && !s.sawTime {
		if h, m, sc := t.Clock(); h|m|sc != 0 || t.Nanosecond() != 0 {
			s.sawTime = true
		}
	}
	if sec > s.limit {
		if s.opts.SkipAfterEnd {
			s.skip(fmt.Errorf("%w %v", ErrAfterEnd, t))
			return nil
		}
		return &AfterEndError{Time: t}
	}
	if hint == -2 {
		hint = s.last
	}
	k := hint
	ok := k >= 0 && s.ids.Equal(s.acc(k).id, id)
	if !ok {
		var free uint32
		k, free = s.lookup(h, id)
		ok = k >= 0
		if !ok {
			k = int32(s.n)
			if int(k) != s.n || k < 0 || s.n == MaxCustomers {
				return errors.New("clv: too many customers")
			}
			if s.n%blockSize == 0 {
				s.blocks = append(s.blocks, s.newBlock())
				s.firstTimes = append(s.firstTimes, make([]float64, blockSize))
				if s.split {
					s.holds = append(s.holds, make([]accHold, blockSize))
				}
			}
			s.n++
			s.acc(k).id = s.ids.Add(id)
			if s.part {
				if int(k)%blockSize == 0 {
					s.firsts = append(s.firsts, make([]int64, blockSize))
				}
				s.firsts[uint32(k)/blockSize][uint32(k)%blockSize] = s.ord
			}
			s.index.Insert(free, h, k)
		}
	}
	s.last, s.lastH = k, h
	a := s.acc(k)
	p := PeriodIndex(s.opts.Period, t)
	if sec > s.latestS {
		s.latest, s.latestS, s.latestP, s.latestOrd = t, sec, p, s.ord
	}
	if sec < s.earliestS {
		s.earliest, s.earliestS, s.earliestOrd = t, sec, s.ord
	}
	when := sec
	if s.opts.Calendar {
		when = float64(p)
	}
	if !ok {
		a.lastTime = sec
		*s.firstTime(k), a.lastBuy = when, when
		a.firstPeriod, a.lastPeriod = p, p
		a.n = 1
		a.repHi, a.repLo = 0, 0
		a.holdoutOnly = s.split && sec > s.calSplit
		s.accepted = k
		return nil
	}
	if sec < a.lastTime {
		return fmt.Errorf("%w: customer %q: %v after %v", ErrOutOfOrder, s.ids.ID(a.id), t, time.Unix(int64(a.lastTime), 0).In(t.Location()))
	}
	a.lastTime = sec
	if s.split && sec > s.calSplit && !a.holdoutOnly {
		h := s.hold(k)
		if h.htx == 0 {
			h.calN, h.calLastBuy, h.calRep = a.n, a.lastBuy, a.repHi+a.repLo
		}
		h.htx++
		h.hTotal += amount
		if h.hn == 0 || p != h.hPeriod {
			h.hn++
			h.hPeriod = p
			s.repeat(sec)
		}
	}
	if p != a.firstPeriod {
		a.repHi, a.repLo = AddExact(a.repHi, a.repLo, amount)
	}
	if p != a.lastPeriod {
		a.n++
		a.lastPeriod = p
		a.lastBuy = when
		if !s.split || sec <= s.calSplit {
			s.repeat(sec)
		}
	} else {
		s.Merged++
	}
	s.accepted = k
	return nil
}

// repeat counts a repeat purchase at sec on its UTC day.
func (s *Summarizer) repeat(sec float64) {
	if s.repeats != nil {
		s.repeats[floorDiv(int64(math.Floor(sec)), 86400)]++
	}
}

// lookup returns the index of the customer id, whose hash is h, or -1 and
// the free slot where it belongs.
func (s *Summarizer) lookup(h uint32, id string) (k int32, free uint32) {
	return s.index.Lookup(h, func(k int32) bool { return s.ids.Equal(s.acc(k).id, id) })
}

// Customer is a customer's summary: clv.Customer without the id.
type Customer struct{ Frequency, Recency, T, MonetaryValue float64 }

// Holdout is clv.Holdout.
type Holdout struct{ Frequency, MonetaryValue, Duration float64 }

// DayCount is clv.DayCount.
type DayCount struct {
	Day   time.Time
	Count int
}

// A Result is what clv.Summary holds, Customers and Whole as C and
// Holdout as H.
type Result[C, H any] struct {
	Customers, Whole []C
	Holdout          []H
	HoldoutOnly      int
	First, Last, End time.Time
	Repeats          []DayCount
}

// customer returns the summary of a customer whose first purchase was at
// first, with n purchases (merged), the last at last, repeat purchases
// worth rep in all, observed to end (seconds, or with Calendar the period
// endP).
func (s *Summarizer) customer(n int32, last, rep, first, end float64, endP int64) Customer {
	c := Customer{Frequency: float64(n - 1)}
	if s.opts.Calendar {
		// Times are period indexes: exact in a float64.
		c.Recency = last - first
		c.T = float64(endP) - first
	} else {
		c.Recency = (last - first) / s.opts.Unit
		c.T = (end - first) / s.opts.Unit
	}
	if n > 1 {
		c.MonetaryValue = rep / float64(n-1)
	}
	return c
}

// Summary returns the summaries of the customers added so far, made into
// C by cust and H by hold (both called on all cores). It returns
// ErrEmptyLog itself if no customer has a purchase in the (calibration)
// period. The Summarizer may be used further.
func Summary[C, H any](s *Summarizer, cust func(id string, c Customer) C, hold func(Holdout) H) (*Result[C, H], error) {
	sum := &Result[C, H]{}
	var refs []int32 // the customers whose ids are needed (with a split: every customer)
	var keep []int32 // the accumulators of the calibration period's customers
	for i := range s.n {
		a := s.at(int32(i))
		if a.holdoutOnly {
			sum.HoldoutOnly++
		} else {
			keep = append(keep, int32(i))
		}
		if s.split || !a.holdoutOnly {
			refs = append(refs, int32(i))
		}
	}
	n := len(keep)
	if n == 0 && s.split && s.n > 0 {
		return nil, fmt.Errorf("%w: no purchase up to CalibrationEnd %s: the first is on %s", ErrEmptyLog, dayOrTime(s.opts.CalibrationEnd), dayOrTime(s.earliest))
	}
	if n == 0 {
		return nil, ErrEmptyLog
	}
	sum.Customers = make([]C, n)
	if s.split {
		sum.Holdout = make([]H, n)
		sum.Whole = make([]C, s.n)
	}
	end, endT, endP, fullP := s.end, s.end, s.endP, s.endP
	cal := s.cal
	sum.End = s.opts.End
	if s.sawTime && !s.open { // EndOfDay with times of day: to the end of the days
		end, endT = s.end+86400, s.end+86400
		cal += 86400
		sum.End = s.opts.End.Add(24 * time.Hour)
	}
	if s.open {
		end, endT, endP, fullP = s.latestS, s.latestS, s.latestP, s.latestP
		sum.End = s.latest
		if s.split && !(s.cal < end) {
			return nil, fmt.Errorf("%w: CalibrationEnd %s is not before the last transaction, on %s, the end of observation",
				ErrBadOption, dayOrTime(s.opts.CalibrationEnd), dayOrTime(s.latest))
		}
	}
	sum.First, sum.Last = s.earliest, s.latest
	if s.split {
		endT, endP = cal, s.calP
	}
	var dur float64
	if s.opts.Calendar {
		dur = float64(fullP - s.calP)
	} else {
		dur = (end - cal) / s.opts.Unit
	}
	ids := s.idsOf(refs)
	badWhole := -1
	if s.split {
		// The whole observation's customers, every one of them.
		bad := make([]int, parallel.Chunks(s.n)) // index+1 of the chunk's first overflowing customer
		parallel.For(len(bad), func(ch int) {
			lo, hi := parallel.Bounds(ch, s.n)
			for k := lo; k < hi; k++ {
				p, pk := s.owner(int32(k))
				a := p.acc(pk)
				c := s.customer(a.n, a.lastBuy, a.repHi+a.repLo, *p.firstTime(pk), end, fullP)
				sum.Whole[k] = cust(ids[k], c)
				if !finite(c.MonetaryValue) && bad[ch] == 0 {
					bad[ch] = k + 1
				}
			}
		})
		for _, b := range bad {
			if b > 0 {
				badWhole = b - 1
				break
			}
		}
	}
	// The customers are independent: built on all cores, each chunk
	// reporting its first overflow.
	bad := make([]int, parallel.Chunks(n)) // index+1 of the chunk's first overflowing customer
	parallel.For(len(bad), func(ch int) {
		lo, hi := parallel.Bounds(ch, n)
		for j := lo; j < hi; j++ {
			p, pk := s.owner(keep[j])
			a := p.acc(pk)
			id := ids[j]
			if s.split {
				id = ids[keep[j]]
			}
			cn, last, rep := a.n, a.lastBuy, a.repHi+a.repLo
			var ah accHold
			if s.split {
				ah = *p.hold(pk)
			}
			if ah.htx > 0 {
				cn, last, rep = ah.calN, ah.calLastBuy, ah.calRep
			}
			sum.Customers[j] = cust(id, s.customer(cn, last, rep, *p.firstTime(pk), endT, endP))
			if s.split {
				h := Holdout{Frequency: float64(ah.hn), Duration: dur}
				if s.opts.Calendar && ah.htx > 0 {
					h.MonetaryValue = ah.hTotal / float64(ah.htx)
				} else if ah.hn > 0 {
					h.MonetaryValue = ah.hTotal / float64(ah.hn)
				}
				sum.Holdout[j] = hold(h)
			}
			if (!finite(rep) || !finite(a.repHi+a.repLo) || !finite(ah.hTotal)) && bad[ch] == 0 {
				bad[ch] = j + 1
			}
		}
	})
	overflow := func(id string) error {
		return fmt.Errorf("%w: customer %q: the sum of the amounts overflows", ErrNonFinite, id)
	}
	for _, b := range bad {
		if b > 0 {
			j := b - 1
			if s.split {
				return nil, overflow(ids[keep[j]])
			}
			return nil, overflow(ids[j])
		}
	}
	if badWhole >= 0 {
		return nil, overflow(ids[badWhole])
	}
	if s.repeats != nil {
		sum.Repeats = make([]DayCount, 0, len(s.repeats))
		for d, n := range s.repeats {
			sum.Repeats = append(sum.Repeats, DayCount{Day: time.Unix(d*86400, 0).UTC(), Count: n})
		}
		slices.SortFunc(sum.Repeats, func(a, b DayCount) int { return a.Day.Compare(b.Day) })
	}
	return sum, nil
}

// TimeOrder returns the indexes of ts in time order, ties in index order,
// or nil if ts is in that order already.
func TimeOrder[T Transactions](txs []T) []int {
	ts := view(txs)
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	sorted := true
	for i := range ts {
		sec := ts[i].Time.Unix()
		lo, hi = min(lo, sec), max(hi, sec)
		if sorted && i > 0 && ts[i].Time.Before(ts[i-1].Time) {
			sorted = false
		}
	}
	if sorted {
		return nil
	}
	order := make([]int, len(ts))
	if uint64(hi-lo) >= math.MaxUint64/1_000_000_000-1 { // over 584 years: compare the times themselves
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(i, j int) int { return ts[i].Time.Compare(ts[j].Time) })
		return order
	}
	// Sort (nanoseconds since lo, index) pairs: contiguous keys sort several
	// times faster than indexes into ts compared through it.
	type key struct {
		ns uint64
		i  int
	}
	keys := make([]key, len(ts))
	for i := range ts {
		t := ts[i].Time
		keys[i] = key{uint64(t.Unix()-lo)*1e9 + uint64(t.Nanosecond()), i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(a.ns, b.ns); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	for j, k := range keys {
		order[j] = k.i
	}
	return order
}

// SetObserver sets the observer of the transactions added (see Observer);
// nil for none.
func (s *Summarizer) SetObserver(o Observer) { s.observer = o }

// dayOrTime formats t as a date, with the time of day if it is not
// midnight, for messages about dates people give.
func dayOrTime(t time.Time) string {
	if h, m, sec := t.Clock(); h == 0 && m == 0 && sec == 0 && t.Nanosecond() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339)
}
