package ggompertz

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/clvkit/clvkit/internal/cov"
)

// Covariance returns the approximate sampling covariance of the estimate
// (r, α, b, s, β, γ_trans..., γ_life...), from the inverse Hessian of the
// fit's parameters carried to these by the delta method (β = b·κ), and
// whether it is available. A limit model's b row and column are 0 (b is
// held) and its β varies as b·κ.
func (m *CovModel) Covariance() ([][]float64, bool) {
	if m == nil || m.cov == nil {
		return nil, false
	}
	return cov.Rows(m.cov, 5+2*len(m.p.Names)), true
}

// SampleParams draws n parameter sets from the approximate sampling
// distribution of the estimate (the Laplace approximation): the
// logarithms of the base parameters and the coefficients γ jointly normal
// around the estimate with the covariance of Covariance (by the delta
// method on the log scale, so the base parameters stay positive). A
// coefficient held at 0 stays 0, one shared by both processes (Same) is
// drawn once, and a limit model's b stays held (its β = b·κ drawn as κ).
// Compute a forecast under each draw (CovModel.Customer(z) at
// NewCovariates of the draw) and take quantiles to carry the parameters'
// uncertainty into it. Deterministic for a given src. It is an error for
// a model without a covariance (see StdErrors).
func (m *CovModel) SampleParams(src rand.Source, n int) ([]CovParams, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	bs, ts, ls, err := cov.Draws(src, n, m.p.Vector(), m.p.Trans, m.p.Life, m.cov)
	if err != nil {
		return nil, fmt.Errorf("ggompertz: %w", err)
	}
	out := make([]CovParams, n)
	for d := range out {
		out[d] = CovParams{Params: Params{}.FromVector(bs[d]), Names: slices.Clone(m.p.Names), Trans: ts[d], Life: ls[d]}
	}
	return out, nil
}
