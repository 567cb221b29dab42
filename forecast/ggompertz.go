package forecast

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/paretonbd"
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
	screenBy:    "paretonbd",
	screen:      ggompertzScreen,
}

// GGompertzScreenLevel is the level of the score test by which auto
// decides whether to fit the GGompertz/NBD (see ggompertzScreen).
const GGompertzScreenLevel = 0.05

// ggompertzScreen is the GGompertz/NBD's screen under auto: the score
// test of its Pareto/NBD limit b = 0 at the Pareto/NBD fit ref
// (ggompertz.LimitScoreTest, one pass over the distinct rows instead of
// a fit's hundreds). If the score is ≤ 0 or the one-sided p-value is
// above GGompertzScreenLevel, a fit would (asymptotically) end at the
// limit, which the comparison has as the Pareto/NBD, or at a b > 0 that
// no criterion stricter than a 5% test would choose (BIC needs
// 2ΔLL > ln n, above the test's 2.71 from n = 16 on): it skips the
// model and says why. Without an interior Pareto/NBD estimate (one at a
// boundary of its own) there is no test, and auto fits the model: a log
// observed long past its last purchase often sends the Pareto/NBD to its
// exponential-dropout limit, where a Gompertz lifetime (b > 0) is the
// likeliest improvement (the shipped log with an end 23 months on: LL
// −16534.0 against the limit's −16785.3), and the fit is bounded (about
// a CPU second there since its likelihood integrates once per frequency,
// ggompertz/grid.go). A test whose information is not definite fits the
// model.
func ggompertzScreen(ctx context.Context, cs []clv.Customer, g *clv.Grouping, ref PurchaseModel) (string, bool) {
	pm, ok := ref.(*paretonbd.Model)
	if !ok || pm.FitInfo().Status != clv.Converged {
		return "the Pareto/NBD fit is at a boundary of its own: no score test of b = 0, fitted", false
	}
	lt, err := ggompertz.LimitScoreTest(ctx, cs, pm.Params(), ggompertz.LimitTestOptions{Grouping: g})
	if err != nil {
		return fmt.Sprintf("no score test of b = 0 (%v), fitted", err), false
	}
	test := fmt.Sprintf("score test of b = 0: score %.4g, statistic %.4g, p = %.3g", lt.Score, lt.Stat, lt.P)
	if lt.Score <= 0 || lt.P > GGompertzScreenLevel {
		return fmt.Sprintf("at its Pareto/NBD limit (%s > %g), not fitted", test, GGompertzScreenLevel), true
	}
	return fmt.Sprintf("away from its Pareto/NBD limit (%s ≤ %g), fitted", test, GGompertzScreenLevel), false
}

// ggompertzCovModel is the GGompertz/NBD with static covariates
// (ggompertz.FitCovariates).
var ggompertzCovModel = purchaseModel{name: "ggompertz-cov", title: "GGompertz/NBD + covariates", fitCov: fitGGompertzCov, draws: covDraws,
	sameAs: ggompertzLimit("paretonbd-cov"), screenBy: "paretonbd-cov", screen: ggompertzCovScreen} // ggompertzcovscreen.go

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
