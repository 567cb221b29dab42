package paretonbd

import (
	"context"
	"errors"
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
	// as the Python lifetimes package's penalizer_coef (ParetoNBDFitter,
	// version 0.11.3): the fit minimizes
	//
	//	−LL/w̄ + c·(r² + (α/max T)² + s² + (β/max T)²),
	//
	// where LL is the weighted log-likelihood, w̄ the mean weight of the
	// customers given (1 without Weights, when −LL/w̄ is the summed
	// negative log-likelihood) and max T the largest T of the customers
	// (of positive weight). Unlike the BG/NBD fitter's, lifetimes' Pareto/NBD
	// penalty is added to the summed, not the mean, negative log-likelihood,
	// so the same c weighs len(customers) times less; and lifetimes divides
	// t_x and T by max T before fitting, so its α and β are α/max T and
	// β/max T, which the penalty applies to (rescaling time changes LL by a
	// constant alone). lifetimes' own Nelder-Mead search stops within about
	// 1e-4 of this optimum. Zero means no penalty.
	//
	// A penalty keeps the parameters finite; it does not make the data
	// determine them. A penalized fit is therefore judged identified, or
	// not, on the likelihood without the penalty (see FitContext).
	Penalizer float64

	// Weights gives each customer a weight (a count of identical
	// customers). Nil means weight 1 each. Identical (x, t_x, T) rows are
	// always merged into one weighted row; the result does not change.
	Weights []float64

	// Start is the first starting point; nil means the defaults. If a start
	// does not converge, Fit tries others.
	Start *Params

	// GradTol is the max-norm of the gradient of the mean negative
	// log-likelihood with respect to the log-parameters at which the fit
	// has converged. Zero means 1e-8.
	GradTol float64

	// MaxIter bounds the optimizer's iterations per start. Zero means 1000.
	MaxIter int

	// Grouping is the customers' grouping (clv.GroupCustomers), from which
	// the fit takes their distinct rows instead of grouping them again:
	// the same fit, bit for bit. Nil means the fit groups them itself.
	// A grouping of other customers is an error wrapping
	// clv.ErrGroupingMismatch. With Weights, it is checked but not used.
	Grouping *clv.Grouping
}

// terms are ln(α+τ), ln(β+τ), 1/(α+τ) and 1/(β+τ) for one τ, and
// lbr = ln((β+τ)/β), ibr = 1/β − 1/(β+τ) = τ/(β(β+τ)), the differences
// that s multiplies once s·ln β is folded into the terms (see logLik),
// computed without cancellation.
type terms struct{ la, lb, ia, ib, lbr, ibr float64 }

func (rt *rowTerms) get(i int32) terms {
	return terms{rt.la[i], rt.lb[i], rt.ia[i], rt.ib[i], rt.lbr[i], rt.ibr[i]}
}

// rowTerms are the logarithms ln(α+τ), ln(β+τ) and reciprocals 1/(α+τ),
// 1/(β+τ) for each distinct τ of T or t_x.
type rowTerms struct {
	la, lb, ia, ib, lbr, ibr []float64
}

func (rt *rowTerms) fill(p Params, vals []float64) {
	n := len(vals)
	rt.la, rt.lb = model.Resize(rt.la, n), model.Resize(rt.lb, n)
	rt.ia, rt.ib = model.Resize(rt.ia, n), model.Resize(rt.ib, n)
	rt.lbr, rt.ibr = model.Resize(rt.lbr, n), model.Resize(rt.ibr, n)
	for i, v := range vals {
		rt.la[i], rt.lb[i] = math.Log(p.Alpha+v), math.Log(p.Beta+v)
		rt.ia[i], rt.ib[i] = 1/(p.Alpha+v), 1/(p.Beta+v)
		rt.lbr[i], rt.ibr[i] = math.Log1p(v/p.Beta), v/p.Beta*rt.ib[i]
	}
}

// scratch holds the per-evaluation tables, and the context of the fit:
// once it is done, the row loops stop at their next chunk and the
// log-likelihood is NaN.
type scratch struct {
	ctx      context.Context // nil: never done
	T, Tx    rowTerms
	lnA, lnB []float64    // per (x, T) and (x, t_x) pair
	gA, gB   [][4]float64 // their gradients
	part     [][5]float64
}

// pairTerms evaluates f for every pair on all cores, into ln and, if
// deriv, g; a chunk that starts once ctx is done gets NaN.
func pairTerms(ctx context.Context, pairs []rows.Pair, ln *[]float64, g *[][4]float64, deriv bool, f func(pr rows.Pair, g *[4]float64) float64) {
	*ln = model.Resize(*ln, len(pairs))
	if cap(*g) < len(pairs) {
		*g = make([][4]float64, len(pairs))
	}
	*g = (*g)[:len(pairs)]
	parallel.Map(len(pairs), func(lo, hi int) {
		if ctx != nil && ctx.Err() != nil {
			for k := lo; k < hi; k++ {
				(*ln)[k] = math.NaN()
			}
			return
		}
		for k := lo; k < hi; k++ {
			var gp *[4]float64
			if deriv {
				gp = &(*g)[k]
			}
			(*ln)[k] = f(pairs[k], gp)
		}
	})
}

// integral returns, for a customer (x, t_x, T), the logarithm of the
// bracket of the Pareto/NBD likelihood (Fader & Hardie 2005, eq. 6 ff.),
//
//	L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^−(r+x) (β+T)^−s + s ∫_{t_x}^T (α+τ)^−(r+x) (β+τ)^−(s+1) dτ ],
//
// which is computed as the sum of two positive terms, lnA and lnB, so that
// nothing cancels. With p = r+x and m = r+s+x, the bracket equals
//
//	p ∫_T^∞ (α+τ)^−(p+1) (β+τ)^−s dτ + s ∫_{t_x}^∞ (α+τ)^−p (β+τ)^−(s+1) dτ
//
// (integrate the derivative of (α+τ)^−p (β+τ)^−s from T to ∞), and each
// tail integral is a Gauss hypergeometric function: for α ≥ β,
//
//	∫_τ^∞ (α+u)^−p (β+u)^−q du = (α+τ)^−p (β+τ)^(1−q) H(p, p+q; (α−β)/(α+τ)) / (p+q−1),
//
// and symmetrically with the roles of (α, p) and (β, q) exchanged for
// α < β, where H(b, c; z) = ₂F₁(1, b; c; z) (see hyper). This is the
// textbook ₂F₁(r+s+x, s+1; r+s+x+1; ·) (or ₂F₁(r+s+x, r+x; ...)) after
// Euler's transformation, whose series has positive terms that shrink at
// least like z^k whatever the frequency. The second return is the
// logarithm of (α+T)^−(r+x) (β+T)^−s, the term of a customer still alive
// at T; P(alive) is exp(lnFirst − lnAB). Both are returned times β^s (the
// factor of L that logLik would otherwise add), which keeps the terms
// s·ln(β+τ) − s·ln β = s·ln(1+τ/β) accurate when s and β are large.
//
// If g is not nil, it receives the gradient of lnAB with respect to
// (r, α, s, β). T and t_x enter through their logarithms and reciprocals
// (see at).
func (p Params) integral(x float64, T, X terms, g *[4]float64) (lnAB, lnFirst float64) {
	var gA, gB [4]float64
	pa, pb := &gA, &gB
	if g == nil {
		pa, pb = nil, nil
	}
	lnA := p.termA(x, T, pa)
	lnB := p.termB(x, X, pb)
	return combine(lnA, lnB, pa, pb, g), -(p.R+x)*T.la - p.S*T.lbr
}

// termA returns ln A of integral, p ∫_T^∞ (α+τ)^−(p+1) (β+τ)^−s dτ with
// p = r+x, and if g is not nil its gradient with respect to (r, α, s, β).
// It depends on x and T alone.
func (p Params) termA(x float64, T terms, g *[4]float64) float64 {
	r, s := p.R, p.S
	q := r + x
	m := q + s
	deriv := g != nil
	if p.Alpha >= p.Beta {
		z, e := (p.Alpha-p.Beta)*T.ia, T.ia/T.ib // e = 1 − z without cancellation
		h, hb, hc, hz := hyper(q+1, s, z, e, deriv)
		if deriv {
			*g = [4]float64{1/q - 1/m - T.la + hb + hc, -(q+1)*T.ia + hz*e*T.ia, -1/m - T.lbr + hc, T.ib + s*T.ibr - hz*T.ia}
		}
		return math.Log(q/m) - (q+1)*T.la + T.lb - s*T.lbr + h
	}
	z, e := (p.Beta-p.Alpha)*T.ib, T.ib/T.ia
	h, hb, hc, hz := hyper(s, q+1, z, e, deriv)
	if deriv {
		*g = [4]float64{1/q - 1/m - T.la + hc, -q*T.ia - hz*T.ib, -1/m - T.lbr + hb + hc, s*T.ibr + hz*e*T.ib}
	}
	return math.Log(q/m) - q*T.la - s*T.lbr + h
}

// termB returns ln B of integral, s ∫_{t_x}^∞ (α+τ)^−p (β+τ)^−(s+1) dτ,
// and if g is not nil its gradient. It depends on x and t_x alone.
func (p Params) termB(x float64, X terms, g *[4]float64) float64 {
	r, s := p.R, p.S
	q := r + x
	m := q + s
	deriv := g != nil
	if p.Alpha >= p.Beta {
		z, e := (p.Alpha-p.Beta)*X.ia, X.ia/X.ib
		h, hb, hc, hz := hyper(q, s+1, z, e, deriv)
		if deriv {
			*g = [4]float64{-1/m - X.la + hb + hc, -q*X.ia + hz*e*X.ia, 1/s - 1/m - X.lbr + hc, s*X.ibr - hz*X.ia}
		}
		return math.Log(s/m) - q*X.la - s*X.lbr + h
	}
	z, e := (p.Beta-p.Alpha)*X.ib, X.ib/X.ia
	h, hb, hc, hz := hyper(s+1, q, z, e, deriv)
	if deriv {
		*g = [4]float64{-1/m - X.la + hc, (1-q)*X.ia - hz*X.ib, 1/s - 1/m - X.lbr + hb + hc, -X.ib + s*X.ibr + hz*e*X.ib}
	}
	return math.Log(s/m) + (1-q)*X.la - X.lb - s*X.lbr + h
}

// combine returns log(e^lnA + e^lnB) and, if g is not nil, its gradient
// from those of the two terms.
func combine(lnA, lnB float64, gA, gB, g *[4]float64) float64 {
	var lnAB, wA float64
	if lnA >= lnB {
		e := math.Exp(lnB - lnA)
		lnAB = lnA + math.Log1p(e)
		wA = 1 / (1 + e)
	} else {
		e := math.Exp(lnA - lnB)
		lnAB = lnB + math.Log1p(e)
		wA = e / (1 + e)
	}
	if g != nil {
		for k := range g {
			g[k] = wA*gA[k] + (1-wA)*gB[k]
		}
	}
	return lnAB
}

// logLik returns the log-likelihood of the data at p, summed over the
// rows with their weights, and writes its gradient with respect to
// (r, α, s, β) into grad if grad is not nil. Per customer,
//
//	LL = lnΓ(r+x) − lnΓ(r) + r ln α + lnAB
//
// with lnAB from integral (which carries the factor β^s). Terms of x alone are computed once per distinct
// x, the logarithms once per distinct T and t_x, and the rows on all cores
// with a fixed chunking (the sum does not depend on the number of cores).
func logLik(d *rows.Data, p Params, grad []float64, s *scratch) float64 {
	s.T.fill(p, d.Ts)
	s.Tx.fill(p, d.Txs)
	lg := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	lgr, lnAl := lg(p.R), math.Log(p.Alpha)
	var ll float64
	var g [4]float64
	var psr float64
	if grad != nil {
		psr = mathext.Digamma(p.R)
	}
	for i, x := range d.Xs {
		w := d.XW[i]
		ll += w * (lg(p.R+x) - lgr + p.R*lnAl)
		if grad != nil {
			g[0] += w * (mathext.Digamma(p.R+x) - psr + lnAl)
			g[1] += w * p.R / p.Alpha
		}
	}
	deriv := grad != nil
	pairTerms(s.ctx, d.XT, &s.lnA, &s.gA, deriv, func(pr rows.Pair, g *[4]float64) float64 {
		return p.termA(d.Xs[pr.Xi], s.T.get(pr.Vi), g)
	})
	pairTerms(s.ctx, d.XTx, &s.lnB, &s.gB, deriv, func(pr rows.Pair, g *[4]float64) float64 {
		return p.termB(d.Xs[pr.Xi], s.Tx.get(pr.Vi), g)
	})
	n := len(d.Rows)
	chunks := parallel.Chunks(n)
	s.part = slices.Grow(s.part[:0], chunks)[:chunks]
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		var acc [5]float64
		if s.ctx != nil && s.ctx.Err() != nil {
			s.part[c] = [5]float64{math.NaN()}
			return
		}
		var rg [4]float64
		gp := &rg
		if grad == nil {
			gp = nil
		}
		for _, rw := range d.Rows[lo:hi] {
			var v float64
			if gp != nil {
				v = combine(s.lnA[rw.XT], s.lnB[rw.XTx], &s.gA[rw.XT], &s.gB[rw.XTx], gp)
			} else {
				v = combine(s.lnA[rw.XT], s.lnB[rw.XTx], nil, nil, nil)
			}
			acc[0] += rw.W * v
			if gp != nil {
				for k := range 4 {
					acc[k+1] += rw.W * rg[k]
				}
			}
		}
		s.part[c] = acc
	})
	for _, pt := range s.part {
		ll += pt[0]
		for k := range 4 {
			g[k] += pt[k+1]
		}
	}
	if grad != nil {
		copy(grad, g[:])
	}
	return ll
}

// Fit estimates the parameters by maximum likelihood from the customers'
// summaries (Frequency, Recency and T; MonetaryValue is not used). It is
// FitContext with a background context.
func Fit(customers []clv.Customer, opts FitOptions) (*Model, error) {
	return FitContext(context.Background(), customers, opts)
}

// FitContext estimates the parameters by maximum likelihood: BFGS on the
// log-parameters with the analytic gradient, over the distinct rows on all
// cores, from several starts, warm-started from a subsample for large data
// (as bgnbd.FitContext). If no start converges it returns the best model
// found with an error wrapping ErrNotConverged. Standard errors come from
// the Hessian of the negative log-likelihood (with the penalty, if any) in
// natural parameters. Data that do not determine the parameters give
// status clv.NotIdentified and an error wrapping clv.ErrNotIdentified,
// penalized or not, as in bgnbd.FitContext.
//
// If the likelihood is highest in a limit of the model — s and β running
// off toward infinity together (no heterogeneity in dropout: the same
// exponential lifetime, rate μ = s/β, for everyone), or r and α (the same
// purchase rate λ = r/α) — the fit stops once s (or r) passes 10⁴ and
// fits the limit model instead (see limits and model.FitRows): it returns that model,
// usable, with FitInfo.Status clv.AtBoundary, the limit and its rate in
// FitInfo.Reason, Penalizer 0 (the limit model's fit is not penalized),
// standard errors and a covariance of the free parameters from the
// Hessian of the limit model's log-likelihood in them (the held shape, at
// 10⁶, carries no uncertainty: ParamIntervals gives it [10⁶, 10⁶],
// SampleParams keeps it there, and intervals drawn from them are
// conditional on the limit), and an error wrapping clv.ErrBoundary.
//
// A fit that stops short of those limits where the likelihood is flat (the
// standard error of a log-parameter above 20, or a Hessian that is not
// positive definite), or with s running off toward 0, is judged by the
// edge it lies on the way to (see edge): with s ≥ 100 (or r ≥ 100), the
// exponential-dropout (or Poisson) limit model is fitted from there, as
// above, in closed form; with s < 10⁻³ (no dropout), or r flat in
// [100, 10⁴] in the fit of the exponential-dropout limit model, the
// estimate is returned with FitInfo.Status clv.AtBoundary,
// the edge named in FitInfo.Reason, and an error wrapping clv.ErrBoundary;
// elsewhere it is not identified (clv.ErrNotIdentified). Cancelling ctx
// stops the fit within one chunk of rows.
func FitContext(ctx context.Context, customers []clv.Customer, opts FitOptions) (*Model, error) {
	return model.FitRows(ctx, spec, customers,
		model.RowOptions[Params]{Penalizer: opts.Penalizer, Weights: opts.Weights, Start: opts.Start, GradTol: opts.GradTol, MaxIter: opts.MaxIter,
			Grouping: rows.Unbox(opts.Grouping)},
		func(b model.Base[Params]) *Model { return &Model{base: b} })
}

// spec is the fit's spec: the likelihood (logLik) and its Hessian
// (hessian), starts, penalty (lifetimes' ParetoNBDFitter's: see
// FitOptions.Penalizer) and limits (see limit.go).
var spec = model.RowModel[Params]{
	Name:  "paretonbd",
	Model: "Pareto/NBD",
	Names: "r alpha s beta",
	LogLik: func(ctx context.Context) func(d *rows.Data, p Params, grad []float64) float64 {
		s := scratch{ctx: ctx}
		return func(d *rows.Data, p Params, grad []float64) float64 { return logLik(d, p, grad, &s) }
	},
	Hessian: func(ctx context.Context) func(d *rows.Data, p Params, h []float64) {
		s := scratch{ctx: ctx}
		return func(d *rows.Data, p Params, h []float64) { hessian(d, p, h, &s) }
	},
	Starts: func(maxT float64) []Params {
		return []Params{
			{R: 1, Alpha: maxT / 10, S: 1, Beta: maxT / 10},
			{R: 0.5, Alpha: maxT / 4, S: 0.5, Beta: maxT / 4},
			{R: 2, Alpha: maxT / 40, S: 2, Beta: maxT},
			{R: 0.1, Alpha: maxT, S: 0.2, Beta: maxT / 20},
		}
	},
	Penalty: func(c float64, customers int, maxT float64) (float64, []float64) {
		// lifetimes' −LL/w̄ + c·Σ is n/len(customers) times −LL/n + c/len(customers)·Σ.
		return c / float64(customers), []float64{1, 1 / maxT, 1, 1 / maxT}
	},
	Limits:           limits,
	LimitLogLik:      limitLogLik,
	HeldShape:        limitShape,
	Reason:           func(p Params, held []bool) string { return limitReason(p, held[0], held[1]) },
	Edge:             edge,
	EdgeUnidentified: true,
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
		o.Weights, o.Start = w, &start
		f, err := FitContext(ctx, cs, o)
		if err != nil && !errors.Is(err, clv.ErrBoundary) { // a limit model is an estimate too
			return Params{}, err
		}
		return f.Params(), nil
	})
}
