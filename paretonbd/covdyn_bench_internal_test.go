package paretonbd

import (
	"context"
	"testing"
)

// BenchmarkFitDynamicApparel: FitDynamic on the apparel data with the
// weekly High.Season flag (600 customers; CLVTools: 521 s).
func BenchmarkFitDynamicApparel(b *testing.B) {
	cs, z := apparelDynamic(b)
	for b.Loop() {
		if m, _ := FitDynamic(context.Background(), cs, z, CovFitOptions{}); m == nil {
			b.Fatal("no model")
		}
	}
}

// BenchmarkDynLogLikApparel: one evaluation of the log-likelihood and its
// gradient over the apparel customers.
func BenchmarkDynLogLikApparel(b *testing.B) {
	cs, z := apparelDynamic(b)
	d, err := prepDynamic(cs, z, nil)
	if err != nil {
		b.Fatal(err)
	}
	e := newDynEval(Params{R: 2, Alpha: 120, S: 1.3, Beta: 85}, []float64{0.7, 0.26, 0.62}, []float64{-3, -0.5, 0.5}, d.zs)
	g := make([]float64, 10)
	for b.Loop() {
		d.logLik(e, g)
	}
}
