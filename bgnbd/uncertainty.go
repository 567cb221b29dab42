package bgnbd

import (
	"context"
	"errors"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
)

// ParamIntervals returns approximate confidence intervals for the
// parameters at the given level (e.g. 0.9): exp(ln p ± z·σ), with σ the
// standard error of ln p from the inverse Hessian (see LogCovariance).
// It is an error for a model that was not fitted.
func (m *Model) ParamIntervals(level float64) (lo, hi Params, err error) {
	return m.base.Intervals(level, paramsOf)
}

// SampleParams draws n parameter sets from the approximate sampling
// distribution of the estimate (ln p normal with LogCovariance, the
// Laplace approximation): score a forecast at each draw and take
// quantiles to carry the parameters' uncertainty into it. Deterministic
// for a given src. It is an error for a model without standard errors,
// such as one fitted at a limit of the model (clv.AtBoundary): use
// Bootstrap for those.
func (m *Model) SampleParams(src rand.Source, n int) ([]Params, error) {
	return m.base.Draws(src, n, paramsOf)
}

// Bootstrap refits the model to reps resamples of the customers the model
// was fitted to (pass the same customers and options) and returns the
// estimates, for intervals that do not rely on the normal approximation:
// the resamples reweight the distinct (x, t_x, T) rows (Poisson
// bootstrap), each fit starts at this model's estimate, and replicates run
// on all cores; deterministic for a given seed. A replicate whose fit
// reaches a limit of the model (clv.ErrBoundary) contributes the limit
// model's parameters: for a model at the boundary, these are the
// intervals to use (it has no standard errors).
func (m *Model) Bootstrap(ctx context.Context, customers []clv.Customer, opts FitOptions, reps int, seed uint64) ([]Params, error) {
	if !m.Ready() {
		return nil, errZeroModel
	}
	start := m.Params()
	return model.Bootstrap(ctx, customers, opts.Weights, reps, seed, func(ctx context.Context, cs []clv.Customer, w []float64) (Params, error) {
		o := opts
		o.Weights, o.Start, o.Variant = w, &start, m.Variant()
		f, err := FitContext(ctx, cs, o)
		if err != nil && !errors.Is(err, clv.ErrBoundary) { // a limit model is an estimate too
			return Params{}, err
		}
		return f.Params(), nil
	})
}
