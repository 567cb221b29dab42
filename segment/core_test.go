package segment_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
)

func coreCustomers() []clv.Customer {
	var cs []clv.Customer
	for i := range 100 {
		x := float64(i % 7)
		cs = append(cs, clv.Customer{ID: string(rune('A' + i%26)), Frequency: x, Recency: x * 3, T: 40, MonetaryValue: float64(i%11) * 5})
	}
	return cs
}

// TestCoreMatchesFrame: the slice core gives what the gota API gives.
func TestCoreMatchesFrame(t *testing.T) {
	cs := coreCustomers()
	rfm, err := segment.ScoreCustomers(cs, segment.ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	df, err := segment.Score(segment.FromCustomers(cs), segment.ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	codes, segs := df.Col(segment.ColRFMScore).Records(), df.Col(segment.ColSegment).Records()
	for i, s := range rfm {
		if s.Code() != codes[i] || s.Segment != segs[i] {
			t.Errorf("customer %d: %v %s, frame %s %s", i, s, s.Code(), codes[i], segs[i])
		}
	}
	pa := make([]float64, len(cs))
	vals := make([]float64, len(cs))
	for i := range cs {
		pa[i], vals[i] = float64(i%10)/10, float64(i)
	}
	vals[3] = math.Inf(1)
	tiers, err := segment.TierCustomers(pa, vals, segment.TierOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Customer 3 (infinite CLV) ranks first: top 1%; 99..91 next.
	if tiers[3].Value != "top 1%" || tiers[99].Value != "top 10%" || tiers[0].Value != "rest" ||
		tiers[0].Churn != segment.LikelyLost || tiers[7].Churn != segment.Active || tiers[5].Churn != segment.AtRisk {
		t.Errorf("tiers %v %v %v", tiers[3], tiers[99], tiers[0])
	}
	keys := make([]string, len(cs))
	for i, s := range rfm {
		keys[i] = s.Segment
	}
	gs, err := segment.SummarizeGroups(keys, cs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, g := range gs {
		n += g.Customers
		if i > 0 && g.Customers > gs[i-1].Customers || !math.IsNaN(g.MeanCLV) {
			t.Errorf("group %+v", g)
		}
	}
	if n != len(cs) {
		t.Errorf("groups hold %d customers", n)
	}
}

// TestCoreBadArguments: errors, never panics.
func TestCoreBadArguments(t *testing.T) {
	if segment.Edges(nil, 5) != nil || segment.Edges([]float64{1, 2}, 0) != nil || segment.Edges([]float64{math.NaN()}, 3) != nil {
		t.Error("Edges of bad arguments")
	}
	if _, err := segment.ScoreCustomers(nil, segment.ScoreOptions{}); err == nil {
		t.Error("no customers")
	}
	if _, err := segment.ScoreCustomers([]clv.Customer{{T: math.Inf(1)}}, segment.ScoreOptions{}); err == nil {
		t.Error("infinite T")
	}
	if _, err := segment.TierCustomers([]float64{0.5}, []float64{math.NaN()}, segment.TierOptions{}); err == nil {
		t.Error("NaN CLV")
	}
	if _, err := segment.TierCustomers([]float64{0.5}, nil, segment.TierOptions{}); err == nil {
		t.Error("length mismatch")
	}
	if _, err := segment.SummarizeGroups([]string{"a"}, nil, nil, nil); err == nil {
		t.Error("length mismatch")
	}
}
