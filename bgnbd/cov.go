package bgnbd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
	"github.com/clvkit/clvkit/internal/mle"
	"gonum.org/v1/gonum/mathext"
)

// CovParams are the parameters of the BG/NBD (or MBG/NBD) model with
// static covariates, in the parametrisation of the R package CLVTools
// (Fader & Hardie 2007, "Incorporating Time-Invariant Covariates into the
// Pareto/NBD and BG/NBD Models"): a customer with covariate vector z has
// the BG/NBD parameters
//
//	r,  α·exp(−γ_trans·z),  a·exp(γ_life·z),  b·exp(γ_life·z),
//
// so that the customer's purchase rate λ ~ Gamma(r, α·exp(−γ_trans·z))
// has its mean, and every quantile, exp(γ_trans·z) times those of a
// customer with z = 0 (positive Trans: more purchases). The dropout
// probability p ~ Beta(a·exp(γ_life·z), b·exp(γ_life·z)) keeps its mean
// a/(a+b): γ_life scales the concentration a+b of its distribution
// (positive Life: dropout probabilities closer to the mean, fewer
// customers who stay almost for ever or leave almost at once). Params are
// the parameters of a customer with z = 0.
type CovParams struct {
	Params
	Names []string  // the covariates, in the order of z
	Trans []float64 // γ_trans, one per covariate
	Life  []float64 // γ_life, one per covariate
}

// LifeQuantity is the Quantity of a dropout effect of a CovModel
// (clv.CovariateEffect): exp(γ_life) multiplies both a and b, so the
// concentration a+b of the dropout probability's distribution, and leaves
// its mean a/(a+b) unchanged — not a dropout rate.
const LifeQuantity = "concentration a+b of the dropout probability"

// covSpec: α carries −γ_trans·z, a and b carry +γ_life·z.
var covSpec = cov.Spec{Pkg: "bgnbd", Base: []string{"r", "alpha", "a", "b"},
	Trans: []float64{0, -1, 0, 0}, Life: []float64{0, 0, 1, 1}}

// Validate reports whether the base parameters are valid, there is one
// finite coefficient per covariate and process, and the names are not
// empty nor repeated.
func (p CovParams) Validate() error {
	if err := p.Params.Validate(); err != nil {
		return err
	}
	return cov.CheckCoefs("bgnbd", p.Names, p.Trans, p.Life, ErrInvalidParams)
}

// At returns the BG/NBD parameters of a customer with covariate vector z:
// (r, α·exp(−γ_trans·z), a·exp(γ_life·z), b·exp(γ_life·z)). Its error
// wraps clv.ErrInvalidCovariates for a z of the wrong length or not
// finite, and ErrInvalidParams if the parameters leave the range of
// Params.JSONBounds.
func (p CovParams) At(z []float64) (Params, error) {
	return cov.At(covSpec, p.Names, p.Vector(), p.Trans, p.Life, z, paramsOf, ErrInvalidParams)
}

// CovFitOptions configures FitCovariates. The zero value fits the BG/NBD
// without penalty, with unit weights, every covariate on both processes.
type CovFitOptions struct {
	// Penalizer is the coefficient c of an L2 penalty on the covariates'
	// coefficients: the fit maximizes LL − c·Σ(γ_trans² + γ_life²), the
	// summed log-likelihood (a coefficient shared by Same once). It
	// shrinks the effects toward none; the base parameters are not
	// penalized, and the standard errors include the penalty's
	// curvature. Zero means no penalty.
	Penalizer float64

	// Same names covariates whose coefficient is the same on both
	// processes: γ_life = γ_trans (CLVTools' names.cov.constr).
	Same []string

	// NoPurchase and NoDropout name covariates without effect on the
	// purchase or the dropout process: their γ_trans or γ_life is held
	// at 0 (CLVTools' names.cov.trans and names.cov.life list the
	// others). A covariate in Same cannot be in either.
	NoPurchase, NoDropout []string

	// Weights gives each customer a weight (a count of identical
	// customers); nil means 1 each.
	Weights []float64

	// Start is the base parameters to start from (all γ = 0); nil means
	// the fit of the model without covariates, then the defaults of
	// FitContext.
	Start *Params

	// GradTol is the max-norm of the gradient of the mean negative
	// log-likelihood with respect to (ln r, ln α, ln a, ln b, γ) at which
	// the fit has converged. Zero means 1e-8.
	GradTol float64

	// MaxIter bounds the optimizer's iterations per start. Zero means 1000.
	MaxIter int

	// Variant is the model to fit; the zero value is BG/NBD.
	Variant Variant
}

// A CovModel is a BG/NBD or MBG/NBD model with static covariates, fitted
// or given: every customer has the model of CovParams.At(z), which
// Customer returns, and whose predictions the methods with z give. It is
// immutable and safe for concurrent use.
type CovModel struct {
	v  Variant
	p  CovParams
	se *CovParams
	// heldT and heldL mark the coefficients a fit held at 0 (nil: none).
	heldT, heldL []bool
	cov          []float64 // covariance of (r, α, a, b, γ_trans, γ_life), row major
	info         clv.FitInfo
}

// NewCovariates returns a CovModel of the given variant with the given
// parameters, for scoring with stored parameters without fitting.
func NewCovariates(v Variant, p CovParams) (*CovModel, error) {
	if v > MBGNBD {
		return nil, fmt.Errorf("bgnbd: unknown variant %d", v)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &CovModel{v: v, p: p.clone()}, nil
}

func (p CovParams) clone() CovParams {
	p.Names, p.Trans, p.Life = slices.Clone(p.Names), slices.Clone(p.Trans), slices.Clone(p.Life)
	return p
}

// FitCovariates estimates the BG/NBD (or MBG/NBD, opts.Variant) model with
// static covariates by maximum likelihood (CLVTools' parametrisation, see
// CovParams): each customer's likelihood is the model's likelihood at the
// customer's parameters CovParams.At(z). z holds one covariate vector per
// customer.
//
// The customers are grouped by covariate vector, and each group is
// compressed into its distinct (x, t_x, T) rows, so that categorical
// covariates cost little more than the model without them (10⁶ customers
// with two binary covariates: under 2 s on 2 cores). A numeric covariate
// with a value per customer makes every customer a group, and groups of
// fewer than 32 customers are evaluated customer by customer (10⁵
// customers with a numeric covariate: some 5 s on 2 busy cores). BFGS runs on
// (ln r, ln α, ln a, ln b, γ_trans, γ_life) with the analytic gradient,
// from the fit without covariates (γ = 0); standard errors come from the
// Hessian of the (penalized) negative log-likelihood in natural parameters.
//
// Errors: invalid customers wrap clv.ErrInvalidCustomer, invalid
// covariates clv.ErrInvalidCovariates. A fit that does not converge
// returns the best model found and an error wrapping ErrNotConverged; one
// whose parameters the data do not determine, the model and an error
// wrapping clv.ErrNotIdentified. If the likelihood is highest in a limit
// of the model — a and b (or r) running off toward infinity, where the
// heterogeneity of the dropout probabilities (or purchase rates) vanishes
// and with it the effect of γ_life — the fit follows it until the
// likelihood no longer changes and returns that point, usable, with
// status clv.AtBoundary, no standard errors, and an error wrapping
// clv.ErrBoundary. (CLVTools' fit of the apparel data runs there: a and b
// in the thousands.)
func FitCovariates(ctx context.Context, customers []clv.Customer, z clv.Covariates, opts CovFitOptions) (*CovModel, error) {
	if opts.Variant > MBGNBD {
		return nil, fmt.Errorf("bgnbd: unknown variant %d", opts.Variant)
	}
	pr, maxT, err := covProblem(ctx, customers, z, opts)
	if err != nil {
		return nil, err
	}
	switch {
	case opts.Start != nil:
		if err := opts.Start.Validate(); err != nil {
			return nil, fmt.Errorf("bgnbd: start: %w", err)
		}
		pr.Starts = [][]float64{opts.Start.Vector()}
	case pr.Rows > mle.WarmRows:
		// Warm start from a subsample of some 12,500 customers.
		sc, sz, sw := cov.Every(customers, z, opts.Weights, len(customers)/(mle.WarmRows/4))
		so := opts
		so.Weights = sw
		if sub, subT, err := covProblem(ctx, sc, sz, so); err == nil {
			sub.Starts = covStarts(ctx, sc, so, subT, true)
			pr.Warm = &sub
		}
		pr.Starts = covStarts(ctx, customers, opts, maxT, false)
	default:
		pr.Starts = covStarts(ctx, customers, opts, maxT, true)
	}
	est, fitErr := cov.Fit(ctx, pr)
	if est.Base == nil {
		return nil, fitErr
	}
	m := &CovModel{v: opts.Variant, p: CovParams{Params: paramsOf(est.Base), Names: slices.Clone(z.Names), Trans: est.Trans, Life: est.Life}, info: est.Info,
		heldT: pr.NoTrans, heldL: pr.NoLife}
	if zb := cov.BoundaryGroup(covSpec, pr.Z, est.Base, est.Trans, est.Life, atBoundary); zb != nil && ctx.Err() == nil {
		// The optimizer followed the ridge toward the limit until the
		// likelihood stopped changing, or a parameter passed 10⁷: a
		// limit, not a lack of data — for the reference customers or
		// for another group.
		m.info.Status = clv.AtBoundary
		m.info.Reason = covLimitReason(m.p)
		if !atBoundary(est.Base) {
			m.info.Reason = fmt.Sprintf("the estimate runs off toward a limit of the model for the customers with covariates %v (their a, b or r pass 10⁴)", zb)
		}
		return m, fmt.Errorf("bgnbd: %w: %s (%v)", clv.ErrBoundary, m.info.Reason, m)
	}
	if est.StdErr != nil {
		k := len(z.Names)
		se := CovParams{Params: paramsOf(est.StdErr), Names: m.p.Names, Trans: est.StdErr[4 : 4+k], Life: est.StdErr[4+k:]}
		m.se, m.cov = &se, est.Cov
	}
	if fitErr != nil {
		if errors.Is(fitErr, mle.ErrNotConverged) {
			return m, fmt.Errorf("%w (best: %v)", fitErr, m)
		}
		return m, fmt.Errorf("%w (%v)", fitErr, m)
	}
	return m, nil
}

// covLimitReason says which heterogeneity vanished at p, and which
// coefficients ran off with it.
func covLimitReason(p CovParams) string {
	var parts []string
	if min(p.A, p.B) > boundaryShape {
		parts = append(parts, fmt.Sprintf("dropout heterogeneity vanishes: a and b run off toward infinity with a/(a+b) → %.6g, the same dropout probability for every customer with z = 0", p.A/(p.A+p.B)))
	}
	if p.R > boundaryShape {
		parts = append(parts, fmt.Sprintf("purchase heterogeneity vanishes: r and α run off toward infinity with r/α → λ = %.6g at z = 0", p.R/p.Alpha))
	}
	for j, n := range p.Names {
		if g := p.Life[j]; math.Abs(g) > runOffGamma {
			parts = append(parts, fmt.Sprintf("life.%s = %.3g runs off with them (customers with %s ≠ 0 keep a heterogeneity the others lack)", n, g, n))
		}
		if g := p.Trans[j]; math.Abs(g) > runOffGamma {
			parts = append(parts, fmt.Sprintf("trans.%s = %.3g runs off with them", n, g))
		}
	}
	return strings.Join(parts, "; ")
}

// runOffGamma is the size of a coefficient beyond which it multiplies a
// parameter by more than e¹⁰ ≈ 22,000 per unit: at a boundary, one that
// runs off with the shapes.
const runOffGamma = 10

// covProblem groups and compresses the customers into the problem of
// FitCovariates, without its starts, and returns the largest T.
func covProblem(ctx context.Context, customers []clv.Customer, z clv.Covariates, opts CovFitOptions) (cov.Problem, float64, error) {
	groups, err := cov.Split("bgnbd", customers, z, opts.Weights)
	if err != nil {
		return cov.Problem{}, 0, err
	}
	same, noT, noL, err := cov.Held("bgnbd", z.Names, opts.Same, opts.NoPurchase, opts.NoDropout)
	if err != nil {
		return cov.Problem{}, 0, err
	}
	pr := cov.Problem{Spec: covSpec, K: len(z.Names), Same: same, NoTrans: noT, NoLife: noL,
		Penalizer: opts.Penalizer, GradTol: opts.GradTol, MaxIter: opts.MaxIter}
	data, small, maxT, err := cov.Compress("bgnbd", customers, groups, &pr)
	if err != nil {
		return cov.Problem{}, 0, err
	}
	scr := make([]scratch, len(data))
	for g := range scr {
		scr[g].ctx = ctx
	}
	sh := opts.Variant.shift()
	pr.LogLik = func(g int, p, grad []float64) float64 {
		if data[g] == nil {
			return groupLogLik(small[g], family{paramsOf(p), sh}, grad)
		}
		return logLik(data[g], family{paramsOf(p), sh}, grad, &scr[g])
	}
	return pr, maxT, nil
}

// Variant returns the model's variant.
func (m *CovModel) Variant() Variant { return m.v }

// Params returns the model's parameters (a copy).
func (m *CovModel) Params() CovParams { return m.p.clone() }

// StdErrors returns the asymptotic standard errors of the parameters,
// from the inverse Hessian of the negative log-likelihood at the optimum,
// and whether they are available (not for a model that was not fitted,
// nor at a boundary, nor when the Hessian is not positive definite).
func (m *CovModel) StdErrors() (CovParams, bool) {
	if m.se == nil {
		return CovParams{}, false
	}
	return m.se.clone(), true
}

// FitInfo returns how the fit went; the zero value (status NotFitted) for
// a model built by NewCovariates.
func (m *CovModel) FitInfo() clv.FitInfo { return m.info }

// LogLikelihood returns the log-likelihood of the fitted data at the
// estimate (without the penalty), or 0 for a model not fitted.
func (m *CovModel) LogLikelihood() float64 { return m.info.LogLikelihood }

// String returns the variant, parameters and log-likelihood in one line.
func (m *CovModel) String() string {
	var b strings.Builder
	p := m.p
	name := "BG/NBD"
	if m.v == MBGNBD {
		name = "MBG/NBD"
	}
	fmt.Fprintf(&b, "%s{r=%.6g α=%.6g a=%.6g b=%.6g", name, p.R, p.Alpha, p.A, p.B)
	for j, n := range p.Names {
		fmt.Fprintf(&b, " trans.%s=%.6g", n, p.Trans[j])
	}
	for j, n := range p.Names {
		fmt.Fprintf(&b, " life.%s=%.6g", n, p.Life[j])
	}
	fmt.Fprintf(&b, " LL=%.6f}", m.info.LogLikelihood)
	return b.String()
}

// Customer returns the model of a customer with covariate vector z, of
// the CovModel's variant with the parameters CovParams.At(z): every
// prediction of a Model (P(alive), expected purchases, PMF, ...) for that
// customer.
func (m *CovModel) Customer(z []float64) (*Model, error) {
	p, err := m.p.At(z)
	if err != nil {
		return nil, err
	}
	return NewVariant(m.v, p)
}

// ProbabilityAlive returns P(alive) of a customer with covariate vector z
// (Model.ProbabilityAlive at the customer's parameters). An invalid
// customer or z gives NaN.
func (m *CovModel) ProbabilityAlive(c clv.Customer, z []float64) float64 {
	cm, err := m.Customer(z)
	if err != nil {
		return math.NaN()
	}
	return cm.ProbabilityAlive(c)
}

// ConditionalExpectedPurchases returns the expected number of purchases in
// (T, T+t] of a customer with covariate vector z
// (Model.ConditionalExpectedPurchases at the customer's parameters).
func (m *CovModel) ConditionalExpectedPurchases(c clv.Customer, z []float64, t float64) float64 {
	cm, err := m.Customer(z)
	if err != nil {
		return math.NaN()
	}
	return cm.ConditionalExpectedPurchases(c, t)
}

// ProbabilityAliveAll returns ProbabilityAlive for every customer, with
// z holding one covariate vector per customer, on all cores. An invalid
// customer or vector is an error naming it.
func (m *CovModel) ProbabilityAliveAll(cs []clv.Customer, z clv.Covariates) ([]float64, error) {
	return m.batch(cs, z, func(cm *Model, c clv.Customer) float64 { return cm.ProbabilityAlive(c) })
}

// ConditionalExpectedPurchasesAll returns ConditionalExpectedPurchases(c,
// z, t) for every customer.
func (m *CovModel) ConditionalExpectedPurchasesAll(cs []clv.Customer, z clv.Covariates, t float64) ([]float64, error) {
	if err := checkHorizons(t); err != nil {
		return nil, err
	}
	return m.batch(cs, z, func(cm *Model, c clv.Customer) float64 { return cm.ConditionalExpectedPurchases(c, t) })
}

// batch computes f for every customer with the model of its covariate
// vector, one model per distinct vector, on all cores.
func (m *CovModel) batch(cs []clv.Customer, z clv.Covariates, f func(cm *Model, c clv.Customer) float64) ([]float64, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	return cov.Batch("bgnbd", m.p.Names, cs, z, m.Customer, f, func(i int, cm *Model) error {
		return fmt.Errorf("bgnbd: customers[%d] (%q): no accurate expectation for %v (r ≫ a+b with a+b ≤ 1)", i, cs[i].ID, cm)
	})
}

// Effects returns, for every covariate, its effect on the purchase
// process — the factor exp(γ_trans) by which one unit more of the
// covariate multiplies the purchase rate λ (its mean and every quantile
// across customers) — and on the dropout process — exp(γ_life), the factor
// on both a and b, which leaves the mean dropout probability a/(a+b)
// unchanged and multiplies the concentration a+b of its distribution (see
// CovParams) — with confidence intervals at the given level (e.g. 0.95)
// from the standard errors of γ: exp(γ ± z·σ). Without standard errors
// (a model not fitted, at a boundary, or whose Hessian is not positive
// definite) the intervals are NaN.
func (m *CovModel) Effects(level float64) ([]clv.CovariateEffect, error) {
	var se []float64
	if m.se != nil {
		se = slices.Concat(m.se.Vector(), m.se.Trans, m.se.Life)
	}
	eff, err := cov.Effects(m.p.Names, m.p.Trans, m.p.Life, se, m.heldT, m.heldL, 4, 1, 1, level)
	for i := range eff {
		eff[i].Quantity = "purchase rate"
		if eff[i].Process == clv.DropoutProcess {
			eff[i].Quantity = LifeQuantity
		}
	}
	return eff, err
}

// Covariance returns the approximate sampling covariance of the estimate
// (r, α, a, b, γ_trans..., γ_life...), from the inverse Hessian, and
// whether it is available.
func (m *CovModel) Covariance() ([][]float64, bool) {
	if m.cov == nil {
		return nil, false
	}
	return cov.Rows(m.cov, 4+2*len(m.p.Names)), true
}

// Simulate draws one customer per element of T with covariate vector
// z.Values[i], observed for T[i] time units after the first purchase, from
// the model of that vector (Customer), and returns their summaries (IDs
// "0", "1", ...). It is deterministic for a given src.
func (m *CovModel) Simulate(src rand.Source, T []float64, z clv.Covariates) ([]clv.Customer, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	return cov.Simulate("bgnbd", src, T, z, m.Customer, (*Model).Simulate)
}

// covStarts returns the starting points of FitCovariates (all γ = 0): the
// fit without covariates, if plain and it is inside the model, then the
// defaults of FitContext.
func covStarts(ctx context.Context, cs []clv.Customer, opts CovFitOptions, maxT float64, plain bool) [][]float64 {
	var starts [][]float64
	w := opts.Weights
	if plain {
		if m, _ := FitContext(ctx, cs, FitOptions{Weights: w, Variant: opts.Variant}); m != nil && !atBoundary(m.Params().Vector()) {
			starts = append(starts, m.Params().Vector())
		}
	}
	for _, p := range defaultStarts(maxT) {
		starts = append(starts, p.Vector())
	}
	return starts
}

// EffectTests returns Effects(level) with each effect's likelihood-ratio
// test against the model without it (clv.CovariateEffect's LR and P): the
// statistic 2·(LL − LL₀), with LL₀ the maximum of the likelihood with that
// coefficient held at 0 (for a covariate in Same, without the covariate),
// and its p-value from the χ² distribution with 1 degree of freedom. It
// refits the model once per effect, the refits concurrently, each from
// the estimate with the effect at 0 (from the usual starts if that does
// not converge): pass the customers, covariates and options m was fitted
// with. An error of a refit that did not converge is
// returned.
func (m *CovModel) EffectTests(ctx context.Context, customers []clv.Customer, z clv.Covariates, opts CovFitOptions, level float64) ([]clv.CovariateEffect, error) {
	if m == nil || m.info.Status == clv.NotFitted {
		return nil, fmt.Errorf("bgnbd: EffectTests: the model was not fitted")
	}
	if !slices.Equal(z.Names, m.p.Names) {
		return nil, fmt.Errorf("bgnbd: %w: covariates %v, the model's are %v", clv.ErrInvalidCovariates, z.Names, m.p.Names)
	}
	eff, err := m.Effects(level)
	if err != nil {
		return nil, err
	}
	refit := func(ctx context.Context, same, noPurchase, noDropout []string) (float64, bool, error) {
		o := opts
		o.Same, o.NoPurchase, o.NoDropout = same, noPurchase, noDropout
		// From the full fit with the effect at 0; from the usual starts
		// if that does not converge.
		if pr, _, err := covProblem(ctx, customers, z, o); err == nil {
			if ll, err := cov.RefitFrom(ctx, pr, m.p.Vector(), m.p.Trans, m.p.Life); err == nil {
				return ll, true, nil
			}
		}
		r, err := FitCovariates(ctx, customers, z, o)
		if r == nil {
			return 0, false, err
		}
		return r.LogLikelihood(), true, err
	}
	return cov.EffectTests(ctx, "bgnbd", eff, m.info.LogLikelihood, opts.Same, opts.NoPurchase, opts.NoDropout, refit)
}

// groupLogLik is logLik for a few customers, row by row: their weighted
// log-likelihood at f, and its gradient with respect to (r, α, a, b) into
// grad if not nil.
func groupLogLik(gr cov.Group, f family, grad []float64) float64 {
	r, al, a, b, sh := f.R, f.Alpha, f.A, f.B, f.d
	lg := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
	lgr, lgb, lgab := lg(r), lg(b), lg(a+b)
	var psr, psb, psab float64
	if grad != nil {
		psr, psb, psab = mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	}
	var one [1]float64
	term := func(v float64) timeTerm {
		one[0] = v
		var tt [1]timeTerm
		return fillTerms(tt[:0], r, al, one[:])[0]
	}
	var ll, gsr, gal, ga, gb float64
	for i, c := range gr.Customers {
		w := 1.0
		if gr.Weights != nil {
			w = gr.Weights[i]
		}
		x := c.Frequency
		xs := x + sh
		ll += w * (lgDiff(r, lgr, x) + lgDiff(b, lgb, xs) - lgDiff(a+b, lgab, xs))
		if grad != nil {
			dab := psiDiff(a+b, psab, xs)
			gsr += w * psiDiff(r, psr, x)
			ga -= w * dab
			gb += w * (psiDiff(b, psb, xs) - dab)
		}
		tT := term(c.T)
		A3 := -x*tT.ln - r*tT.l
		dT := r*tT.j - x*tT.inv // ∂A3/∂α
		if xs == 0 {
			ll += w * A3
			gsr -= w * tT.l
			gal += w * dT
			continue
		}
		tX := term(c.Recency)
		A4 := math.Log(a/(b+xs-1)) - x*tX.ln - r*tX.l
		var lse, p4 float64
		if dd := A4 - A3; dd < 0 {
			e := math.Exp(dd)
			lse, p4 = A3+math.Log1p(e), e/(1+e)
		} else {
			e := math.Exp(-dd)
			lse, p4 = A4+math.Log1p(e), 1/(1+e)
		}
		p3 := 1 - p4
		ll += w * lse
		gsr -= w * (p3*tT.l + p4*tX.l)
		gal += w * (p3*dT + p4*(r*tX.j-x*tX.inv))
		ga += w * p4 / a
		gb -= w * p4 / (b + xs - 1)
	}
	if grad != nil {
		grad[0], grad[1], grad[2], grad[3] = gsr, gal, ga, gb
	}
	return ll
}
