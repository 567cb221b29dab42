package clv_test

import (
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// FuzzSimpleFormulas: the simple formulas either return a non-negative
// value (+Inf only when absurd inputs overflow) or an error wrapping
// ErrBadValueOptions; never NaN, never a panic. RetentionValue over n periods is below the infinite sum.
func FuzzSimpleFormulas(f *testing.F) {
	f.Add(100.0, 0.8, 0.1, 3)
	f.Add(30.0, 1.0, 0.0, 0)
	f.Add(-1.0, 2.0, -0.5, -4)
	f.Fuzz(func(t *testing.T, m, r, d float64, n int) {
		n %= 1000
		check := func(name string, v float64, err error) {
			if err != nil {
				if !errors.Is(err, clv.ErrBadValueOptions) {
					t.Fatalf("%s: error %v does not wrap ErrBadValueOptions", name, err)
				}
				return
			}
			if math.IsNaN(v) || v < 0 {
				t.Fatalf("%s(%v, %v, %v, %v) = %v", name, m, r, d, n, v)
			}
		}
		fin, err := clv.RetentionValue(m, r, d, n)
		check("RetentionValue", fin, err)
		inf, err2 := clv.RetentionValue(m, r, d, 0)
		check("RetentionValue∞", inf, err2)
		if err == nil && err2 == nil && n > 0 && fin > inf*(1+1e-12)+1e-300 {
			t.Fatalf("finite sum %v above the infinite sum %v", fin, inf)
		}
		v, err := clv.SimpleProfit(m, r, d, math.Abs(r)/(1+math.Abs(r)))
		check("SimpleProfit", v, err)
		v, err = clv.LifetimeFromChurn(r)
		check("LifetimeFromChurn", v, err)
	})
}
