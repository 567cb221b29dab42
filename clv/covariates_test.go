package clv_test

import (
	"math"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestCovariatePathAt checks the vector in force at t: the last Start ≤ t,
// nil before the first, and nil (not a panic) where the path has fewer
// vectors than starts or t is NaN.
func TestCovariatePathAt(t *testing.T) {
	p := clv.CovariatePath{Start: []float64{-2, 0, 3.5}, Values: [][]float64{{1}, {2}, {3}}}
	for _, tc := range []struct {
		t    float64
		want []float64
	}{
		{-3, nil}, {-2, []float64{1}}, {-1, []float64{1}}, {0, []float64{2}}, {3.4999, []float64{2}},
		{3.5, []float64{3}}, {1e9, []float64{3}}, {math.Inf(1), []float64{3}}, {math.Inf(-1), nil}, {math.NaN(), nil},
	} {
		if got := p.At(tc.t); !slices.Equal(got, tc.want) {
			t.Errorf("At(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	if got := (clv.CovariatePath{}).At(0); got != nil {
		t.Errorf("empty path: At(0) = %v, want nil", got)
	}
	short := clv.CovariatePath{Start: []float64{0, 1, 2}, Values: [][]float64{{1}}}
	for _, x := range []float64{0, 0.5, 1, 1.5, 2, 5} {
		want := []float64(nil)
		if x < 1 {
			want = []float64{1}
		}
		if got := short.At(x); !slices.Equal(got, want) {
			t.Errorf("path with one vector for three starts: At(%v) = %v, want %v", x, got, want)
		}
	}
}
