package ggompertz

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/rows"
)

// ErrNotConverged is wrapped by the error of a fit that did not converge.
var ErrNotConverged = mle.ErrNotConverged

// FitOptions configures Fit. The zero value fits with unit weights from
// the default starting points.
type FitOptions struct {
	// Weights gives each customer a weight (a count of identical
	// customers). Nil means weight 1 each.
	Weights []float64

	// Start is the first starting point; nil means the defaults.
	Start *Params

	// GradTol is the max-norm of the gradient of the mean negative
	// log-likelihood with respect to the log-parameters at which the fit
	// has converged. Zero means 1e-8.
	GradTol float64

	// MaxIter bounds the optimizer's iterations per start. Zero means 1000.
	MaxIter int

	// Grouping is the customers' grouping (clv.GroupCustomers), from which
	// the fit takes their distinct rows; nil means the fit groups them.
	Grouping *clv.Grouping
}

// The b → 0 limit. A fit whose b·max T falls below boundaryBT has a
// Gompertz lifetime indistinguishable from an exponential one over the
// data (the hazard changes by a factor e^{b·T} − 1 < 0.1% across them)
// and runs off toward the Pareto/NBD; the limit model is fitted at b = 0
// exactly (in κ = β/b) and returned with b = heldBT/max T and β = b·κ,
// whose predictions differ from the limit's by O(b·T) = 1e-9 relative.
const (
	boundaryBT = 1e-3
	heldBT     = 1e-9
)

// Fit estimates the parameters by maximum likelihood; it is FitContext
// with a background context.
func Fit(customers []clv.Customer, opts FitOptions) (*Model, error) {
	return FitContext(context.Background(), customers, opts)
}

// FitContext estimates the parameters by maximum likelihood from the
// customers' (x, t_x, T): BFGS on the logarithms of (r, α, b, s, κ = β/b)
// with the analytic gradient (the derivatives integrated with the
// likelihood, on the same pieces), over the distinct rows on all cores,
// from several starts. Standard errors come from the Hessian of the
// negative log-likelihood, carried to (r, α, b, s, β) by the delta
// method.
//
// If b runs off toward 0 (b·max T below 10⁻³), the likelihood is highest
// in the model's Pareto/NBD limit (see the package doc): the fit stops,
// fits the limit (b = 0, over r, α, s, κ) and returns it with
// FitInfo.Status clv.AtBoundary, the limit and κ in FitInfo.Reason,
// b = 10⁻⁹/max T and β = b·κ, NumParams 4 (the free parameters, b held,
// as the limit fits of bgnbd and paretonbd count them: BIC compares it
// with the Pareto/NBD as the same model), the covariance of the free parameters
// (b held: its standard error is 0, draws keep it), and an error wrapping
// clv.ErrBoundary. A fit that does not converge returns the best model
// and an error wrapping ErrNotConverged; data that do not determine the
// parameters, clv.ErrNotIdentified. Cancelling ctx stops the fit within
// one chunk of rows.
func FitContext(ctx context.Context, customers []clv.Customer, opts FitOptions) (*Model, error) {
	if err := model.Observed("ggompertz", "GGompertz/NBD", customers, opts.Weights); err != nil {
		return nil, err
	}
	d, err := model.Compress("ggompertz", customers, opts.Weights, rows.Unbox(opts.Grouping))
	if err != nil {
		return nil, err
	}
	maxT := d.MaxT
	if !(maxT > 0) {
		return nil, fmt.Errorf("ggompertz: %w: every customer observed for no time", clv.ErrNotIdentified)
	}
	var st evalState
	ll := func(v, grad []float64) float64 {
		return logLik(ctx, d, inner{v[0], v[1], v[2], v[3], v[4]}, grad, &st)
	}
	pr := mle.Problem{
		LogLik:     ll,
		Valid:      func(v []float64) bool { return validInner(v) },
		Weight:     d.W,
		GradTol:    opts.GradTol,
		MaxIter:    opts.MaxIter,
		AtBoundary: func(v []float64) bool { return v[2]*maxT < boundaryBT || v[3] > shapeLimit || v[0] > shapeLimit },
		Starts:     starts(maxT),
	}
	if opts.Start != nil {
		if err := opts.Start.Validate(); err != nil {
			return nil, fmt.Errorf("ggompertz: start: %w", err)
		}
		in := opts.Start.inner()
		pr.Starts = append([][]float64{{in.r, in.alpha, in.b, in.s, in.kappa}}, pr.Starts...)
	}
	est, fitErr := mle.Fit(ctx, pr)
	if est.Params == nil {
		return nil, fmt.Errorf("ggompertz: fit: %w", fitErr)
	}
	if errors.Is(fitErr, mle.ErrBoundary) {
		if v := est.Params; v[3] > shapeLimit || v[0] > shapeLimit {
			return stopped(est, d)
		}
		return fitLimit(ctx, d, est.Params, opts)
	}
	pub := publicEstimate(est)
	b, idErr := model.FromEstimate(pub, Params{}.FromVector, "r alpha b s beta", d.W, clv.FitInfo{Rows: len(d.Rows)})
	m := build(b)
	if fitErr != nil {
		return m, fmt.Errorf("ggompertz: %w (best: %v)", fitErr, m)
	}
	if idErr != nil {
		return m, fmt.Errorf("ggompertz: %v: %w", m, idErr)
	}
	return m, nil
}

func validInner(v []float64) bool {
	for _, x := range v {
		if !(x > 0) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// starts are the default starting points in (r, α, b, s, κ).
func starts(maxT float64) [][]float64 {
	return [][]float64{
		{1, maxT / 10, 1 / maxT, 1, maxT / 10},
		{0.5, maxT / 4, 0.1 / maxT, 0.5, maxT / 4},
		{2, maxT / 40, 3 / maxT, 2, maxT},
	}
}

// publicEstimate carries an estimate in (r, α, b, s, κ) to (r, α, b, s,
// β = b·κ): the covariance by the Jacobian of β (∂β/∂b = κ, ∂β/∂κ = b).
func publicEstimate(est mle.Estimate) mle.Estimate {
	v := est.Params
	b, kappa := v[2], v[4]
	out := est
	out.Params = []float64{v[0], v[1], b, v[3], b * kappa}
	if est.Cov == nil {
		return out
	}
	n := 5
	j := func(i, k int) float64 { // Jacobian of the public vector in the internal one
		if i == 4 {
			switch k {
			case 2:
				return kappa
			case 4:
				return b
			}
			return 0
		}
		if i == k {
			return 1
		}
		return 0
	}
	cv := make([]float64, n*n)
	for i := range n {
		for k := range n {
			var s float64
			for a := range n {
				for c := range n {
					s += j(i, a) * est.Cov[a*n+c] * j(k, c)
				}
			}
			cv[i*n+k] = s
		}
	}
	se := make([]float64, n)
	for i := range n {
		se[i] = math.Sqrt(math.Max(cv[i*n+i], 0))
	}
	out.Cov, out.StdErr = cv, se
	return out
}

// shapeLimit is the shape r or s beyond which a heterogeneity vanishes
// (the gamma distribution's coefficient of variation below 1%): the fit
// stops there (see stopped).
const shapeLimit = 1e4

// stopped returns the point where a fit ran off toward a limit in which a
// heterogeneity vanishes (r or s → ∞ with their rate), which this package
// does not fit: status clv.AtBoundary, no standard errors, and an error
// wrapping clv.ErrBoundary.
func stopped(est mle.Estimate, d *rows.Data) (*Model, error) {
	pub := publicEstimate(est)
	pub.StdErr, pub.Cov = nil, nil
	// The optimizer stopped at the boundary, where the fit ends: a
	// converged fit at a boundary (status clv.AtBoundary, or
	// clv.NotIdentified if a parameter ran off toward 0 too).
	pub.Converged = true
	reason := "a heterogeneity vanishes: r or s runs off toward infinity with its rate (every customer the same purchase rate or Gompertz scale); the fit stopped there"
	b, err := model.FromEstimate(pub, Params{}.FromVector, "r alpha b s beta", d.W, clv.FitInfo{Rows: len(d.Rows), Status: clv.AtBoundary, Reason: reason})
	m := build(b)
	if err == nil {
		err = fmt.Errorf("%w: %s", clv.ErrBoundary, reason)
	}
	return m, fmt.Errorf("ggompertz: %v: %w", m, err)
}

// fitLimit fits the Pareto/NBD limit (b = 0) over (r, α, s, κ) from the
// point v (r, α, b, s, κ) where the fit stopped.
func fitLimit(ctx context.Context, d *rows.Data, v []float64, opts FitOptions) (*Model, error) {
	maxT := d.MaxT
	bHeld := heldBT / maxT
	var st evalState
	g5 := make([]float64, 5)
	ll := func(f, grad []float64) float64 {
		in := inner{f[0], f[1], 0, f[2], f[3]}
		if grad == nil {
			return logLik(ctx, d, in, nil, &st)
		}
		x := logLik(ctx, d, in, g5, &st)
		grad[0], grad[1], grad[2], grad[3] = g5[0], g5[1], g5[3], g5[4]
		return x
	}
	pr := mle.Problem{
		LogLik:  ll,
		Valid:   func(f []float64) bool { return validInner(f) },
		Weight:  d.W,
		GradTol: opts.GradTol, MaxIter: opts.MaxIter,
		Starts: [][]float64{{v[0], v[1], v[3], v[4]}, {1, maxT / 10, 1, maxT / 10}},
	}
	est, fitErr := mle.Fit(ctx, pr)
	if est.Params == nil {
		return nil, fmt.Errorf("ggompertz: fit of the limit model: %w", fitErr)
	}
	logCov := model.LimitLogCov(func(f, grad []float64) { ll(f, grad) }, est.Params)
	est.StdErr, est.Cov = nil, nil
	conv := func(f []float64) Params {
		return Params{R: f[0], Alpha: f[1], B: bHeld, S: f[2], Beta: bHeld * f[3]}
	}
	info := clv.FitInfo{Rows: len(d.Rows), Status: clv.AtBoundary, Reason: limitReason(est.Params[3], bHeld)}
	b, err := model.FromEstimate(est, conv, "r alpha s kappa", d.W, info)
	if logCov != nil {
		b = b.WithLimitCovariance([]int{0, 1, 3, 4}, logCov)
	}
	m := build(b)
	if fitErr != nil {
		return m, fmt.Errorf("ggompertz: %s; the limit model's fit: %w (best: %v)", info.Reason, fitErr, m)
	}
	return m, fmt.Errorf("ggompertz: %v: %w", m, err)
}

// limitReason says which limit the fit reached.
func limitReason(kappa, bHeld float64) string {
	return fmt.Sprintf("the Gompertz shape b runs off toward 0 with β/b → κ = %.6g: the lifetime's hazard does not change with age "+
		"over the data, and the model is the Pareto/NBD with s and β = κ; b is held at %.3g, β = b·κ", kappa, bHeld)
}
