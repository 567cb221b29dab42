package segment_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
)

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

// TestChurnTierAgreesWithTierCustomers: TierOptions.ChurnTier gives the
// churn tier TierCustomers assigns, at and around the thresholds, under the
// defaults and custom thresholds; "" for NaN.
func TestChurnTierAgreesWithTierCustomers(t *testing.T) {
	pa := []float64{0, 0.1, 0.29999999999999999, 0.3, 0.30000000000000004, 0.5, 0.6, 0.69999999999999996, 0.7, 0.8, 1}
	values := make([]float64, len(pa))
	for _, o := range []segment.TierOptions{{}, {Active: 0.8, Lost: 0.6}, {Active: 0.5, Lost: 0.5}} {
		tiers, err := segment.TierCustomers(pa, values, o)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range pa {
			if got := o.ChurnTier(p); got != tiers[i].Churn {
				t.Errorf("%+v: ChurnTier(%v) = %q, TierCustomers %q", o, p, got, tiers[i].Churn)
			}
		}
	}
	o := segment.TierOptions{}
	if o.ChurnTier(0.7) != segment.Active || o.ChurnTier(0.6999) != segment.AtRisk || o.ChurnTier(0.2999) != segment.LikelyLost ||
		o.ChurnTier(math.NaN()) != "" {
		t.Error("default thresholds are not 0.7 and 0.3")
	}
}
