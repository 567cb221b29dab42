package cov

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
	"gonum.org/v1/gonum/stat/distuv"
)

// This file holds what the model packages' CovModels share beyond the
// fit: the checks of their coefficients, the grouping of customers into
// compressed rows, per-customer predictions, simulation and the
// likelihood-ratio tests. pkg prefixes the errors ("paretonbd").

// CheckCoefs reports whether names are valid covariate names with one
// finite γ_trans and γ_life each; errInvalid is the package's sentinel of
// invalid parameters.
func CheckCoefs(pkg string, names []string, trans, life []float64, errInvalid error) error {
	if err := (clv.Covariates{Names: names}).Check(0); err != nil {
		return fmt.Errorf("%s: %w", pkg, err)
	}
	if len(trans) != len(names) || len(life) != len(names) {
		return fmt.Errorf("%s: %w: %d γ_trans and %d γ_life for %d covariates", pkg, errInvalid, len(trans), len(life), len(names))
	}
	for j, n := range names {
		if g := trans[j]; math.IsNaN(g) || math.IsInf(g, 0) {
			return fmt.Errorf("%s: %w: trans.%s = %v", pkg, errInvalid, n, g)
		}
		if g := life[j]; math.IsNaN(g) || math.IsInf(g, 0) {
			return fmt.Errorf("%s: %w: life.%s = %v", pkg, errInvalid, n, g)
		}
	}
	return nil
}

// observedNever reports whether every customer is valid with T = 0.
func observedNever(cs []clv.Customer) bool {
	for i := range cs {
		if cs[i].T != 0 || !model.ValidCustomer(&cs[i]) {
			return false
		}
	}
	return true
}

// Compress fills pr's Z, W, Rows and Unobserved from the groups of
// customers (Split): a group whose customers were never observed (all T =
// 0) adds to Unobserved; a group of fewer than SmallGroup customers is
// kept as it is (data[g] nil, small[g] the group), any other compressed
// into rows (data[g]). It returns them with the largest T. If no group is
// left, the error names the first invalid customer, or says that nothing
// was observed.
func Compress(pkg string, customers []clv.Customer, groups []Group, pr *Problem) (data []*rows.Data, small []Group, maxT float64, err error) {
	for _, gr := range groups {
		if observedNever(gr.Customers) {
			// Its customers' likelihood is 1, whatever the parameters.
			pr.Unobserved += gr.W
			continue
		}
		pr.Z, pr.W = append(pr.Z, gr.Z), append(pr.W, gr.W)
		if len(gr.Customers) < SmallGroup {
			// A numeric covariate: few customers per vector, each its
			// own row (validated by Split).
			data, small = append(data, nil), append(small, gr)
			pr.Rows += len(gr.Customers)
			for _, c := range gr.Customers {
				maxT = math.Max(maxT, c.T)
			}
			continue
		}
		d, err := model.Compress(pkg, gr.Customers, gr.Weights, nil)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("%w (covariates %v)", err, gr.Z)
		}
		data, small = append(data, d), append(small, Group{})
		pr.Rows += len(d.Rows)
		maxT = math.Max(maxT, d.MaxT)
	}
	if len(data) == 0 {
		for i := range customers {
			if err := customers[i].Validate(); err != nil {
				return nil, nil, 0, fmt.Errorf("%s: customers[%d]: %w", pkg, i, err)
			}
		}
		return nil, nil, 0, fmt.Errorf("%s: %w: every customer has T = 0 (each was first seen at the observation end), so no time was observed "+
			"in which to buy again or drop out; observe longer: an observation end after the first purchases, or customers first seen earlier",
			pkg, clv.ErrNotIdentified)
	}
	return data, small, maxT, nil
}

// Models returns the model of each distinct vector of z (Index), by
// customer (z's vector, e.g. CovModel.Customer), with slot mapping each
// vector of z to its model.
func Models[M any](z clv.Covariates, customer func([]float64) (M, error)) (slot []int32, models []M, err error) {
	slot, vecs := Index(z)
	models = make([]M, len(vecs))
	for g, v := range vecs {
		m, err := customer(v)
		if err != nil {
			return nil, nil, fmt.Errorf("customers with covariates %v: %w", v, err)
		}
		models[g] = m
	}
	return slot, models, nil
}

// Batch computes f for every customer with the model of its covariate
// vector (customer), one model per distinct vector, on all cores. names
// are the model's covariates; a value f leaves NaN is the error nanErr
// returns for that customer and model.
func Batch[M any](pkg string, names []string, cs []clv.Customer, z clv.Covariates, customer func([]float64) (M, error),
	f func(m M, c clv.Customer) float64, nanErr func(i int, m M) error) ([]float64, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("%s: %w", pkg, clv.ErrNoCustomers)
	}
	if err := z.Check(len(cs)); err != nil {
		return nil, fmt.Errorf("%s: %w", pkg, err)
	}
	if !slices.Equal(z.Names, names) {
		return nil, fmt.Errorf("%s: %w: covariates %v, the model's are %v", pkg, clv.ErrInvalidCovariates, z.Names, names)
	}
	for i := range cs {
		if !model.ValidCustomer(&cs[i]) {
			return nil, fmt.Errorf("%s: customers[%d]: %w", pkg, i, cs[i].Validate())
		}
	}
	slot, models, err := Models(z, customer)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(cs))
	parallel.Map(len(cs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = f(models[slot[i]], cs[i])
		}
	})
	for i, v := range out {
		if math.IsNaN(v) {
			return nil, nanErr(i, models[slot[i]])
		}
	}
	return out, nil
}

// Simulate draws one customer per element of T with covariate vector
// z.Values[i] from the model of that vector (customer, drawn by sim),
// with IDs "0", "1", ...; deterministic for a given src.
func Simulate[M any](pkg string, src rand.Source, T []float64, z clv.Covariates, customer func([]float64) (M, error),
	sim func(m M, src rand.Source, T []float64) ([]clv.Customer, error)) ([]clv.Customer, error) {
	if src == nil {
		return nil, fmt.Errorf("%s: Simulate: nil source", pkg)
	}
	if err := z.Check(len(T)); err != nil {
		return nil, fmt.Errorf("%s: %w", pkg, err)
	}
	slot, models, err := Models(z, customer)
	if err != nil {
		return nil, err
	}
	out := make([]clv.Customer, len(T))
	for i, t := range T {
		c, err := sim(models[slot[i]], src, []float64{t})
		if err != nil {
			return nil, fmt.Errorf("%s: Simulate: T[%d]: %w", pkg, i, err)
		}
		out[i] = c[0]
		out[i].ID = strconv.Itoa(i)
	}
	return out, nil
}

// Refit fits the model again with the options' Same, NoPurchase and
// NoDropout replaced, and returns its log-likelihood and whether there is
// a model (with the fit's error).
type Refit func(ctx context.Context, same, noPurchase, noDropout []string) (ll float64, fitted bool, err error)

// EffectTests adds to each effect of eff (Effects, of a model of
// log-likelihood ll fitted with same, noPurchase and noDropout) its
// likelihood-ratio test against the model without it: the statistic
// 2·(ll − ll₀), ll₀ the maximum with that coefficient held at 0 (for a
// covariate in same, without the covariate), and its p-value from the χ²
// distribution with 1 degree of freedom. refit fits once per effect (once
// per covariate in same); the refits run concurrently, on up to
// GOMAXPROCS goroutines, each result in its effect's place, so the
// outcome does not depend on their order. A refit that ends at a
// boundary or not identified still gives its likelihood; any other error
// is returned (the first in the order of eff), as is ctx's.
func EffectTests(ctx context.Context, pkg string, eff []clv.CovariateEffect, ll float64, same, noPurchase, noDropout []string, refit Refit) ([]clv.CovariateEffect, error) {
	// The distinct refits: a covariate in same is tested once, for both
	// of its effects.
	type job struct {
		sm, np, nd []string
		what       string
		ll0        float64
		err        error
	}
	var jobs []*job
	of := make([]int, len(eff)) // effect -> job
	shared := map[string]int{}
	for i, e := range eff {
		sm, np, nd := slices.Clone(same), slices.Clone(noPurchase), slices.Clone(noDropout)
		switch {
		case slices.Contains(same, e.Covariate):
			if k, ok := shared[e.Covariate]; ok {
				of[i] = k
				continue
			}
			shared[e.Covariate] = len(jobs)
			sm = slices.DeleteFunc(sm, func(s string) bool { return s == e.Covariate })
			np = append(np, e.Covariate)
			nd = append(nd, e.Covariate)
		case e.Process == clv.PurchaseProcess:
			np = append(np, e.Covariate)
		default:
			nd = append(nd, e.Covariate)
		}
		of[i] = len(jobs)
		jobs = append(jobs, &job{sm: sm, np: np, nd: nd, what: fmt.Sprintf("%s's effect on %s", e.Covariate, e.Process)})
	}
	parallel.For(len(jobs), func(k int) {
		jb := jobs[k]
		if ctx.Err() != nil {
			jb.err = ctx.Err()
			return
		}
		ll0, fitted, err := refit(ctx, jb.sm, jb.np, jb.nd)
		switch {
		case !fitted || err != nil && !errors.Is(err, clv.ErrBoundary) && !errors.Is(err, clv.ErrNotIdentified):
			if err == nil {
				err = errors.New("no model")
			}
			jb.err = fmt.Errorf("%s: the fit without %s: %w", pkg, jb.what, err)
		default:
			jb.ll0 = ll0
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i := range eff {
		jb := jobs[of[i]]
		if jb.err != nil {
			return nil, jb.err
		}
		eff[i].LR = max(0, 2*(ll-jb.ll0))
		eff[i].P = chi2Survival(eff[i].LR)
	}
	return eff, nil
}

// RefitFrom maximizes pr's likelihood from the point (base, trans, life)
// of the full layout, with the coefficients pr holds at 0 (NoTrans,
// NoLife) set to 0, and no other start nor warm start, without standard
// errors: the refit of a likelihood-ratio test from the full fit, whose
// maximum is usually a few steps away. It returns the log-likelihood at
// the maximum, or an error if the fit did not converge there (at a
// boundary, or not at all): the caller then refits from its usual starts.
func RefitFrom(ctx context.Context, pr Problem, base, trans, life []float64) (float64, error) {
	f := pr.layout()
	v := make([]float64, f.dim())
	copy(v, base)
	for j := range f.k {
		if i := f.trans[j]; i >= 0 {
			v[i] = trans[j]
		}
		if i := f.life[j]; i >= 0 && !flag(pr.Same, j) {
			v[i] = life[j]
		}
	}
	// Quasi-Newton steps from there with the Hessian at the start (a
	// dozen gradients), before BFGS confirms: the maximum is near, and
	// BFGS alone, whose curvature starts from none, takes some fifty
	// evaluations to reach it.
	tol := pr.GradTol
	if tol == 0 {
		tol = 1e-8
	}
	theta := slices.Clone(v)
	for k := range f.nb {
		if !(v[k] > 0) || math.IsInf(v[k], 0) {
			return 0, fmt.Errorf("%s: the refit's start has %s = %v", pr.Pkg, pr.Base[k], v[k])
		}
		theta[k] = math.Log(v[k])
	}
	obj := pr.objective(newEvaluator(&pr))
	h := ForwardHessian(func(x, g []float64) { obj(x, g) }, theta)
	if ctx.Err() != nil {
		return 0, ctx.Err()
	}
	theta = mle.Polish(obj, theta, h, tol/4, 20)
	for k := range f.nb {
		theta[k] = math.Exp(theta[k])
	}
	pr.Starts, pr.Warm = [][]float64{theta}, nil
	est, _, err := fit(ctx, pr, false)
	if err != nil {
		return 0, err
	}
	if est.Info.Status != clv.Converged {
		return 0, fmt.Errorf("%s: the refit from the full fit did not converge", pr.Pkg)
	}
	return est.Info.LogLikelihood, nil
}

// chi2Survival is P(χ²₁ > x).
func chi2Survival(x float64) float64 { return distuv.ChiSquared{K: 1}.Survival(x) }

// Bounded is a model's parameters as At checks them.
type Bounded interface {
	Validate() error
	// JSONBounds returns the range of the named parameter within which
	// the model's predictions are accurate.
	JSONBounds(name string) (lo, hi float64)
}

// At returns the parameters of a customer with covariate vector z (names
// the covariates): s.At of the base parameters and coefficients, as P
// through conv, checked. Its error wraps clv.ErrInvalidCovariates for a z
// of the wrong length or not finite, and errInvalid if the parameters
// leave their range or the range of P's JSONBounds.
func At[P Bounded](s Spec, names []string, base, trans, life, z []float64, conv func([]float64) P, errInvalid error) (P, error) {
	var zero P
	if err := (clv.Covariates{Names: names}).CheckVector(z); err != nil {
		return zero, fmt.Errorf("%s: %w", s.Pkg, err)
	}
	out := make([]float64, len(base))
	s.At(base, trans, life, z, out)
	q := conv(out)
	if err := q.Validate(); err != nil {
		return zero, err
	}
	for i, v := range out {
		// Beyond the range a model is read from JSON in, predictions are
		// not promised accurate, nor finite.
		if lo, hi := q.JSONBounds(s.Base[i]); !(v >= lo && v <= hi) {
			return zero, fmt.Errorf("%s: %w: the customer's %s = %v, outside [%g, %g] where predictions are accurate", s.Pkg, errInvalid, s.Base[i], v, lo, hi)
		}
	}
	return q, nil
}
