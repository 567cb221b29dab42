package ingest

import (
	"encoding/binary"
	"math"
	"slices"
)

// A State is the engine of clv.CustomerState: for each purchase period
// (and side of the calibration end) of one customer, its earliest time,
// the sum of its amounts and its number of transactions.
type State struct {
	periods []statePeriod // sorted by (holdout, period)
}

// statePeriod is 48 bytes (a size class of Go's allocator): holdout
// shares a word with n.
type statePeriod struct {
	p       int64   // period index
	first   float64 // earliest time in it (seconds, or the period index in the Calendar convention)
	firstS  float64 // earliest time in seconds
	amount  float64 // the sum of its amounts, amount + amtLo exactly (AddExact)
	amtLo   float64
	n       int32 // transactions
	holdout bool
}

func (a statePeriod) less(b statePeriod) int {
	switch {
	case a.holdout != b.holdout:
		if !a.holdout {
			return -1
		}
		return 1
	case a.p < b.p:
		return -1
	case a.p > b.p:
		return 1
	}
	return 0
}

// Add adds a transaction of amount at sec (seconds) in period p, on the
// holdout side or not; first is its time in the summary's convention (sec,
// or p with Calendar).
func (st *State) Add(holdout bool, p int64, first, sec, amount float64) {
	st.insert(statePeriod{holdout: holdout, p: p, first: first, firstS: sec, amount: amount, n: 1})
}

func (st *State) insert(e statePeriod) {
	i, found := slices.BinarySearchFunc(st.periods, e, statePeriod.less)
	if !found {
		st.periods = slices.Insert(st.periods, i, e)
		return
	}
	st.periods[i].add(e)
}

// add merges e, of the same period, into q.
func (q *statePeriod) add(e statePeriod) {
	if e.firstS < q.firstS {
		q.first, q.firstS = e.first, e.firstS
	}
	q.amount, q.amtLo = AddExact(q.amount, q.amtLo, e.amount)
	q.amtLo += e.amtLo
	q.n += e.n
}

// Merge adds o's periods to st.
func (st *State) Merge(o *State) {
	for _, e := range o.periods {
		st.insert(e)
	}
}

// Merged returns the number of transactions merged into an earlier one of
// the same period: the transactions less the distinct periods (a period
// on both sides of the calibration end counts once, as the Summarizer
// counts Merged).
func (st *State) Merged() int {
	n := 0
	for i, e := range st.periods {
		n += int(e.n)
		// The sides are sorted by period and the holdout's periods follow
		// the calibration's: a period on both sides is the last
		// calibration period and the first holdout one.
		if i == 0 || !(e.holdout && !st.periods[i-1].holdout && e.p == st.periods[i-1].p) {
			n--
		}
	}
	return n
}

// Empty reports whether st holds no transaction.
func (st *State) Empty() bool { return len(st.periods) == 0 }

// Summary returns the customer's summary over the calibration side, in
// units of unit seconds to endT (seconds) or, with calendar, to the period
// endP, and the holdout side's purchases and mean value (Duration zero);
// ok is false if the calibration side is empty.
func (st *State) Summary(calendar bool, unit, endT float64, endP int64) (c Customer, h Holdout, ok bool) {
	// The periods are sorted with the holdout's last: two views, no copy.
	i := len(st.periods)
	for i > 0 && st.periods[i-1].holdout {
		i--
	}
	cal, hold := st.periods[:i], st.periods[i:]
	if len(cal) == 0 {
		return c, h, false
	}
	first, last := cal[0], cal[len(cal)-1]
	c.Frequency = float64(len(cal) - 1)
	if calendar {
		c.Recency = float64(last.p - first.p)
		c.T = float64(endP - first.p)
	} else {
		c.Recency = (last.first - first.first) / unit
		c.T = (endT - first.first) / unit
	}
	if len(cal) > 1 {
		var hi, lo float64
		for _, e := range cal[1:] {
			hi, lo = AddExact(hi, lo, e.amount)
			lo += e.amtLo
		}
		c.MonetaryValue = (hi + lo) / float64(len(cal)-1)
	}
	h.Frequency = float64(len(hold))
	var total float64
	var tx int32
	for _, e := range hold {
		total += e.amount
		tx += e.n
	}
	if calendar && tx > 0 {
		h.MonetaryValue = total / float64(tx)
	} else if len(hold) > 0 {
		h.MonetaryValue = total / float64(len(hold))
	}
	return c, h, true
}

// AppendBinary appends st's encoding to b.
func (st *State) AppendBinary(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(st.periods)))
	for _, e := range st.periods {
		h := byte(0)
		if e.holdout {
			h = 1
		}
		b = append(b, h)
		b = binary.AppendVarint(b, e.p)
		for _, f := range [...]float64{e.first, e.firstS, e.amount, e.amtLo} {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
		}
		b = binary.AppendUvarint(b, uint64(e.n))
	}
	return b
}

// DecodeState decodes what AppendBinary wrote, the whole of b; ok is
// false for a corrupt encoding.
func DecodeState(b []byte) (st State, ok bool) {
	m, k := binary.Uvarint(b)
	if k <= 0 || m > uint64(len(b)) {
		return st, false
	}
	b = b[k:]
	ps := make([]statePeriod, 0, m)
	for range m {
		if len(b) < 1 {
			return st, false
		}
		e := statePeriod{holdout: b[0] == 1}
		b = b[1:]
		p, k := binary.Varint(b)
		if k <= 0 || len(b)-k < 32 {
			return st, false
		}
		e.p, b = p, b[k:]
		e.first = math.Float64frombits(binary.LittleEndian.Uint64(b))
		e.firstS = math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))
		e.amount = math.Float64frombits(binary.LittleEndian.Uint64(b[16:]))
		e.amtLo = math.Float64frombits(binary.LittleEndian.Uint64(b[24:]))
		b = b[32:]
		c, k := binary.Uvarint(b)
		if k <= 0 || c > math.MaxInt32 {
			return st, false
		}
		e.n, b = int32(c), b[k:]
		ps = append(ps, e)
	}
	if len(b) != 0 {
		return st, false
	}
	return State{periods: ps}, true
}
