// Package cov fits purchase models with static covariates: it groups the
// customers by covariate vector, and maximizes the likelihood over the
// base parameters and the coefficients γ of the two processes, with the
// gradient of each group's likelihood (the model package's) carried to
// them by the chain rule.
//
// A model's parameters p_k (r, α, s, β for Pareto/NBD) become, for a
// customer with covariate vector z,
//
//	p_k(z) = p_k · exp(Trans_k·γ_trans·z + Life_k·γ_life·z),
//
// with the signs Trans_k, Life_k ∈ {−1, 0, 1} of the model's Spec: the
// parametrisation of CLVTools (Bachmann, Meierer & Näf, R package
// CLVTools; Fader & Hardie 2007, "Incorporating Time-Invariant Covariates
// into the Pareto/NBD and BG/NBD Models").
package cov

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/parallel"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Spec is how covariates enter a model.
type Spec struct {
	Pkg         string    // the package, as the prefix of errors
	Base        []string  // names of the base parameters, in Vector order
	Trans, Life []float64 // per base parameter, the sign of γ_trans·z and γ_life·z in its exponent
}

// At returns the parameters of a customer with covariate vector z:
// base_k·exp(Trans_k·γ_trans·z + Life_k·γ_life·z), in out.
func (s Spec) At(base, trans, life, z, out []float64) {
	gt, gl := dot(trans, z), dot(life, z)
	for k, b := range base {
		out[k] = b * math.Exp(s.Trans[k]*gt+s.Life[k]*gl)
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// SmallGroup is the number of customers below which a group is better
// evaluated customer by customer than compressed into rows (numeric
// covariates, with a vector per customer).
const SmallGroup = 32

// A Group is the customers with one covariate vector.
type Group struct {
	Z         []float64
	Customers []clv.Customer
	Weights   []float64 // nil: 1 each
	W         float64   // total weight
}

// Split checks the covariates and weights and groups the customers by
// covariate vector, in the order of the vectors (so that a fit does not
// depend on the order of the customers). Customers of weight 0 are left
// out; a group of them alone is dropped.
func Split(pkg string, cs []clv.Customer, z clv.Covariates, weights []float64) ([]Group, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("%s: %w", pkg, clv.ErrNoCustomers)
	}
	if err := z.Check(len(cs)); err != nil {
		return nil, fmt.Errorf("%s: %w", pkg, err)
	}
	if weights != nil && len(weights) != len(cs) {
		return nil, fmt.Errorf("%s: %d weights for %d customers", pkg, len(weights), len(cs))
	}
	for i, w := range weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("%s: weights[%d] = %v, want a finite number ≥ 0", pkg, i, w)
		}
	}
	for i := range cs {
		// Here, so that the error names the customer's index in cs.
		if err := cs[i].Validate(); err != nil {
			return nil, fmt.Errorf("%s: customers[%d]: %w", pkg, i, err)
		}
	}
	slot, vecs := Index(z)
	// Count first, so that each group's slices are allocated once.
	count := make([]int, len(vecs))
	for i, g := range slot {
		if weights == nil || weights[i] > 0 {
			count[g]++
		}
	}
	all := make([]Group, len(vecs))
	for g, v := range vecs {
		zz := slices.Clone(v)
		for j := range zz {
			zz[j] += 0 // +0 turns −0 into 0
		}
		all[g] = Group{Z: zz, Customers: make([]clv.Customer, 0, count[g])}
		if weights != nil {
			all[g].Weights = make([]float64, 0, count[g])
		}
	}
	for i, g := range slot {
		w := 1.0
		if weights != nil {
			if w = weights[i]; w == 0 {
				continue
			}
			all[g].Weights = append(all[g].Weights, w)
		}
		all[g].Customers = append(all[g].Customers, cs[i])
		all[g].W += w
	}
	groups := slices.DeleteFunc(all, func(g Group) bool { return len(g.Customers) == 0 })
	if len(groups) == 0 {
		return nil, fmt.Errorf("%s: all weights are zero", pkg)
	}
	slices.SortFunc(groups, func(a, b Group) int { return slices.CompareFunc(a.Z, b.Z, cmp.Compare[float64]) })
	return groups, nil
}

// Problem is a fit with covariates.
type Problem struct {
	Spec
	K    int         // number of covariates
	Z    [][]float64 // per group, its covariate vector
	W    []float64   // per group, its total weight
	Rows int         // distinct rows over all groups, for FitInfo
	// Unobserved is the weight of the customers left out of the groups
	// because they were observed for no time (their likelihood is 1),
	// counted in FitInfo.Customers.
	Unobserved float64
	Same       []bool // per covariate: the same γ on both processes
	NoTrans    []bool // per covariate: γ_trans held at 0 (nil: none)
	NoLife     []bool // per covariate: γ_life held at 0 (nil: none)
	// Starts are the points to start from: base parameters (all γ = 0),
	// or a whole vector of the free layout in natural parameters.
	Starts [][]float64
	// LogLik returns the log-likelihood of group g at its parameters p
	// and, if grad is not nil, writes its gradient with respect to p. It
	// is called for different groups concurrently.
	LogLik func(g int, p, grad []float64) float64
	// Penalizer c: the fit maximizes LL − c·Σγ² (every coefficient of
	// both processes; a shared one once).
	Penalizer float64
	GradTol   float64 // of the mean objective on (ln base, γ); 0: 1e-8
	MaxIter   int     // 0: 1000
	// AtBoundary reports base parameters at which the fit runs off toward
	// a limit of the model; nil: none.
	AtBoundary func(base []float64) bool
	// Warm, if not nil, is the same problem on a subsample of the
	// customers, with its own starts: Fit solves it first and starts from
	// there (see mle.Problem.Warm).
	Warm *Problem
}

// Estimate is the outcome of Fit: the parameters with their standard
// errors (full layout: base, γ_trans, γ_life) and how the fit went.
type Estimate struct {
	Base, Trans, Life []float64
	StdErr            []float64 // nil when the Hessian is not positive definite; 0 for a coefficient held
	Cov               []float64 // covariance of (base, γ_trans, γ_life), row major; nil with StdErr
	Info              clv.FitInfo
}

// free is the layout of the vector the optimizer sees: nb base
// parameters, the γ_trans not held, then the γ_life not held nor shared.
type free struct {
	nb, k, n    int
	trans, life []int // per covariate: the index of its γ in the vector, −1 if held at 0
}

func (pr *Problem) layout() free {
	f := free{nb: len(pr.Base), k: pr.K, trans: make([]int, pr.K), life: make([]int, pr.K)}
	n := f.nb
	for j := range pr.K {
		f.trans[j] = -1
		if !flag(pr.NoTrans, j) {
			f.trans[j] = n
			n++
		}
	}
	for j := range pr.K {
		switch {
		case flag(pr.Same, j):
			f.life[j] = f.trans[j]
		case flag(pr.NoLife, j):
			f.life[j] = -1
		default:
			f.life[j] = n
			n++
		}
	}
	f.n = n
	return f
}

func flag(b []bool, j int) bool { return b != nil && b[j] }

func (f free) dim() int { return f.n }

// split returns the base, γ_trans and γ_life of a vector of natural
// parameters in the free layout.
func (f free) split(v []float64) (base, trans, life []float64) {
	base = v[:f.nb]
	trans, life = make([]float64, f.k), make([]float64, f.k)
	for j := range f.k {
		if i := f.trans[j]; i >= 0 {
			trans[j] = v[i]
		}
		if i := f.life[j]; i >= 0 {
			life[j] = v[i]
		}
	}
	return base, trans, life
}

// evaluator computes the log-likelihood and its gradient in natural
// parameters (free layout) over the groups, on all cores.
type evaluator struct {
	pr     *Problem
	f      free
	lls    []float64
	grads  [][]float64
	params [][]float64
}

func newEvaluator(pr *Problem) *evaluator {
	e := &evaluator{pr: pr, f: pr.layout(), lls: make([]float64, len(pr.Z))}
	nb := len(pr.Base)
	e.grads, e.params = make([][]float64, len(pr.Z)), make([][]float64, len(pr.Z))
	for g := range pr.Z {
		e.grads[g], e.params[g] = make([]float64, nb), make([]float64, nb)
	}
	return e
}

// logLik returns LL at v (free layout, natural) and writes ∂LL/∂v into
// grad if not nil.
func (e *evaluator) logLik(v, grad []float64) float64 {
	pr, f := e.pr, e.f
	base, trans, life := f.split(v)
	for _, b := range base {
		if !(b > 0) || math.IsInf(b, 0) {
			return math.NaN()
		}
	}
	parallel.For(len(pr.Z), func(g int) {
		pr.At(base, trans, life, pr.Z[g], e.params[g])
		var gr []float64
		if grad != nil {
			gr = e.grads[g]
		}
		e.lls[g] = pr.LogLik(g, e.params[g], gr)
	})
	var ll float64
	for g := range pr.Z {
		ll += e.lls[g]
	}
	if grad == nil {
		return ll
	}
	clear(grad)
	for g, z := range pr.Z {
		for k := range f.nb {
			d := e.grads[g][k] * e.params[g][k] // ∂LL_g/∂ln p_k(z)
			grad[k] += d / base[k]
			if s := pr.Trans[k]; s != 0 {
				for j, zj := range z {
					if i := f.trans[j]; i >= 0 {
						grad[i] += s * d * zj
					}
				}
			}
			if s := pr.Life[k]; s != 0 {
				for j, zj := range z {
					if i := f.life[j]; i >= 0 {
						grad[i] += s * d * zj
					}
				}
			}
		}
	}
	return ll
}

// penalty returns c·Σγ² over the free coefficients and adds its gradient
// (in natural parameters) to grad if not nil.
func (e *evaluator) penalty(v, grad []float64) float64 {
	c := e.pr.Penalizer
	var p float64
	for i := e.f.nb; i < len(v); i++ {
		p += c * v[i] * v[i]
		if grad != nil {
			grad[i] += 2 * c * v[i]
		}
	}
	return p
}

// Fit maximizes the penalized log-likelihood with BFGS on (ln base, γ)
// from each start with γ = 0 in turn (after the warm start, if any), and
// computes the standard errors from the Hessian of the penalized negative
// log-likelihood in natural parameters. It returns the best point found
// even with an error: one wrapping mle.ErrNotConverged, clv.ErrBoundary
// (the fit ran off toward a limit of the model: Problem.AtBoundary) or
// clv.ErrNotIdentified (a parameter ran off, or the Hessian is not
// positive definite).
func Fit(ctx context.Context, pr Problem) (Estimate, error) {
	est, _, err := fit(ctx, pr, true)
	return est, err
}

// objective returns the function the optimizer minimizes, on (ln base,
// γ): (−LL + penalty)/W, +Inf where it is not defined.
func (pr *Problem) objective(e *evaluator) mle.Objective {
	var W float64
	for _, w := range pr.W {
		W += w
	}
	f := e.f
	n := f.dim()
	nat := make([]float64, n)
	ng := make([]float64, n)
	return func(theta, grad []float64) float64 {
		copy(nat, theta)
		for k := range f.nb {
			nat[k] = math.Exp(theta[k])
		}
		ll := e.logLik(nat, ng)
		v := (-ll + e.penalty(nat, nil)) / W
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.Inf(1)
		}
		for i := range grad {
			grad[i] = -ng[i] / W
			if i < f.nb {
				grad[i] *= nat[i]
			} else {
				grad[i] += 2 * pr.Penalizer * nat[i] / W
			}
		}
		return v
	}
}

// fit is Fit, also returning the optimizer's point (ln base, γ); without
// hessian, it leaves out the standard errors and the judgement of
// identification.
func fit(ctx context.Context, pr Problem, hessian bool) (Estimate, []float64, error) {
	if !(pr.Penalizer >= 0) || math.IsInf(pr.Penalizer, 0) {
		return Estimate{}, nil, fmt.Errorf("%s: penalizer %v, want a finite number ≥ 0", pr.Pkg, pr.Penalizer)
	}
	if pr.GradTol == 0 {
		pr.GradTol = 1e-8
	}
	if pr.MaxIter == 0 {
		pr.MaxIter = 1000
	}
	var W float64
	for _, w := range pr.W {
		W += w
	}
	e := newEvaluator(&pr)
	f := e.f
	n := f.dim()
	obj := pr.objective(e)
	set := mle.Settings{GradTol: pr.GradTol, MaxIter: pr.MaxIter, Escape: math.Log(mle.MaxParam)}
	if pr.Warm != nil {
		// Fit the subsample loosely, then take quasi-Newton steps on the
		// full data with the subsample's Hessian: a few full evaluations
		// instead of dozens.
		w := *pr.Warm
		w.GradTol, w.Warm = 1e-6, nil
		if _, theta, err := fit(ctx, w, false); err == nil {
			we := newEvaluator(&w)
			wobj := w.objective(we)
			h := mle.Hessian(func(x, g []float64) { wobj(x, g) }, theta)
			set.Starts = append(set.Starts, mle.Polish(obj, theta, h, pr.GradTol/4, 20))
		} else if ctx.Err() != nil {
			return Estimate{}, nil, ctx.Err()
		}
	}
	for _, s := range pr.Starts {
		x := make([]float64, n)
		copy(x, s)
		for k := range f.nb {
			x[k] = math.Log(s[k])
		}
		set.Starts = append(set.Starts, x)
	}
	if pr.AtBoundary != nil {
		set.Stop = func(theta []float64) bool {
			v := slices.Clone(theta)
			for k := range f.nb {
				v[k] = math.Exp(v[k])
			}
			return pr.boundaryGroup(f, v) != nil
		}
	}
	res, fitErr := mle.Minimize(ctx, obj, set)
	if res.X == nil {
		return Estimate{}, nil, fmt.Errorf("%s: fit: %w", pr.Pkg, fitErr)
	}
	if err := ctx.Err(); err != nil {
		return Estimate{}, nil, err
	}
	v := slices.Clone(res.X)
	for k := range f.nb {
		v[k] = math.Exp(v[k])
	}
	est := Estimate{Info: clv.FitInfo{
		LogLikelihood: e.logLik(v, nil), NumParams: n, Customers: int(math.Round(W + pr.Unobserved)), Rows: pr.Rows,
		Penalizer: pr.Penalizer, Optimizer: res.Status, Start: res.Start, Iterations: res.Iterations,
		Evaluations: res.Evals, GradNorm: res.GradNorm, Status: clv.NotConverged,
	}}
	base, trans, life := f.split(v)
	est.Base, est.Trans, est.Life = slices.Clone(base), slices.Clone(trans), life
	if res.Converged {
		est.Info.Status = clv.Converged
	}
	if z := pr.boundaryGroup(f, v); res.AtBoundary || z != nil {
		est.Info.Status = clv.AtBoundary
		est.Info.Reason = "the estimate runs off toward a limit of the model (a heterogeneity across customers vanishes)"
		if z != nil {
			est.Info.Reason += fmt.Sprintf(" for the customers with covariates %v", z)
		}
		return est, res.X, fmt.Errorf("%s: %w: %s", pr.Pkg, clv.ErrBoundary, est.Info.Reason)
	}
	if fitErr != nil {
		return est, res.X, fmt.Errorf("%s: %w", pr.Pkg, fitErr)
	}
	if !hessian {
		return est, res.X, nil
	}
	// Standard errors from the Hessian of −LL + penalty in natural
	// parameters, by central differences of the analytic gradient.
	gbuf := make([]float64, n)
	h := ForwardHessian(func(x, g []float64) {
		e.logLik(x, gbuf)
		clear(g)
		e.penalty(x, g)
		for i := range g {
			g[i] -= gbuf[i]
		}
	}, v)
	se, cv, err := mle.Covariance(h)
	for k, b := range base {
		if b > mle.MaxParam || b < mle.MinParam {
			est.Info.Status = clv.NotIdentified
			est.Info.Reason = fmt.Sprintf("%s = %.3g ran off", pr.Base[k], b)
		}
	}
	if err != nil && est.Info.Status == clv.Converged {
		est.Info.Status = clv.NotIdentified
		est.Info.Reason = "the log-likelihood is flat at the estimate (its Hessian is not positive definite)"
	}
	if err == nil {
		est.StdErr, est.Cov = expand(f, se, cv)
	}
	if est.Info.Status == clv.NotIdentified {
		return est, res.X, fmt.Errorf("%s: %w: %s", pr.Pkg, clv.ErrNotIdentified, est.Info.Reason)
	}
	return est, res.X, nil
}

// boundaryGroup returns the covariate vector of a group whose parameters
// at v (natural parameters, free layout) have passed into a limit of the
// model (Problem.AtBoundary), nil if none.
func (pr *Problem) boundaryGroup(f free, v []float64) []float64 {
	if pr.AtBoundary == nil {
		return nil
	}
	base, trans, life := f.split(v)
	return BoundaryGroup(pr.Spec, pr.Z, base, trans, life, pr.AtBoundary)
}

// BoundaryGroup returns the covariate vector of the first group (the
// reference customers, z = 0, first; then zs in order) whose parameters
// at (base, trans, life) satisfy at, the test of a limit of the model; nil
// if none. The limit may be reached by any group, not only by the
// reference customers.
func BoundaryGroup(s Spec, zs [][]float64, base, trans, life []float64, at func([]float64) bool) []float64 {
	if at(base) {
		return make([]float64, len(trans))
	}
	p := make([]float64, len(base))
	for _, z := range zs {
		s.At(base, trans, life, z, p)
		if at(p) {
			return z
		}
	}
	return nil
}

// expand returns the standard errors and covariance of the full layout
// (base, γ_trans, γ_life) from those of the free one; a coefficient held
// at 0 has standard error 0.
func expand(f free, se, cv []float64) ([]float64, []float64) {
	n := len(se)
	idx := make([]int, 0, f.nb+2*f.k)
	for i := range f.nb {
		idx = append(idx, i)
	}
	idx = append(append(idx, f.trans...), f.life...)
	m := len(idx)
	fse := make([]float64, m)
	fcv := make([]float64, m*m)
	for a, i := range idx {
		if i < 0 {
			continue
		}
		fse[a] = se[i]
		for b, j := range idx {
			if j >= 0 {
				fcv[a*m+b] = cv[i*n+j]
			}
		}
	}
	return fse, fcv
}

// Effects returns the effects of every covariate on both processes at the
// given confidence level: Ratio = exp(sign·γ) with sign = transSign for
// γ_trans and lifeSign for γ_life, and its interval exp(sign·(γ ± z·SE)).
// se is the full layout's standard errors (nil: none; Lo, Hi and StdErr
// are then NaN). A coefficient held at 0 (heldTrans, heldLife; nil: none)
// is left out. The likelihood-ratio fields are NaN.
func Effects(names []string, trans, life, se []float64, heldTrans, heldLife []bool, nb int, transSign, lifeSign, level float64) ([]clv.CovariateEffect, error) {
	if !(level > 0 && level < 1) {
		return nil, fmt.Errorf("confidence level %v, want (0, 1)", level)
	}
	zq := distuv.UnitNormal.Quantile(0.5 + level/2)
	var out []clv.CovariateEffect
	add := func(proc string, j int, g, sign float64, idx int) {
		e := clv.CovariateEffect{Covariate: names[j], Process: proc, Gamma: g, Ratio: math.Exp(sign * g),
			StdErr: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), LR: math.NaN(), P: math.NaN()}
		if se != nil {
			s := se[idx]
			e.StdErr = s
			a, b := math.Exp(sign*(g-zq*s)), math.Exp(sign*(g+zq*s))
			e.Lo, e.Hi = math.Min(a, b), math.Max(a, b)
		}
		out = append(out, e)
	}
	k := len(names)
	for j := range names {
		if !flag(heldTrans, j) {
			add(clv.PurchaseProcess, j, trans[j], transSign, nb+j)
		}
		if !flag(heldLife, j) {
			add(clv.DropoutProcess, j, life[j], lifeSign, nb+k+j)
		}
	}
	return out, nil
}

// Held returns, per covariate, whether it is in same (the same γ on both
// processes), in noTrans (γ_trans held at 0) and in noLife (γ_life held
// at 0); each must name covariates of names, and a covariate in same
// cannot be in the others.
func Held(pkg string, names, same, noTrans, noLife []string) (sm, nt, nl []bool, err error) {
	pick := func(list []string, what string) ([]bool, error) {
		out := make([]bool, len(names))
		for _, s := range list {
			j := slices.Index(names, s)
			if j < 0 {
				return nil, fmt.Errorf("%s: %w: %s names %q, not a covariate", pkg, clv.ErrInvalidCovariates, what, s)
			}
			out[j] = true
		}
		return out, nil
	}
	if sm, err = pick(same, "Same"); err != nil {
		return nil, nil, nil, err
	}
	if nt, err = pick(noTrans, "NoPurchase"); err != nil {
		return nil, nil, nil, err
	}
	if nl, err = pick(noLife, "NoDropout"); err != nil {
		return nil, nil, nil, err
	}
	for j, n := range names {
		if sm[j] && (nt[j] || nl[j]) {
			return nil, nil, nil, fmt.Errorf("%s: %w: %q is in Same and held at 0 on a process", pkg, clv.ErrInvalidCovariates, n)
		}
	}
	return sm, nt, nl, nil
}

// Index maps each customer to its distinct covariate vector: slot[i] is
// customer i's index into vecs.
func Index(z clv.Covariates) (slot []int32, vecs [][]float64) {
	index := map[string]int32{}
	slot = make([]int32, len(z.Values))
	key := make([]byte, 0, 8*len(z.Names))
	for i, v := range z.Values {
		key = key[:0]
		for _, x := range v {
			u := math.Float64bits(x + 0)
			key = append(key, byte(u), byte(u>>8), byte(u>>16), byte(u>>24), byte(u>>32), byte(u>>40), byte(u>>48), byte(u>>56))
		}
		g, ok := index[string(key)]
		if !ok {
			g = int32(len(vecs))
			index[string(key)] = g
			vecs = append(vecs, v)
		}
		slot[i] = g
	}
	return slot, vecs
}

// Eval returns the log-likelihood at v, in natural parameters and the
// layout of the fit (base, γ_trans, then γ_life of the covariates not in
// Same), and writes its gradient into grad if not nil: what Fit
// maximizes, without the penalty.
func (pr Problem) Eval(v, grad []float64) float64 {
	return newEvaluator(&pr).logLik(v, grad)
}

// Every returns every k-th customer (k ≥ 1) with its covariates and
// weight: the subsample of a warm start.
func Every(cs []clv.Customer, z clv.Covariates, weights []float64, k int) ([]clv.Customer, clv.Covariates, []float64) {
	k = max(k, 1)
	var sc []clv.Customer
	sz := clv.Covariates{Names: z.Names}
	var sw []float64
	for i := 0; i < len(cs); i += k {
		sc = append(sc, cs[i])
		sz.Values = append(sz.Values, z.Values[i])
		if weights != nil {
			sw = append(sw, weights[i])
		}
	}
	return sc, sz, sw
}

// ForwardHessian returns the Hessian at x of a function whose gradient is
// grad, by forward differences of the gradient with relative step 1e-6,
// symmetrized: n+1 gradients (mle.Hessian's central differences take 2n),
// accurate to some 1e-6 relative, far below the sampling error the
// standard errors describe.
func ForwardHessian(grad func(x, g []float64), x []float64) *mat.SymDense {
	n := len(x)
	g0 := make([]float64, n)
	grad(x, g0)
	h := mat.NewDense(n, n, nil)
	xp := slices.Clone(x)
	gp := make([]float64, n)
	for j := range n {
		step := 1e-6 * math.Max(math.Abs(x[j]), 1e-3)
		xp[j] = x[j] + step
		step = xp[j] - x[j] // the step actually taken
		grad(xp, gp)
		for i := range n {
			h.Set(i, j, (gp[i]-g0[i])/step)
		}
		xp[j] = x[j]
	}
	sym := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	return sym
}
