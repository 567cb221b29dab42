package segment_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/segment"
	"gonum.org/v1/gonum/stat"
)

// TestEdgesMatchQuantiles: the selection-based edges equal gonum's
// empirical quantiles of the sorted values, with and without ties.
func TestEdgesMatchQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 5, 17, 100, 1001, 50000} {
		for _, ties := range []int{0, 3, 50} {
			v := make([]float64, n)
			for i := range v {
				v[i] = rng.NormFloat64()
				if ties > 0 {
					v[i] = float64(rng.IntN(ties))
				}
			}
			for _, k := range []int{2, 3, 5, 9} {
				s := slices.Clone(v)
				slices.Sort(s)
				got := segment.Edges(v, k)
				for j := range k - 1 {
					if want := stat.Quantile(float64(j+1)/float64(k), stat.Empirical, s, nil); got[j] != want {
						t.Errorf("n=%d ties=%d k=%d: edge %d = %v, want %v", n, ties, k, j, got[j], want)
					}
				}
			}
		}
	}
}

// TestTiersMatchRanking: value tiers equal those of a stable ranking by
// decreasing CLV, with ties and infinities.
func TestTiersMatchRanking(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 7, 100, 2001} {
		for _, ties := range []int{0, 2, 10} {
			v := make([]float64, n)
			pa := make([]float64, n)
			for i := range v {
				v[i] = rng.ExpFloat64()
				if ties > 0 {
					v[i] = float64(rng.IntN(ties))
				}
				pa[i] = rng.Float64()
			}
			if n > 5 {
				v[3] = math.Inf(1)
			}
			shares := []float64{0.01, 0.1, 0.5}
			got, err := segment.TierCustomers(pa, v, segment.TierOptions{TopShares: shares})
			if err != nil {
				t.Fatal(err)
			}
			order := make([]int, n)
			for i := range order {
				order[i] = i
			}
			slices.SortStableFunc(order, func(a, b int) int {
				switch {
				case v[a] > v[b]:
					return -1
				case v[a] < v[b]:
					return 1
				}
				return 0
			})
			for rank, i := range order {
				want := len(shares)
				for j := len(shares) - 1; j >= 0; j-- {
					if float64(rank) < math.Ceil(shares[j]*float64(n)) {
						want = j
					}
				}
				if got[i].Rank != want {
					t.Errorf("n=%d ties=%d: customer %d (CLV %v, rank %d) in tier %d, want %d", n, ties, i, v[i], rank, got[i].Rank, want)
				}
			}
		}
	}
}
