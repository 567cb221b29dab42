package segment

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
)

// RFM is one customer's recency, frequency and monetary scores (1..k) and
// named segment.
type RFM struct {
	R, F, M int8
	Segment string
}

// Code returns the three scores as digits, e.g. "545".
func (s RFM) Code() string { return string([]byte{byte('0' + s.R), byte('0' + s.F), byte('0' + s.M)}) }

// ScoreCustomers scores every customer and names its segment (on a slice;
// segment/frame's Score is the same on a DataFrame). Frequency and
// monetary value score higher for higher values; recency scores on the
// time since the last purchase, T − recency, lower times scoring higher. By quantiles, the inner edges are the
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
	// The three sets of edges, concurrently.
	var edges [3][]float64
	var errs [3]error
	feats := [3]struct {
		values, custom []float64
		what           string
	}{{since, opts.RecencyEdges, "recency"}, {freq, opts.FrequencyEdges, "frequency"}, {mon, opts.MonetaryEdges, "monetary"}}
	parallel.For(3, func(j int) { edges[j], errs[j] = binEdges(feats[j].values, k, feats[j].custom, feats[j].what) })
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	// The segment of every combination of scores, found once.
	names := make([]string, k*k*k)
	for r := 1; r <= k; r++ {
		for f := 1; f <= k; f++ {
			for m := 1; m <= k; m++ {
				name := Other
				for _, rule := range rules {
					if rule.Match(r, f, m) {
						name = rule.Name
						break
					}
				}
				names[((r-1)*k+f-1)*k+m-1] = name
			}
		}
	}
	out := make([]RFM, len(cs))
	parallel.Map(len(cs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			r := k + 1 - score(since[i], edges[0])
			f, m := score(freq[i], edges[1]), score(mon[i], edges[2])
			out[i] = RFM{R: int8(r), F: int8(f), M: int8(m), Segment: names[((r-1)*k+f-1)*k+m-1]}
		}
	})
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

// binEdges returns the custom edges after checking them, or the quantile
// edges of values.
func binEdges(values []float64, k int, custom []float64, what string) ([]float64, error) {
	if custom == nil {
		return Edges(values, k), nil
	}
	if len(custom) != k-1 || !slices.IsSorted(custom) || slices.ContainsFunc(custom, math.IsNaN) {
		return nil, fmt.Errorf("segment: %s edges %v: want %d ascending numbers", what, custom, k-1)
	}
	return custom, nil
}

// score returns 1 + the number of edges below x. Edges are few: a linear
// count beats a search.
func score(x float64, edges []float64) int {
	s := 1
	for _, e := range edges {
		if x > e {
			s++
		}
	}
	return s
}

// Tier is one customer's churn-risk tier, value tier and suggested action.
type Tier struct {
	Churn  string // Active, AtRisk or LikelyLost
	Value  string // e.g. "top 1%", "rest"
	Rank   int    // index of the value tier: 0 for the most valuable
	Action string
}

// TierCustomers assigns the tiers of customers from their P(alive) and
// CLV (parallel slices; segment/frame's Tiers computes them from models on
// a DataFrame). TierOptions.Value is not used. TierOptions.Actions is called
// once per pair of value and churn tiers. Value tiers rank customers by
// CLV (ties keep slice order): the first ⌈share·n⌉ customers form each top
// tier. A NaN in either slice is an error naming the customer; an infinite
// CLV ranks first.
func TierCustomers(pAlive, values []float64, opts TierOptions) ([]Tier, error) {
	t, err := TierCustomersCompact(pAlive, values, opts)
	if err != nil {
		return nil, err
	}
	return t.Expand(), nil
}

// TierCustomersCompact is TierCustomers with the tiers kept compactly
// (Tiers): 2 bytes a customer instead of a Tier's 56, and no pointers for
// the garbage collector to scan. Tiers.At(i) is TierCustomers' [i].
func TierCustomersCompact(pAlive, values []float64, opts TierOptions) (Tiers, error) {
	if len(pAlive) != len(values) {
		return Tiers{}, fmt.Errorf("segment: %d P(alive) values for %d CLVs", len(pAlive), len(values))
	}
	opts.defaults()
	if !(opts.Lost <= opts.Active && opts.Lost >= 0 && opts.Active <= 1) {
		return Tiers{}, fmt.Errorf("segment: thresholds lost %v, active %v: want 0 ≤ lost ≤ active ≤ 1", opts.Lost, opts.Active)
	}
	shares := opts.TopShares
	if shares == nil {
		shares = []float64{0.01, 0.10, 0.50}
	}
	if !slices.IsSorted(shares) || len(shares) == 0 || len(shares) > 254 || !(shares[0] > 0) || shares[len(shares)-1] > 1 {
		return Tiers{}, fmt.Errorf("segment: top shares %v: want at most 254 ascending shares in (0, 1]", shares)
	}
	action := opts.Actions
	if action == nil {
		action = DefaultAction
	}
	n := len(values)
	for i, pa := range pAlive {
		if math.IsNaN(pa) || math.IsNaN(values[i]) {
			return Tiers{}, fmt.Errorf("segment: customer %d: P(alive) %v, CLV %v", i, pa, values[i])
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
	rank := make([]uint8, n)
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
		rank[i] = uint8(t)
	}
	// Every combination of tiers, with one call of action each: value
	// tier r and churn tier c are kind 3r + c.
	kinds := make([]Tier, 0, 3*len(names))
	for r, name := range names {
		for _, churn := range churnTiers {
			kinds = append(kinds, Tier{Churn: churn, Value: name, Rank: r, Action: action(name, churn, r)})
		}
	}
	of := make([]uint16, n)
	parallel.Map(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			of[i] = 3*uint16(rank[i]) + uint16(opts.churn(pAlive[i]))
		}
	})
	return Tiers{Kinds: kinds, Of: of}, nil
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
// number of customers then key (segment/frame's Summarize is the same on a
// DataFrame). keys, cs, and (if not nil) clvs and pAlive are parallel.
func SummarizeGroups(keys []string, cs []clv.Customer, clvs, pAlive []float64) ([]Group, error) {
	if err := checkGroups(len(keys), cs, clvs, pAlive); err != nil {
		return nil, err
	}
	var b groupBuilder
	for i, k := range keys {
		b.add(b.slot(k), cs, clvs, pAlive, i)
	}
	return b.finish(len(cs), clvs != nil), nil
}

// checkGroups checks the arguments of SummarizeGroups, n keys.
func checkGroups(n int, cs []clv.Customer, clvs, pAlive []float64) error {
	if n != len(cs) || clvs != nil && len(clvs) != len(cs) || pAlive != nil && len(pAlive) != len(cs) ||
		(clvs == nil) != (pAlive == nil) {
		return fmt.Errorf("segment: %d keys, %d customers, %d CLVs, %d P(alive)", n, len(cs), len(clvs), len(pAlive))
	}
	if len(cs) == 0 {
		return fmt.Errorf("segment: %w", clv.ErrNoCustomers)
	}
	return nil
}

// groupBuilder adds up the customers of each key, in the order the keys
// are first seen.
type groupBuilder struct {
	index map[string]int
	gs    []Group
}

// slot returns the index of key's group, adding the group if new.
func (b *groupBuilder) slot(key string) int {
	j, ok := b.index[key]
	if !ok {
		if b.index == nil {
			b.index = map[string]int{}
		}
		j = len(b.gs)
		b.index[key] = j
		b.gs = append(b.gs, Group{Key: key})
	}
	return j
}

// add adds customer i to group j.
func (b *groupBuilder) add(j int, cs []clv.Customer, clvs, pAlive []float64, i int) {
	g := &b.gs[j]
	c := &cs[i]
	g.Customers++
	g.MeanRecency += c.Recency
	g.MeanFrequency += c.Frequency
	g.MeanMonetary += c.MonetaryValue
	if clvs != nil {
		g.TotalCLV += clvs[i]
		g.MeanPAlive += pAlive[i]
	}
}

// finish turns the sums into means and shares of the n customers and
// sorts the groups by decreasing number of customers then key.
func (b *groupBuilder) finish(n int, valued bool) []Group {
	gs := b.gs
	for i := range gs {
		g := &gs[i]
		m := float64(g.Customers)
		g.Share = m / float64(n)
		g.MeanRecency /= m
		g.MeanFrequency /= m
		g.MeanMonetary /= m
		if valued {
			g.MeanCLV = g.TotalCLV / m
			g.MeanPAlive /= m
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
	return gs
}
