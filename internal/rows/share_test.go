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

// TestShare: a shared grouping is found for the slice shared, by its
// first element and its length (not a part of it, nor a copy), until it is
// unshared; a grouping that does not fit its items is not shared.
func TestShare(t *testing.T) {
	items := make([]int, 10)
	for i := range items {
		items[i] = i % 3
	}
	g := rows.Group(len(items), func(i int) (rows.Key, bool) { return rows.Key{A: float64(items[i])}, true })
	if rows.Shared(items) != nil {
		t.Fatal("shared before Share")
	}
	unshare := rows.Share(items, g)
	if rows.Shared(items) != g {
		t.Error("not shared")
	}
	if rows.Shared(items[:5]) != nil || rows.Shared(items[1:]) != nil || rows.Shared(append([]int{}, items...)) != nil {
		t.Error("shared for a part or a copy of the items")
	}
	part := g.Sub(0, 5)
	unpart := rows.Share(items[:5], part)
	if rows.Shared(items[:5]) != part || rows.Shared(items) != g {
		t.Error("a part's grouping and the whole's are not both shared")
	}
	unpart()
	if rows.Shared(items[:5]) != nil || rows.Shared(items) != g {
		t.Error("unsharing the part changed the whole's")
	}
	unshare()
	if rows.Shared(items) != nil {
		t.Error("shared after unshare")
	}
	left := rows.Group(len(items), func(i int) (rows.Key, bool) { return rows.Key{A: float64(items[i])}, i > 0 })
	for k, bad := range []*rows.Groups{nil, g.Sub(0, 9), left} {
		rows.Share(items, bad)
		if rows.Shared(items) != nil {
			t.Errorf("bad grouping %d shared", k)
		}
	}
	rows.Share([]int{}, g)() // nothing to share: no panic
}

// TestCountGroupings: Group counts its calls over at least the given
// number of items.
func TestCountGroupings(t *testing.T) {
	rows.CountGroupings(100)
	key := func(i int) (rows.Key, bool) { return rows.Key{A: float64(i % 7)}, true }
	rows.Group(99, key)
	rows.Group(100, key)
	rows.Group(1000, key)
	if got := rows.CountGroupings(0); got != 2 {
		t.Errorf("%d groupings of at least 100 items, want 2", got)
	}
	rows.Group(1000, key)
	if got := rows.CountGroupings(0); got != 0 {
		t.Errorf("%d groupings counted with counting off", got)
	}
}
