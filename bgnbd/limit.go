package bgnbd

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

// Shapes of the limits of the model. A fit whose a and b both pass
// boundaryShape is running off toward the limit in which the beta
// distribution of the dropout probability p becomes a point mass (its
// coefficient of variation √((1−p)/(p(a+b+1))) is below 1% for p ≥ 1/2,
// and the likelihood keeps rising, ever more slowly, as a and b grow
// with a/(a+b) fixed); one whose r passes it, toward the limit in which
// the gamma distribution of the purchase rate λ does (r, α → ∞ with
// r/α → λ). The limit model is fitted with the shape held at limitShape
// (a, or r) and the other parameter of the pair free. The held model's
// predictions differ from the limit's by O(1/a) — the posterior of p,
// Beta(a, b+x), has variance p(1−p)/(a+b+x+1) and its mean moves by
// O(x/a) — and by O((λt)²/r) — the gamma distribution of λ has variance
// λ²/r, which changes e^−λt by (λt)²/(2r) relative: at 10⁸ (rather than
// the 10⁶ of paretonbd, where a customer's λt of 10 would cost 5e-5),
// at most 5.4e-7 relative in TestBoundaryPredictions. logLik evaluates
// the held model without cancellation (lgDiff, psiDiff, the ln(1+τ/α)
// terms), so that its gradient keeps 10 digits.
const (
	boundaryShape = 1e4
	limitShape    = 1e8
)

// atBoundary reports whether a fit at v (r, α, a, b) runs off toward a
// limit of the model.
func atBoundary(v []float64) bool {
	return v[0] > boundaryShape || min(v[2], v[3]) > boundaryShape
}

// fitLimit fits the limit model toward which a fit ran off, from the point
// p where it stopped: with the shape whose pair ran off (a for (a, b), r
// for (r, α), or both) held at limitShape and its partner scaled to keep
// the ratio (p = a/(a+b), λ = r/α), it maximizes the likelihood over the
// other parameters, without the penalty (a penalty on a held shape would
// say nothing about the data). The model it returns has FitInfo.Status
// clv.AtBoundary (when that fit converged), the limit in FitInfo.Reason,
// NumParams the free parameters (3, or 2 for both limits), no standard
// errors, and an error wrapping clv.ErrBoundary.
func fitLimit(ctx context.Context, d *rows.Data, f family, opts FitOptions) (*Model, error) {
	p := f.Params
	fixR, fixA := p.R > boundaryShape, min(p.A, p.B) > boundaryShape
	for range 2 { // each pass holds one more shape
		if fixR {
			p.Alpha *= limitShape / p.R
			p.R = limitShape
		}
		if fixA {
			p.B *= limitShape / p.A
			p.A = limitShape
		}
		held := mle.Hold(p.Vector(), []bool{fixR, false, fixA, false})
		full, free, pick := held.Full, held.Free, held.Pick
		expand := func(v []float64) Params { return paramsOf(held.Expand(v)) }
		s := scratch{ctx: ctx}
		var g4 [4]float64
		pr := mle.Problem{
			LogLik: func(v, grad []float64) float64 {
				if grad == nil {
					return logLik(d, family{expand(v), f.d}, nil, &s)
				}
				ll := logLik(d, family{expand(v), f.d}, g4[:], &s)
				copy(grad, pick(g4[:]))
				return ll
			},
			Valid:   func(v []float64) bool { return expand(v).Validate() == nil },
			Weight:  d.W,
			GradTol: opts.GradTol, MaxIter: opts.MaxIter,
			Starts: [][]float64{pick(full)},
		}
		// If the point where the fit stopped is a poor start for the other
		// parameters, the next starts take those from the defaults.
		for _, q := range defaultStarts(d.MaxT)[:2] {
			if fixR {
				q.R, q.Alpha = p.R, p.Alpha
			}
			if fixA {
				q.A, q.B = p.A, p.B
			}
			pr.Starts = append(pr.Starts, pick(q.Vector()))
		}
		if !fixR || !fixA {
			pr.AtBoundary = func(v []float64) bool {
				q := expand(v)
				return !fixR && q.R > boundaryShape || !fixA && min(q.A, q.B) > boundaryShape
			}
		}
		est, fitErr := mle.Fit(ctx, pr)
		if est.Params == nil {
			return nil, fmt.Errorf("bgnbd: fit of the limit model: %w", fitErr)
		}
		if errors.Is(fitErr, mle.ErrBoundary) {
			// The other heterogeneity vanishes too.
			p = expand(est.Params)
			fixR, fixA = fixR || p.R > boundaryShape, fixA || min(p.A, p.B) > boundaryShape
			continue
		}
		est.StdErr, est.Cov = nil, nil
		lim := expand(est.Params)
		var names []string
		for _, i := range free {
			names = append(names, strings.Fields("r alpha a b")[i])
		}
		info := clv.FitInfo{Rows: len(d.Rows), Penalizer: opts.Penalizer, Status: clv.AtBoundary, Reason: limitReason(lim, f.d, fixR, fixA)}
		b, err := model.FromEstimate(est, func(v []float64) Params { return expand(v) }, strings.Join(names, " "), d.W, info)
		m := &Model{base: b, f: family{b.Params(), f.d}}
		if fitErr != nil {
			return m, fmt.Errorf("bgnbd: %s; the limit model's fit: %w (best: %v)", info.Reason, fitErr, m)
		}
		return m, fmt.Errorf("bgnbd: %v: %w", m, err)
	}
	// Unreachable: the second pass holds both shapes and has no Stop.
	return nil, fmt.Errorf("bgnbd: fit of the limit model: %w", mle.ErrNotConverged)
}

// limitReason says which limit the fit reached, with its rates.
func limitReason(p Params, shift float64, fixR, fixA bool) string {
	var parts []string
	if fixA {
		q := p.A / (p.A + p.B)
		when := "after each repeat purchase"
		if shift == 1 {
			when = "at the first purchase and after each repeat purchase"
		}
		parts = append(parts, fmt.Sprintf("dropout heterogeneity vanishes: a and b run off toward infinity with a/(a+b) → p = %.6g; every customer drops out %s with probability %.4g; a is held at %.0e", q, when, q, limitShape))
	}
	if fixR {
		lam := p.R / p.Alpha
		parts = append(parts, fmt.Sprintf("purchase heterogeneity vanishes: r and α run off toward infinity with r/α → λ = %.6g per time unit (every customer buys at that rate while alive); r is held at %.0e", lam, limitShape))
	}
	return strings.Join(parts, "; ")
}
