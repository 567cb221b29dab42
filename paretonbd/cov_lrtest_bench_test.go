package paretonbd_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// BenchmarkEffectTests: the likelihood-ratio tests of 10⁵ customers with
// three binary covariates (six effects, six refits), reporting the CPU
// seconds beside the wall time.
func BenchmarkEffectTests(b *testing.B) {
	p := paretonbd.CovParams{Params: cdnowParams, Names: []string{"gender", "channel", "loyalty"},
		Trans: []float64{0.3, 0.6, -0.2}, Life: []float64{-0.6, 0.8, 0.3}}
	m, err := paretonbd.NewCovariates(p)
	if err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	rng := rand.New(rand.NewPCG(7, 7))
	T := make([]float64, n)
	z := clv.Covariates{Names: p.Names, Values: make([][]float64, n)}
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
		z.Values[i] = []float64{float64(rng.IntN(2)), float64(rng.IntN(2)), float64(rng.IntN(2))}
	}
	cs, err := m.Simulate(rand.NewPCG(1, 1), T, z)
	if err != nil {
		b.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency*7) / 7
	}
	ctx := context.Background()
	fit, err := paretonbd.FitCovariates(ctx, cs, z, paretonbd.CovFitOptions{})
	if err != nil {
		b.Fatal(err)
	}
	cpu := cpuSeconds()
	var eff []clv.CovariateEffect
	for b.Loop() {
		if eff, err = fit.EffectTests(ctx, cs, z, paretonbd.CovFitOptions{}, 0.95); err != nil {
			b.Fatal(err)
		}
	}
	for _, e := range eff {
		b.Logf("%s %s LR %.6f", e.Covariate, e.Process, e.LR)
	}
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
}
