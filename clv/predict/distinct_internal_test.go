package predict

import (
	"cmp"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestDistinctRowsParallel: grouped in parts on all cores, the distinct
// rows come in ascending (frequency, recency, T) order, each once, and
// every customer points to its own; −0 and 0 are one row.
func TestDistinctRowsParallel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cs := make([]clv.Customer, 300_000)
	for i := range cs {
		T := float64(rng.IntN(50))
		c := clv.Customer{T: T}
		if x := rng.IntN(4); x > 0 && T > 0 {
			c.Frequency, c.Recency = float64(x), float64(rng.IntN(int(T)+1))
		}
		cs[i] = c
	}
	cs[7].Recency = negZero()
	rows, slot := distinctRows(cs, nil)
	type key struct{ x, tx, t float64 }
	want := map[key]bool{}
	for i, c := range cs {
		k := key{c.Frequency, c.Recency + 0, c.T}
		want[k] = true
		if r := rows[slot[i]]; r.Frequency != k.x || r.Recency != k.tx || r.T != k.t || math.Signbit(r.Recency) {
			t.Fatalf("customer %d (%v) in row %d: %+v", i, k, slot[i], r)
		}
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for j := 1; j < len(rows); j++ {
		a, b := rows[j-1], rows[j]
		if cmp.Or(cmp.Compare(a.Frequency, b.Frequency), cmp.Compare(a.Recency, b.Recency), cmp.Compare(a.T, b.T)) >= 0 {
			t.Fatalf("row %d %+v after %+v", j, b, a)
		}
	}
}

func negZero() float64 {
	z := 0.0
	return -z
}
