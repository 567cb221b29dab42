// Package mle fits models by maximum likelihood with gonum's optimizers: it
// minimizes a negative log-likelihood on log-parameters from several starts,
// reports convergence honestly, and computes standard errors from the
// Hessian at the optimum.
package mle

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// ErrNotConverged is returned when no start reaches an optimum.
var ErrNotConverged = errors.New("fit did not converge")

// Bounds of an identified parameter: beyond them a fit has run off toward
// 0 or infinity, which a likelihood that the data leave flat does.
const (
	MinParam = 1e-7
	MaxParam = 1e7
)

// errEscaped stops a start whose iterate left the box of Settings.Escape.
var errEscaped = errors.New("a parameter ran off beyond the bounds of an identified one")

// ErrBoundary is returned when a start's iterates run off to a boundary of
// the parameter space (Settings.Stop, Problem.AtBoundary).
var ErrBoundary = errors.New("the estimate runs off to a boundary of the parameter space")

// Objective evaluates the function to minimize and its gradient at x in one
// pass, writing the gradient into grad. It returns +Inf or NaN where the
// function is not defined.
type Objective func(x, grad []float64) float64

// Settings configures Minimize.
type Settings struct {
	// Starts are the starting points, tried in order until one converges.
	Starts [][]float64
	// GradTol is the gradient norm at which the fit has converged.
	GradTol float64
	// MaxIter bounds the major iterations of one start.
	MaxIter int
	// Escape, if > 0, stops a start as soon as an iterate has a coordinate
	// beyond ±Escape; its result is that iterate, converged only if it
	// passes the gradient test (a run-off into a flat region can).
	Escape float64
	// Stop, if not nil, is called with each iterate the optimizer accepts;
	// when it reports true, the minimization ends there with an error
	// wrapping ErrBoundary (the iterates run off toward a limit of the
	// model, where evaluations get costly and the optimum is not finite).
	Stop func(x []float64) bool
	// Known, if not nil, is a point where the objective was evaluated
	// already (a start that Polish reached): Minimize takes its value and
	// gradient from it instead of evaluating the objective there again.
	Known *Point
}

// Point is a point x with the objective's value f and gradient g there.
type Point struct {
	X, G []float64
	F    float64
}

// Result is the outcome of Minimize.
type Result struct {
	X          []float64
	F          float64
	Iterations int // major iterations of the successful start
	Evals      int // objective evaluations over all starts
	GradNorm   float64
	Status     string
	Converged  bool
	AtBoundary bool // Settings.Stop ended the minimization at X
	Start      int  // index of the start that converged
}

// cache evaluates f and g together and serves gonum's separate Func and
// Grad calls at the same point from one evaluation.
type cache struct {
	obj   Objective
	x, g  []float64
	f     float64
	valid bool
	evals int
}

func (c *cache) eval(x []float64) {
	if c.valid && slices.Equal(x, c.x) {
		return
	}
	c.x = append(c.x[:0], x...)
	if len(c.g) != len(x) {
		c.g = make([]float64, len(x))
	}
	c.f = c.obj(x, c.g)
	c.evals++
	c.valid = true
}

// noiseFactor: a point whose gradient norm is within noiseFactor × GradTol
// has converged. Near the optimum the gradient of a sum over many rows is
// dominated by rounding (about 2e-8 for 10⁶ customers), where line searches
// fail without making progress; the factor accepts such points.
const noiseFactor = 10

// Minimize minimizes obj with BFGS from each start in turn, returning the
// first result whose gradient norm is below GradTol. If none converges, it
// returns the best result and an error wrapping ErrNotConverged that says
// what happened. ctx cancels the work.
func Minimize(ctx context.Context, obj Objective, s Settings) (Result, error) {
	c := &cache{obj: obj}
	if k := s.Known; k != nil {
		c.x, c.g, c.f, c.valid = slices.Clone(k.X), slices.Clone(k.G), k.F, true
	}
	var best Result
	best.F = math.Inf(1)
	var lastErr error
	for i, x0 := range s.Starts {
		if err := ctx.Err(); err != nil {
			return best, err
		}
		c.eval(x0)
		if !finite(c.f) {
			lastErr = fmt.Errorf("start %d: objective not finite at the start", i)
			continue
		}
		if gn := floats.Norm(c.g, math.Inf(1)); gn <= s.GradTol*noiseFactor {
			return Result{X: slices.Clone(x0), F: c.f, GradNorm: gn, Status: "GradientThreshold",
				Converged: true, Start: i, Evals: c.evals}, nil
		}
		p := optimize.Problem{
			Func: func(x []float64) float64 { c.eval(x); return c.f },
			Grad: func(g, x []float64) { c.eval(x); copy(g, c.g) },
			Status: func() (optimize.Status, error) {
				if err := ctx.Err(); err != nil {
					return optimize.Failure, err
				}
				return optimize.NotTerminated, nil
			},
		}
		settings := &optimize.Settings{
			GradientThreshold: s.GradTol,
			MajorIterations:   s.MaxIter,
			Converger:         &optimize.FunctionConverge{Absolute: 1e-15, Relative: 1e-15, Iterations: 20},
		}
		if s.Escape > 0 || s.Stop != nil {
			settings.Recorder = stopper{s.Escape, s.Stop}
		}
		res, err := optimize.Minimize(p, x0, settings, &optimize.BFGS{})
		if err := ctx.Err(); err != nil {
			return best, err
		}
		if errors.Is(err, errStop) && res != nil {
			c.eval(res.X)
			return Result{X: slices.Clone(res.X), F: c.f, Iterations: res.MajorIterations, Evals: c.evals,
					GradNorm: floats.Norm(c.g, math.Inf(1)), Status: "Boundary", AtBoundary: true, Start: i},
				fmt.Errorf("%w (start %d, after %d iterations)", ErrBoundary, i, res.MajorIterations)
		}
		if res == nil {
			lastErr = fmt.Errorf("start %d: %v", i, err)
			continue
		}
		c.eval(res.X)
		r := Result{
			X: slices.Clone(res.X), F: c.f, Iterations: res.MajorIterations,
			GradNorm: floats.Norm(c.g, math.Inf(1)), Status: res.Status.String(), Start: i,
		}
		r.Converged = finite(r.F) && r.GradNorm <= s.GradTol*noiseFactor
		if r.Converged {
			r.Evals = c.evals
			return r, nil
		}
		if r.F < best.F || i == 0 {
			best = r
		}
		lastErr = fmt.Errorf("start %d: status %v after %d iterations, objective %.10g, gradient norm %.3g (want ≤ %.3g); %v",
			i, res.Status, res.MajorIterations, r.F, r.GradNorm, s.GradTol, err)
	}
	best.Evals = c.evals
	return best, fmt.Errorf("%w from %d starts; last: %v", ErrNotConverged, len(s.Starts), lastErr)
}

// errStop is the error with which stopper ends a minimization.
var errStop = errors.New("stopped at a boundary")

// stopper is an optimize.Recorder that ends the minimization at the first
// accepted iterate for which stop reports true (with errStop), or that has
// a coordinate beyond ±escape when escape > 0 (with errEscaped).
type stopper struct {
	escape float64
	stop   func(x []float64) bool
}

func (stopper) Init() error { return nil }

func (s stopper) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if op != optimize.MajorIteration {
		return nil
	}
	if s.stop != nil && s.stop(loc.X) {
		return errStop
	}
	if s.escape > 0 && floats.Norm(loc.X, math.Inf(1)) > s.escape {
		return errEscaped
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// inBounds reports whether every p_i is in [MinParam, MaxParam].
func inBounds(p []float64) bool {
	for _, v := range p {
		if !(v >= MinParam && v <= MaxParam) {
			return false
		}
	}
	return true
}

// Hessian returns the Hessian at x of a function whose gradient is grad,
// by central differences of the gradient with relative step 1e-5,
// symmetrized.
func Hessian(grad func(x, g []float64), x []float64) *mat.SymDense {
	n := len(x)
	h := mat.NewDense(n, n, nil)
	xp, xm := slices.Clone(x), slices.Clone(x)
	gp, gm := make([]float64, n), make([]float64, n)
	for j := range n {
		step := 1e-5 * math.Max(math.Abs(x[j]), 1e-3)
		xp[j], xm[j] = x[j]+step, x[j]-step
		grad(xp, gp)
		grad(xm, gm)
		for i := range n {
			h.Set(i, j, (gp[i]-gm[i])/(2*step))
		}
		xp[j], xm[j] = x[j], x[j]
	}
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	return sym
}

// StdErrors returns the square roots of the diagonal of the inverse of h,
// the Hessian of a negative log-likelihood: the asymptotic standard errors.
// It fails if h is not positive definite.
func StdErrors(h *mat.SymDense) ([]float64, error) {
	se, _, err := Covariance(h)
	return se, err
}

// Covariance returns the standard errors and the covariance matrix (row
// major) of the estimate: the inverse of h, the Hessian of the negative
// log-likelihood. It fails if h is not positive definite. Where the plain
// inverse fails for h's condition number alone — parameters of very
// different sizes, such as a rate near 10⁵ beside a shape near 0.5, scale
// h's entries by 10¹⁰ — it inverts the equilibrated DhD instead, D =
// diag(1/√h_ii), and returns D(DhD)⁻¹D.
func Covariance(h *mat.SymDense) ([]float64, []float64, error) {
	se, cov, err := covariance(h)
	if err == nil {
		return se, cov, nil
	}
	n := h.SymmetricDim()
	d := make([]float64, n)
	for i := range n {
		if !(h.At(i, i) > 0) || math.IsInf(h.At(i, i), 0) {
			return nil, nil, err
		}
		d[i] = 1 / math.Sqrt(h.At(i, i))
	}
	dhd := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			dhd.SetSym(i, j, d[i]*h.At(i, j)*d[j])
		}
	}
	se, cov, err2 := covariance(dhd)
	if err2 != nil {
		return nil, nil, err
	}
	for i := range n {
		se[i] *= d[i]
		for j := range n {
			cov[i*n+j] *= d[i] * d[j]
		}
	}
	return se, cov, nil
}

func covariance(h *mat.SymDense) ([]float64, []float64, error) {
	var ch mat.Cholesky
	if !ch.Factorize(h) {
		return nil, nil, errors.New("the Hessian is not positive definite (the optimum is not a strict minimum)")
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil, nil, err
	}
	n := h.SymmetricDim()
	se := make([]float64, n)
	cov := make([]float64, n*n)
	for i := range n {
		se[i] = math.Sqrt(inv.At(i, i))
		for j := range n {
			cov[i*n+j] = inv.At(i, j)
		}
	}
	return se, cov, nil
}

// Problem is a maximum likelihood problem in natural parameters, all
// positive; Fit optimizes it on their logarithms.
type Problem struct {
	// LogLik returns the weighted log-likelihood at p and, if grad is not
	// nil, writes its gradient with respect to p.
	LogLik func(p, grad []float64) float64
	// Valid reports whether p is in the domain (finite, positive).
	Valid func(p []float64) bool
	// Weight is the total weight n: the objective is −LL/n + penalty.
	Weight float64
	// Penalizer c and PenaltyScale s give the penalty c·Σ (s_i p_i)²
	// (PenaltyScale nil means s_i = 1): each model maps its
	// FitOptions.Penalizer to them, with the conventions it documents.
	Penalizer    float64
	PenaltyScale []float64
	// Starts are starting points in natural parameters.
	Starts [][]float64
	// GradTol is the max-norm of the objective's gradient at convergence;
	// zero means 1e-8. MaxIter bounds the iterations per start; zero means
	// 1000.
	GradTol float64
	MaxIter int
	// AtBoundary, if not nil, reports natural parameters from which the
	// fit runs off toward a limit of the model; the minimization stops at
	// the first such iterate, and Fit returns it with an error wrapping
	// ErrBoundary (see Settings.Stop).
	AtBoundary func(p []float64) bool
	// Warm, if not nil, is the same problem on a subsample (with the same
	// Starts and penalty). Fit solves it loosely first, then takes Newton
	// steps on the full problem with the subsample's Hessian (Polish), and
	// starts the optimizer there: a few full evaluations instead of dozens.
	Warm *Problem
	// Hessian, if not nil, writes the Hessian of LogLik at p into h,
	// row major (len(p)² entries). Fit takes the standard errors of a
	// problem with Warm (a large one) from it: one pass over the data
	// where central differences of the gradient take 2·len(p). Other
	// problems take them from central differences, as without it.
	Hessian func(p, h []float64)

	// escape stops the fit once a parameter leaves [MinParam, MaxParam].
	escape bool
	// estimateOnly: Fit returns the estimate alone, without the
	// log-likelihood, standard errors or the continuation without the
	// penalty (the loose fit of Warm, whose estimate alone is used).
	estimateOnly bool
}

// WarmRows is the number of data rows above which a model's fit starts
// warm from a subsample (see Problem.Warm and WarmFrom).
const WarmRows = 50_000

// WarmFrom sets pr.Warm to the same problem evaluated on a subsample: its
// log-likelihood logLik and total weight. Use it after the starts and
// penalty are set.
func (pr *Problem) WarmFrom(logLik func(p, grad []float64) float64, weight float64) {
	w := *pr
	w.LogLik, w.Weight, w.Warm = logLik, weight, nil
	pr.Warm = &w
}

// penaltyScale returns PenaltyScale, or ones when it is nil.
func (pr Problem) penaltyScale(dim int) []float64 {
	if pr.PenaltyScale != nil {
		return pr.PenaltyScale
	}
	s := make([]float64, dim)
	for i := range s {
		s[i] = 1
	}
	return s
}

// Objective returns the function Fit minimizes, on log-parameters: −LL/n
// plus the penalty, +Inf outside the domain.
func (pr Problem) Objective() Objective { return pr.objective(nil) }

// lastEval is the log-likelihood ll at the natural parameters p of the
// last evaluation of an objective.
type lastEval struct {
	p  []float64
	ll float64
}

// objective is Objective, recording each evaluation of LogLik in last if
// it is not nil.
func (pr Problem) objective(last *lastEval) Objective {
	dim := len(pr.Starts[0])
	scale := pr.penaltyScale(dim)
	nat := make([]float64, dim)
	return func(theta, grad []float64) float64 {
		for i, v := range theta {
			nat[i] = math.Exp(v)
		}
		if !pr.Valid(nat) {
			return math.Inf(1)
		}
		ll := pr.LogLik(nat, grad)
		if last != nil {
			last.p, last.ll = append(last.p[:0], nat...), ll
		}
		f := -ll / pr.Weight
		for i := range grad {
			sp := scale[i] * nat[i]
			grad[i] = -grad[i]/pr.Weight*nat[i] + 2*pr.Penalizer*sp*sp
			f += pr.Penalizer * sp * sp
		}
		if math.IsNaN(f) {
			return math.Inf(1)
		}
		return f
	}
}

// Polish takes up to maxSteps quasi-Newton steps θ ← θ − B∇f(θ) from the
// inverse B of a given Hessian H (e.g. the Hessian of a subsample's
// objective), updating B with the BFGS formula after each step, so that the
// curvature H carries is used from the first step and corrected where the
// full objective differs (a direction the subsample poorly identifies). A
// step that does not decrease f is halved, unless it reaches a point whose
// gradient is within tol while f rose by rounding alone. It stops once
// the gradient's max-norm is ≤ tol and returns the last accepted point,
// or theta itself if H is not positive definite.
func Polish(obj Objective, theta []float64, h *mat.SymDense, tol float64, maxSteps int) []float64 {
	return polish(obj, theta, h, tol, maxSteps).X
}

// polish is Polish, returning the last accepted point with the objective's
// value and gradient there (nil G when it took no step and evaluated
// nothing).
func polish(obj Objective, theta []float64, h *mat.SymDense, tol float64, maxSteps int) Point {
	var ch mat.Cholesky
	if !ch.Factorize(h) {
		return Point{X: theta}
	}
	n := len(theta)
	var binv mat.SymDense
	if err := ch.InverseTo(&binv); err != nil {
		return Point{X: theta}
	}
	b := mat.NewDense(n, n, nil)
	b.Copy(&binv)
	x := slices.Clone(theta)
	g := make([]float64, n)
	gt := make([]float64, n)
	f := obj(x, g)
	trial := make([]float64, n)
	step := mat.NewVecDense(n, nil)
	sv, yv, by := mat.NewVecDense(n, nil), mat.NewVecDense(n, nil), mat.NewVecDense(n, nil)
	for range maxSteps {
		if !finite(f) || floats.Norm(g, math.Inf(1)) <= tol {
			break
		}
		step.MulVec(b, mat.NewVecDense(n, g))
		accepted := false
		var t float64
		for t = 1.0; t > 1.0/64; t /= 2 {
			for i := range x {
				trial[i] = x[i] - t*step.AtVec(i)
			}
			// A trial whose gradient is within tol is accepted even if
			// f rose by rounding alone (1e-13 relative: the sum over a
			// million rows rounds at some 1e-15): there, comparisons of
			// f are noise, and rejecting it costs halvings and a
			// worse point.
			ft := obj(trial, gt)
			if ft <= f || floats.Norm(gt, math.Inf(1)) <= tol && ft-f <= 1e-13*math.Abs(f) {
				f, accepted = ft, true
				break
			}
		}
		if !accepted {
			break
		}
		// BFGS update of the inverse Hessian with s = Δθ, y = Δ∇f:
		// B ← B + (sᵀy + yᵀBy) ssᵀ/(sᵀy)² − (B y sᵀ + s yᵀ B)/(sᵀy).
		for i := range x {
			sv.SetVec(i, trial[i]-x[i])
			yv.SetVec(i, gt[i]-g[i])
		}
		copy(x, trial)
		copy(g, gt)
		sy := mat.Dot(sv, yv)
		if !(sy > 0) {
			continue // curvature condition fails: keep B
		}
		by.MulVec(b, yv)
		yby := mat.Dot(yv, by)
		for i := range n {
			for j := range n {
				b.Set(i, j, b.At(i, j)+(sy+yby)*sv.AtVec(i)*sv.AtVec(j)/(sy*sy)-
					(by.AtVec(i)*sv.AtVec(j)+sv.AtVec(i)*by.AtVec(j))/sy)
			}
		}
	}
	return Point{X: x, F: f, G: g}
}

// Estimate is the outcome of Fit.
type Estimate struct {
	Result
	Params []float64 // the estimate, natural parameters
	LL     float64   // log-likelihood at Params, without the penalty
	StdErr []float64 // nil when the Hessian is not positive definite
	Cov    []float64 // covariance of Params, row major; nil with StdErr
	// Free is, for a converged penalized fit, the fit of the same problem
	// without the penalty, started from Params: the maximum likelihood
	// estimate, on which identification is judged (a penalty keeps the
	// parameters finite whether or not the data determine them). It is nil
	// without a penalty, when the penalized fit did not converge, or when
	// Params are already outside [MinParam, MaxParam]. That fit stops as
	// soon as a parameter leaves those bounds (Free.Params are then
	// outside them); Free.Converged is false if it stopped short otherwise.
	Free *Estimate
}

// Fit minimizes −LL/n plus the penalty over the log-parameters (positivity
// without bounds; ∂/∂θ = p·∂/∂p), then computes the log-likelihood and the
// standard errors from the Hessian of the penalized total negative
// log-likelihood in natural parameters. A converged penalized fit whose
// parameters are in [MinParam, MaxParam] then continues without the
// penalty from its estimate, into Estimate.Free; that fit stops as soon as
// a parameter leaves [MinParam, MaxParam]. Fit's error, if any, wraps
// ErrNotConverged (or is ctx's); Estimate holds the best point found even
// then.
func Fit(ctx context.Context, pr Problem) (Estimate, error) {
	if !(pr.Penalizer >= 0) || math.IsInf(pr.Penalizer, 0) {
		return Estimate{}, fmt.Errorf("penalizer %v, want a finite number ≥ 0", pr.Penalizer)
	}
	if pr.GradTol == 0 {
		pr.GradTol = 1e-8
	}
	if pr.MaxIter == 0 {
		pr.MaxIter = 1000
	}
	dim := len(pr.Starts[0])
	scale := pr.penaltyScale(dim)
	// A large problem (one with Warm) keeps its last evaluation, so that
	// the log-likelihood at the estimate is not evaluated again; its
	// models' LogLik returns the same value with and without grad.
	var last *lastEval
	if pr.Warm != nil {
		last = &lastEval{}
	}
	obj := pr.objective(last)
	var known *Point // the polished start, evaluated
	if pr.Warm != nil {
		w := *pr.Warm
		w.Warm, w.GradTol, w.estimateOnly = nil, 1e-6, true
		if est, err := Fit(ctx, w); errors.Is(err, ErrBoundary) {
			// The full problem starts at the subsample's boundary point,
			// where its Stop reports the same.
			pr.Starts = append([][]float64{est.Params}, pr.Starts...)
		} else if err == nil {
			theta := make([]float64, dim)
			for i, v := range est.Params {
				theta[i] = math.Log(v)
			}
			wobj := w.Objective()
			h := Hessian(func(x, g []float64) { wobj(x, g) }, theta)
			pt := polish(obj, theta, h, pr.GradTol/4, 20)
			nat := make([]float64, dim)
			for i, v := range pt.X {
				nat[i] = math.Exp(v)
			}
			pr.Starts = append([][]float64{nat}, pr.Starts...)
			if pt.G != nil {
				known = &pt
			}
		} else if ctx.Err() != nil {
			return Estimate{}, ctx.Err()
		}
	}
	logStarts := make([][]float64, len(pr.Starts))
	for i, s := range pr.Starts {
		logStarts[i] = make([]float64, dim)
		for j, v := range s {
			logStarts[i][j] = math.Log(v)
		}
	}
	if known != nil {
		// The polished point itself, where the objective is known, rather
		// than the logarithm of its exponential.
		copy(logStarts[0], known.X)
	}
	set := Settings{Starts: logStarts, GradTol: pr.GradTol, MaxIter: pr.MaxIter, Known: known}
	if pr.escape {
		set.Escape = math.Log(MaxParam) // = −ln MinParam
	}
	if pr.AtBoundary != nil {
		set.Stop = func(theta []float64) bool {
			nat := make([]float64, len(theta))
			for i, v := range theta {
				nat[i] = math.Exp(v)
			}
			return pr.AtBoundary(nat)
		}
	}
	res, fitErr := Minimize(ctx, obj, set)
	if res.X == nil {
		return Estimate{}, fitErr
	}
	est := Estimate{Result: res, Params: make([]float64, dim)}
	for i, v := range res.X {
		est.Params[i] = math.Exp(v)
	}
	if pr.estimateOnly {
		return est, fitErr
	}
	if last != nil && slices.Equal(last.p, est.Params) {
		est.LL = last.ll
	} else {
		est.LL = pr.LogLik(est.Params, nil)
	}
	if res.AtBoundary {
		return est, fitErr // no standard errors: the optimum is not finite
	}
	if err := ctx.Err(); err != nil {
		return Estimate{}, err
	}
	var h *mat.SymDense
	if pr.Hessian != nil && pr.Warm != nil {
		h = pr.hessian(est.Params, scale)
	} else {
		h = Hessian(func(x, g []float64) {
			if !pr.Valid(x) {
				for i := range g {
					g[i] = math.NaN()
				}
				return
			}
			pr.LogLik(x, g)
			for i := range g {
				g[i] = -g[i] + pr.Weight*2*pr.Penalizer*scale[i]*scale[i]*x[i]
			}
		}, est.Params)
	}
	if err := ctx.Err(); err != nil {
		return Estimate{}, err
	}
	if se, cov, err := Covariance(h); err == nil {
		est.StdErr, est.Cov = se, cov
	}
	if pr.Penalizer > 0 && est.Converged && inBounds(est.Params) {
		free := pr
		free.Penalizer, free.Starts, free.escape = 0, [][]float64{est.Params}, true
		if pr.Warm != nil {
			// Warm again: the subsample without the penalty first.
			w := *pr.Warm
			w.Penalizer, w.Starts, w.escape = 0, free.Starts, true
			free.Warm = &w
		}
		fe, _ := Fit(ctx, free)
		if err := ctx.Err(); err != nil {
			est.Converged = false // not judged
			return est, err
		}
		est.Free = &fe
	}
	return est, fitErr
}

// hessian returns the Hessian of the penalized total negative
// log-likelihood at p in natural parameters from pr.Hessian: −∇²LL plus
// the penalty's 2·n·c·s_i² on the diagonal.
func (pr Problem) hessian(p, scale []float64) *mat.SymDense {
	n := len(p)
	hll := make([]float64, n*n)
	pr.Hessian(p, hll)
	h := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			v := -(hll[i*n+j] + hll[j*n+i]) / 2
			if i == j {
				v += pr.Weight * 2 * pr.Penalizer * scale[i] * scale[i]
			}
			h.SetSym(i, j, v)
		}
	}
	return h
}

// Held is a parameter vector some of whose entries are held fixed, as in
// the limit of a model where a shape is held: a fit runs over the free
// entries, Free their indexes in the vector, in order.
type Held struct {
	Full []float64 // the vector, held entries at their values
	Free []int
}

// Hold returns full with the entries where fixed is true held.
func Hold(full []float64, fixed []bool) Held {
	h := Held{Full: slices.Clone(full)}
	for i, f := range fixed {
		if !f {
			h.Free = append(h.Free, i)
		}
	}
	return h
}

// Expand returns the full vector with the free entries v.
func (h Held) Expand(v []float64) []float64 {
	x := slices.Clone(h.Full)
	for j, i := range h.Free {
		x[i] = v[j]
	}
	return x
}

// Pick returns the free entries of a full vector x.
func (h Held) Pick(x []float64) []float64 {
	out := make([]float64, len(h.Free))
	for j, i := range h.Free {
		out[j] = x[i]
	}
	return out
}

// Trigamma returns ψ₁(z) = d²lnΓ(z)/dz² for z > 0: the recurrence
// ψ₁(z) = ψ₁(z+1) + 1/z² up to z ≥ 15, then the asymptotic series
//
//	ψ₁(z) = 1/z + 1/(2z²) + 1/(6z³) − 1/(30z⁵) + 1/(42z⁷) − 1/(30z⁹) + 5/(66z¹¹),
//
// whose next term is below 3e-15 of the result there: for the analytic
// Hessians of the models' log-likelihoods (ψ₁ = ∂²lnΓ).
func Trigamma(z float64) float64 {
	var acc float64
	for ; z < 15; z++ {
		acc += 1 / (z * z)
	}
	iz := 1 / z
	iz2 := iz * iz
	return acc + iz + iz2/2 + iz*iz2*(1.0/6+iz2*(-1.0/30+iz2*(1.0/42+iz2*(-1.0/30+iz2*5.0/66))))
}
