package forecast

import (
	"context"
	"fmt"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/paretonbd"
)

// ggompertzCovScreen is the screen under auto of the GGompertz/NBD with
// covariates, as ggompertzScreen is the plain model's: the score test of
// its limit b = 0 at the fit ref of the Pareto/NBD with the same
// covariates (ggompertz.CovLimitScoreTest, one pass over the distinct
// (profile, frequency, recency, T), which profiles out the base
// parameters and every coefficient). It skips the model, saying why, when
// the score is ≤ 0 or the one-sided p-value is above
// GGompertzScreenLevel (a fit would end at that limit, which the
// comparison has as paretonbd-cov, or at a b no stricter criterion would
// choose); -model ggompertz-cov always fits it. It fits the model when
// the test rejects, when the Pareto/NBD's fit is not an interior estimate
// (no test; a Gompertz lifetime is the likeliest improvement there, as
// for the plain model), when it was penalized (the test is of the
// unpenalized likelihood) and when the test fails (an information that is
// not definite).
func ggompertzCovScreen(ctx context.Context, cs []clv.Customer, _ *clv.Grouping, ref PurchaseModel) (string, bool) {
	cp, ok := ref.(*covPurchase)
	var pm *paretonbd.CovModel
	if ok {
		pm, ok = cp.fitted.(*paretonbd.CovModel)
	}
	if !ok || pm.FitInfo().Status != clv.Converged {
		return "the Pareto/NBD + covariates fit is at a boundary of its own: no score test of b = 0, fitted", false
	}
	if pen := pm.FitInfo().Penalizer; pen != 0 {
		return fmt.Sprintf("no score test of b = 0 at a penalized fit (penalizer %g), fitted", pen), false
	}
	lt, err := ggompertz.CovLimitScoreTest(ctx, cs, cp.tab.of(cs), pm.Params())
	if err != nil {
		return fmt.Sprintf("no score test of b = 0 (%v), fitted", err), false
	}
	test := fmt.Sprintf("score test of b = 0 at the Pareto/NBD + covariates: score %.4g, statistic %.4g, p = %.3g", lt.Score, lt.Stat, lt.P)
	if lt.Score <= 0 || lt.P > GGompertzScreenLevel {
		return fmt.Sprintf("at its Pareto/NBD + covariates limit (%s > %g), not fitted", test, GGompertzScreenLevel), true
	}
	return fmt.Sprintf("away from its Pareto/NBD + covariates limit (%s ≤ %g), fitted", test, GGompertzScreenLevel), false
}
