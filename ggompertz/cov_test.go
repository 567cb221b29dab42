package ggompertz_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/internal/reftest"
)

// TestFitCovariatesApparel fits the GGompertz/NBD with static covariates
// to CLVTools' apparel data. CLVTools runs b to 2e-7 (LL −5821.062718);
// the fit reaches the b = 0 limit, the Pareto/NBD with covariates, at
// least as high, and reports it as a boundary with CLVTools' effects.
func TestFitCovariatesApparel(t *testing.T) {
	a := reftest.LoadApparel(t)
	start := time.Now()
	m, err := ggompertz.FitCovariates(context.Background(), a.Customers, a.Covariates, ggompertz.CovFitOptions{})
	t.Logf("%v in %v; %+v", m, time.Since(start), m.FitInfo())
	if !errors.Is(err, clv.ErrBoundary) || m.FitInfo().Status != clv.AtBoundary {
		t.Fatalf("err = %v, status %v; want the b → 0 boundary", err, m.FitInfo().Status)
	}
	ref := a.Models["ggomnbd_static"]
	if ll := m.LogLikelihood(); ll < ref.LogLikelihood-1e-6 {
		t.Errorf("LL %.8f below CLVTools' %.8f", ll, ref.LogLikelihood)
	}
	p := m.Params()
	rp := ref.Params
	got := []float64{p.R, p.Alpha, p.S, p.Kappa(), p.Trans[0], p.Trans[1], p.Life[0], p.Life[1]}
	want := []float64{rp["r"], rp["alpha"], rp["s"], rp["beta"] / rp["b"], rp["trans.Gender"], rp["trans.Channel"], rp["life.Gender"], rp["life.Channel"]}
	for i, n := range []string{"r", "alpha", "s", "beta/b", "trans.Gender", "trans.Channel", "life.Gender", "life.Channel"} {
		// CLVTools stops at b = 2e-7, short of the limit, and its L-BFGS-B
		// within some 1e-3 of its optimum.
		if math.Abs(got[i]-want[i]) > 5e-3*math.Abs(want[i]) {
			t.Errorf("%s = %.6g, CLVTools %.6g", n, got[i], want[i])
		}
	}
	se, ok := m.StdErrors()
	if !ok || se.B != 0 || !(se.R > 0) {
		t.Errorf("standard errors %+v, %v", se, ok)
	}
	eff, err := m.Effects(0.95)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eff {
		t.Log(e)
	}
}
