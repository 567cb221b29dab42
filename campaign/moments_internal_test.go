package campaign

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// fixedMoments is a clv.ValueMoments giving fixed moments.
type fixedMoments struct{ k, q float64 }

func (f fixedMoments) ConditionalValueMoments(clv.Customer) (float64, float64) { return f.k, f.q }

// TestValueMoments: the spend model's moments where they exist, else the
// values at their mean.
func TestValueMoments(t *testing.T) {
	c := clv.Customer{Frequency: 1, Recency: 1, T: 2, MonetaryValue: 10}
	for _, tc := range []struct {
		vm   clv.ValueMoments
		want spendMoments
	}{
		{nil, spendMoments{3, 9, 9}},
		{fixedMoments{12, 20}, spendMoments{3, 12, 20}},
		{fixedMoments{math.Inf(1), math.Inf(1)}, spendMoments{3, 9, 9}},
		{fixedMoments{math.NaN(), math.NaN()}, spendMoments{3, 9, 9}},
		{fixedMoments{12, 11}, spendMoments{3, 9, 9}}, // E[S²] < E[S_k S_l]: not moments
	} {
		if got := valueMoments(tc.vm, c, 3); got != tc.want {
			t.Errorf("%v: %+v, want %+v", tc.vm, got, tc.want)
		}
	}
}
