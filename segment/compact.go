package segment

import "github.com/clvkit/clvkit/internal/parallel"

// Tiers holds the tiers of many customers compactly: each combination of
// value tier and churn tier once (Kinds), and each customer's as an index
// into them (Of), 2 bytes a customer where a []Tier takes 56 (TierCustomersCompact).
type Tiers struct {
	// Kinds are the combinations of tiers: value tier r (Tier.Rank) and
	// churn tier c (0 Active, 1 AtRisk, 2 LikelyLost) are Kinds[3r+c].
	Kinds []Tier
	// Of holds each customer's tiers: customer i's are Kinds[Of[i]].
	Of []uint16
}

// Len returns the number of customers.
func (t Tiers) Len() int { return len(t.Of) }

// At returns customer i's tiers, or the zero Tier if i is not in
// [0, Len()) or Of[i] is not an index into Kinds.
func (t Tiers) At(i int) Tier {
	if uint(i) >= uint(len(t.Of)) {
		return Tier{}
	}
	return t.kind(t.Of[i])
}

// kind returns Kinds[k], or the zero Tier if k is out of range.
func (t Tiers) kind(k uint16) Tier {
	if int(k) >= len(t.Kinds) {
		return Tier{}
	}
	return t.Kinds[k]
}

// Expand returns the tiers as one Tier per customer, as TierCustomers
// does (At(i) for customer i: the zero Tier where Of[i] is not an index
// into Kinds).
func (t Tiers) Expand() []Tier {
	out := make([]Tier, len(t.Of))
	parallel.Map(len(out), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = t.kind(t.Of[i])
		}
	})
	return out
}
