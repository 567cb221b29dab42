package paretonbd_test

import (
	"context"
	"math"
	"math/rand/v2"
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
