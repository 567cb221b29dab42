package forecast

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// fitSpendModel fits the Gamma-Gamma spend model to the customers. A fit
// whose likelihood is highest in a limit of the model (clv.ErrBoundary:
// every customer's mean amount the same, every purchase of a customer
// worth the same, or one price throughout) returns that limit model,
// usable, without an error; its FitInfo says which limit.
//
// start, if not nil, is where the fit starts (an incremental run's
// previous spend model).
func fitSpendModel(ctx context.Context, cs []clv.Customer, penalizer float64, start *gammagamma.Params) (*gammagamma.Model, error) {
	sm, err := gammagamma.FitContext(ctx, cs, gammagamma.FitOptions{SkipNonPositive: true, Penalizer: penalizer, Start: start})
	if errors.Is(err, clv.ErrBoundary) && sm != nil && sm.FitInfo().Status == clv.AtBoundary {
		return sm, nil
	}
	return sm, err
}

// spendBoundary returns the limit a spend model's fit is at, "" if none.
func spendBoundary(sm *gammagamma.Model) string {
	if sm == nil {
		return ""
	}
	if fi := sm.FitInfo(); fi.Status == clv.AtBoundary {
		return fi.Reason
	}
	return ""
}

// spendDraws returns n parameter sets drawn from the spend fit's
// approximate sampling distribution (a limit model's with its held shape
// fixed: conditional on the limit), or an error wrapping ErrNoIntervals
// for a fit without a covariance.
func spendDraws(sm *gammagamma.Model, src rand.Source, n int) ([]gammagamma.Params, error) {
	if _, ok := sm.LogCovariance(); !ok {
		return nil, fmt.Errorf("%w: the Gamma-Gamma spend model %v has no covariance to draw parameters from (its Hessian is not "+
			"positive definite); forecast without intervals", ErrNoIntervals, sm)
	}
	sps, err := sm.SampleParams(src, n)
	if err != nil {
		return nil, fmt.Errorf("intervals: %w", err)
	}
	return sps, nil
}
