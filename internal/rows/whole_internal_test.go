package rows

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestGroupWholeIsGroupHash: on keys of whole time units the radix path
// gives exactly the grouping hashing gives (keys, their bits, order,
// counts and each item's group), on one core and two, with items left
// out, −0, scales that change within a part and between parts; on keys it
// cannot code (NaN, negative, non-whole, too large, D ≠ 0) it declines.
func TestGroupWholeIsGroupHash(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	days := func(i int) float64 { return float64(rng.IntN(365)) }
	weeks := func(i int) float64 { return float64(rng.IntN(365)) / 7 }
	hours := func(i int) float64 { return float64(rng.IntN(2000)) / 24 }
	cases := []struct {
		name  string
		n     int
		tx, T func(i int) float64 // x is a whole number
		ok    bool
	}{
		{"days", 300_000, days, days, true},
		{"weeks", 300_000, weeks, weeks, true},
		{"hours", 5000, hours, hours, true},
		{"days then weeks", 300_000, days, func(i int) float64 {
			if i < 200_000 {
				return days(i)
			}
			return weeks(i)
		}, true},
		{"weeks then days then hours", 300_000, weeks, func(i int) float64 {
			switch {
			case i < 1000:
				return weeks(i)
			case i < 250_000:
				return days(i)
			}
			return hours(i)
		}, true},
		{"continuous", 300_000, func(int) float64 { return rng.Float64() }, days, false},
		{"one continuous", 5000, days, func(i int) float64 {
			if i == 4000 {
				return 0.123456789
			}
			return days(i)
		}, false},
		{"NaN", 5000, days, func(i int) float64 {
			if i == 10 {
				return math.NaN()
			}
			return days(i)
		}, false},
		{"negative", 5000, days, func(i int) float64 { return -days(i) - 1 }, false},
		{"too large", 5000, days, func(i int) float64 { return 1e7 + days(i) }, false},
	}
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		for _, c := range cases {
			keys := make([]Key, c.n)
			for i := range keys {
				x := float64(rng.IntN(20))
				tx := c.tx(i)
				if x == 0 {
					tx = math.Copysign(0, -1)
				}
				keys[i] = Key{A: x, B: tx, C: c.T(i)}
			}
			key := func(i int) (Key, bool) { return keys[i], i%13 != 5 }
			g, ok := groupWhole(c.n, key)
			if ok != c.ok {
				t.Fatalf("%d cores, %s: groupWhole ok = %v, want %v", procs, c.name, ok, c.ok)
			}
			if !ok {
				continue
			}
			h := groupHash(c.n, key)
			if !slices.Equal(g.Of, h.Of) || !slices.Equal(g.Count, h.Count) || len(g.Keys) != len(h.Keys) {
				t.Fatalf("%d cores, %s: groupings differ (%d and %d groups)", procs, c.name, len(g.Keys), len(h.Keys))
			}
			for j, k := range g.Keys {
				if !k.same(h.Keys[j]) {
					t.Fatalf("%d cores, %s: key %d is %v, hashing gives %v", procs, c.name, j, k, h.Keys[j])
				}
			}
			if got := Group(c.n, key); !slices.Equal(got.Of, h.Of) {
				t.Fatalf("%d cores, %s: Group differs from groupHash", procs, c.name)
			}
		}
		runtime.GOMAXPROCS(old)
	}
	if _, ok := groupWhole(10, func(i int) (Key, bool) { return Key{A: 1, D: 1}, true }); ok {
		t.Error("groupWhole coded a key with D ≠ 0")
	}
	if g, ok := groupWhole(10, func(i int) (Key, bool) { return Key{}, false }); !ok || len(g.Keys) != 0 || len(g.Of) != 10 || g.Of[3] != -1 {
		t.Errorf("groupWhole of items all left out: %v, %v", g, ok)
	}
}

// FuzzGroupWhole: keys built from the input's bytes — small numbers over
// scales of 1, 7, 24 or 5 (which no scale codes), −0, NaN, left-out items —
// are grouped by groupWhole exactly as by hashing, or declined.
func FuzzGroupWhole(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	f.Add([]byte{0, 0, 0, 255, 255, 255, 7, 7, 7, 24, 24, 24, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		scales := [...]float64{1, 7, 24, 5}
		num := func(c byte) float64 {
			switch c {
			case 254:
				return math.Copysign(0, -1)
			case 255:
				return math.NaN()
			}
			return float64(c>>2) / scales[c&3]
		}
		n := len(b) / 3
		keys := make([]Key, n)
		for i := range keys {
			keys[i] = Key{A: num(b[3*i]), B: num(b[3*i+1]), C: num(b[3*i+2])}
		}
		key := func(i int) (Key, bool) { return keys[i], b[3*i]%11 != 3 }
		g, ok := groupWhole(n, key)
		if !ok {
			return
		}
		h := groupHash(n, key)
		if !slices.Equal(g.Of, h.Of) || !slices.Equal(g.Count, h.Count) || len(g.Keys) != len(h.Keys) {
			t.Fatalf("groupings differ: %v and %v", g, h)
		}
		for j, k := range g.Keys {
			if !k.same(h.Keys[j]) {
				t.Fatalf("key %d is %v, hashing gives %v", j, k, h.Keys[j])
			}
		}
	})
}
