package gammagamma

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/clvkit/clvkit/internal/cov"
)

// SampleParams draws n parameter sets from the approximate sampling
// distribution of the estimate (the Laplace approximation): ln p, ln q,
// ln γ and the coefficients δ jointly normal around the estimate with the
// covariance of Covariance (by the delta method on the log scale, so the
// base parameters stay positive). A coefficient held at 0 stays 0.
// Compute a forecast under each draw (CovModel.Customer(z) of
// NewCovariates of the draw) and take quantiles to carry the parameters'
// uncertainty into it. Deterministic for a given src. It is an error for
// a model without a covariance (see StdErrors).
func (m *CovModel) SampleParams(src rand.Source, n int) ([]CovParams, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroCov
	}
	k := len(m.p.Names)
	// cov.Draws takes the (base, trans, life) layout: δ as trans, and a
	// life of zeros with variance 0 (held).
	var full []float64
	if m.cov != nil {
		nf, nc := 3+2*k, 3+k
		full = make([]float64, nf*nf)
		for i := range nc {
			copy(full[i*nf:i*nf+nc], m.cov[i*nc:(i+1)*nc])
		}
	}
	bs, ts, _, err := cov.Draws(src, n, m.p.Vector(), m.p.Spend, make([]float64, k), full)
	if err != nil {
		return nil, fmt.Errorf("gammagamma: %w", err)
	}
	out := make([]CovParams, n)
	for d := range out {
		out[d] = CovParams{Params: paramsOf(bs[d]), Names: slices.Clone(m.p.Names), Spend: ts[d]}
	}
	return out, nil
}
