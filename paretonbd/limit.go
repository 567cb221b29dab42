package paretonbd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/rows"
)

// Shapes of the limits of the model. A fit whose s (or r) passes
// boundaryShape is running off toward the limit in which the gamma
// distribution of μ (or λ) becomes a point mass: its coefficient of
// variation 1/√s is below 1%, and the likelihood keeps rising, ever more
// slowly, as s and β grow together. The limit model is fitted with the
// shape held at limitShape, where the gamma distribution's spread (0.1%)
// changes predictions by O(1/limitShape) — at most 2e-5 relative in
// TestExponentialDropoutLimit — and the gradient of the log-likelihood
// still has 10 digits.
const (
	boundaryShape = 1e4
	limitShape    = 1e6
)

// atBoundary reports whether a fit at p (r, α, s, β) runs off toward a
// limit of the model.
func atBoundary(p []float64) bool { return p[0] > boundaryShape || p[2] > boundaryShape }

// fitLimit fits the limit model toward which a fit ran off, from the point
// p where it stopped: with the shape that passed boundaryShape (s, r or
// both) held at limitShape and its rate parameter scaled to keep the
// ratio (μ = s/β, λ = r/α), it maximizes the likelihood over the other
// parameters. The model it returns has FitInfo.Status clv.AtBoundary
// (when that fit converged), the limit in FitInfo.Reason, no standard
// errors, and an error wrapping clv.ErrBoundary.
func fitLimit(ctx context.Context, d *rows.Data, p Params, opts FitOptions) (*Model, error) {
	fixR, fixS := p.R > boundaryShape, p.S > boundaryShape
	for range 2 { // each pass holds one more shape
		if fixR {
			p.Alpha *= limitShape / p.R
			p.R = limitShape
		}
		if fixS {
			p.Beta *= limitShape / p.S
			p.S = limitShape
		}
		held := mle.Hold(p.Vector(), []bool{fixR, false, fixS, false})
		full, free, pick := held.Full, held.Free, held.Pick
		expand := func(v []float64) Params { return paramsOf(held.Expand(v)) }
		s := scratch{ctx: ctx}
		var g4 [4]float64
		scale := []float64{1, 10 / d.MaxT, 1, 10 / d.MaxT}
		pr := mle.Problem{
			LogLik: func(v, grad []float64) float64 {
				if grad == nil {
					return logLik(d, expand(v), nil, &s)
				}
				ll := logLik(d, expand(v), g4[:], &s)
				copy(grad, pick(g4[:]))
				return ll
			},
			Valid:  func(v []float64) bool { return expand(v).Validate() == nil },
			Weight: d.W, Penalizer: opts.Penalizer, PenaltyScale: pick(scale),
			GradTol: opts.GradTol, MaxIter: opts.MaxIter,
			Starts: [][]float64{pick(full)},
		}
		if !fixR || !fixS {
			pr.AtBoundary = func(v []float64) bool {
				q := expand(v)
				return !fixR && q.R > boundaryShape || !fixS && q.S > boundaryShape
			}
		}
		est, fitErr := mle.Fit(ctx, pr)
		if est.Params == nil {
			return nil, fmt.Errorf("paretonbd: fit of the limit model: %w", fitErr)
		}
		if errors.Is(fitErr, mle.ErrBoundary) {
			// The other heterogeneity vanishes too.
			p = expand(est.Params)
			fixR, fixS = fixR || p.R > boundaryShape, fixS || p.S > boundaryShape
			continue
		}
		est.StdErr, est.Cov = nil, nil
		lim := expand(est.Params)
		var names []string
		for _, i := range free {
			names = append(names, strings.Fields("r alpha s beta")[i])
		}
		info := clv.FitInfo{Rows: len(d.Rows), Penalizer: opts.Penalizer, Status: clv.AtBoundary, Reason: limitReason(lim, fixR, fixS)}
		b, err := model.FromEstimate(est, func(v []float64) Params { return expand(v) }, strings.Join(names, " "), d.W, info)
		m := &Model{b}
		if fitErr != nil {
			return m, fmt.Errorf("paretonbd: %s; the limit model's fit: %w (best: %v)", info.Reason, fitErr, m)
		}
		return m, fmt.Errorf("paretonbd: %v: %w", m, err)
	}
	// Unreachable: the second pass holds both shapes and has no Stop.
	return nil, fmt.Errorf("paretonbd: fit of the limit model: %w", mle.ErrNotConverged)
}

// limitReason says which limit the fit reached, with its rates.
func limitReason(p Params, fixR, fixS bool) string {
	var parts []string
	if fixS {
		mu := p.S / p.Beta
		parts = append(parts, fmt.Sprintf("dropout heterogeneity vanishes: s and β run off toward infinity with s/β → μ = %.6g per time unit (every lifetime exponential with mean %.4g); s is held at %.0e", mu, 1/mu, limitShape))
	}
	if fixR {
		lam := p.R / p.Alpha
		parts = append(parts, fmt.Sprintf("purchase heterogeneity vanishes: r and α run off toward infinity with r/α → λ = %.6g per time unit (every customer buys at that rate while alive); r is held at %.0e", lam, limitShape))
	}
	return strings.Join(parts, "; ")
}
