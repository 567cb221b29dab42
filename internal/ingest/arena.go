package ingest

import (
	"math/bits"
	"slices"
	"unsafe"
)

// An Arena holds the periods and the ids of many States in large blocks:
// building the states of 10⁶ customers takes a few allocations rather than
// one or more per customer, and the garbage collector has a few blocks to
// mark, none of which it scans (they hold no pointers), rather than
// millions of small objects. A state's periods in an arena are a slice of
// a block whose capacity is the state's own: the state is an ordinary
// State otherwise (Add, Merge and the rest work on it, and reallocate on
// the heap if they grow it). The zero Arena is ready to use; an Arena must
// not be used concurrently. A block is released when no state refers to
// it.
type Arena struct {
	block []statePeriod       // the rest of the current block of periods
	free  [24][][]statePeriod // freed slices of capacity 1<<c, by c
	ids   []byte              // the rest of the current block of ids
}

// Sizes of the blocks: 3 MiB of periods, 1 MiB of ids.
const (
	arenaPeriods = 1 << 16
	arenaIDs     = 1 << 20
)

// alloc returns an empty slice with room for n periods, n a power of 2.
func (a *Arena) alloc(n int) []statePeriod {
	c := bits.Len(uint(n)) - 1
	if c < len(a.free) {
		if f := a.free[c]; len(f) > 0 {
			s := f[len(f)-1]
			a.free[c] = f[:len(f)-1]
			return s[:0]
		}
	}
	if n > arenaPeriods/16 {
		return make([]statePeriod, 0, n)
	}
	if len(a.block) < n {
		a.block = make([]statePeriod, arenaPeriods)
	}
	s := a.block[:0:n]
	a.block = a.block[n:]
	return s
}

// release keeps s, which no state uses any more, for a later alloc.
func (a *Arena) release(s []statePeriod) {
	if cap(s) == 0 {
		return
	}
	c := bits.Len(uint(cap(s))) - 1
	if c < len(a.free) {
		a.free[c] = append(a.free[c], s[:0:1<<c])
	}
}

// String returns a copy of s held in the arena.
func (a *Arena) String(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > arenaIDs/16 {
		return string([]byte(s))
	}
	if cap(a.ids)-len(a.ids) < len(s) {
		a.ids = make([]byte, 0, arenaIDs)
	}
	start := len(a.ids)
	a.ids = append(a.ids, s...)
	// The bytes are never written again: appends to the block go after
	// them, and a full block is replaced, not grown.
	return unsafe.String(&a.ids[start], len(s))
}

// AddIn is Add with st's periods grown in a: st is as Add leaves it, its
// periods in a's blocks. A nil a is the heap (Add).
func (st *State) AddIn(a *Arena, holdout bool, p int64, first, sec, amount float64) {
	e := statePeriod{holdout: holdout, p: p, first: first, firstS: sec, amount: amount, n: 1}
	// A log in time order adds to the last period or after it.
	var i int
	switch n := len(st.periods); {
	case n == 0:
	case e.less(st.periods[n-1]) > 0:
		i = n
	case e.less(st.periods[n-1]) == 0:
		st.periods[n-1].add(e)
		return
	default:
		var found bool
		if i, found = slices.BinarySearchFunc(st.periods, e, statePeriod.less); found {
			st.periods[i].add(e)
			return
		}
	}
	if a != nil && len(st.periods) == cap(st.periods) {
		grown := a.alloc(max(1, 2*cap(st.periods)))
		grown = append(grown, st.periods...)
		a.release(st.periods)
		st.periods = grown
	}
	st.periods = slices.Insert(st.periods, i, e)
}
