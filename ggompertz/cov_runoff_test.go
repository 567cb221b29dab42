package ggompertz_test

import (
	"context"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/internal/reftest"
)

// TestFitCovariatesAfterRunOff: apparel observed 100 weeks longer (every
// T + 100, as an end date long after the last purchase gives) sends the
// fit without covariates off toward s → ∞, where it stops past the limit
// at which the covariate fit stops too. Started there, the covariate fit
// ended at once with every γ 0 and the plain model's log-likelihood,
// effects of 1× with p = 1 in the job's report. Now the γ are fitted:
// the model nests the plain one (γ = 0), so its log-likelihood is at
// least as high, and on apparel, whose Channel shifts purchases by
// about 1.7× (TestFitCovariatesApparel), higher (by 6.8 here; the fit
// may stop short of a gradient of 0 on this flat likelihood, and says
// so in its status).
func TestFitCovariatesAfterRunOff(t *testing.T) {
	a := reftest.LoadApparel(t)
	cs := slices.Clone(a.Customers)
	for i := range cs {
		cs[i].T += 100
	}
	ctx := context.Background()
	plain, _ := ggompertz.FitContext(ctx, cs, ggompertz.FitOptions{})
	if plain == nil || plain.FitInfo().Status != clv.AtBoundary {
		t.Fatalf("plain fit %v: want the run-off this test is about", plain)
	}
	m, _ := ggompertz.FitCovariates(ctx, cs, a.Covariates, ggompertz.CovFitOptions{})
	if m == nil {
		t.Fatal("no covariate fit")
	}
	t.Logf("plain %v\ncov %v %+v", plain, m, m.FitInfo())
	if d := m.LogLikelihood() - plain.LogLikelihood(); !(d > 3) {
		t.Errorf("LL gain of the covariates %.4g, want > 3", d)
	}
	if p := m.Params(); p.Trans[1] < 0.3 || m.FitInfo().Iterations < 2 {
		t.Errorf("trans %v after %d iterations: the γ not fitted", p.Trans, m.FitInfo().Iterations)
	}
}
