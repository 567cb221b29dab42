package clv

import (
	"cmp"
	"errors"
	"fmt"
	"github.com/clvkit/clvkit/internal/parallel"
	"io"
	"math"
	"slices"
	"sync"
	"time"
	"unsafe"
)

// A Period is a calendar period: a day, a week, a month or a year.
type Period int

const (
	Day   Period = iota // a calendar day
	Week                // a week from Monday to Sunday (pandas' "W", weeks ending Sunday)
	Month               // a calendar month
	Year                // a calendar year: discrete opportunities such as annual drives (package bgbb)
)

// String returns "day", "week", "month" or "year".
func (p Period) String() string {
	switch p {
	case Day:
		return "day"
	case Week:
		return "week"
	case Month:
		return "month"
	case Year:
		return "year"
	}
	return fmt.Sprintf("Period(%d)", int(p))
}

// index returns the number of the period that t falls in (in t's location),
// counting from the period of 1970-01-01.
func (p Period) index(t time.Time) int64 {
	var day int64
	if t.Location() == time.UTC {
		day = floorDiv(t.Unix(), 86400)
	} else {
		y, m, d := t.Date()
		switch p {
		case Month:
			return int64(y)*12 + int64(m) - 1
		case Year:
			return int64(y)
		}
		day = daysFromCivil(int64(y), int64(m), int64(d))
	}
	switch p {
	case Year:
		return int64(t.Year())
	case Week:
		return floorDiv(day+3, 7) // 1970-01-01 was a Thursday; its Monday is day -3
	case Month:
		y, m, _ := t.Date()
		return int64(y)*12 + int64(m) - 1
	}
	return day
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// SummaryOptions configures Summarize. End is required; the zero values of
// the other fields give the papers' convention in days: continuous time,
// purchases on the same calendar day merged into one.
type SummaryOptions struct {
	// End is the end of observation; T is measured to it. A transaction
	// after End (later than the instant End) is an error wrapping
	// ErrAfterEnd, unless SkipAfterEnd is set. For a log of dates without
	// times of day, End is the last day observed. Zero means the time of
	// the last transaction (as in the lifetimes package), known only once
	// the whole log is read; Summary.End reports it.
	End time.Time

	// CalibrationEnd, if not zero, splits the observation into a
	// calibration period, up to and including CalibrationEnd, and a holdout
	// period (CalibrationEnd, End]. Customers are those whose first purchase
	// is in the calibration period; their Customer summary covers the
	// calibration period only, and Summary.Holdout what followed.
	CalibrationEnd time.Time

	// Calendar selects the calendar-period convention of the Python
	// lifetimes package: each time becomes the calendar Period it falls in,
	// Frequency counts distinct periods after the first, and Recency and T
	// are whole numbers of periods between period starts. Otherwise times
	// are continuous: (t − first purchase) / Unit.
	Calendar bool

	// Period is the calendar period: with Calendar, the unit times are
	// counted in; otherwise the granularity at which purchases merge (two
	// purchases in the same period count once). Zero means Day.
	Period Period

	// Unit is the time unit of continuous time. Zero means a day (24h);
	// 7*24*time.Hour gives weeks. It must be zero with Calendar.
	Unit time.Duration

	// SkipAfterEnd skips transactions after End, counting them in
	// Summary.Stats, instead of returning an error.
	SkipAfterEnd bool

	// AllowNegative accepts negative amounts (returns); by default a
	// negative amount is an error wrapping ErrNegativeAmount.
	AllowNegative bool

	// EndOfDay makes End and CalibrationEnd name whole days: a transaction
	// at any time of that day is included (in the calibration period for
	// CalibrationEnd). T and the holdout duration are then measured to the
	// end of the day when the log has times of day, and to the day itself
	// when it has only dates (as the lifetimes package counts), so a
	// date-only log gives the same summaries with or without it.
	EndOfDay bool

	// TrackRepeats counts the repeat purchases (after the first, merged
	// per Period as Frequency counts them, holdout included) of the
	// summarized customers by UTC day, in Summary.Repeats: the actual
	// curve of a tracking plot (ExpectedCumulativeRepeats gives the
	// model's), without a second pass over the log. Memory grows with the
	// number of days, not transactions.
	TrackRepeats bool
}

// DayCount is a number of events on one UTC day.
type DayCount struct {
	Day   time.Time // midnight UTC
	Count int
}

// Holdout is what a customer did in the holdout period.
type Holdout struct {
	// Frequency is the number of purchases (merged as in the calibration
	// period) in the holdout period.
	Frequency float64
	// MonetaryValue is the mean value of the holdout purchases, zero when
	// there are none. In the Calendar convention it is, as in the Python
	// lifetimes package, the mean over the holdout's individual
	// transactions; in continuous time it is the mean over merged purchases.
	MonetaryValue float64
	// Duration is the length of the holdout period in the time unit.
	Duration float64
}

// A Summary is the result of summarizing a transaction log.
type Summary struct {
	// Customers holds one summary per customer, in the order in which the
	// customers first appear in the input.
	Customers []Customer
	// Holdout is parallel to Customers when SummaryOptions.CalibrationEnd
	// is set, and nil otherwise.
	Holdout []Holdout
	// HoldoutOnly counts the customers whose first purchase falls in the
	// holdout period; they are not in Customers.
	HoldoutOnly int
	// Stats counts the transactions read and skipped.
	Stats Stats
	// First and Last are the times of the earliest and latest transaction
	// summarized; End is the end of observation T is measured to
	// (SummaryOptions.End, or Last when that is zero).
	First, Last, End time.Time
	// Repeats counts repeat purchases by day, ascending, with
	// SummaryOptions.TrackRepeats; nil otherwise.
	Repeats []DayCount
}

// acc accumulates one customer's history. Times are seconds since the Unix
// epoch (continuous) or period indexes (Calendar), as float64.
//
// It is 96 bytes without pointers: two cache lines, the first holding
// what a calibration purchase updates.
type acc struct {
	id         uint64  // reference of the customer's id in the idStore
	lastTime   float64 // time of the last transaction seen, for ordering
	firstTime  float64 // time of the first purchase
	lastBuy    float64 // time of the last calibration purchase
	repHi      float64 // value of the repeat calibration purchases (after the first period),
	repLo      float64 // as an unevaluated sum repHi + repLo (see addExact)
	lastPeriod int64   // period of the last calibration purchase
	n          int32   // calibration purchases (merged)
	hn         int32   // holdout purchases (merged)

	firstPeriod int64
	hPeriod     int64 // period of the last holdout purchase
	htx         int32 // holdout transactions
	holdoutOnly bool
	hTotal      float64 // value of all holdout purchases
}

// A Summarizer turns a stream of transactions into customer summaries in
// one pass. Its memory is O(customers): it requires each customer's
// transactions to arrive in time order (customers may interleave), which
// holds for logs appended as purchases happen and for logs sorted by
// customer or by time. An earlier transaction arriving after a later one of
// the same customer is an error wrapping ErrOutOfOrder; Summarize accepts
// any order.
type Summarizer struct {
	opts       SummaryOptions
	split      bool
	end, cal   float64 // End and CalibrationEnd as seconds
	limit      float64 // the latest time accepted: end, or the end of its day with EndOfDay
	calSplit   float64 // the latest time in the calibration period
	sawTime    bool    // a transaction had a time of day (with EndOfDay)
	endP, calP int64   // their periods
	index      idIndex
	ids        idStore
	blocks     [][]acc // customer k is blocks[k/blockSize][k%blockSize]; blocks never move
	n          int     // customers
	last       int32   // index of the previous transaction's customer, -1 at first
	lastH      uint32  // its hash
	stats      Stats
	sink       uint64 // consumes the loads that warm the caches (see AddBatch)

	open               bool      // End is the latest transaction
	earliest, latest   time.Time // earliest and latest transaction
	earliestS, latestS float64   // their seconds
	latestP            int64     // period of the latest transaction
	seen               bool      // a transaction was summarized
	repeats            map[int64]int
}

const blockSize = 4096

func (s *Summarizer) acc(k int32) *acc { return &s.blocks[uint32(k)/blockSize][uint32(k)%blockSize] }

// NewSummarizer returns a Summarizer, checking opts.
func NewSummarizer(opts SummaryOptions) (*Summarizer, error) {
	if opts.Period < Day || opts.Period > Year {
		return nil, fmt.Errorf("%w: period %v", ErrBadOption, opts.Period)
	}
	if opts.Calendar && opts.Unit != 0 {
		return nil, fmt.Errorf("%w: Unit must be zero with Calendar (times count %ss)", ErrBadOption, opts.Period)
	}
	if opts.Unit < 0 {
		return nil, fmt.Errorf("%w: negative Unit %v", ErrBadOption, opts.Unit)
	}
	if opts.Unit == 0 {
		opts.Unit = 24 * time.Hour
	}
	s := &Summarizer{
		opts:  opts,
		split: !opts.CalibrationEnd.IsZero(),
		open:  opts.End.IsZero(),
		end:   math.Inf(1),

		earliestS: math.Inf(1),
		latestS:   math.Inf(-1),
		index:     newIDIndex(),
		last:      -1,
	}
	if !s.open {
		s.end, s.endP = seconds(opts.End), opts.Period.index(opts.End)
	}
	s.limit = s.end
	if opts.EndOfDay && !s.open {
		s.limit = s.end + dayEnd
	}
	if opts.TrackRepeats {
		s.repeats = map[int64]int{}
	}
	if s.split {
		if !s.open && opts.CalibrationEnd.After(opts.End) {
			return nil, fmt.Errorf("%w: CalibrationEnd %v is after End %v", ErrBadOption, opts.CalibrationEnd, opts.End)
		}
		s.cal = seconds(opts.CalibrationEnd)
		s.calP = opts.Period.index(opts.CalibrationEnd)
		s.calSplit = s.cal
		if opts.EndOfDay {
			s.calSplit = s.cal + dayEnd
		}
	}
	return s, nil
}

// dayEnd is the last instant of a day after its midnight, in seconds.
const dayEnd = 86400 - 1e-6

// addExact adds x to the unevaluated sum hi + lo: hi is the rounded sum
// and lo accumulates the rounding errors exactly (Knuth's two-sum), so
// hi + lo rounds the exact sum correctly whatever order the amounts came
// in, and a summary built from merged shards (CustomerState) has the very
// monetary value of one pass.
func addExact(hi, lo, x float64) (float64, float64) {
	s := hi + x
	b := s - hi
	e := (hi - (s - b)) + (x - b)
	return s, lo + e
}

func seconds(t time.Time) float64 {
	return float64(t.Unix()) + float64(t.Nanosecond())*1e-9
}

// Add adds one transaction.
func (s *Summarizer) Add(t Transaction) error {
	_, err := s.addBatch([]Transaction{t})
	return err
}

// AddBatch adds the transactions of ts in order, as Add would one by one,
// and returns how many it added. If n < len(ts), err says why ts[n] could
// not be added; the transactions after it were not looked at.
//
// On a large log whose customers interleave, AddBatch is several times
// faster than Add: it looks up a group of customers before it updates any
// of them, so that the memory accesses of the group overlap instead of
// waiting for one another.
func (s *Summarizer) AddBatch(ts []Transaction) (n int, err error) {
	return s.addBatch(ts)
}

// batchSize is the number of transactions whose lookups overlap. Large
// enough to keep the memory system busy, small enough that the group's
// state stays in the L1 cache.
const batchSize = 32

// addBatch adds ts in groups of batchSize. For each group it loads the
// given ids, then hashes them and loads their hash-table slots, then loads
// the state of the customers the slots point to, then the stored ids, and
// only then adds each transaction in order (add). The first four passes
// only warm the caches and compute hints: a pass has no side effect and its
// loads do not depend on one another, so the processor issues them together
// (a million customers' state is far larger than the caches: one pass per
// dependent load turns four waits for memory per transaction into four per
// group). add checks every hint, so a stale one (a customer inserted by an
// earlier transaction of the group) costs a second lookup, never a wrong
// result.
func (s *Summarizer) addBatch(ts []Transaction) (int, error) {
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
			if i > 0 && id == g[i-1].CustomerID || i == 0 && s.last >= 0 && s.ids.equal(last, id) {
				// The previous transaction's customer: no hashing.
				hs[i], ks[i] = s.lastH, -2
				if i > 0 {
					hs[i] = hs[i-1]
				}
				continue
			}
			h := s.index.hash(id)
			hs[i], ks[i] = h, -1
			sink += s.index.slots[s.index.start(h)]
		}
		for i := range g {
			if ks[i] == -1 {
				if k := s.index.probe(hs[i]); k >= 0 {
					ks[i] = k
					a := s.acc(k)
					sink += a.id + math.Float64bits(a.hTotal) // both cache lines
				}
			}
		}
		for i := range g {
			if k := ks[i]; k >= 0 {
				if id := s.ids.stored(s.acc(k).id); len(id) > 0 {
					sink += uint64(id[0]) + uint64(id[len(id)-1])
				}
			}
		}
		s.sink = sink
		for i := range g {
			if err := s.add(g[i].CustomerID, hs[i], ks[i], g[i].Time, g[i].Amount); err != nil {
				return base + i, err
			}
		}
	}
	return len(ts), nil
}

// add adds one transaction of the customer id, whose hash is h. hint is the
// customer's probable index, -1 when unknown, or -2 when the customer is
// probably the previous transaction's.
func (s *Summarizer) add(id string, h uint32, hint int32, t time.Time, amount float64) error {
	s.stats.Records++
	if id == "" {
		return ErrMissingID
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("%w: %d bytes", ErrLongID, len(id))
	}
	if !finite(amount) {
		return fmt.Errorf("%w: %v", ErrNonFinite, amount)
	}
	if amount < 0 && !s.opts.AllowNegative {
		return fmt.Errorf("%w %v (set AllowNegative to accept returns)", ErrNegativeAmount, amount)
	}
	sec := seconds(t)
	if s.opts.EndOfDay && !s.sawTime {
		if h, m, sc := t.Clock(); h|m|sc != 0 || t.Nanosecond() != 0 {
			s.sawTime = true
		}
	}
	if sec > s.limit {
		if s.opts.SkipAfterEnd {
			s.stats.skip(fmt.Errorf("%w %v", ErrAfterEnd, t))
			return nil
		}
		return fmt.Errorf("%w %v: %v (set SkipAfterEnd to skip such transactions)", ErrAfterEnd, s.opts.End, t)
	}
	if hint == -2 {
		hint = s.last
	}
	k := hint
	ok := k >= 0 && s.ids.equal(s.acc(k).id, id)
	if !ok {
		var free uint32
		k, free = s.lookup(h, id)
		ok = k >= 0
		if !ok {
			k = int32(s.n)
			if int(k) != s.n || k < 0 || s.n == maxCustomers {
				return errors.New("clv: too many customers")
			}
			if s.n%blockSize == 0 {
				s.blocks = append(s.blocks, make([]acc, blockSize))
			}
			s.n++
			s.acc(k).id = s.ids.add(id)
			s.index.insert(free, h, k)
		}
	}
	s.last, s.lastH = k, h
	a := s.acc(k)
	p := s.opts.Period.index(t)
	if sec > s.latestS {
		s.latest, s.latestS, s.latestP = t, sec, p
	}
	if sec < s.earliestS {
		s.earliest, s.earliestS = t, sec
	}
	when := sec
	if s.opts.Calendar {
		when = float64(p)
	}
	if !ok {
		a.lastTime = sec
		a.firstTime, a.lastBuy = when, when
		a.firstPeriod, a.lastPeriod = p, p
		if s.split && sec > s.calSplit {
			a.holdoutOnly = true
			return nil
		}
		a.n = 1
		a.repHi, a.repLo = 0, 0
		return nil
	}
	if sec < a.lastTime {
		return fmt.Errorf("%w: customer %q: %v after %v", ErrOutOfOrder, s.ids.string(a.id), t, time.Unix(int64(a.lastTime), 0).In(t.Location()))
	}
	a.lastTime = sec
	if a.holdoutOnly {
		return nil
	}
	if s.split && sec > s.calSplit {
		a.htx++
		a.hTotal += amount
		if a.hn == 0 || p != a.hPeriod {
			a.hn++
			a.hPeriod = p
			s.repeat(sec)
		}
		return nil
	}
	if p != a.firstPeriod {
		a.repHi, a.repLo = addExact(a.repHi, a.repLo, amount)
	}
	if p != a.lastPeriod {
		a.n++
		a.lastPeriod = p
		a.lastBuy = when
		s.repeat(sec)
	}
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
	x := &s.index
	for i := x.start(h); ; i = (i + 1) & x.mask {
		e := x.slots[i]
		if e == 0 {
			return -1, i
		}
		if uint32(e>>32) == h {
			if k := int32(uint32(e) - 1); s.ids.equal(s.acc(k).id, id) {
				return k, 0
			}
		}
	}
}

// Summary returns the summaries of the customers added so far. It returns
// an error wrapping ErrEmptyLog if no customer has a purchase in the
// (calibration) period. The Summarizer may be used further.
func (s *Summarizer) Summary() (*Summary, error) {
	sum := &Summary{Stats: s.stats}
	var refs []uint64 // the ids of the customers to summarize
	var keep []int32  // and their accumulators
	for i := range s.n {
		if a := s.acc(int32(i)); a.holdoutOnly {
			sum.HoldoutOnly++
		} else {
			refs, keep = append(refs, a.id), append(keep, int32(i))
		}
	}
	n := len(refs)
	if n == 0 {
		return nil, fmt.Errorf("%w (%v)", ErrEmptyLog, s.stats)
	}
	sum.Customers = make([]Customer, n)
	if s.split {
		sum.Holdout = make([]Holdout, n)
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
			return nil, fmt.Errorf("%w: CalibrationEnd %v is not before the last transaction %v, the end of observation", ErrBadOption, s.opts.CalibrationEnd, s.latest)
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
		dur = (end - cal) / s.opts.Unit.Seconds()
	}
	unit := s.opts.Unit.Seconds()
	ids := s.ids.strings(refs)
	// The customers are independent: built on all cores, each chunk
	// reporting its first overflow.
	bad := make([]int, parallel.Chunks(n)) // index+1 of the chunk's first overflowing customer
	parallel.For(len(bad), func(ch int) {
		lo, hi := parallel.Bounds(ch, n)
		for j := lo; j < hi; j++ {
			a := s.acc(keep[j])
			c := Customer{ID: ids[j], Frequency: float64(a.n - 1)}
			if s.opts.Calendar {
				c.Recency = float64(a.lastPeriod - a.firstPeriod)
				c.T = float64(endP - a.firstPeriod)
			} else {
				c.Recency = (a.lastBuy - a.firstTime) / unit
				c.T = (endT - a.firstTime) / unit
			}
			if a.n > 1 {
				c.MonetaryValue = (a.repHi + a.repLo) / float64(a.n-1)
			}
			sum.Customers[j] = c
			if s.split {
				h := Holdout{Frequency: float64(a.hn), Duration: dur}
				if s.opts.Calendar && a.htx > 0 {
					h.MonetaryValue = a.hTotal / float64(a.htx)
				} else if a.hn > 0 {
					h.MonetaryValue = a.hTotal / float64(a.hn)
				}
				sum.Holdout[j] = h
			}
			if (!finite(a.repHi+a.repLo) || !finite(a.hTotal)) && bad[ch] == 0 {
				bad[ch] = j + 1
			}
		}
	})
	for _, b := range bad {
		if b > 0 {
			return nil, fmt.Errorf("%w: customer %q: the sum of the amounts overflows", ErrNonFinite, ids[b-1])
		}
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

// Summarize summarizes a slice of transactions, in any order. Customers
// appear in the order of their first purchase (ties: their order in ts).
// An error names the index of the transaction at fault.
func Summarize(ts []Transaction, opts SummaryOptions) (*Summary, error) {
	s, err := NewSummarizer(opts)
	if err != nil {
		return nil, err
	}
	order := timeOrder(ts)
	if order == nil { // already in time order
		if n, err := s.addBatch(ts); err != nil {
			return nil, fmt.Errorf("clv: transactions[%d]: %w", n, err)
		}
		return s.Summary()
	}
	buf := make([]Transaction, 0, min(len(ts), 1024))
	for len(order) > 0 {
		part := order[:min(len(order), cap(buf))]
		order = order[len(part):]
		buf = buf[:0]
		for _, i := range part {
			buf = append(buf, ts[i])
		}
		if n, err := s.addBatch(buf); err != nil {
			return nil, fmt.Errorf("clv: transactions[%d]: %w", part[n], err)
		}
	}
	return s.Summary()
}

// timeOrder returns the indexes of ts in time order, ties in index order,
// or nil if ts is in that order already.
func timeOrder(ts []Transaction) []int {
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

// SummarizeCSV reads a transaction log and summarizes it in one pass, with
// memory O(customers). Each customer's transactions must be in time order
// (see Summarizer); for other logs, use Reader.ReadAll and Summarize. An
// error is a *ParseError naming the line. With csvOpts.SkipInvalid, records
// that cannot be used (except those after End, see SkipAfterEnd, and those
// out of order) are skipped and counted in Summary.Stats.
//
// SummarizeCSV parses in a second goroutine while it summarizes, so it uses
// two cores; it has stopped reading r when it returns.
func SummarizeCSV(r io.Reader, csvOpts CSVOptions, opts SummaryOptions) (*Summary, error) {
	s, err := NewSummarizer(opts)
	if err != nil {
		return nil, err
	}
	rd, err := NewReader(r, csvOpts)
	if err != nil {
		return nil, err
	}
	// One goroutine parses records into chunks while this one adds them
	// (see Summarizer.AddBatch), chunk by chunk in the order read.
	var skipped Stats
	chunks := parseChunks(rd)
	defer chunks.stop()
	for {
		c := <-chunks.full
		for i := 0; i < len(c.ts); {
			n, err := s.addBatch(c.ts[i:])
			if err == nil {
				break
			}
			i += n
			switch {
			case errors.Is(err, ErrAfterEnd) || errors.Is(err, ErrOutOfOrder):
				return nil, rd.fieldErrAt(c.lines[i], rd.timeCol, err)
			case errors.Is(err, ErrLongID):
				err = rd.fieldErrAt(c.lines[i], rd.idCol, err)
			default:
				err = rd.fieldErrAt(c.lines[i], rd.amtCol, err)
			}
			if !csvOpts.SkipInvalid {
				return nil, err
			}
			skipped.skip(err)
			i++
		}
		err := c.err
		chunks.free <- c
		if err == io.EOF {
			break
		}
		if err != nil {
			if !csvOpts.SkipInvalid || !isRecordError(err) {
				return nil, err
			}
			skipped.skip(err)
		}
	}
	sum, err := s.Summary()
	if err != nil {
		return nil, err
	}
	// The parser has stopped (it sent io.EOF): its counts are final.
	st := Stats{Records: rd.stats.Records}
	st.merge(skipped)
	st.merge(s.stats)
	st.Records = rd.stats.Records
	sum.Stats = st
	return sum, nil
}

// A chunk is a run of parsed records, followed by the error that ended it:
// nil when the chunk is full, io.EOF at the end of the input, or the error
// of the record after ts.
type chunk struct {
	ts    []Transaction
	lines []int  // line numbers of ts
	arena []byte // the bytes of the ids in ts
	err   error
}

const chunkSize = 1024

// chunkPipe connects the parsing goroutine to the summarizing one. Chunks
// circulate: the parser fills one from free and sends it on full.
type chunkPipe struct {
	full, free chan *chunk
	done       chan struct{}
	wg         sync.WaitGroup
}

// parseChunks starts a goroutine that reads rd's records into chunks. It
// stops after a chunk whose error ends reading (any but a record error
// under SkipInvalid), or when stop is called.
func parseChunks(rd *Reader) *chunkPipe {
	const inFlight = 4
	p := &chunkPipe{full: make(chan *chunk, inFlight), free: make(chan *chunk, inFlight), done: make(chan struct{})}
	for range inFlight {
		p.free <- &chunk{ts: make([]Transaction, 0, chunkSize), lines: make([]int, 0, chunkSize), arena: make([]byte, 0, 16*chunkSize)}
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			var c *chunk
			select {
			case c = <-p.free:
			case <-p.done:
				return
			}
			c.ts, c.lines, c.arena, c.err = c.ts[:0], c.lines[:0], c.arena[:0], nil
			for len(c.ts) < chunkSize {
				id, t, amt, err := rd.readRaw()
				if err != nil {
					c.err = err
					break
				}
				var sid string
				if len(id) > 0 { // readRaw reports empty ids
					start := len(c.arena)
					c.arena = append(c.arena, id...)
					// The string aliases the arena, which append may move:
					// the old array lives on while a string points into it.
					sid = unsafe.String(&c.arena[start], len(id))
				}
				c.ts = append(c.ts, Transaction{CustomerID: sid, Time: t, Amount: amt})
				c.lines = append(c.lines, rd.line)
			}
			select {
			case p.full <- c:
			case <-p.done:
				return
			}
			if c.err != nil && (c.err == io.EOF || !rd.opts.SkipInvalid || !isRecordError(c.err)) {
				return
			}
		}
	}()
	return p
}

// stop ends the parsing goroutine and waits for it, so that the input is
// not read after SummarizeCSV returns.
func (p *chunkPipe) stop() {
	close(p.done)
	p.wg.Wait()
}
