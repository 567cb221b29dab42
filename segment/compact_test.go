package segment_test

import (
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/segment"
)

// TestTierCustomersCompact checks that the compact tiers are
// TierCustomers' customer by customer, with ties in value and P(alive)
// on the thresholds, and that Kinds is laid out as documented.
func TestTierCustomersCompact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 20000
	pa, v := make([]float64, n), make([]float64, n)
	for i := range n {
		pa[i] = []float64{0.3, 0.7, rng.Float64()}[rng.IntN(3)]
		v[i] = float64(rng.IntN(500)) // many ties
	}
	for _, opts := range []segment.TierOptions{{}, {TopShares: []float64{0.2, 0.9}, Active: 0.8, Lost: 0.1}} {
		full, err := segment.TierCustomers(pa, v, opts)
		if err != nil {
			t.Fatal(err)
		}
		c, err := segment.TierCustomersCompact(pa, v, opts)
		if err != nil {
			t.Fatal(err)
		}
		if c.Len() != n || len(full) != n {
			t.Fatalf("%d compact, %d full tiers of %d customers", c.Len(), len(full), n)
		}
		for i := range n {
			if c.At(i) != full[i] {
				t.Fatalf("customer %d: %+v, TierCustomers %+v", i, c.At(i), full[i])
			}
		}
		churn := []string{segment.Active, segment.AtRisk, segment.LikelyLost}
		for k, kind := range c.Kinds {
			if kind.Rank != k/3 || kind.Churn != churn[k%3] {
				t.Fatalf("Kinds[%d] = %+v: want rank %d, churn %q", k, kind, k/3, churn[k%3])
			}
		}
		if len(c.Kinds) != 3*(len(opts.TopShares)+1) && !(opts.TopShares == nil && len(c.Kinds) == 12) {
			t.Fatalf("%d kinds", len(c.Kinds))
		}
	}
	if _, err := segment.TierCustomersCompact(pa, v[:1], segment.TierOptions{}); err == nil {
		t.Fatal("slices of different lengths: no error")
	}
}

// TestTiersOutOfRange: a Tiers built by hand with an index past Kinds, or
// asked for a customer past its end, gives the zero Tier rather than
// panicking (Expand's panic would be on a goroutine of its own, fatal).
func TestTiersOutOfRange(t *testing.T) {
	top := segment.Tier{Churn: segment.Active, Value: "top", Action: "keep"}
	tt := segment.Tiers{Kinds: []segment.Tier{top}, Of: []uint16{0, 7}}
	for _, i := range []int{-1, 1, 2, 1 << 40} {
		if got := tt.At(i); got != (segment.Tier{}) {
			t.Errorf("At(%d) = %+v, want the zero Tier", i, got)
		}
	}
	if got := tt.At(0); got != top {
		t.Errorf("At(0) = %+v, want %+v", got, top)
	}
	if got := tt.Expand(); len(got) != 2 || got[0] != top || got[1] != (segment.Tier{}) {
		t.Errorf("Expand() = %+v", got)
	}
	var zero segment.Tiers
	if zero.Len() != 0 || zero.At(0) != (segment.Tier{}) || len(zero.Expand()) != 0 {
		t.Error("the zero Tiers is not empty")
	}
}
