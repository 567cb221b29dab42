package ggompertz_test

import (
	"context"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/paretonbd"
)

// FuzzLimitScoreTest checks that any Pareto/NBD parameters and any three
// customers give either an error or a test with a finite positive
// information, a non-negative statistic that is 0 when the score is ≤ 0,
// and P in [0, 1], in bounded time, without panicking.
func FuzzLimitScoreTest(f *testing.F) {
	f.Add(0.55, 10.0, 0.9, 27.0, 2.0, 30.0, 52.0, 0.0, 40.0, 7.0, 5.0, 6.0)
	f.Add(1e-7, 1e12, 1e7, 1e-7, 1e5, 1e5, 1e5, 1.0, 0.0, 1e-3, 0.0, 0.0)
	f.Fuzz(func(t *testing.T, r, alpha, s, beta, x1, tx1, T1, x2, tx2, T2, x3, T3 float64) {
		lim := paretonbd.Params{R: r, Alpha: alpha, S: s, Beta: beta}
		for _, v := range []float64{r, alpha, s, beta} {
			if !(v >= 1e-7 && v <= 1e12) {
				return
			}
		}
		cs := []clv.Customer{
			{Frequency: math.Floor(math.Abs(x1)), Recency: tx1, T: T1},
			{Frequency: math.Floor(math.Abs(x2)), Recency: tx2, T: T2},
			{Frequency: math.Floor(math.Abs(x3)), Recency: T3 / 2, T: T3},
		}
		for _, c := range cs {
			if c.Frequency > 1e6 || c.T > 1e6 {
				return
			}
		}
		lt, err := ggompertz.LimitScoreTest(context.Background(), cs, lim, ggompertz.LimitTestOptions{})
		if err != nil {
			return
		}
		if !(lt.Info > 0) || math.IsInf(lt.Info, 0) || !(lt.P >= 0 && lt.P <= 1) || !(lt.Stat >= 0) || (lt.Score <= 0 && lt.Stat != 0) {
			t.Fatalf("%+v %+v: %+v", lim, cs, lt)
		}
	})
}
