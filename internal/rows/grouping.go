package rows

// Grouping is a grouping of items by Key{frequency, recency, T} (in that
// order, every item in a group, none left out) bound to the slice of items
// it was built from: its first element and its length. It is the kernel
// behind clv.Grouping (an opaque struct holding one; the packages that take
// a clv.Grouping reach it through Unbox), so that a job groups its
// customers once and hands the grouping explicitly to the functions it
// calls. Those use it only as a shortcut for grouping the items again:
// they find exactly the groups they would have computed (Map derives a
// coarser or permuted key).
type Grouping struct {
	g     *Groups
	first any // &items[0]; nil for no items
	n     int
}

// Box and Unbox convert between a Grouping and its public face, an opaque
// *clv.Grouping: Box returns g in one (nil for a nil g) as an any holding
// a *clv.Grouping; Unbox returns the Grouping inside box, a *clv.Grouping,
// or nil for a nil one (or any other value). Package clv sets both when
// it is initialized, since rows cannot import clv (as package log sets
// log/internal's DefaultOutput for log/slog): every package holding a
// *clv.Grouping has imported clv, so they are set before they are called.
var (
	Box   func(g *Grouping) any
	Unbox func(box any) *Grouping
)

// NewGrouping returns g as the grouping of items, or nil if g does not
// group exactly len(items) items with none left out.
func NewGrouping[T any](items []T, g *Groups) *Grouping {
	if g == nil || len(g.Of) != len(items) {
		return nil
	}
	total := 0
	for _, c := range g.Count {
		if c <= 0 {
			return nil
		}
		total += int(c)
	}
	if total != len(items) { // some left out
		return nil
	}
	s := &Grouping{g: g, n: len(items)}
	if len(items) > 0 {
		s.first = &items[0]
	}
	return s
}

// GroupsOf returns the groups of s if items is the slice s was built from
// (the same first element and length; any empty slice for no items), and
// ok; nil and ok for a nil s (no grouping given: the caller groups the
// items); nil and not ok for other items, including a part of the slice
// (SubGrouping gives a part's grouping).
func GroupsOf[T any](s *Grouping, items []T) (g *Groups, ok bool) {
	if s == nil {
		return nil, true
	}
	if len(items) != s.n {
		return nil, false
	}
	if len(items) > 0 {
		if p, _ := s.first.(*T); p != &items[0] {
			return nil, false
		}
	}
	return s.g, true
}

// SubGrouping returns the grouping of items[lo:hi] taken from s, the
// grouping of items (Groups.Sub), or nil and not ok if s is not items'
// grouping or lo, hi are out of range.
func SubGrouping[T any](s *Grouping, items []T, lo, hi int) (*Grouping, bool) {
	g, ok := GroupsOf(s, items)
	if !ok || g == nil || lo < 0 || hi < lo || hi > len(items) {
		return nil, false
	}
	if lo == 0 && hi == len(items) {
		return s, true
	}
	return NewGrouping(items[lo:hi], g.Sub(lo, hi)), true
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

// Distinct returns the number of groups of s; 0 for a nil s.
func Distinct(s *Grouping) int {
	if s == nil || s.g == nil {
		return 0
	}
	return len(s.g.Keys)
}
