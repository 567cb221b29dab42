package bgnbd

import (
	"context"
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
	// α = max(T)/10 (the start of the lifetimes package). If a start does
	// not converge, Fit tries others.
	Start *Params

	// GradTol is the max-norm of the gradient of the mean negative
	// log-likelihood with respect to the log-parameters at which the fit
	// has converged. Zero means 1e-8, which stops where floating-point noise
	// in the sum begins to dominate; on CDNOW the estimates then agree with
	// tighter settings to 7 digits.
	GradTol float64

	// MaxIter bounds the optimizer's iterations per start. Zero means 1000.
	MaxIter int

	// Variant is the model to fit; the zero value is BG/NBD.
	Variant Variant
}

// scratch holds the per-evaluation tables, and the context of the fit:
// once it is done, the row loop stops at its next chunk and the
// log-likelihood is NaN.
type scratch struct {
	ctx                    context.Context // nil: never done
	lnT, invT, lnTx, invTx []float64
	lnab, invb             []float64 // per x: log(a/(b+x−1)), 1/(b+x−1)
	part                   [][6]float64
}

// logLik returns the log-likelihood of the data at f (Fader, Hardie & Lee
// 2005, eq. 6, summed over customers with their weights) and writes its
// gradient with respect to (r, α, a, b) into grad if grad is not nil. Per
// customer,
//
//	LL = A1 + A2 + log(exp(A3) + δ_{x>0} exp(A4))
//	A1 = lnΓ(r+x) − lnΓ(r) + r ln α
//	A2 = lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x)
//	A3 = −(r+x) ln(α+T)
//	A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x).
//
// For MBG/NBD (Batislam, Denizel & Filiztekin 2007, eq. 7) b+x becomes
// b+x+1 in A2, b+x−1 becomes b+x in A4, and A4 is present for x = 0 too.
func logLik(d *rows.Data, f family, grad []float64, s *scratch) float64 {
	r, al, a, b, sh := f.R, f.Alpha, f.A, f.B, f.d
	table := func(vals []float64, ln, inv *[]float64) {
		*ln, *inv = model.Resize(*ln, len(vals)), model.Resize(*inv, len(vals))
		for i, v := range vals {
			(*ln)[i] = math.Log(al + v)
			(*inv)[i] = 1 / (al + v)
		}
	}
	table(d.Ts, &s.lnT, &s.invT)
	table(d.Txs, &s.lnTx, &s.invTx)
	s.lnab, s.invb = model.Resize(s.lnab, len(d.Xs)), model.Resize(s.invb, len(d.Xs))
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
		ll += w * (lg(r+x) - lgr + r*math.Log(al) + lgab + lg(b+xs) - lgb - lg(a+b+xs))
		if xs > 0 {
			s.lnab[i] = math.Log(a / (b + xs - 1))
			s.invb[i] = 1 / (b + xs - 1)
		}
		if grad != nil {
			psabx := mathext.Digamma(a + b + xs)
			gr += w * (mathext.Digamma(r+x) - psr + math.Log(al))
			gal += w * r / al
			ga += w * (psab - psabx)
			gb += w * (psab + mathext.Digamma(b+xs) - psb - psabx)
		}
	}
	n := len(d.Rows)
	chunks := parallel.Chunks(n)
	s.part = slices.Grow(s.part[:0], chunks)[:chunks]
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		var sl, sr, sal, sa, sb float64
		if s.ctx != nil && s.ctx.Err() != nil {
			s.part[c] = [6]float64{math.NaN()}
			return
		}
		for _, rw := range d.Rows[lo:hi] {
			x := d.Xs[rw.Xi]
			q := r + x
			lT := s.lnT[rw.Ti]
			A3 := -q * lT
			if x+sh == 0 {
				sl += rw.W * A3
				sr -= rw.W * lT
				sal -= rw.W * q * s.invT[rw.Ti]
				continue
			}
			lTx := s.lnTx[rw.Txi]
			A4 := s.lnab[rw.Xi] - q*lTx
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
			sr -= rw.W * (p3*lT + p4*lTx)
			sal -= rw.W * q * (p3*s.invT[rw.Ti] + p4*s.invTx[rw.Txi])
			sa += rw.W * p4
			sb += rw.W * p4 * s.invb[rw.Xi]
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
func FitContext(ctx context.Context, customers []clv.Customer, opts FitOptions) (*Model, error) {
	if opts.Variant > MBGNBD {
		return nil, fmt.Errorf("bgnbd: unknown variant %d", opts.Variant)
	}
	d, err := rows.Compress("bgnbd", customers, opts.Weights)
	if err != nil {
		return nil, err
	}
	starts := defaultStarts(d.MaxT)
	if opts.Start != nil {
		if err := opts.Start.Validate(); err != nil {
			return nil, fmt.Errorf("bgnbd: start: %w", err)
		}
		starts = append([]Params{*opts.Start}, starts...)
	}
	sh := opts.Variant.shift()
	s := scratch{ctx: ctx}
	pr := mle.Problem{
		LogLik: func(p, grad []float64) float64 { return logLik(d, family{paramsOf(p), sh}, grad, &s) },
		Valid:  func(p []float64) bool { return paramsOf(p).Validate() == nil },
		Weight: d.W, Penalizer: opts.Penalizer,
		PenaltyScale: []float64{1, 1 / d.MaxT, 1, 1},      // lifetimes' time rescaling of α
		GradTol:      opts.GradTol, MaxIter: opts.MaxIter, // zero: mle's defaults
	}
	for _, p := range starts {
		pr.Starts = append(pr.Starts, p.Vector())
	}
	if opts.Start == nil && len(d.Rows) > mle.WarmRows {
		// Warm start from every k-th distinct row, with its weight: an
		// unbiased estimate of LL/k.
		sub := d.Every(len(d.Rows) / (mle.WarmRows / 4))
		ss := scratch{ctx: ctx}
		pr.WarmFrom(func(p, grad []float64) float64 { return logLik(sub, family{paramsOf(p), sh}, grad, &ss) }, sub.W)
	}
	est, fitErr := mle.Fit(ctx, pr)
	if est.Params == nil {
		return nil, fmt.Errorf("bgnbd: fit: %w", fitErr)
	}
	b, idErr := model.FromEstimate(est, paramsOf, "r alpha a b", d.W, clv.FitInfo{Rows: len(d.Rows), Penalizer: opts.Penalizer})
	m := &Model{base: b, f: family{b.Params(), sh}}
	if fitErr != nil {
		return m, fmt.Errorf("bgnbd: %w (best: %v)", fitErr, m)
	}
	if idErr != nil {
		return m, fmt.Errorf("bgnbd: %v: %w", m, idErr)
	}
	return m, nil
}

func defaultStarts(maxT float64) []Params {
	return []Params{
		{R: 1, Alpha: maxT / 10, A: 1, B: 1},
		{R: 0.5, Alpha: maxT / 2, A: 0.5, B: 2},
		{R: 2, Alpha: maxT / 50, A: 2, B: 0.5},
		{R: 0.1, Alpha: maxT, A: 3, B: 5},
	}
}
