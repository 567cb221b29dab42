package paretonbd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/paretonbd"
)

// TestWarmStartAgrees: above 50,000 distinct rows Fit starts from a
// subsample and takes its standard errors from the analytic Hessian; a
// cold fit (given a Start) takes them from central differences of the
// gradient. Estimates, log-likelihoods and standard errors agree.
func TestWarmStartAgrees(t *testing.T) {
	T := make([]float64, 60_000)
	rng := rand.New(rand.NewPCG(4, 99))
	for i := range T {
		T[i] = 20 + 40*rng.Float64()
	}
	cs, err := cdnowParams.Simulate(rand.NewPCG(13, 14), T)
	if err != nil {
		t.Fatal(err)
	}
	warm, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if warm.FitInfo().Rows <= 50000 {
		t.Fatalf("%d rows: the warm start was not used", warm.FitInfo().Rows)
	}
	cold, err := paretonbd.Fit(cs, paretonbd.FitOptions{Start: &paretonbd.Params{R: 1, Alpha: 6, S: 1, Beta: 6}})
	if err != nil {
		t.Fatal(err)
	}
	w, c := warm.Params(), cold.Params()
	if relErr(w.R, c.R) > 1e-4 || relErr(w.Alpha, c.Alpha) > 1e-4 || relErr(w.S, c.S) > 1e-4 || relErr(w.Beta, c.Beta) > 1e-4 ||
		math.Abs(warm.LogLikelihood()-cold.LogLikelihood()) > 1e-5 {
		t.Errorf("warm %v, cold %v", warm, cold)
	}
	sw, okw := warm.StdErrors()
	sc, okc := cold.StdErrors()
	if !okw || !okc || relErr(sw.R, sc.R) > 1e-3 || relErr(sw.Alpha, sc.Alpha) > 1e-3 || relErr(sw.S, sc.S) > 1e-3 || relErr(sw.Beta, sc.Beta) > 1e-3 {
		t.Errorf("standard errors: warm %+v, cold %+v", sw, sc)
	}
}
