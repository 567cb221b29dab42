package rows_test

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/clvkit/clvkit/internal/rows"
)

// TestSub: the grouping of a part of the items taken from the whole's
// (Sub) is the one Group gives for the part alone, items left out
// included.
func TestSub(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	keys := make([]rows.Key, 5000)
	keep := make([]bool, len(keys))
	for i := range keys {
		keys[i] = rows.Key{A: float64(rng.IntN(6)), B: float64(rng.IntN(9)), C: float64(rng.IntN(4))}
		keep[i] = rng.IntN(10) > 0
	}
	group := func(lo, hi int) *rows.Groups {
		return rows.Group(hi-lo, func(i int) (rows.Key, bool) { return keys[lo+i], keep[lo+i] })
	}
	whole := group(0, len(keys))
	for _, part := range [][2]int{{0, len(keys)}, {0, 1}, {17, 17}, {100, 130}, {0, 2500}, {2500, 5000}, {4999, 5000}} {
		lo, hi := part[0], part[1]
		got, want := whole.Sub(lo, hi), group(lo, hi)
		if len(want.Keys) == 0 { // Group's empty slices may be nil or not
			if len(got.Keys) != 0 || len(got.Count) != 0 || len(got.Of) != hi-lo {
				t.Errorf("[%d, %d): %+v, want no groups", lo, hi, got)
			}
			continue
		}
		if !reflect.DeepEqual(got.Keys, want.Keys) || !reflect.DeepEqual(got.Of, want.Of) || !reflect.DeepEqual(got.Count, want.Count) {
			t.Errorf("[%d, %d): Sub gives %d groups, Group %d", lo, hi, len(got.Keys), len(want.Keys))
		}
	}
}

// TestGrouping: a Grouping is found for the slice it was built from, by
// its first element and its length (not a part of it, nor a copy); a
// part's grouping comes from SubGrouping; a grouping that does not fit its
// items is none.
func TestGrouping(t *testing.T) {
	items := make([]int, 10)
	for i := range items {
		items[i] = i % 3
	}
	g := rows.Group(len(items), func(i int) (rows.Key, bool) { return rows.Key{A: float64(items[i])}, true })
	s := rows.NewGrouping(items, g)
	if s == nil {
		t.Fatal("no grouping of the items")
	}
	if got, ok := rows.GroupsOf(s, items); !ok || got != g {
		t.Errorf("GroupsOf(the items) = %p, %v; want %p, true", got, ok, g)
	}
	if got, ok := rows.GroupsOf[int](nil, items); !ok || got != nil {
		t.Errorf("GroupsOf(nil grouping) = %p, %v; want nil, true", got, ok)
	}
	for k, other := range [][]int{items[:5], items[1:], append([]int{}, items...), nil} {
		if got, ok := rows.GroupsOf(s, other); ok || got != nil {
			t.Errorf("other items %d: GroupsOf = %p, %v; want nil, false", k, got, ok)
		}
	}
	part, ok := rows.SubGrouping(s, items, 2, 7)
	if !ok {
		t.Fatal("SubGrouping(2, 7) not ok")
	}
	pg, ok := rows.GroupsOf(part, items[2:7])
	if want := g.Sub(2, 7); !ok || !reflect.DeepEqual(pg, want) {
		t.Errorf("SubGrouping(2, 7) groups %+v, %v; want %+v", pg, ok, want)
	}
	if _, ok := rows.GroupsOf(part, items); ok {
		t.Error("a part's grouping matches the whole")
	}
	if whole, ok := rows.SubGrouping(s, items, 0, len(items)); !ok || whole != s {
		t.Error("SubGrouping of all the items is not the grouping")
	}
	for _, r := range [][2]int{{-1, 3}, {3, 2}, {0, 11}} {
		if p, ok := rows.SubGrouping(s, items, r[0], r[1]); ok || p != nil {
			t.Errorf("SubGrouping(%d, %d) = %v, %v; want nil, false", r[0], r[1], p, ok)
		}
	}
	if p, ok := rows.SubGrouping(s, items[1:], 0, 3); ok || p != nil {
		t.Error("SubGrouping of other items is ok")
	}
	left := rows.Group(len(items), func(i int) (rows.Key, bool) { return rows.Key{A: float64(items[i])}, i > 0 })
	for k, bad := range []*rows.Groups{nil, g.Sub(0, 9), left} {
		if rows.NewGrouping(items, bad) != nil {
			t.Errorf("grouping %d, which does not fit the items, is a grouping", k)
		}
	}
	empty := rows.NewGrouping([]int{}, rows.Group(0, nil))
	if empty == nil {
		t.Fatal("no grouping of no items")
	}
	if _, ok := rows.GroupsOf(empty, []int(nil)); !ok {
		t.Error("the grouping of no items does not match no items")
	}
}
