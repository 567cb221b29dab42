package rows

import (
	"sync"
	"sync/atomic"
)

// A job groups its customers once and shares the grouping with the
// functions it calls, which would otherwise each group the same customers
// again: the fits (through model.FitRows), clv.LifetimeValues and
// clv.OutlookAll, interval.Forecast and interval.PredictiveAll, BG/NBD's
// (x, T) table. Those are public functions of packages that the job
// reaches only through their exported signatures, which take the
// customers and no grouping; so the grouping goes beside the customers,
// registered by the identity of their slice.
//
// A shared grouping is by Key{A: frequency, B: recency, C: T} (in that
// order), with every item in a group (none left out); it is only ever
// used as a shortcut for grouping the items again, so that a function
// finds exactly the groups it would have computed (Map derives a
// coarser or permuted key from it).
var shared struct {
	sync.Mutex
	m map[sharedKey]*Groups
}

// sharedKey identifies a slice: its first element and its length.
type sharedKey struct {
	first any
	n     int
}

// Share registers g as the grouping of items by Key{frequency, recency,
// T} until the function it returns is called: Shared(items) returns g
// meanwhile. The items must not change while shared. g must group
// exactly len(items) items, none left out; otherwise, or for no items,
// Share registers nothing.
func Share[T any](items []T, g *Groups) (unshare func()) {
	if len(items) == 0 || g == nil || len(g.Of) != len(items) {
		return func() {}
	}
	total := 0
	for _, c := range g.Count {
		if c <= 0 {
			return func() {}
		}
		total += int(c)
	}
	if total != len(items) { // some left out
		return func() {}
	}
	k := sharedKey{&items[0], len(items)}
	shared.Lock()
	if shared.m == nil {
		shared.m = map[sharedKey]*Groups{}
	}
	shared.m[k] = g
	shared.Unlock()
	return func() {
		shared.Lock()
		if shared.m[k] == g {
			delete(shared.m, k)
		}
		shared.Unlock()
	}
}

// Shared returns the grouping of items by Key{frequency, recency, T}
// registered with Share, or nil: the slice must be the one shared (the
// same first element and length), not a part of it (Sub gives a part's
// grouping, to share in turn).
func Shared[T any](items []T) *Groups {
	if len(items) == 0 {
		return nil
	}
	shared.Lock()
	defer shared.Unlock()
	return shared.m[sharedKey{&items[0], len(items)}]
}

// groupings counts the calls of Group over at least from items (none
// when from is 0).
var groupings struct {
	from, calls atomic.Int64
}

// CountGroupings returns the number of calls of Group over at least n
// items since the last call of CountGroupings, and from now on counts
// those over at least n items (none for n = 0): the test hook with which a
// job's tests check that it groups its customers once.
func CountGroupings(n int) int64 {
	c := groupings.calls.Swap(0)
	groupings.from.Store(int64(max(n, 0)))
	return c
}

// Sub returns the grouping of items lo to hi−1 of g alone, as Group would
// give it for them: g's keys that occur among them, in g's order, each
// item's group among those and their counts. It hashes nothing.
func (g *Groups) Sub(lo, hi int) *Groups {
	lo, hi = max(lo, 0), min(hi, len(g.Of))
	hi = max(hi, lo)
	of := g.Of[lo:hi]
	count := make([]int32, len(g.Keys))
	for _, j := range of {
		if j >= 0 {
			count[j]++
		}
	}
	s := &Groups{Of: make([]int32, len(of))}
	re := make([]int32, len(g.Keys)) // g's group to s's
	for j, c := range count {
		if c > 0 {
			re[j] = int32(len(s.Keys))
			s.Keys = append(s.Keys, g.Keys[j])
			s.Count = append(s.Count, c)
		}
	}
	for i, j := range of {
		if j >= 0 {
			j = re[j]
		}
		s.Of[i] = j
	}
	return s
}
