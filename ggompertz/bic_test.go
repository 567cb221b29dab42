package ggompertz_test

import (
	"context"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/internal/reftest"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestLimitCountsFreeParameters: a fit at the b → 0 limit counts its free
// parameters, as the limit fits of bgnbd and paretonbd do (b is held):
// on CDNOW 4, on apparel with two covariates 4 + 2·2 = 8, each the count
// of the Pareto/NBD fitted to the same data, with the same log-likelihood
// (to 1e-6), so that AIC and BIC see the limit as the model it is.
func TestLimitCountsFreeParameters(t *testing.T) {
	same := func(name string, g, p clv.FitInfo, k int) {
		t.Helper()
		t.Logf("%s: GGompertz/NBD LL %.8f k %d BIC %.6f; Pareto/NBD LL %.8f k %d BIC %.6f",
			name, g.LogLikelihood, g.NumParams, g.BIC(), p.LogLikelihood, p.NumParams, p.BIC())
		if g.Status != clv.AtBoundary || g.NumParams != k || p.NumParams != k || g.Customers != p.Customers {
			t.Errorf("%s: status %v, %d parameters (Pareto/NBD %d), want %d", name, g.Status, g.NumParams, p.NumParams, k)
		}
		if d := g.LogLikelihood - p.LogLikelihood; math.Abs(d) > 1e-6 {
			t.Errorf("%s: LL %.8f, Pareto/NBD %.8f", name, g.LogLikelihood, p.LogLikelihood)
		}
	}
	cs := reftest.CDNOW(t)
	g, _ := ggompertz.Fit(cs, ggompertz.FitOptions{})
	p, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	same("CDNOW", g.FitInfo(), p.FitInfo(), 4)

	a := reftest.LoadApparel(t)
	gc, _ := ggompertz.FitCovariates(context.Background(), a.Customers, a.Covariates, ggompertz.CovFitOptions{})
	pc, err := paretonbd.FitCovariates(context.Background(), a.Customers, a.Covariates, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	same("apparel", gc.FitInfo(), pc.FitInfo(), 8)
}
