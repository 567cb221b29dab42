package paretonbd_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestFitDynamicRecovery: FitDynamic on 10,000 customers simulated with a
// calendar season and a static covariate, joined over two years, recovers
// the parameters within 4 standard errors.
func TestFitDynamicRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("a fit of some seconds")
	}
	want := paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 0.6, Beta: 40},
		Names: []string{"season", "web"}, Trans: []float64{0.7, 0.3}, Life: []float64{-0.5, 0.4}}
	truth, err := paretonbd.NewDynamic(want)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var T []float64
	var paths []clv.CovariatePath
	for i := range 10000 {
		first := rng.IntN(104)
		T = append(T, float64(156-first))
		paths = append(paths, calendarSeason(first, 156, float64(i%2)))
	}
	cs, z, err := truth.Simulate(rand.NewPCG(7, 8), T, paths)
	if err != nil {
		t.Fatal(err)
	}
	m, err := paretonbd.FitDynamic(context.Background(), cs, z, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := m.Params()
	se, ok := m.StdErrors()
	if !ok {
		t.Fatal("no standard errors")
	}
	t.Logf("%v", m)
	g := append(got.Vector(), append(got.Trans, got.Life...)...)
	w := append(want.Vector(), append(want.Trans, want.Life...)...)
	s := append(se.Vector(), append(se.Trans, se.Life...)...)
	for i := range g {
		if math.Abs(g[i]-w[i]) > 4*s[i] {
			t.Errorf("parameter %d: %.4g ± %.2g, true %.4g", i, g[i], s[i], w[i])
		}
	}
}

// TestFitDynamicRecovery100k (CLVKIT_LONG=1): on 100,000 customers on
// the season calendar, joined over two years and observed to week 208
// (β = 15: most customers drop out in the window, which identifies the
// dropout process), FitDynamic recovers every parameter and every effect
// exp(γ) within 5% relative (issue #20's bar), and within 4 standard
// errors. At this size the standard errors of β and of the season's
// dropout effect are 2.4% and 2.2% of them, so the 5% bar is about 2
// standard errors: a fixed seed, not a margin. (With β = 40 and
// observation to week 156, as TestFitDynamicRecovery, β's standard error
// is 3.5% and β came out 5.6% high at 1.6 SE.) The simulation's and the
// fit's CPU seconds are logged: some 26 CPU-s for the fit.
func TestFitDynamicRecovery100k(t *testing.T) {
	if testing.Short() || os.Getenv("CLVKIT_LONG") == "" {
		t.Skip("skipping a fit of 100,000 customers (set CLVKIT_LONG=1 to run it)")
	}
	want := paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 0.6, Beta: 15},
		Names: []string{"season", "web"}, Trans: []float64{0.7, 0.3}, Life: []float64{-0.5, 0.4}}
	truth, err := paretonbd.NewDynamic(want)
	if err != nil {
		t.Fatal(err)
	}
	const n = 100000
	rng := rand.New(rand.NewPCG(15, 16))
	T := make([]float64, n)
	paths := make([]clv.CovariatePath, n)
	for i := range n {
		first := rng.IntN(104)
		T[i] = float64(208 - first)
		paths[i] = calendarSeason(first, 208, float64(rng.IntN(2)))
	}
	cpu0 := cpuSeconds()
	cs, z, err := truth.Simulate(rand.NewPCG(17, 18), T, paths)
	if err != nil {
		t.Fatal(err)
	}
	cpu1 := cpuSeconds()
	m, err := paretonbd.FitDynamic(context.Background(), cs, z, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cpu2 := cpuSeconds()
	t.Logf("%v\nsimulation %.2f CPU-s, fit %.2f CPU-s", m, cpu1-cpu0, cpu2-cpu1)
	got := m.Params()
	se, ok := m.StdErrors()
	if !ok {
		t.Fatal("no standard errors")
	}
	g := append(got.Vector(), append(got.Trans, got.Life...)...)
	w := append(want.Vector(), append(want.Trans, want.Life...)...)
	s := append(se.Vector(), append(se.Trans, se.Life...)...)
	for i := range g {
		rel := g[i]/w[i] - 1
		if i >= 4 { // a coefficient: the effect exp(γ)
			rel = math.Expm1(g[i] - w[i])
		}
		t.Logf("parameter %d: %.4g ± %.2g, true %.4g: %+.2f%%", i, g[i], s[i], w[i], 100*rel)
		if math.Abs(rel) > 0.05 || math.Abs(g[i]-w[i]) > 4*s[i] {
			t.Errorf("parameter %d: %.4g ± %.2g, true %.4g (%+.2f%%)", i, g[i], s[i], w[i], 100*rel)
		}
	}
}
