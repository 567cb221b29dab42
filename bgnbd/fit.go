package bgnbd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
	"gonum.org/v1/gonum/mathext"
)

// ErrNotConverged is wrapped by the error of a fit that did not converge.
var ErrNotConverged = mle.ErrNotConverged

// FitOptions configures Fit. The zero value fits without penalty, with
// unit weights, from the default starting points.
type FitOptions struct {
	// Penalizer is the coefficient c of an L2 penalty on the parameters,
	// as the Python lifetimes package's penalizer_coef (BetaGeoFitter and
	// ModifiedBetaGeoFitter, version 0.11.3): the fit minimizes
	//
	//	−LL/n + c·(r² + (α/max T)² + a² + b²),
	//
	// where LL is the weighted log-likelihood, n the total weight and
	// max T the largest T of the customers (of positive weight). lifetimes
	// divides t_x and T by max T before fitting, so its α is α/max T and
	// the penalty applies to that; rescaling time changes LL by a constant
	// alone, so the estimate is lifetimes' (on the CDNOW sample, to 2e-6
	// at c = 0.001, 0.01 and 0.1). Zero means no penalty.
	//
	// A penalty keeps the parameters finite; it does not make the data
	// determine them. A penalized fit is therefore judged identified, or
	// not, on the likelihood without the penalty (see FitContext).
	Penalizer float64

	// Weights gives each customer a weight (a count of identical
	// customers). Nil means weight 1 each. Identical (x, t_x, T) rows are
	// always merged into one weighted row; the result does not change.
	Weights []float64

	// Start is the first starting point; nil means r = a = b = 1 and
	// α = max(T)/10. If a start does not converge, Fit tries others.
	Start *Params

	// GradTol is the max-norm of the gradient of the mean negative
	// log-likelihood with respect to the log-parameters at which the fit
	// has converged. Zero means 1e-8, which stops where floating-point noise
	// in the sum begins to dominate; on CDNOW the estimates then agree with
	// tighter settings to 7 digits.
	GradTol float64

	// MaxIter bounds the optimizer's iterations per start. Zero means 1000.
	MaxIter int

	// Grouping is the customers' grouping (clv.GroupCustomers), from which
	// the fit takes their distinct rows instead of grouping them again:
	// the same fit, bit for bit. Nil means the fit groups them itself.
	// A grouping of other customers is an error wrapping
	// clv.ErrGroupingMismatch. With Weights, it is checked but not used.
	Grouping *clv.Grouping

	// Variant is the model to fit; the zero value is BG/NBD.
	Variant Variant
}

// scratch holds the per-evaluation tables, and the context of the fit:
// once it is done, the row loop stops at its next chunk and the
// log-likelihood is NaN.
type scratch struct {
	ctx       context.Context // nil: never done
	T, Tx     []timeTerm
	lnab, inb []float64 // per x: log(a/(b+x−1)), 1/(b+x−1)
	part      [][6]float64
}

// timeTerm is, for one distinct τ of T or t_x, ln(α+τ), 1/(α+τ),
// l = ln(1+τ/α) and j = 1/α − 1/(α+τ) = τ/(α(α+τ)): the differences that r
// multiplies once r·ln α is folded into the rows (see logLik). The four
// share a cache line: with continuous times, rows look them up at random.
type timeTerm struct{ ln, inv, l, j float64 }

// fillTerms returns the terms at α for the values vals, in tt's storage.
// l is ln(α+τ) − ln α while r < bigArg, where the rounding of that
// difference, times r, stays below 1e-11, and log1p(τ/α) beyond.
func fillTerms(tt []timeTerm, r, alpha float64, vals []float64) []timeTerm {
	if cap(tt) < len(vals) {
		tt = make([]timeTerm, len(vals))
	}
	tt = tt[:len(vals)]
	lnA, invA := math.Log(alpha), 1/alpha
	for i, v := range vals {
		ln, inv := math.Log(alpha+v), 1/(alpha+v)
		l := ln - lnA
		if r >= bigArg {
			l = math.Log1p(v * invA)
		}
		tt[i] = timeTerm{ln, inv, l, v * invA * inv}
	}
	return tt
}

// bigArg is the argument above which lgDiff and psiDiff compute
// differences of log-gamma and digamma functions without subtracting
// their large values.
const bigArg = 1e3

// lgDiff returns lnΓ(z+x) − lnΓ(z), given lgz = lnΓ(z) for z < bigArg; for
// larger z as x·lgammaDiff(z, x), accurate to a few ulps of the result
// where the difference of lnΓ values of size z·ln z (10⁷ at z = 10⁶)
// would lose their rounding, 1e-9 absolute.
func lgDiff(z, lgz, x float64) float64 {
	if z < bigArg {
		v, _ := math.Lgamma(z + x)
		return v - lgz
	}
	return x * lgammaDiff(z, x)
}

// psiDiff returns ψ(z+x) − ψ(z), given psz = ψ(z) for z < bigArg; for
// larger z from the asymptotic series of ψ,
//
//	ψ(y) − ψ(z) = log1p(x/z) + x/(2yz) − (y⁻² − z⁻²)/12 + (y⁻⁴ − z⁻⁴)/120 − (y⁻⁶ − z⁻⁶)/252,  y = z+x,
//
// whose next term is below 1e-26, without cancellation.
func psiDiff(z, psz, x float64) float64 {
	if z < bigArg {
		return mathext.Digamma(z+x) - psz
	}
	y := z + x
	iy2, iz2 := 1/(y*y), 1/(z*z)
	return math.Log1p(x/z) + x/(2*y*z) - (iy2-iz2)/12 + (iy2*iy2-iz2*iz2)/120 - (iy2*iy2*iy2-iz2*iz2*iz2)/252
}

// logLik returns the log-likelihood of the data at f (Fader, Hardie & Lee
// 2005, eq. 6, summed over customers with their weights) and writes its
// gradient with respect to (r, α, a, b) into grad if grad is not nil. Per
// customer,
//
//	LL = A1 + A2 + log(exp(A3) + δ_{x>0} exp(A4))
//	A1 = lnΓ(r+x) − lnΓ(r)
//	A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x)
//	A3 = −x ln(α+T) − r ln(1+T/α)
//	A4 = ln a − ln(b+x−1) − x ln(α+t_x) − r ln(1+t_x/α),
//
// the paper's terms with r ln α moved from A1 into A3 and A4, and the
// differences of log-gamma functions computed as such (lgDiff), so that
// nothing cancels when r, α, a and b grow large together — at a limit of
// the model (see limits and model.FitRows).
//
// For MBG/NBD (Batislam, Denizel & Filiztekin 2007, eq. 7) b+x becomes
// b+x+1 in A2, b+x−1 becomes b+x in A4, and A4 is present for x = 0 too.
func logLik(d *rows.Data, f family, grad []float64, s *scratch) float64 {
	r, al, a, b, sh := f.R, f.Alpha, f.A, f.B, f.d
	s.T = fillTerms(s.T, r, al, d.Ts)
	s.Tx = fillTerms(s.Tx, r, al, d.Txs)
	s.lnab, s.inb = model.Resize(s.lnab, len(d.Xs)), model.Resize(s.inb, len(d.Xs))
	lg := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
	var ll, gr, gal, ga, gb float64
	lgr, lgb, lgab := lg(r), lg(b), lg(a+b)
	var psr, psb, psab float64
	if grad != nil {
		psr, psb, psab = mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	}
	for i, x := range d.Xs {
		w := d.XW[i]
		xs := x + sh
		ll += w * (lgDiff(r, lgr, x) + lgDiff(b, lgb, xs) - lgDiff(a+b, lgab, xs))
		if xs > 0 {
			s.lnab[i] = math.Log(a / (b + xs - 1))
			s.inb[i] = 1 / (b + xs - 1)
		}
		if grad != nil {
			dab := psiDiff(a+b, psab, xs)
			gr += w * psiDiff(r, psr, x)
			ga -= w * dab
			gb += w * (psiDiff(b, psb, xs) - dab)
		}
	}
	n := len(d.Rows)
	chunks := parallel.Chunks(n)
	s.part = slices.Grow(s.part[:0], chunks)[:chunks]
	T, Tx := s.T, s.Tx
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		var sl, sr, sal, sa, sb float64
		if s.ctx != nil && s.ctx.Err() != nil {
			s.part[c] = [6]float64{math.NaN()}
			return
		}
		for _, rw := range d.Rows[lo:hi] {
			x := d.Xs[rw.Xi]
			tT := &T[rw.Ti]
			A3 := -x*tT.ln - r*tT.l
			dT := r*tT.j - x*tT.inv // ∂A3/∂α
			if x+sh == 0 {
				sl += rw.W * A3
				sr -= rw.W * tT.l
				sal += rw.W * dT
				continue
			}
			tX := &Tx[rw.Txi]
			A4 := s.lnab[rw.Xi] - x*tX.ln - r*tX.l
			dd := A4 - A3
			var lse, p4 float64
			// log(1+e) rather than log1p(e): e ≤ 1, so the absolute error
			// is at most 1.1e-16 per customer, and math.Log is much faster.
			if dd < 0 {
				e := math.Exp(dd)
				lse = A3 + math.Log(1+e)
				p4 = e / (1 + e)
			} else {
				e := math.Exp(-dd)
				lse = A4 + math.Log(1+e)
				p4 = 1 / (1 + e)
			}
			p3 := 1 - p4
			sl += rw.W * lse
			sr -= rw.W * (p3*tT.l + p4*tX.l)
			sal += rw.W * (p3*dT + p4*(r*tX.j-x*tX.inv))
			sa += rw.W * p4
			sb += rw.W * p4 * s.inb[rw.Xi]
		}
		s.part[c] = [6]float64{sl, sr, sal, sa, sb}
	})
	for _, pt := range s.part {
		ll += pt[0]
		gr += pt[1]
		gal += pt[2]
		ga += pt[3] / a
		gb -= pt[4]
	}
	if grad != nil {
		grad[0], grad[1], grad[2], grad[3] = gr, gal, ga, gb
	}
	return ll
}

// Fit estimates the parameters by maximum likelihood from the customers'
// summaries (Frequency, Recency and T; MonetaryValue is not used). It is
// FitContext with a background context.
func Fit(customers []clv.Customer, opts FitOptions) (*Model, error) {
	return FitContext(context.Background(), customers, opts)
}

// FitContext estimates the parameters by maximum likelihood.
//
// It minimizes the mean negative log-likelihood (plus the optional
// penalty) over the log-parameters with gonum's BFGS and the analytic
// gradient, evaluating the sum over distinct rows on all cores with a
// deterministic reduction. If a start does not converge it tries others; if
// none does, it returns the best model found together with an error wrapping
// ErrNotConverged that gives the optimizer status, the log-likelihood and
// the gradient norm. Standard errors come from the inverse of the Hessian of
// the negative log-likelihood (with the penalty, if any) in the natural
// parameters, by central differences of the analytic gradient.
//
// If the data do not determine the parameters (a parameter runs off
// toward 0 or infinity, or the likelihood is flat at the optimum), it
// returns the model with status clv.NotIdentified and an error wrapping
// clv.ErrNotIdentified. A penalized fit continues from its estimate
// without the penalty, to the maximum likelihood estimate, and is
// identified exactly when that estimate is: the penalized estimate of data
// that cannot determine the parameters is the penalty's, not the data's.
//
// If the likelihood is highest in a limit of the model — a and b running
// off toward infinity together with a/(a+b) → p (no heterogeneity in
// dropout: every customer drops out with the same probability p), or r
// and α with r/α → λ (the same purchase rate λ for everyone), or both —
// the fit stops once a and b (or r) pass 10⁴ and fits the limit model
// instead (see limits and model.FitRows): it returns that model, usable, with the shape
// held at 10⁸ (predictions within 1e-6 of the limit's), FitInfo.Status
// clv.AtBoundary, the limit and its rate in FitInfo.Reason, NumParams the
// parameters left free, Penalizer 0 (the limit model's fit is not
// penalized), standard errors and a covariance of the free parameters
// from the Hessian of the limit model's log-likelihood in them (the held
// shape carries no uncertainty: ParamIntervals gives it [10⁸, 10⁸],
// SampleParams keeps it there, and intervals drawn from them are
// conditional on the limit), and an error wrapping clv.ErrBoundary. A
// parameter running off toward 0 at the same time leaves the limit model
// not identified (clv.ErrNotIdentified).
func FitContext(ctx context.Context, customers []clv.Customer, opts FitOptions) (*Model, error) {
	if opts.Variant > MBGNBD {
		return nil, fmt.Errorf("bgnbd: unknown variant %d", opts.Variant)
	}
	sh := opts.Variant.shift()
	return model.FitRows(ctx, rowModel(sh), customers,
		model.RowOptions[Params]{Penalizer: opts.Penalizer, Weights: opts.Weights, Start: opts.Start, GradTol: opts.GradTol, MaxIter: opts.MaxIter,
			Grouping: rows.Unbox(opts.Grouping)},
		func(b model.Base[Params]) *Model { return &Model{base: b, f: family{b.Params(), sh}} })
}

// rowModel is the fit's spec of the variant with the given shift: its
// likelihood (logLik) and its Hessian (hessian), starts, penalty (lifetimes' BetaGeoFitter's: see
// FitOptions.Penalizer) and limits (see limit.go).
func rowModel(shift float64) model.RowModel[Params] {
	return model.RowModel[Params]{
		Name:  "bgnbd",
		Model: map[bool]string{false: "BG/NBD", true: "MBG/NBD"}[shift == 1],
		Names: "r alpha a b",
		LogLik: func(ctx context.Context) func(d *rows.Data, p Params, grad []float64) float64 {
			s := scratch{ctx: ctx}
			return func(d *rows.Data, p Params, grad []float64) float64 { return logLik(d, family{p, shift}, grad, &s) }
		},
		Hessian: func(ctx context.Context) func(d *rows.Data, p Params, h []float64) {
			s := scratch{ctx: ctx}
			return func(d *rows.Data, p Params, h []float64) { hessian(d, family{p, shift}, h, &s) }
		},
		Starts: defaultStarts,
		Penalty: func(c float64, _ int, maxT float64) (float64, []float64) {
			return c, []float64{1, 1 / maxT, 1, 1} // lifetimes' time rescaling of α
		},
		Limits:      limits,
		HeldShape:   limitShape,
		LimitStarts: 2,
		Reason:      func(p Params, held []bool) string { return limitReason(p, shift, held[0], held[1]) },
		Edge:        func(p Params) string { return dropoutEdge(p, shift) },
	}
}

// Bootstrap refits the model to reps resamples of the customers the model
// was fitted to (pass the same customers and options) and returns the
// estimates, for intervals that do not rely on the normal approximation:
// the resamples reweight the distinct (x, t_x, T) rows (Poisson
// bootstrap), each fit starts at this model's estimate, and replicates run
// on all cores; deterministic for a given seed. A replicate whose fit
// reaches a limit of the model (clv.ErrBoundary) contributes the limit
// model's parameters: for a model at the boundary, they vary the held
// shape too, which the limit model's own draws (SampleParams) keep fixed.
func (m *Model) Bootstrap(ctx context.Context, customers []clv.Customer, opts FitOptions, reps int, seed uint64) ([]Params, error) {
	if !m.base.Ready() {
		return nil, errZeroModel
	}
	start := m.Params()
	return model.Bootstrap(ctx, customers, opts.Weights, reps, seed, func(ctx context.Context, cs []clv.Customer, w []float64) (Params, error) {
		o := opts
		o.Grouping = nil // the replicates' rows, not the customers
		o.Weights, o.Start, o.Variant = w, &start, m.Variant()
		f, err := FitContext(ctx, cs, o)
		if err != nil && !errors.Is(err, clv.ErrBoundary) { // a limit model is an estimate too
			return Params{}, err
		}
		return f.Params(), nil
	})
}

func defaultStarts(maxT float64) []Params {
	return []Params{
		{R: 1, Alpha: maxT / 10, A: 1, B: 1},
		{R: 0.5, Alpha: maxT / 2, A: 0.5, B: 2},
		{R: 2, Alpha: maxT / 50, A: 2, B: 0.5},
		{R: 0.1, Alpha: maxT, A: 3, B: 5},
	}
}
