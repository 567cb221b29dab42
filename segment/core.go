package segment

import (
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
)

// RFM is one customer's recency, frequency and monetary scores (1..k) and
// named segment.
type RFM struct {
	R, F, M int8
	Segment string
}

// Code returns the three scores as digits, e.g. "545".
func (s RFM) Code() string { return string([]byte{byte('0' + s.R), byte('0' + s.F), byte('0' + s.M)}) }

// ScoreCustomers scores every customer and names its segment: the core of
// Score, on a slice. Frequency and monetary value score higher for higher
// values; recency scores on the time since the last purchase, T − recency,
// lower times scoring higher. By quantiles, the inner edges are the
// empirical j/k-quantiles of the values (j = 1..k−1), and a value scores one
// plus the number of edges it exceeds: equal values always get equal
// scores, and the bins are as balanced as ties allow (a value equal to an
// edge falls in the lower bin). Custom edges follow the same rule. A
// customer with a non-finite field is an error naming it.
func ScoreCustomers(cs []clv.Customer, opts ScoreOptions) ([]RFM, error) {
	k := opts.Bins
	if k == 0 {
		k = 5
	}
	if k < 2 || k > 9 {
		return nil, fmt.Errorf("segment: %d bins, want 2..9 (scores are written as digits)", k)
	}
	rules := opts.Rules
	if rules == nil {
		if k != 5 {
			return nil, fmt.Errorf("segment: DefaultRules need 5 bins, not %d: pass Rules", k)
		}
		rules = DefaultRules
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("segment: %w", clv.ErrNoCustomers)
	}
	since := make([]float64, len(cs))
	freq := make([]float64, len(cs))
	mon := make([]float64, len(cs))
	for i, c := range cs {
		since[i], freq[i], mon[i] = c.T-c.Recency, c.Frequency, c.MonetaryValue
		if math.IsNaN(since[i]+freq[i]+mon[i]) || math.IsInf(since[i]+freq[i]+mon[i], 0) {
			return nil, fmt.Errorf("segment: customers[%d] (%q): non-finite recency, frequency or monetary value", i, c.ID)
		}
	}
	r, err := scores(since, k, opts.RecencyEdges, "recency")
	if err != nil {
		return nil, err
	}
	f, err := scores(freq, k, opts.FrequencyEdges, "frequency")
	if err != nil {
		return nil, err
	}
	m, err := scores(mon, k, opts.MonetaryEdges, "monetary")
	if err != nil {
		return nil, err
	}
	out := make([]RFM, len(cs))
	for i := range out {
		s := RFM{R: int8(k + 1 - r[i]), F: int8(f[i]), M: int8(m[i]), Segment: Other}
		for _, rule := range rules {
			if rule.Match(int(s.R), int(s.F), int(s.M)) {
				s.Segment = rule.Name
				break
			}
		}
		out[i] = s
	}
	return out, nil
}

// Edges returns the inner quantile edges of values for k bins: the
// empirical j/k-quantiles, j = 1..k−1. It returns nil when values is empty
// or holds a NaN, or k < 2.
func Edges(values []float64, k int) []float64 {
	if len(values) == 0 || k < 2 || slices.ContainsFunc(values, math.IsNaN) {
		return nil
	}
	// The empirical p-quantile (gonum's stat.Empirical) is the value of
	// rank ⌈p·n⌉ − 1 (0-based) in sorted order; a selection finds each in
	// linear time, the later ones in the part above the earlier.
	s := slices.Clone(values)
	n := float64(len(s))
	e := make([]float64, k-1)
	lo := 0
	for j := range e {
		r := max(int(math.Ceil(float64(j+1)/float64(k)*n))-1, 0)
		e[j] = selectK(s[lo:], r-lo)
		lo = r
	}
	return e
}

// scores returns 1 + the number of edges below each value.
func scores(values []float64, k int, edges []float64, what string) ([]int, error) {
	if edges == nil {
		edges = Edges(values, k)
	} else if len(edges) != k-1 || !slices.IsSorted(edges) || slices.ContainsFunc(edges, math.IsNaN) {
		return nil, fmt.Errorf("segment: %s edges %v: want %d ascending numbers", what, edges, k-1)
	}
	out := make([]int, len(values))
	for i, x := range values {
		// Edges are few: a linear count beats a search.
		s := 1
		for _, e := range edges {
			if x > e {
				s++
			}
		}
		out[i] = s
	}
	return out, nil
}

// Tier is one customer's churn-risk tier, value tier and suggested action.
type Tier struct {
	Churn  string // Active, AtRisk or LikelyLost
	Value  string // e.g. "top 1%", "rest"
	Rank   int    // index of the value tier: 0 for the most valuable
	Action string
}

// TierCustomers assigns the tiers of customers from their P(alive) and
// CLV (parallel slices): the core of Tiers. Value tiers rank customers by
// CLV (ties keep slice order): the first ⌈share·n⌉ customers form each top
// tier. A NaN in either slice is an error naming the customer; an infinite
// CLV ranks first.
func TierCustomers(pAlive, values []float64, opts TierOptions) ([]Tier, error) {
	if len(pAlive) != len(values) {
		return nil, fmt.Errorf("segment: %d P(alive) values for %d CLVs", len(pAlive), len(values))
	}
	if opts.Active == 0 {
		opts.Active = 0.7
	}
	if opts.Lost == 0 {
		opts.Lost = 0.3
	}
	if !(opts.Lost <= opts.Active && opts.Lost >= 0 && opts.Active <= 1) {
		return nil, fmt.Errorf("segment: thresholds lost %v, active %v: want 0 ≤ lost ≤ active ≤ 1", opts.Lost, opts.Active)
	}
	shares := opts.TopShares
	if shares == nil {
		shares = []float64{0.01, 0.10, 0.50}
	}
	if !slices.IsSorted(shares) || len(shares) == 0 || !(shares[0] > 0) || shares[len(shares)-1] > 1 {
		return nil, fmt.Errorf("segment: top shares %v: want ascending shares in (0, 1]", shares)
	}
	action := opts.Actions
	if action == nil {
		action = DefaultAction
	}
	n := len(values)
	out := make([]Tier, n)
	for i := range out {
		pa := pAlive[i]
		switch {
		case math.IsNaN(pa) || math.IsNaN(values[i]):
			return nil, fmt.Errorf("segment: customer %d: P(alive) %v, CLV %v", i, pa, values[i])
		case pa >= opts.Active:
			out[i].Churn = Active
		case pa < opts.Lost:
			out[i].Churn = LikelyLost
		default:
			out[i].Churn = AtRisk
		}
	}
	// The customers of rank < ⌈share·n⌉ by decreasing CLV, ties in slice
	// order, form each top tier: with the CLV c_j at that rank (found by
	// selection in linear time), those above c_j are in, and of those equal
	// to it the first ones in slice order up to the count.
	names := make([]string, len(shares)+1)
	for j, s := range shares {
		names[j] = fmt.Sprintf("top %g%%", s*100)
	}
	names[len(shares)] = "rest"
	neg := make([]float64, n) // −CLV: ascending order is decreasing CLV
	for i, v := range values {
		neg[i] = -v
	}
	cut := make([]float64, len(shares)) // CLV at the last rank of each tier
	slots := make([]int, len(shares))   // customers equal to cut[j] that fit
	lo := 0
	for j, sh := range shares {
		r := int(math.Ceil(sh*float64(n))) - 1 // last rank in the tier
		if r < 0 {
			cut[j], slots[j] = math.Inf(1), 0
			continue
		}
		r = min(r, n-1)
		cut[j] = -selectK(neg[lo:], r-lo)
		lo = r
		above := 0
		for _, v := range values {
			if v > cut[j] {
				above++
			}
		}
		slots[j] = r + 1 - above
	}
	for i, v := range values {
		t := len(shares)
		for j := len(shares) - 1; j >= 0; j-- {
			if v > cut[j] || v == cut[j] && slots[j] > 0 {
				t = j
			}
		}
		// Take the tie slots of every tier the customer belongs to.
		for j := t; j < len(shares); j++ {
			if v == cut[j] {
				slots[j]--
			}
		}
		out[i].Rank, out[i].Value = t, names[t]
	}
	for i := range out {
		out[i].Action = action(out[i].Value, out[i].Churn, out[i].Rank)
	}
	return out, nil
}

// Group summarizes the customers that share a key (a segment, a tier).
type Group struct {
	Key                                      string
	Customers                                int
	Share                                    float64 // of all customers
	MeanRecency, MeanFrequency, MeanMonetary float64
	TotalCLV, MeanCLV, MeanPAlive            float64 // NaN without CLV and P(alive)
}

// SummarizeGroups returns one Group per distinct key, sorted by decreasing
// number of customers then key: the core of Summarize. keys, cs, and (if
// not nil) clvs and pAlive are parallel.
func SummarizeGroups(keys []string, cs []clv.Customer, clvs, pAlive []float64) ([]Group, error) {
	if len(keys) != len(cs) || clvs != nil && len(clvs) != len(cs) || pAlive != nil && len(pAlive) != len(cs) ||
		(clvs == nil) != (pAlive == nil) {
		return nil, fmt.Errorf("segment: %d keys, %d customers, %d CLVs, %d P(alive)", len(keys), len(cs), len(clvs), len(pAlive))
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("segment: %w", clv.ErrNoCustomers)
	}
	index := map[string]int{}
	var gs []Group
	for i, k := range keys {
		j, ok := index[k]
		if !ok {
			j = len(gs)
			index[k] = j
			gs = append(gs, Group{Key: k})
		}
		g := &gs[j]
		c := cs[i]
		g.Customers++
		g.MeanRecency += c.Recency
		g.MeanFrequency += c.Frequency
		g.MeanMonetary += c.MonetaryValue
		if clvs != nil {
			g.TotalCLV += clvs[i]
			g.MeanPAlive += pAlive[i]
		}
	}
	for i := range gs {
		g := &gs[i]
		n := float64(g.Customers)
		g.Share = n / float64(len(cs))
		g.MeanRecency /= n
		g.MeanFrequency /= n
		g.MeanMonetary /= n
		if clvs != nil {
			g.MeanCLV = g.TotalCLV / n
			g.MeanPAlive /= n
		} else {
			g.TotalCLV, g.MeanCLV, g.MeanPAlive = math.NaN(), math.NaN(), math.NaN()
		}
	}
	slices.SortFunc(gs, func(a, b Group) int {
		if d := b.Customers - a.Customers; d != 0 {
			return d
		}
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	})
	return gs, nil
}
