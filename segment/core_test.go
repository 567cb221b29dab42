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
