package ggompertz

import (
	"context"
	"fmt"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
)

// EffectTests returns Effects(level) with each effect's likelihood-ratio
// test against the model without it (clv.CovariateEffect's LR and P): the
// statistic 2·(LL − LL₀), with LL₀ the maximum of the likelihood with that
// coefficient held at 0 (for a covariate in Same, without the covariate),
// and its p-value from the χ² distribution with 1 degree of freedom, as
// paretonbd.CovModel.EffectTests. It refits the model once per effect,
// the refits concurrently: a model inside the parameter space from its
// estimate with the effect at 0 (from FitCovariates' starts if that does
// not converge inside), a model at the b → 0 limit by FitCovariates
// itself (whose restricted maximum may lie inside or at the limit). Pass
// the customers, covariates and options m was fitted with. An error of a
// refit that did not converge is returned.
func (m *CovModel) EffectTests(ctx context.Context, customers []clv.Customer, z clv.Covariates, opts CovFitOptions, level float64) ([]clv.CovariateEffect, error) {
	if m == nil || m.info.Status == clv.NotFitted {
		return nil, fmt.Errorf("ggompertz: EffectTests: the model was not fitted")
	}
	if !slices.Equal(z.Names, m.p.Names) {
		return nil, fmt.Errorf("ggompertz: %w: covariates %v, the model's are %v", clv.ErrInvalidCovariates, z.Names, m.p.Names)
	}
	eff, err := m.Effects(level)
	if err != nil {
		return nil, err
	}
	interior := m.info.Status == clv.Converged
	refit := func(ctx context.Context, same, noPurchase, noDropout []string) (float64, bool, error) {
		o := opts
		o.Same, o.NoPurchase, o.NoDropout = same, noPurchase, noDropout
		if interior {
			if pr, _, err := covProblem(ctx, customers, z, o, false); err == nil {
				p := m.p
				start := []float64{p.R, p.Alpha, p.B, p.S, p.Kappa()}
				if ll, err := cov.RefitFrom(ctx, pr, start, p.Trans, p.Life); err == nil {
					return ll, true, nil
				}
			}
		}
		r, err := FitCovariates(ctx, customers, z, o)
		if r == nil {
			return 0, false, err
		}
		return r.LogLikelihood(), true, err
	}
	return cov.EffectTests(ctx, "ggompertz", eff, m.info.LogLikelihood, opts.Same, opts.NoPurchase, opts.NoDropout, refit)
}
