package paretonbd

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/clvkit/clvkit/internal/cov"
)

// SampleParams draws n parameter sets of the model with time-varying
// covariates from the approximate sampling distribution of the estimate
// (the Laplace approximation), as CovModel.SampleParams: ln r, ln α,
// ln s, ln β and the coefficients jointly normal around the estimate with
// the covariance of Covariance carried to the log scale by the delta
// method. A coefficient held at 0 or at its bound (Boundary: it ran off
// on a flat likelihood and has no standard error) keeps its value in
// every draw. Compute a customer's forecast along the customer's path
// under each draw (NewDynamic of the draw) and take quantiles to carry
// the parameters' uncertainty into it. Deterministic for a given src. It
// is an error for a model without a covariance (see StdErrors).
func (m *DynModel) SampleParams(src rand.Source, n int) ([]CovParams, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	bs, ts, ls, err := cov.Draws(src, n, m.p.Vector(), m.p.Trans, m.p.Life, m.cov)
	if err != nil {
		return nil, fmt.Errorf("paretonbd: %w", err)
	}
	out := make([]CovParams, n)
	for d := range out {
		out[d] = CovParams{Params: paramsOf(bs[d]), Names: slices.Clone(m.p.Names), Trans: ts[d], Life: ls[d]}
	}
	return out, nil
}
