package ggompertz

import (
	"context"
	"testing"
)

// BenchmarkLimitTest100k times the score test's one pass on 10⁵
// customers of (nearly all) distinct rows, beside one likelihood pass
// without and with the gradient.
func BenchmarkLimitTest100k(b *testing.B) {
	cs := simCustomers(Params{R: 0.5, Alpha: 10, B: 1e-9, S: 0.9, Beta: 27e-9}, 100000, 3)
	d := rowsOf(b, cs)
	p := inner{0.53, 9.9, 0, 0.88, 26.6}
	b.Logf("%d rows", len(d.Rows))
	var st evalState
	g := make([]float64, 5)
	b.Run("test", func(b *testing.B) {
		for b.Loop() {
			if _, err := limitTest(context.Background(), d, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("loglik", func(b *testing.B) {
		for b.Loop() {
			logLik(context.Background(), d, p, nil, &st)
		}
	})
	b.Run("loglik-grad", func(b *testing.B) {
		for b.Loop() {
			logLik(context.Background(), d, p, g, &st)
		}
	})
}
