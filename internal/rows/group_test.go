package rows_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/internal/rows"
)

// checkGroups asserts that g groups the n items of keys, kept where keep
// is true: every kept item's group has its key (−0 as 0, NaNs alike),
// left-out items have none, the keys are distinct and strictly ascending,
// and the counts add up to the kept items.
func checkGroups(t testing.TB, g *rows.Groups, keys []rows.Key, keep []bool) {
	t.Helper()
	if len(g.Of) != len(keys) || len(g.Count) != len(g.Keys) {
		t.Fatalf("%d items, %d groups, %d counts for %d keys", len(g.Of), len(g.Keys), len(g.Count), len(keys))
	}
	count := make([]int32, len(g.Keys))
	kept := 0
	for i, j := range g.Of {
		if !keep[i] {
			if j != -1 {
				t.Fatalf("item %d left out is in group %d", i, j)
			}
			continue
		}
		kept++
		if j < 0 || int(j) >= len(g.Keys) {
			t.Fatalf("item %d in group %d of %d", i, j, len(g.Keys))
		}
		if !equal(g.Keys[j], keys[i]) {
			t.Fatalf("item %d: key %v in group %d of key %v", i, keys[i], j, g.Keys[j])
		}
		count[j]++
	}
	total := 0
	for j, c := range g.Count {
		if c != count[j] || c < 1 {
			t.Fatalf("group %d (%v): count %d, %d items", j, g.Keys[j], c, count[j])
		}
		total += int(c)
		if j > 0 && g.Keys[j-1].Compare(g.Keys[j]) >= 0 {
			t.Fatalf("group %d (%v) after %v", j, g.Keys[j], g.Keys[j-1])
		}
	}
	if total != kept {
		t.Fatalf("counts add up to %d, %d items kept", total, kept)
	}
}

// equal compares as Group does: −0 equals 0, NaN equals NaN.
func equal(a, b rows.Key) bool {
	eq := func(x, y float64) bool { return x == y || x != x && y != y }
	return eq(a.A, b.A) && eq(a.B, b.B) && eq(a.C, b.C) && eq(a.D, b.D)
}

// logKeys returns n keys (x, t_x, T) like those of a log of dates: whole
// days in weeks, few distinct; keep leaves out every 17th item.
func logKeys(n int, seed uint64) (keys []rows.Key, keep []bool) {
	rng := rand.New(rand.NewPCG(seed, 1))
	keys, keep = make([]rows.Key, n), make([]bool, n)
	for i := range keys {
		T := float64(rng.IntN(365)+1) / 7
		x := float64(rng.IntN(8))
		tx := 0.0
		if x > 0 {
			tx = float64(rng.IntN(int(T*7)+1)) / 7
		} else if i%2 == 0 {
			tx = math.Copysign(0, -1)
		}
		keys[i] = rows.Key{A: x, B: tx, C: T}
		keep[i] = i%17 != 0
	}
	return keys, keep
}

func group(keys []rows.Key, keep []bool) *rows.Groups {
	return rows.Group(len(keys), func(i int) (rows.Key, bool) { return keys[i], keep[i] })
}

// TestGroup groups small and large inputs (one part and one per core),
// on one core and on all: the same groups in the same order.
func TestGroup(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 300_000} {
		keys, keep := logKeys(n, uint64(n))
		g := group(keys, keep)
		checkGroups(t, g, keys, keep)
		want := map[rows.Key]bool{}
		for i, k := range keys {
			if keep[i] {
				k.B += 0
				want[k] = true
			}
		}
		if len(g.Keys) != len(want) {
			t.Errorf("n = %d: %d groups, want %d", n, len(g.Keys), len(want))
		}
		// Shuffled items: the same keys and counts.
		perm := rand.New(rand.NewPCG(9, 9)).Perm(n)
		sk, sp := make([]rows.Key, n), make([]bool, n)
		for i, p := range perm {
			sk[i], sp[i] = keys[p], keep[p]
		}
		prev := runtime.GOMAXPROCS(1)
		h := group(sk, sp)
		runtime.GOMAXPROCS(prev)
		if !slices.Equal(g.Keys, h.Keys) || !slices.Equal(g.Count, h.Count) {
			t.Errorf("n = %d: shuffled on one core: other groups", n)
		}
		for i, p := range perm {
			if h.Of[i] != g.Of[p] {
				t.Fatalf("n = %d: shuffled item %d in group %d, want %d", n, i, h.Of[i], g.Of[p])
			}
		}
	}
}

// TestGroupSpecial: −0 and 0 are one group, so are all NaNs; infinities
// and NaN sort as cmp.Compare does.
func TestGroupSpecial(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	negz := math.Copysign(0, -1)
	keys := []rows.Key{{A: 0, B: 1}, {A: negz, B: 1}, {A: nan, B: 1}, {A: math.Float64frombits(0x7ff8000000000123), B: 1},
		{A: inf, B: 1}, {A: -inf, B: 1}, {A: 0, B: nan}, {A: negz, B: nan}}
	keep := slices.Repeat([]bool{true}, len(keys))
	g := group(keys, keep)
	checkGroups(t, g, keys, keep)
	want := []rows.Key{{A: nan, B: 1}, {A: -inf, B: 1}, {A: 0, B: nan}, {A: 0, B: 1}, {A: inf, B: 1}}
	if len(g.Keys) != len(want) {
		t.Fatalf("groups %v, want %v", g.Keys, want)
	}
	for j := range want {
		if !equal(g.Keys[j], want[j]) || g.Keys[j].A == 0 && math.Signbit(g.Keys[j].A) {
			t.Errorf("group %d: %v, want %v", j, g.Keys[j], want[j])
		}
	}
	if !slices.Equal(g.Count, []int32{2, 1, 2, 2, 1}) {
		t.Errorf("counts %v", g.Count)
	}
}

// TestMap coarsens (x, t_x, T) to (x, T) and reorders to (x, T, t_x):
// the groups are those of grouping the items by the new key directly.
func TestMap(t *testing.T) {
	keys, keep := logKeys(200_000, 3)
	g := group(keys, keep)
	xt, up := rows.Map(g, func(k rows.Key) rows.Key { return rows.Key{A: k.A, B: k.C} })
	direct := make([]rows.Key, len(keys))
	for i, k := range keys {
		direct[i] = rows.Key{A: k.A, B: k.C}
	}
	checkGroups(t, xt, direct, keep)
	d := group(direct, keep)
	if !slices.Equal(xt.Keys, d.Keys) || !slices.Equal(xt.Count, d.Count) || !slices.Equal(xt.Of, d.Of) {
		t.Error("(x, T) by Map differs from grouping by (x, T)")
	}
	for j, k := range g.Keys {
		if c := xt.Keys[up[j]]; c != (rows.Key{A: k.A, B: k.C}) {
			t.Fatalf("group %v goes up to %v", k, c)
		}
	}
	re, up := rows.Map(g, func(k rows.Key) rows.Key { return rows.Key{A: k.A, B: k.C, C: k.B} })
	if len(re.Keys) != len(g.Keys) {
		t.Fatalf("reordered: %d groups of %d", len(re.Keys), len(g.Keys))
	}
	for j, k := range g.Keys {
		if re.Keys[up[j]] != (rows.Key{A: k.A, B: k.C, C: k.B}) || re.Count[up[j]] != g.Count[j] {
			t.Fatalf("group %v reordered to %v", k, re.Keys[up[j]])
		}
	}
	for i := 1; i < len(re.Keys); i++ {
		if re.Keys[i-1].Compare(re.Keys[i]) >= 0 {
			t.Fatalf("reordered groups %v, %v out of order", re.Keys[i-1], re.Keys[i])
		}
	}
}

// TestMembersSum: Members lists each group's items in item order; Sum
// adds weights in item order.
func TestMembersSum(t *testing.T) {
	keys, keep := logKeys(50_000, 4)
	g := group(keys, keep)
	start, items := g.Members()
	w := make([]float64, len(keys))
	for i := range w {
		w[i] = 1 / float64(i+1)
	}
	sum := g.Sum(w)
	seen := 0
	for j := range g.Keys {
		ids := items[start[j]:start[j+1]]
		if len(ids) != int(g.Count[j]) || !slices.IsSorted(ids) {
			t.Fatalf("group %d: %d members (count %d), sorted %v", j, len(ids), g.Count[j], slices.IsSorted(ids))
		}
		s := 0.0
		for _, i := range ids {
			if g.Of[i] != int32(j) {
				t.Fatalf("item %d listed in group %d, in %d", i, j, g.Of[i])
			}
			s += w[i]
		}
		if s != sum[j] {
			t.Errorf("group %d: sum %v, want %v", j, sum[j], s)
		}
		seen += len(ids)
	}
	if seen != len(items) || int(start[len(g.Keys)]) != len(items) {
		t.Errorf("%d members listed of %d", seen, len(items))
	}
}

// TestIndex: numbers in order of first appearance, Find agrees, table
// growth keeps every key.
func TestIndex(t *testing.T) {
	var ix rows.Index
	if _, ok := ix.Find(rows.Key{A: 1}); ok || ix.Len() != 0 {
		t.Fatal("empty index finds 1")
	}
	for i := range 5000 {
		if j := ix.Add(rows.Key{A: float64(i % 3000)}); int(j) != i%3000 {
			t.Fatalf("Add(%d) = %d", i%3000, j)
		}
	}
	if ix.Len() != 3000 || ix.Keys()[2999] != (rows.Key{A: 2999}) {
		t.Fatalf("%d keys", ix.Len())
	}
	if j, ok := ix.Find(rows.Key{A: math.Copysign(0, -1)}); !ok || j != 0 {
		t.Errorf("Find(−0) = %d, %v", j, ok)
	}
	if _, ok := ix.Find(rows.Key{A: 3000}); ok {
		t.Error("Find(3000) found")
	}
}

// FuzzGroup groups keys drawn from a few values (with −0, NaNs and
// infinities, so that many collide) and checks every item against its
// group, the counts, the order, and the coarser grouping by Map.
func FuzzGroup(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0x80, 1, 2, 3, 3, 3})
	f.Add([]byte{4, 5, 6, 7, 4, 5, 6, 7, 15, 14, 13, 12})
	f.Add([]byte{})
	vals := [16]float64{0, math.Copysign(0, -1), 1, 1.5, math.NaN(), math.Inf(1), math.Inf(-1), -1,
		2, 1e-300, -1e-300, math.Float64frombits(0x7ff8000000000001), 1 + 1e-15, 7, 52, math.MaxFloat64}
	f.Fuzz(func(t *testing.T, b []byte) {
		n := len(b) / 3
		keys, keep := make([]rows.Key, n), make([]bool, n)
		for i := range keys {
			c := b[3*i : 3*i+3]
			keys[i] = rows.Key{A: vals[c[0]&15], B: vals[c[1]&15], C: vals[c[2]&15], D: vals[(c[0]>>4)&7]}
			keep[i] = c[0]&0x80 == 0
		}
		g := group(keys, keep)
		checkGroups(t, g, keys, keep)
		c, up := rows.Map(g, func(k rows.Key) rows.Key { return rows.Key{A: k.A, B: k.C} })
		coarse := make([]rows.Key, n)
		for i, k := range keys {
			coarse[i] = rows.Key{A: k.A, B: k.C}
		}
		checkGroups(t, c, coarse, keep)
		for i, j := range g.Of {
			if j >= 0 && c.Of[i] != up[j] {
				t.Fatalf("item %d: coarse group %d, its group goes up to %d", i, c.Of[i], up[j])
			}
		}
	})
}
