package clv

import (
	"math/rand/v2"
	"testing"
)

// TestDistinctRowsParallel: counted in parts on all cores, the distinct
// rows come in order of first appearance and every customer points to its
// own, as a plain pass finds them; −0 and 0 are one row.
func TestDistinctRowsParallel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cs := make([]Customer, 300_000)
	for i := range cs {
		T := float64(rng.IntN(50))
		c := Customer{T: T}
		if x := rng.IntN(4); x > 0 && T > 0 {
			c.Frequency, c.Recency = float64(x), float64(rng.IntN(int(T)+1))
		}
		cs[i] = c
	}
	cs[7].Recency = negZero()
	rows, slot := distinctRows(cs)
	type key struct{ x, tx, t float64 }
	seen := map[key]int32{}
	var want []key
	for i, c := range cs {
		k := key{c.Frequency, c.Recency + 0, c.T}
		j, ok := seen[k]
		if !ok {
			j = int32(len(want))
			seen[k] = j
			want = append(want, k)
		}
		if slot[i] != j {
			t.Fatalf("customer %d in row %d, want %d", i, slot[i], j)
		}
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for j, k := range want {
		if r := rows[j]; r.Frequency != k.x || r.Recency != k.tx || r.T != k.t {
			t.Fatalf("row %d: %+v, want %+v", j, r, k)
		}
	}
}

func negZero() float64 {
	z := 0.0
	return -z
}
