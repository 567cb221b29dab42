package rows

import (
	"cmp"
	"math"
	"runtime"
	"slices"

	"github.com/clvkit/clvkit/internal/parallel"
)

// Key is what items are grouped by: up to four numbers, such as a
// customer's (x, t_x, T) as {A: x, B: t_x, C: T}; the fields a grouping
// does not use are 0. Keys are compared as values, except that −0 equals 0
// and every NaN equals every other NaN (a group's key holds 0 and
// math.NaN() for them), and ordered lexicographically — A, then B, C, D —
// each number as cmp.Compare orders them (NaN first).
//
// A struct rather than an array: the compiler keeps a struct of four
// numbers in registers, and hashing an array key was twice as slow.
type Key struct{ A, B, C, D float64 }

// canon returns k with −0 as 0 and every NaN as math.NaN(), so that equal
// keys have equal bits.
func (k Key) canon() Key {
	return Key{canon(k.A), canon(k.B), canon(k.C), canon(k.D)}
}

func canon(v float64) float64 {
	if v != v {
		return math.NaN()
	}
	return v + 0
}

func (k Key) hash() uint64 {
	h := math.Float64bits(k.A)*0x9E3779B97F4A7C15 ^ math.Float64bits(k.B)*0xC2B2AE3D27D4EB4F ^
		math.Float64bits(k.C)*0x165667B19E3779F9 ^ math.Float64bits(k.D)*0xD6E8FEB86659FD93
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>32
}

// same reports whether two canonical keys are equal.
func (k Key) same(o Key) bool {
	return math.Float64bits(k.A) == math.Float64bits(o.A) && math.Float64bits(k.B) == math.Float64bits(o.B) &&
		math.Float64bits(k.C) == math.Float64bits(o.C) && math.Float64bits(k.D) == math.Float64bits(o.D)
}

// Compare orders keys lexicographically, as Groups does: −1 if k comes
// before o, +1 after, 0 if they are equal.
func (k Key) Compare(o Key) int {
	return cmp.Or(cmp.Compare(k.A, o.A), cmp.Compare(k.B, o.B), cmp.Compare(k.C, o.C), cmp.Compare(k.D, o.D))
}

// Index numbers distinct keys in order of first appearance: the first key
// added is 0, the next different one 1, and so on. It is an open-addressing
// hash table at most half full, several times faster than a Go map on a
// million float keys. The zero value is empty.
type Index struct {
	keys  []Key
	slots []int32 // index+1 into keys, 0 for an empty slot; a power of 2 long
}

// Add returns the number of k, adding it if it is new.
func (x *Index) Add(k Key) int32 {
	k = k.canon()
	if len(x.slots) == 0 {
		x.grow()
	}
	mask := uint64(len(x.slots) - 1)
	i := k.hash() & mask
	for {
		s := x.slots[i]
		if s == 0 {
			break
		}
		if x.keys[s-1].same(k) {
			return s - 1
		}
		i = (i + 1) & mask
	}
	if 2*(len(x.keys)+1) > len(x.slots) {
		x.grow()
		mask = uint64(len(x.slots) - 1)
		for i = k.hash() & mask; x.slots[i] != 0; i = (i + 1) & mask {
		}
	}
	x.keys = append(x.keys, k)
	x.slots[i] = int32(len(x.keys))
	return int32(len(x.keys) - 1)
}

// Find returns the number of k and true, or 0 and false if k was never
// added.
func (x *Index) Find(k Key) (int32, bool) {
	if len(x.slots) == 0 {
		return 0, false
	}
	k = k.canon()
	mask := uint64(len(x.slots) - 1)
	for i := k.hash() & mask; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			return 0, false
		}
		if x.keys[s-1].same(k) {
			return s - 1, true
		}
	}
}

// Len returns the number of distinct keys.
func (x *Index) Len() int { return len(x.keys) }

// Keys returns the distinct keys, key j numbered j. The slice is the
// Index's own: it must not be modified.
func (x *Index) Keys() []Key { return x.keys }

func (x *Index) grow() {
	old := x.slots
	x.slots = make([]int32, max(1024, 2*len(old)))
	// At most half the slots are used: the keys never outgrow this.
	x.keys = slices.Grow(x.keys, len(x.slots)/2-len(x.keys))
	mask := uint64(len(x.slots) - 1)
	for _, s := range old {
		if s != 0 {
			i := x.keys[s-1].hash() & mask
			for x.slots[i] != 0 {
				i = (i + 1) & mask
			}
			x.slots[i] = s
		}
	}
}

// Groups is a grouping of n items (customers) by their keys: the distinct
// keys in canonical (lexicographic) order, each item's group and the
// number of items in each group. The canonical order depends on the keys
// alone — not on the order of the items, how they were split or the number
// of cores — so sums over groups in order are reproducible.
//
// A job groups its customers once by their finest key and derives coarser
// groupings from it with Map, which hashes the groups, not the customers.
type Groups struct {
	// Keys are the distinct keys, in ascending lexicographic order.
	Keys []Key
	// Of[i] is item i's group, an index into Keys, or −1 for an item
	// left out.
	Of []int32
	// Count[g] is the number of items in group g.
	Count []int32
}

// parallelMin is the number of items from which Group hashes parts of the
// items on all cores and merges their keys.
const parallelMin = 1 << 18

// Group groups the items 0 to n−1 by key(i); an item for which key returns
// false is left out (Of is −1). key is called once per item (twice for
// some items of a large input whose keys turn out not to be whole time
// units), concurrently for large n. n must be at most math.MaxInt32.
//
// Keys of whole time units (the first three numbers whole multiples of
// 1/s for a scale s per number, such as days in weeks, s = 7, and D = 0),
// as summaries of a log of dates are, are packed into integers with the
// item's index and radix-sorted, on all cores: a few passes over 8 bytes
// an item. Other inputs are split into one part per core, each part's
// distinct keys found with an Index, the parts' keys merged, and only the
// distinct keys sorted: the cost is one hash lookup per item and a sort
// of the distinct keys. Both give the same grouping.
func Group(n int, key func(i int) (Key, bool)) *Groups {
	n = max(n, 0)
	countGrouping(n)
	if n >= wholeMin {
		if g, ok := groupWhole(n, key); ok {
			return g
		}
	}
	return groupHash(n, key)
}

// groupHash is Group by hashing.
func groupHash(n int, key func(i int) (Key, bool)) *Groups {
	g := &Groups{Of: make([]int32, n)}
	parts := 1
	if n >= parallelMin {
		parts = runtime.GOMAXPROCS(0)
	}
	local := make([]Index, parts)
	counts := make([][]int32, parts)
	parallel.For(parts, func(p int) {
		lo, hi := p*n/parts, (p+1)*n/parts
		ix, of, cnt := &local[p], g.Of, counts[p]
		for i := lo; i < hi; i++ {
			k, ok := key(i)
			if !ok {
				of[i] = -1
				continue
			}
			j := ix.Add(k)
			if int(j) == len(cnt) {
				cnt = append(slices.Grow(cnt, cap(ix.keys)-len(cnt)), 0)
			}
			cnt[j]++
			of[i] = j
		}
		counts[p] = cnt
	})
	// The parts' keys merged into part 0's, then sorted: remap[p][j] is
	// part p's key j in the sorted order.
	all := &local[0]
	remap := make([][]int32, parts)
	for p := 1; p < parts; p++ {
		remap[p] = make([]int32, local[p].Len())
		for j, k := range local[p].keys {
			remap[p][j] = all.Add(k)
		}
	}
	rank := g.sort(all.keys)
	remap[0] = rank
	for p := 1; p < parts; p++ {
		for j, r := range remap[p] {
			remap[p][j] = rank[r]
		}
	}
	g.Count = make([]int32, len(g.Keys))
	for p, cnt := range counts {
		for j, c := range cnt {
			g.Count[remap[p][j]] += c
		}
	}
	parallel.For(parts, func(p int) {
		lo, hi := p*n/parts, (p+1)*n/parts
		of, re := g.Of[lo:hi], remap[p]
		for i, j := range of {
			if j >= 0 {
				of[i] = re[j]
			}
		}
	})
	return g
}

// sort sets g.Keys to keys in canonical order and returns each key's rank
// in it.
func (g *Groups) sort(keys []Key) []int32 {
	var rank []int32
	g.Keys, rank = Sorted(keys)
	return rank
}

// Sorted returns distinct canonical keys (as an Index holds them) in
// canonical order, and rank, rank[j] the place of keys[j] in it. The keys
// are sorted as integers that order as the numbers do, which compare
// faster than floats with their NaNs.
func Sorted(keys []Key) (sorted []Key, rank []int32) {
	rank = make([]int32, len(keys))
	sorted = make([]Key, len(keys))
	inOrder, sameD := true, true
	for i := 1; i < len(keys) && (inOrder || sameD); i++ {
		inOrder = inOrder && keys[i-1].Compare(keys[i]) < 0
		sameD = sameD && keys[i].D == keys[0].D
	}
	if inOrder {
		copy(sorted, keys)
		for i := range rank {
			rank[i] = int32(i)
		}
		return sorted, rank
	}
	// The sort moves 32 bytes a key when D is the same for all (a
	// grouping by at most three numbers), 40 otherwise.
	if sameD {
		type ranked struct {
			a, b, c uint64 // orderBits of A, B and C
			i       int32
		}
		s := make([]ranked, len(keys))
		for i, k := range keys {
			s[i] = ranked{orderBits(k.A), orderBits(k.B), orderBits(k.C), int32(i)}
		}
		slices.SortFunc(s, func(x, y ranked) int {
			switch {
			case x.a != y.a:
				return cmp.Compare(x.a, y.a)
			case x.b != y.b:
				return cmp.Compare(x.b, y.b)
			}
			return cmp.Compare(x.c, y.c)
		})
		for r, e := range s {
			sorted[r] = keys[e.i]
			rank[e.i] = int32(r)
		}
		return sorted, rank
	}
	type ranked struct {
		a, b, c, d uint64 // orderBits of the key's numbers
		i          int32
	}
	s := make([]ranked, len(keys))
	for i, k := range keys {
		s[i] = ranked{orderBits(k.A), orderBits(k.B), orderBits(k.C), orderBits(k.D), int32(i)}
	}
	slices.SortFunc(s, func(x, y ranked) int {
		switch {
		case x.a != y.a:
			return cmp.Compare(x.a, y.a)
		case x.b != y.b:
			return cmp.Compare(x.b, y.b)
		case x.c != y.c:
			return cmp.Compare(x.c, y.c)
		}
		return cmp.Compare(x.d, y.d)
	})
	for r, e := range s {
		sorted[r] = keys[e.i]
		rank[e.i] = int32(r)
	}
	return sorted, rank
}

// orderBits maps a canonical float64 to a uint64 that orders as cmp.Compare
// orders the numbers: NaN first (0), then −Inf, ..., −0 = 0, ..., +Inf.
func orderBits(v float64) uint64 {
	b := math.Float64bits(v)
	switch {
	case v != v:
		return 0
	case b>>63 != 0:
		return ^b
	}
	return b | 1<<63
}

// Map groups the items of g by f of their keys, hashing g's groups, not
// its items: with f a projection — (x, t_x, T) to (x, T) — it gives the
// coarser grouping; with f a permutation of the numbers — (x, t_x, T) to
// (x, T, t_x) — the same groups in another order. It returns the new
// grouping and up, up[j] the new group of g's group j. The new Of is
// g's composed with up (nil if g's is nil).
func Map(g *Groups, f func(Key) Key) (*Groups, []int32) {
	var ix Index
	up := make([]int32, len(g.Keys))
	for j, k := range g.Keys {
		up[j] = ix.Add(f(k))
	}
	c := &Groups{}
	rank := c.sort(ix.keys)
	c.Count = make([]int32, len(c.Keys))
	for j := range up {
		up[j] = rank[up[j]]
		if j < len(g.Count) {
			c.Count[up[j]] += g.Count[j]
		}
	}
	if g.Of != nil {
		c.Of = make([]int32, len(g.Of))
		parallel.Map(len(g.Of), func(lo, hi int) {
			for i, j := range g.Of[lo:hi] {
				if j >= 0 {
					j = up[j]
				}
				c.Of[lo+i] = j
			}
		})
	}
	return c, up
}

// Sum returns the total of w over the items of each group, added in item
// order (so the totals do not depend on the number of cores); items left
// out are skipped. w has one value per item.
func (g *Groups) Sum(w []float64) []float64 {
	s := make([]float64, len(g.Keys))
	for i, j := range g.Of[:min(len(g.Of), len(w))] {
		if j >= 0 {
			s[j] += w[i]
		}
	}
	return s
}

// Members returns the items of each group, in item order: group j's are
// items[start[j]:start[j+1]]. Items left out are in none.
func (g *Groups) Members() (start, items []int32) {
	start = make([]int32, len(g.Keys)+1)
	for j, c := range g.Count {
		start[j+1] = start[j] + c
	}
	items = make([]int32, start[len(g.Keys)])
	next := slices.Clone(start[:len(g.Keys)])
	for i, j := range g.Of {
		if j >= 0 {
			items[next[j]] = int32(i)
			next[j]++
		}
	}
	return start, items
}
