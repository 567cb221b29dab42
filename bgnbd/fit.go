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
	"gonum.org/v1/gonum/mathext"
)

// ErrNotConverged is wrapped by the error of a fit that did not converge.
var ErrNotConverged = mle.ErrNotConverged

// FitOptions configures Fit. The zero value fits without penalty, with
// unit weights, from the default starting points.
type FitOptions struct {
	// Penalizer is the coefficient c of an L2 penalty on the parameters,
	// with the meaning of the Python lifetimes package's penalizer_coef: the
	// fit minimizes −LL/n + c·(r² + (sα)² + a² + b²), where n is the total
	// weight and s = 10/max(T) is the time rescaling that lifetimes applies
	// before fitting. Zero means no penalty.
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

// data is the fitting data compressed into distinct rows, with the distinct
// values of x, T and t_x so that the terms that depend on them alone are
// computed once per evaluation.
type data struct {
	xs, ts, txs []float64
	xw          []float64 // total weight per distinct x
	rows        []row
	w           float64 // total weight
	maxT        float64
}

type row struct {
	xi, ti, txi int32
	w           float64
}

// compress validates the customers and merges identical rows: one map
// operation per customer; the distinct values of x, T and t_x are then
// collected from the (far fewer) rows.
func compress(cs []clv.Customer, weights []float64) (*data, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("bgnbd: %w", clv.ErrNoCustomers)
	}
	if weights != nil && len(weights) != len(cs) {
		return nil, fmt.Errorf("bgnbd: %d weights for %d customers", len(weights), len(cs))
	}
	type key struct{ x, tx, t float64 }
	rowIdx := make(map[key]int32, min(len(cs), 1<<16))
	var keys []key
	var ws []float64
	d := &data{}
	for i := range cs {
		c := &cs[i]
		if !valid(*c) || math.IsNaN(c.T) {
			if err := c.Validate(); err != nil {
				return nil, fmt.Errorf("bgnbd: customers[%d]: %w", i, err)
			}
		}
		w := 1.0
		if weights != nil {
			w = weights[i]
			if !(w >= 0) || math.IsInf(w, 0) {
				return nil, fmt.Errorf("bgnbd: weights[%d] = %v, want a finite number ≥ 0", i, w)
			}
			if w == 0 {
				continue
			}
		}
		k := key{c.Frequency, c.Recency, c.T}
		r, ok := rowIdx[k]
		if !ok {
			r = int32(len(keys))
			rowIdx[k] = r
			keys = append(keys, k)
			ws = append(ws, 0)
		}
		ws[r] += w
		d.w += w
		d.maxT = math.Max(d.maxT, c.T)
	}
	if d.w == 0 {
		return nil, fmt.Errorf("bgnbd: all weights are zero")
	}
	if d.maxT == 0 {
		return nil, fmt.Errorf("bgnbd: every customer has T = 0: nothing was observed")
	}
	xi := map[float64]int32{}
	ti := map[float64]int32{}
	txi := map[float64]int32{}
	idx := func(m map[float64]int32, vals *[]float64, v float64) int32 {
		k, ok := m[v]
		if !ok {
			k = int32(len(*vals))
			m[v] = k
			*vals = append(*vals, v)
		}
		return k
	}
	d.rows = make([]row, len(keys))
	for i, k := range keys {
		d.rows[i] = row{xi: idx(xi, &d.xs, k.x), ti: idx(ti, &d.ts, k.t), txi: idx(txi, &d.txs, k.tx), w: ws[i]}
	}
	d.xw = make([]float64, len(d.xs))
	for _, r := range d.rows {
		d.xw[r.xi] += r.w
	}
	return d, nil
}

// every returns the data restricted to every k-th row.
func (d *data) every(k int) *data {
	sub := &data{xs: d.xs, ts: d.ts, txs: d.txs, maxT: d.maxT, xw: make([]float64, len(d.xs))}
	for i := 0; i < len(d.rows); i += k {
		r := d.rows[i]
		sub.rows = append(sub.rows, r)
		sub.w += r.w
		sub.xw[r.xi] += r.w
	}
	return sub
}

// scratch holds the per-evaluation tables.
type scratch struct {
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
func (d *data) logLik(f family, grad []float64, s *scratch) float64 {
	r, al, a, b, sh := f.R, f.Alpha, f.A, f.B, f.d
	table := func(vals []float64, ln, inv *[]float64) {
		*ln, *inv = model.Resize(*ln, len(vals)), model.Resize(*inv, len(vals))
		for i, v := range vals {
			(*ln)[i] = math.Log(al + v)
			(*inv)[i] = 1 / (al + v)
		}
	}
	table(d.ts, &s.lnT, &s.invT)
	table(d.txs, &s.lnTx, &s.invTx)
	s.lnab, s.invb = model.Resize(s.lnab, len(d.xs)), model.Resize(s.invb, len(d.xs))
	lg := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
	var ll, gr, gal, ga, gb float64
	lgr, lgb, lgab := lg(r), lg(b), lg(a+b)
	var psr, psb, psab float64
	if grad != nil {
		psr, psb, psab = mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	}
	for i, x := range d.xs {
		w := d.xw[i]
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
	n := len(d.rows)
	chunks := parallel.Chunks(n)
	s.part = slices.Grow(s.part[:0], chunks)[:chunks]
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		var sl, sr, sal, sa, sb float64
		for _, rw := range d.rows[lo:hi] {
			x := d.xs[rw.xi]
			q := r + x
			lT := s.lnT[rw.ti]
			A3 := -q * lT
			if x+sh == 0 {
				sl += rw.w * A3
				sr -= rw.w * lT
				sal -= rw.w * q * s.invT[rw.ti]
				continue
			}
			lTx := s.lnTx[rw.txi]
			A4 := s.lnab[rw.xi] - q*lTx
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
			sl += rw.w * lse
			sr -= rw.w * (p3*lT + p4*lTx)
			sal -= rw.w * q * (p3*s.invT[rw.ti] + p4*s.invTx[rw.txi])
			sa += rw.w * p4
			sb += rw.w * p4 * s.invb[rw.xi]
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
// the negative log-likelihood in the natural parameters, by central
// differences of the analytic gradient.
func FitContext(ctx context.Context, customers []clv.Customer, opts FitOptions) (*Model, error) {
	if opts.Variant > MBGNBD {
		return nil, fmt.Errorf("bgnbd: unknown variant %d", opts.Variant)
	}
	d, err := compress(customers, opts.Weights)
	if err != nil {
		return nil, err
	}
	starts := defaultStarts(d.maxT)
	if opts.Start != nil {
		if err := opts.Start.Validate(); err != nil {
			return nil, fmt.Errorf("bgnbd: start: %w", err)
		}
		starts = append([]Params{*opts.Start}, starts...)
	}
	sh := opts.Variant.shift()
	var s scratch
	pr := mle.Problem{
		LogLik: func(p, grad []float64) float64 { return d.logLik(family{paramsOf(p), sh}, grad, &s) },
		Valid:  func(p []float64) bool { return paramsOf(p).Validate() == nil },
		Weight: d.w, Penalizer: opts.Penalizer,
		PenaltyScale: []float64{1, 10 / d.maxT, 1, 1},     // lifetimes' time rescaling of α
		GradTol:      opts.GradTol, MaxIter: opts.MaxIter, // zero: mle's defaults
	}
	for _, p := range starts {
		pr.Starts = append(pr.Starts, p.slice())
	}
	if opts.Start == nil && len(d.rows) > mle.WarmRows {
		// Warm start from every k-th distinct row, with its weight: an
		// unbiased estimate of LL/k.
		sub := d.every(len(d.rows) / (mle.WarmRows / 4))
		var ss scratch
		pr.WarmFrom(func(p, grad []float64) float64 { return sub.logLik(family{paramsOf(p), sh}, grad, &ss) }, sub.w)
	}
	est, fitErr := mle.Fit(ctx, pr)
	if est.Params == nil {
		return nil, fmt.Errorf("bgnbd: fit: %w", fitErr)
	}
	b := model.FromEstimate(est, paramsOf, d.w, clv.FitInfo{Rows: len(d.rows), Penalizer: opts.Penalizer})
	m := &Model{base: b, f: family{b.Params(), sh}}
	if fitErr != nil {
		return m, fmt.Errorf("bgnbd: %w (best: %v)", fitErr, m)
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
