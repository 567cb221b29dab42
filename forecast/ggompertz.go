package forecast

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
)

// ggompertzModel is the GGompertz/NBD (ggompertz.FitContext): the
// Pareto/NBD with a lifetime whose hazard changes with age (Gompertz),
// which nests the Pareto/NBD as b → 0.
var ggompertzModel = purchaseModel{name: "ggompertz", title: "GGompertz/NBD",
	fit: func(ctx context.Context, cs []clv.Customer, g *clv.Grouping, pen float64, start []float64) (PurchaseModel, error) {
		if pen != 0 {
			return nil, fmt.Errorf("%w: the GGompertz/NBD has no penalized fit (penalizer %v): run it without a penalizer", ErrConfig, pen)
		}
		opts := ggompertz.FitOptions{Grouping: g}
		if len(start) == 5 {
			opts.Start = &ggompertz.Params{R: start[0], Alpha: start[1], B: start[2], S: start[3], Beta: start[4]}
		}
		return model(ggompertz.FitContext(ctx, cs, opts))
	},
	params: func(m PurchaseModel) []float64 { return m.(*ggompertz.Model).Params().Vector() },
	draws: func(m PurchaseModel, src rand.Source, n int) ([]clv.PurchaseModel, error) {
		ps, err := m.(*ggompertz.Model).SampleParams(src, n)
		return newModels(ps, err, ggompertz.New)
	},
	sameAs:      ggompertzLimit("paretonbd"),
	unpenalized: true,
}

// ggompertzCovModel is the GGompertz/NBD with static covariates
// (ggompertz.FitCovariates).
var ggompertzCovModel = purchaseModel{name: "ggompertz-cov", title: "GGompertz/NBD + covariates", fitCov: fitGGompertzCov, draws: covDraws,
	sameAs: ggompertzLimit("paretonbd-cov")}

// ggompertzLimit returns the sameAs of a GGompertz/NBD entry: a fit that
// reached the b → 0 limit is the Pareto/NBD (with covariates: with the
// same covariates), the model named name, which its FitInfo.Reason says.
func ggompertzLimit(name string) func(m PurchaseModel) string {
	return func(m PurchaseModel) string {
		if fi := m.FitInfo(); fi.Status == clv.AtBoundary && strings.HasPrefix(fi.Reason, "the Gompertz shape b runs off toward 0") {
			return name
		}
		return ""
	}
}

func fitGGompertzCov(ctx context.Context, cs []clv.Customer, t *covTable, pen float64) (PurchaseModel, error) {
	z := t.of(cs)
	opts := ggompertz.CovFitOptions{Penalizer: pen}
	m, err := ggompertz.FitCovariates(ctx, cs, z, opts)
	if m == nil {
		return nil, err
	}
	tests := func(ctx context.Context, level float64) ([]clv.CovariateEffect, error) {
		return m.EffectTests(ctx, cs, z, opts, level)
	}
	sample := covSampler(m.SampleParams, func(p ggompertz.CovParams) (func([]float64) (PurchaseModel, error), error) {
		dm, err := ggompertz.NewCovariates(p)
		if err != nil {
			return nil, err
		}
		return func(z []float64) (PurchaseModel, error) { return model(dm.Customer(z)) }, nil
	})
	return newCovPurchase("ggompertz-cov", m, t, cs, func(z []float64) (PurchaseModel, error) { return model(m.Customer(z)) }, tests, sample, err)
}
