package clv

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestIndexRows: indexRows gives distinctRows' rows and slots, on few and
// on many distinct rows, with −0 and 0 one row.
func TestIndexRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 100, 5000, 300_000} {
		for _, spread := range []int{3, 1000, 1 << 30} {
			cs := make([]Customer, n)
			for i := range cs {
				T := float64(rng.IntN(spread)+1) / 7
				x := float64(rng.IntN(4))
				tx := 0.0
				if x > 0 {
					tx = T * float64(rng.IntN(3)) / 3
				}
				cs[i] = Customer{Frequency: x, Recency: tx, T: T}
			}
			if n > 0 {
				cs[0].Recency = math.Copysign(0, -1)
				cs[0].Frequency = 0
			}
			rows, slot := indexRows(cs)
			wantRows, wantSlot := distinctRows(cs)
			if !slices.Equal(rows, wantRows) || !slices.Equal(slot, wantSlot) {
				t.Fatalf("n=%d spread=%d: %d rows, distinctRows %d", n, spread, len(rows), len(wantRows))
			}
		}
	}
}
