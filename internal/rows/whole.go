package rows

import (
	"math/bits"
	"runtime"

	"github.com/clvkit/clvkit/internal/parallel"
)

// The fast path of Group, for keys of whole time units: the summaries of
// a log of dates are whole numbers of days (or, in weeks, whole days over
// 7), so a key (x, t_x, T) is three small integers k = v·s for a scale s
// per number. Packed into one integer with the item's index, the keys
// are radix-sorted (stable, least significant digit first), which groups
// the items and puts the groups in canonical order at once: a few passes
// over 8 bytes an item instead of a hash lookup an item and a sort of the
// distinct keys.
//
// A number v is coded with scale s as k = ⌊v·s + ½⌋ when k/s == v
// exactly; the coding is then one-to-one and keeps the order of the
// numbers (v ↦ k is monotone and k/s decodes it), and the group's key is
// the decoded k/s: v itself, with −0 as 0. Keys with a negative, non-whole
// (under every scale), NaN or too large number, or with a D ≠ 0, fall back
// to hashing (groupHash); the result is the same either way, as the
// grouping is defined by the keys alone.

// wholeScales are the scales tried in turn for each of the key's first
// three numbers: whole units, then whole days in weeks, hours in days,
// hours in weeks, months in years, weeks in years, days in years, days in
// months of 30 days.
var wholeScales = [...]float64{1, 7, 24, 168, 12, 52, 365, 30}

const (
	wholeBits = 21 // bits per coded number before packing
	wholeMax  = 1<<wholeBits - 1
)

// wholeMin is the number of items from which Group tries the fast path
// (a variable for tests).
var wholeMin = 1 << 12

// whole codes v with scale s: k and true, or false if v is not k/s for a
// whole k in [0, wholeMax].
func whole(v, s float64) (uint64, bool) {
	if !(v >= 0 && v*s <= wholeMax) {
		return 0, false
	}
	k := uint64(v*s + 0.5) // the nearest whole number (ties either way)
	if float64(k)/s != v {
		return 0, false
	}
	return k, true
}

// wholePart is one part's coding: its items' codes (three numbers of
// wholeBits each, by item), the scale of each number (an index into
// wholeScales), the largest code of each and the number of items kept.
type wholePart struct {
	lo, hi int
	scale  [3]int
	max    [3]uint64
	kept   int
	ok     bool
}

// field returns number f of a packed code.
func field(c uint64, f int) uint64 { return c >> (wholeBits * (2 - f)) & wholeMax }

// rescale recodes number f of the codes of the kept items (of ≥ 0) from
// scale index from to index to, and reports whether all of them are whole
// in the new scale; the codes are changed only if they are.
func rescale(codes []uint64, of []int32, f, from, to int) bool {
	s0, s1 := wholeScales[from], wholeScales[to]
	shift := wholeBits * (2 - f)
	for i, c := range codes {
		if of[i] < 0 {
			continue
		}
		if _, ok := whole(float64(field(c, f))/s0, s1); !ok {
			return false
		}
	}
	for i, c := range codes {
		if of[i] < 0 {
			continue
		}
		k, _ := whole(float64(field(c, f))/s0, s1)
		codes[i] = c&^(wholeMax<<shift) | k<<shift
	}
	return true
}

// code fills codes[lo:hi] and of[lo:hi] (−1 for an item left out, 0 for
// one kept) for the part's items, switching a number's scale to a later
// one when a value is not whole in it; it stops (p.ok false) at a key
// that cannot be coded.
func (p *wholePart) code(key func(i int) (Key, bool), codes []uint64, of []int32) {
	for i := p.lo; i < p.hi; i++ {
		k, ok := key(i)
		if !ok {
			of[i] = -1
			continue
		}
		if k.D != 0 || k.D != k.D {
			return
		}
		of[i] = 0
		var c uint64
		for f, v := range [3]float64{k.A, k.B, k.C} {
			kf, ok := whole(v, wholeScales[p.scale[f]])
			for !ok {
				next := p.scale[f] + 1
				for ; next < len(wholeScales); next++ {
					if _, ok := whole(v, wholeScales[next]); ok && rescale(codes[p.lo:i], of[p.lo:i], f, p.scale[f], next) {
						break
					}
				}
				if next == len(wholeScales) {
					return
				}
				p.scale[f] = next
				p.max[f] = maxField(codes[p.lo:i], of[p.lo:i], f)
				kf, ok = whole(v, wholeScales[next])
			}
			p.max[f] = max(p.max[f], kf)
			c = c<<wholeBits | kf
		}
		codes[i] = c
		p.kept++
	}
	p.ok = true
}

// groupWhole groups the items as Group does if every kept key is coded
// by wholeScales, else it returns false.
func groupWhole(n int, key func(i int) (Key, bool)) (*Groups, bool) {
	parts := 1
	if n >= parallelMin {
		parts = runtime.GOMAXPROCS(0)
	}
	of := make([]int32, n)
	codes := make([]uint64, n)
	ps := make([]wholePart, parts)
	parallel.For(parts, func(j int) {
		p := &ps[j]
		p.lo, p.hi = j*n/parts, (j+1)*n/parts
		p.code(key, codes, of)
	})
	// One scale per number for all parts: the first from the latest any
	// part needed in which all parts' numbers are whole.
	var scale [3]int
	for j := range ps {
		if !ps[j].ok {
			return nil, false
		}
		for f := range scale {
			scale[f] = max(scale[f], ps[j].scale[f])
		}
	}
	for f := range scale {
		for !sameScale(ps, codes, of, f, scale[f]) {
			if scale[f]++; scale[f] == len(wholeScales) {
				return nil, false
			}
		}
	}
	var maxes [3]uint64
	for j := range ps {
		for f := range maxes {
			maxes[f] = max(maxes[f], ps[j].max[f])
		}
	}
	// The packed sort key: the three codes in as many bits as they need,
	// then the item's index.
	var width [3]int
	for f, m := range maxes {
		width[f] = bits.Len64(m)
	}
	ib := bits.Len64(uint64(n))
	kb := width[0] + width[1] + width[2]
	if kb+ib > 64 {
		return nil, false
	}
	e := make([]uint64, n)
	parallel.For(parts, func(j int) {
		p := &ps[j]
		at := 0
		for q := range j {
			at += ps[q].kept
		}
		for i := p.lo; i < p.hi; i++ {
			if of[i] < 0 {
				continue
			}
			c := codes[i]
			k := field(c, 0)<<(width[1]+width[2]) | field(c, 1)<<width[2] | field(c, 2)
			e[at] = k<<ib | uint64(i)
			at++
		}
	})
	kept := 0
	for j := range ps {
		kept += ps[j].kept
	}
	e = e[:kept]
	e = radixSort(e, codes[:kept], ib, kb, parts)

	// The groups are the runs of equal keys: part j of the sorted items
	// counts the runs that start in it, then numbers them from the
	// earlier parts' total. A run that starts in an earlier part counts
	// its items there (head) and adds them after.
	m := len(e)
	bound := func(j int) (lo, hi int) { return j * m / parts, (j + 1) * m / parts }
	starts := make([]int, parts+1)
	parallel.For(parts, func(j int) {
		lo, hi := bound(j)
		c := 0
		for i := lo; i < hi; i++ {
			if i == 0 || e[i]>>ib != e[i-1]>>ib {
				c++
			}
		}
		starts[j+1] = c
	})
	for j := range parts {
		starts[j+1] += starts[j]
	}
	distinct := starts[parts]
	g := &Groups{Of: of, Keys: make([]Key, distinct), Count: make([]int32, distinct)}
	s := [3]float64{wholeScales[scale[0]], wholeScales[scale[1]], wholeScales[scale[2]]}
	imask := uint64(1)<<ib - 1
	head := make([]int32, parts)
	parallel.For(parts, func(p int) {
		lo, hi := bound(p)
		j := int32(starts[p] - 1)
		cnt := &head[p]
		for i := lo; i < hi; i++ {
			v := e[i]
			if k := v >> ib; i == 0 || k != e[i-1]>>ib {
				j++
				cnt = &g.Count[j]
				a, b, c := k>>(width[1]+width[2]), k>>width[2]&(1<<width[1]-1), k&(1<<width[2]-1)
				g.Keys[j] = Key{A: float64(a) / s[0], B: float64(b) / s[1], C: float64(c) / s[2]}
			}
			*cnt++
			of[v&imask] = j
		}
	})
	for p := 1; p < parts; p++ {
		if head[p] > 0 {
			g.Count[starts[p]-1] += head[p]
		}
	}
	return g, true
}

// sameScale recodes number f of every part to scale index to, and reports
// whether it could.
func sameScale(ps []wholePart, codes []uint64, of []int32, f, to int) bool {
	for j := range ps {
		p := &ps[j]
		if p.scale[f] == to {
			continue
		}
		if !rescale(codes[p.lo:p.hi], of[p.lo:p.hi], f, p.scale[f], to) {
			return false
		}
		p.scale[f] = to
		p.max[f] = maxField(codes[p.lo:p.hi], of[p.lo:p.hi], f)
	}
	return true
}

// maxField returns the largest number f of the codes of the kept items.
func maxField(codes []uint64, of []int32, f int) uint64 {
	m := uint64(0)
	for i, c := range codes {
		if of[i] >= 0 {
			m = max(m, field(c, f))
		}
	}
	return m
}

// radixSort sorts e by bits [lo, lo+nb) of its elements, stably, with tmp
// (as long as e) as scratch, in parts concurrently, and returns the sorted
// slice (e or tmp).
func radixSort(e, tmp []uint64, lo, nb, parts int) []uint64 {
	if nb == 0 || len(e) < 2 {
		return e
	}
	passes := (nb + 10) / 11
	w := (nb + passes - 1) / passes
	buckets := 1 << w
	mask := uint64(buckets - 1)
	counts := make([][]int, parts)
	for j := range counts {
		counts[j] = make([]int, buckets)
	}
	n := len(e)
	for shift := lo; shift < lo+nb; shift += w {
		parallel.For(parts, func(j int) {
			cnt := counts[j]
			clear(cnt)
			for _, v := range e[j*n/parts : (j+1)*n/parts] {
				cnt[v>>shift&mask]++
			}
		})
		// Part j's items of digit d go after every item of a smaller
		// digit and after the earlier parts' items of digit d.
		at := 0
		for d := range buckets {
			for j := range counts {
				c := counts[j][d]
				counts[j][d] = at
				at += c
			}
		}
		parallel.For(parts, func(j int) {
			next := counts[j]
			for _, v := range e[j*n/parts : (j+1)*n/parts] {
				d := v >> shift & mask
				tmp[next[d]] = v
				next[d]++
			}
		})
		e, tmp = tmp, e
	}
	return e
}
