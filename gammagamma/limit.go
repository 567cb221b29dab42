package gammagamma

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/parallel"
	"gonum.org/v1/gonum/mathext"
)

// Shapes of the limits of the model. Its two shapes measure two spreads:
// a purchase's value varies around its customer's mean with coefficient of
// variation 1/√p, and the rate ν across customers with 1/√q. A fit whose p
// or q passes boundaryShape (a spread below 1%) is running off toward a
// limit where that spread vanishes, and the likelihood keeps rising, ever
// more slowly:
//
//   - q, γ → ∞ with pγ/q → μ: every customer has the same ν = p/μ, so the
//     same mean value per purchase μ (the customers' mean values differ no
//     more than single purchases do). The limit's density of m̄ is
//     Gamma(px, px/μ), the same for everyone, and E[M | x, m̄] = μ.
//   - p → ∞, γ → 0 with pγ → δ: every purchase of a customer is worth the
//     customer's mean, which follows an inverse gamma distribution with
//     shape q and scale δ across customers; E[M | x, m̄] = m̄ for x > 0, and
//     δ/(q−1) for a new customer.
//   - both: every purchase is worth the same amount μ; the likelihood has
//     no finite maximum (the density of a point mass), and E[M | x, m̄] = μ.
//
// The limit model is fitted with the vanishing shape (or both) held at
// limitShape. Its predictions differ from the limit's by
// (px(m̄/μ − 1) + 1)/q relative with q held, and by |δ/m̄ − (q−1)|/(px+q−1)
// with p held: below 1e-6 where px·|m̄/μ − 1| < 10⁴, or δ/m̄ < 10⁴
// (TestHomogeneousSpendLimit, TestOwnPriceLimit). limitLogLik evaluates
// the held model without cancellation, so that its gradient keeps its
// digits (8 or more at 1e10).
const (
	boundaryShape = 1e4
	limitShape    = 1e10
)

// atBoundary reports whether a fit at v (p, q, γ) runs off toward a limit
// of the model.
func atBoundary(v []float64) bool { return v[0] > boundaryShape || v[1] > boundaryShape }

// JSONBounds returns the range of a parameter read from JSON: p and q in
// [1e-7, 1e12], to hold the limit models' shapes (limitShape, 1e10), and γ
// in [1e-20, 1e20], which the limits reach in units of money (γ = μq/p and
// δ/p). Predictions stay finite on the whole range.
func (Params) JSONBounds(name string) (lo, hi float64) {
	if name == "gamma" {
		return 1e-20, 1e20
	}
	return model.MinJSONParam, 1e12
}

// lgammaDiff returns lnΓ(z+h) − lnΓ(z) for z ≥ 1e4 and h ≥ 0 from
// Stirling's series, without the cancellation of the two lnΓ (each near
// z ln z): (z−½)·ln(1+h/z) + h·ln(z+h) − h + S(z+h) − S(z), with
// S(y) = 1/(12y) − 1/(360y³), whose next term is below 1e-31 there.
func lgammaDiff(z, h float64) float64 {
	zh := z + h
	s := -h/(12*z*zh) - (1/(zh*zh*zh)-1/(z*z*z))/360
	return (z-0.5)*math.Log1p(h/z) + h*math.Log(zh) - h + s
}

// stirlingShape is the shape above which limitLogLik takes lnΓ's
// difference from Stirling's series.
const stirlingShape = 1e4

// lgammaDiffLog returns lnΓ(z+h) − lnΓ(z) − h·ln z for z ≥ stirlingShape
// and h ≥ 0: (z+h−½)·ln(1+h/z) − h + S(z+h) − S(z) (see lgammaDiff), of
// order h²/z, without the two large terms that lgammaDiff adds up (each
// near h·ln z).
func lgammaDiffLog(z, h float64) float64 {
	zh := z + h
	s := -h/(12*z*zh) - (1/(zh*zh*zh)-1/(z*z*z))/360
	return (zh-0.5)*math.Log1p(h/z) - h + s
}

// lnInvBeta returns lnΓ(a+b) − lnΓ(a) − lnΓ(b) = −ln B(a, b), with the
// difference of the larger argument's lnΓ from Stirling's series when it
// is ≥ stirlingShape.
func lnInvBeta(a, b float64) float64 {
	z, h := max(a, b), min(a, b)
	lgh, _ := math.Lgamma(h)
	if z >= stirlingShape {
		return lgammaDiff(z, h) - lgh
	}
	lgzh, _ := math.Lgamma(z + h)
	lgz, _ := math.Lgamma(z)
	return lgzh - lgz - lgh
}

// Regimes of limitLogLik's row term, by which shape is large.
const (
	bothModerate = iota
	largeQ       // q ≥ a, q ≥ stirlingShape
	largeA       // a = px > q, a ≥ stirlingShape
)

// limitLogLik returns the log-likelihood of logLik in a form that stays
// exact as p or q grows without bound: with a = px, u = m̄x and
// t = u/(γ+u), the row term is
//
//	lnΓ(a+q) − lnΓ(a) − lnΓ(q) − a·ln(1+γ/u) − q·ln(1+u/γ) − ln m̄,
//
// with ln(1+·) by log1p. Where a shape is large, terms of order
// shape × ln(shape) cancel to order 1; they are summed in groups of order
// 1 instead: for q ≥ a large,
//
//	[lnΓ(q+a) − lnΓ(q) − a ln q] − lnΓ(a) + a·ln(qu/(γ+u)) − q·ln(1+u/γ) − ln m̄,
//
// the bracket from Stirling's series (lgammaDiffLog), and qu/(γ+u) → νu;
// for a > q large, the same with a and q, u and γ swapped. Its gradient
// with respect to (p, q, γ), if grad is not nil, is
//
//	∂/∂p = x(ψ(a+q) − ψ(a) − ln(1+γ/u)), ∂/∂q = ψ(a+q) − ψ(q) − ln(1+u/γ),
//	∂/∂γ = (qu − aγ)/(γ(γ+u)).
func (d *data) limitLogLik(p Params, grad []float64, part *[][4]float64) float64 {
	want := grad != nil
	nx := len(d.xs)
	d.xterm, d.xdp, d.xdq = model.Resize(d.xterm, nx), model.Resize(d.xdp, nx), model.Resize(d.xdq, nx)
	d.regime = slices.Grow(d.regime[:0], nx)[:nx]
	for k, x := range d.xs {
		a := p.P * x
		switch {
		case p.Q >= a && p.Q >= stirlingShape:
			lga, _ := math.Lgamma(a)
			d.regime[k], d.xterm[k] = largeQ, lgammaDiffLog(p.Q, a)-lga
		case a > p.Q && a >= stirlingShape:
			lgq, _ := math.Lgamma(p.Q)
			d.regime[k], d.xterm[k] = largeA, lgammaDiffLog(a, p.Q)-lgq
		default:
			d.regime[k], d.xterm[k] = bothModerate, lnInvBeta(a, p.Q)
		}
		if want {
			psaq := mathext.Digamma(a + p.Q)
			d.xdp[k] = psaq - mathext.Digamma(a)
			d.xdq[k] = psaq - mathext.Digamma(p.Q)
		}
	}
	n := len(d.m)
	chunks := parallel.Chunks(n)
	*part = slices.Grow((*part)[:0], chunks)[:chunks]
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		var ll, gp, gq, gg float64
		for i := lo; i < hi; i++ {
			k := d.xi[i]
			x, w := d.xs[k], d.w[i]
			a, u := p.P*x, d.m[i]*x
			lt := math.Log1p(p.Gamma / u)  // −ln t
			l1t := math.Log1p(u / p.Gamma) // −ln(1−t)
			var r float64
			switch d.regime[k] {
			case largeQ:
				r = a*math.Log(p.Q*u/(p.Gamma+u)) - p.Q*l1t
			case largeA:
				r = p.Q*math.Log(a*p.Gamma/(p.Gamma+u)) - a*lt
			default:
				r = -a*lt - p.Q*l1t
			}
			ll += w * (d.xterm[k] + r - d.lnm[i])
			if want {
				gp += w * x * (d.xdp[k] - lt)
				gq += w * (d.xdq[k] - l1t)
				gg += w * (p.Q*u - a*p.Gamma) / (p.Gamma * (p.Gamma + u))
			}
		}
		(*part)[c] = [4]float64{ll, gp, gq, gg}
	})
	var ll float64
	var g [3]float64
	for _, pt := range *part {
		ll += pt[0]
		g[0] += pt[1]
		g[1] += pt[2]
		g[2] += pt[3]
	}
	if want {
		copy(grad, g[:])
	}
	return ll
}

// limitParams maps the vector a limit fit runs over, (p, q, g), to the
// model's parameters: g·unit is the limit's money parameter, μ = pγ/q when
// q is held (alone or with p) and δ = pγ when p alone is held. The unit
// (the customers' mean amount) keeps g near 1 whatever the currency, so
// that the check of a parameter running off toward 0 (model.FromEstimate)
// reads the data and not the unit of money.
func limitParams(v []float64, fixQ bool, unit float64) Params {
	p, q, g := v[0], v[1], v[2]*unit
	if fixQ {
		return Params{P: p, Q: q, Gamma: g * q / p}
	}
	return Params{P: p, Q: q, Gamma: g / p}
}

// limitVector is the inverse of limitParams.
func limitVector(p Params, fixQ bool, unit float64) []float64 {
	if fixQ {
		return []float64{p.P, p.Q, p.P * p.Gamma / p.Q / unit}
	}
	return []float64{p.P, p.Q, p.P * p.Gamma / unit}
}

// limitGradTol is the smallest gradient tolerance of a limit fit. A large
// shape makes the likelihood's curvature H large along the free shape
// (of order px per customer), and the objective's rounding, some 1e-16
// of its value, then hides every decrease once the gradient is below
// about √(2H·1e-16): 1e-7 to 1e-6 in a sweep of 3,000 random small and
// large logs, where 13 limit fits ended at 1.6e-7 to 2.9e-6 with
// FitOptions.GradTol's default, 1e-8. At 1e-6 the free parameters are
// within 1e-6/H of the optimum.
const limitGradTol = 1e-6

// fitLimit fits the limit model toward which a fit ran off, from the point
// p where it stopped: with the shape that passed boundaryShape (q, p or
// both) held at limitShape and γ scaled to keep the limit's money
// parameter (μ = pγ/q, δ = pγ), it maximizes the likelihood over the other
// parameters, without the penalty (a penalty on a held shape would say
// nothing about the data). The model it returns has FitInfo.Status
// clv.AtBoundary (when that fit converged), the limit in FitInfo.Reason,
// NumParams the free parameters, their covariance (limitLogCov; the held
// shape carries no uncertainty), and an error wrapping clv.ErrBoundary
// (and ErrInfiniteMean when the held model's q ≤ 1).
func fitLimit(ctx context.Context, d *data, p Params, info clv.FitInfo, opts FitOptions) (*Model, error) {
	fixP, fixQ := p.P > boundaryShape, p.Q > boundaryShape
	var mean float64 // the customers' weighted mean value: the unit of money of the fits
	for i, m := range d.m {
		mean += d.w[i] * m
	}
	mean /= d.wsum
	for range 2 { // each pass holds one more shape
		if fixQ {
			p.Gamma *= limitShape / p.Q
			p.Q = limitShape
		}
		if fixP {
			p.Gamma *= p.P / limitShape
			p.P = limitShape
		}
		if fixP && fixQ {
			return pointMass(ctx, d, p, info, mean)
		}
		held := mle.Hold(limitVector(p, fixQ, mean), []bool{fixP, fixQ, false})
		expand := func(v []float64) Params { return limitParams(held.Expand(v), fixQ, mean) }
		var part [][4]float64
		var g3 [3]float64
		pr := mle.Problem{
			LogLik: func(v, grad []float64) float64 {
				q := expand(v)
				if grad == nil {
					return d.limitLogLik(q, nil, &part)
				}
				ll := d.limitLogLik(q, g3[:], &part)
				// The chain rule to (p, q, g): γ = gq/p or g/p, so
				// ∂γ/∂p = −γ/p, ∂γ/∂g = γ/g, and ∂γ/∂q = 0 where q is
				// free.
				dg := g3[2] * q.Gamma
				g3[0] -= dg / q.P
				g3[2] = dg / held.Expand(v)[2]
				copy(grad, held.Pick(g3[:]))
				return ll
			},
			Valid:   func(v []float64) bool { return expand(v).Validate() == nil },
			Weight:  d.wsum,
			GradTol: max(opts.GradTol, limitGradTol), MaxIter: opts.MaxIter,
			Starts: [][]float64{held.Pick(held.Full)},
		}
		// If the point where the fit stopped is a poor start for the
		// others, the next start takes them from the data: a purchase's
		// shape 1 and the mean value (q ≠ held: shape 2, δ = the mean).
		alt := slices.Clone(held.Full)
		if !fixP {
			alt[0] = 1
		}
		if !fixQ {
			alt[1] = 2
		}
		alt[2] = 1 // the mean
		pr.Starts = append(pr.Starts, held.Pick(alt))
		pr.AtBoundary = func(v []float64) bool {
			q := expand(v)
			return !fixP && q.P > boundaryShape || !fixQ && q.Q > boundaryShape
		}
		est, fitErr := mle.Fit(ctx, pr)
		if est.Params == nil {
			return nil, fmt.Errorf("gammagamma: fit of the limit model: %w", fitErr)
		}
		if errors.Is(fitErr, mle.ErrBoundary) {
			// The other spread vanishes too.
			p = expand(est.Params)
			fixP, fixQ = fixP || p.P > boundaryShape, fixQ || p.Q > boundaryShape
			continue
		}
		logCov := limitLogCov(model.LimitLogCov(func(v, g []float64) { pr.LogLik(v, g) }, est.Params), fixP, fixQ)
		est.StdErr, est.Cov = nil, nil
		lim := expand(est.Params)
		names := map[bool]string{true: "mu", false: "delta"}[fixQ]
		var free []string
		for _, i := range held.Free {
			free = append(free, []string{"p", "q", names}[i])
		}
		info.Status, info.Reason = clv.AtBoundary, limitReason(lim, fixP, fixQ)
		b, err := model.FromEstimate(est, expand, strings.Join(free, " "), d.wsum, info)
		if logCov != nil {
			b = b.WithLimitCovariance(held.Free, logCov)
		}
		m := &Model{b}
		if fitErr != nil {
			return m, fmt.Errorf("gammagamma: %s; the limit model's fit: %w (best: %v)", info.Reason, fitErr, m)
		}
		if lim.Q <= 1 {
			return m, fmt.Errorf("gammagamma: %v: %w; %w: q = %.3g ≤ 1, the customers' mean amounts are too heavy-tailed for the model "+
				"(cap outlier amounts, or check FrequencyValueCorrelation)", m, err, ErrInfiniteMean, lim.Q)
		}
		return m, fmt.Errorf("gammagamma: %v: %w", m, err)
	}
	// Unreachable: the second pass holds both shapes (pointMass).
	return nil, fmt.Errorf("gammagamma: fit of the limit model: %w", mle.ErrNotConverged)
}

// pointMass returns the limit model with both shapes held at limitShape,
// where the only free parameter is γ = μ (p = q). There the likelihood
// is so sharply peaked in γ (its curvature grows with the held shapes)
// that rounding alone leaves its gradient above any optimizer's
// tolerance; γ is found instead from the score equation, which for p = q
// reads Σ w·x(m̄ − γ)/(γ(γ + m̄x)) = 0: γ is the mean of the m̄ with
// weights wx/(γ + m̄x), by fixed-point iteration (a contraction, since the
// m̄ are all near γ), exactly the common value when the m̄ are equal.
func pointMass(ctx context.Context, d *data, p Params, info clv.FitInfo, mean float64) (*Model, error) {
	p.P, p.Q = limitShape, limitShape
	g := mean
	iter, prev := 0, math.Inf(1)
	for ; iter < 200; iter++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var num, den float64
		for i, m := range d.m {
			x := d.xs[d.xi[i]]
			v := d.w[i] * x / (g + m*x)
			num += v * m
			den += v
		}
		// Rounding in the sums over customers leaves the last steps at
		// some 1e-16·√n relative: stop there, or when the steps no
		// longer shrink.
		next := num / den
		step := math.Abs(next - g)
		done := step <= 1e-13*g || iter > 0 && step >= prev && step <= 1e-9*g
		g, prev = next, step
		if done {
			break
		}
	}
	p.Gamma = g
	var part [][4]float64
	// The variance of ln γ from the curvature of the log-likelihood in γ:
	// 1/(H γ²), H = −∂²LL/∂γ² (central differences of the score).
	var g3 [3]float64
	h := mle.Hessian(func(x, gr []float64) {
		q := p
		q.Gamma = x[0]
		d.limitLogLik(q, g3[:], &part)
		gr[0] = -g3[2]
	}, []float64{g})
	var logCov []float64
	if hv := h.At(0, 0); hv > 0 && !math.IsInf(hv, 0) {
		logCov = []float64{1 / (hv * g * g)}
	}
	// The estimate in units of the mean, as limitParams.
	est := mle.Estimate{Params: []float64{g / mean}, LL: d.limitLogLik(p, nil, &part),
		Result: mle.Result{X: []float64{math.Log(g / mean)}, Converged: iter < 200, Status: "ScoreEquation", Iterations: iter + 1, Evals: iter + 1}}
	info.Status, info.Reason = clv.AtBoundary, limitReason(p, true, true)
	b, err := model.FromEstimate(est, func(v []float64) Params { return Params{P: p.P, Q: p.Q, Gamma: v[0] * mean} }, "mu", d.wsum, info)
	if logCov != nil {
		b = b.WithLimitCovariance([]int{2}, logCov)
	}
	m := &Model{b}
	if !est.Converged {
		return m, fmt.Errorf("gammagamma: %s; the limit model's fit: %w (best: %v)", info.Reason, mle.ErrNotConverged, m)
	}
	return m, fmt.Errorf("gammagamma: %v: %w", m, err)
}

// limitLogCov returns the covariance of the logarithms of the free
// entries of the model's Vector (p, q, γ) from s, that of the free entries
// of (p, q, g) over which the limit fit runs (limitParams), or nil without
// s. With q held, ln γ = ln g − ln p + const, so the covariance is J s Jᵀ
// with J the identity but for −1 at (γ, p); with p held, ln γ = ln g +
// const and J is the identity.
func limitLogCov(s []float64, fixP, fixQ bool) []float64 {
	if s == nil || !fixQ || fixP {
		return s
	}
	// free = p, γ: var ln γ = s_gg − 2 s_pg + s_pp, cov(ln p, ln γ) = s_pg − s_pp.
	pp, pg, gg := s[0], s[1], s[3]
	return []float64{pp, pg - pp, pg - pp, gg - 2*pg + pp}
}

// limitReason says which limit the fit reached, with its values.
func limitReason(p Params, fixP, fixQ bool) string {
	held := fmt.Sprintf("%.0e", float64(limitShape))
	switch {
	case fixP && fixQ:
		return fmt.Sprintf("every purchase is worth the same: p, q and γ run off toward infinity with pγ/q → μ = %.6g, "+
			"a spend distribution that is a point mass (the likelihood has no finite maximum); every customer's expected value "+
			"per purchase is μ; p and q are held at %s", p.P*p.Gamma/p.Q, held)
	case fixQ:
		return fmt.Sprintf("spend heterogeneity vanishes: q and γ run off toward infinity with pγ/q → μ = %.6g, "+
			"every customer's mean value per purchase (the customers' mean amounts differ no more than single purchases do); "+
			"every customer's expected value per purchase is μ, whatever its own mean; q is held at %s", p.P*p.Gamma/p.Q, held)
	default:
		d := p.P * p.Gamma
		newMean := "infinite, q ≤ 1"
		if p.Q > 1 {
			newMean = fmt.Sprintf("%.4g", d/(p.Q-1))
		}
		return fmt.Sprintf("the value of a customer's purchases does not vary: p runs off toward infinity and γ toward 0 with "+
			"pγ → δ = %.6g; every customer's expected value per purchase is its own mean amount, the means following an "+
			"inverse gamma distribution with shape q = %.4g and scale δ (a new customer's expected value δ/(q−1): %s); "+
			"p is held at %s", d, p.Q, newMean, held)
	}
}
