package sbg

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
	"github.com/clvkit/clvkit/internal/parallel"
	"gonum.org/v1/gonum/stat/distuv"
)

// CovParams are the parameters of the sBG model with static covariates
// (retention by plan or acquisition channel, say): a subscriber with
// covariate vector z has the sBG parameters
//
//	α·exp(−γ_α·z),  β·exp(−γ_β·z),
//
// the form of PyMC-Marketing's ShiftedBetaGeoModel with covariates (its
// dropout_coefficient_alpha and dropout_coefficient_beta), which carries
// Fader & Hardie's time-invariant covariates for the BG/NBD's beta
// distribution (2007, "Incorporating Time-Invariant Covariates into the
// Pareto/NBD and BG/NBD Models", eq. for a and b) to the sBG's. Params are
// the parameters of a subscriber with z = 0 (C must be 1: the sBG).
//
// The two coefficients of a covariate say different things. The odds of
// cancelling at a renewal for a subscriber who has just signed up,
// E[θ]/(1 − E[θ]) = α/β, are multiplied by exp(γ_β − γ_α) per unit of the
// covariate, whatever the other covariates (CovModel.Effects reports
// this); a shift common to both (γ_α = γ_β) leaves that mean alone and
// scales α + β, the concentration of the cancellation probabilities
// across subscribers: with larger α + β (γ < 0) they are more alike, and
// retention rises less with tenure.
type CovParams struct {
	Params
	Names      []string  // the covariates, in the order of z
	GammaAlpha []float64 // γ_α, one per covariate
	GammaBeta  []float64 // γ_β, one per covariate
}

// covSpec: α carries −γ_α·z (internal/cov's "trans" coefficients), β
// carries −γ_β·z (its "life" coefficients).
var covSpec = cov.Spec{Pkg: "sbg", Base: []string{"alpha", "beta"}, Trans: []float64{-1, 0}, Life: []float64{0, -1}}

var errZeroCov = fmt.Errorf("sbg: %w: the zero CovModel has no parameters", ErrInvalidParams)

// Validate reports whether the base parameters are valid with C = 1, there
// are one finite γ_α and γ_β per covariate, and the names are not empty
// nor repeated.
func (p CovParams) Validate() error {
	if err := p.Params.Validate(); err != nil {
		return err
	}
	if p.C != 1 {
		return fmt.Errorf("sbg: %w: c = %v: covariates are for the sBG (c = 1)", ErrInvalidParams, p.C)
	}
	return cov.CheckCoefs("sbg", p.Names, p.GammaAlpha, p.GammaBeta, ErrInvalidParams)
}

// At returns the sBG parameters of a subscriber with covariate vector z:
// (α·exp(−γ_α·z), β·exp(−γ_β·z)); for z = 0 exactly Params. Its error
// wraps clv.ErrInvalidCovariates for a z of the wrong length or not
// finite, and ErrInvalidParams if a parameter leaves Params.JSONBounds.
func (p CovParams) At(z []float64) (Params, error) {
	if err := p.Validate(); err != nil {
		return Params{}, err
	}
	return cov.At(covSpec, p.Names, []float64{p.Alpha, p.Beta}, p.GammaAlpha, p.GammaBeta, z, paramsOf, ErrInvalidParams)
}

func (p CovParams) clone() CovParams {
	p.Names, p.GammaAlpha, p.GammaBeta = slices.Clone(p.Names), slices.Clone(p.GammaAlpha), slices.Clone(p.GammaBeta)
	return p
}

// CovFitOptions configures FitCovariates. The zero value fits without
// penalty.
type CovFitOptions struct {
	// Penalizer is the coefficient c of an L2 penalty on the covariates'
	// coefficients: the fit maximizes LL − c·Σ(γ_α² + γ_β²). The base
	// parameters are not penalized. Zero means no penalty.
	Penalizer float64
	// GradTol is the max-norm of the gradient of the mean negative
	// log-likelihood with respect to (ln α, ln β, γ_α, γ_β) at which the
	// fit has converged. Zero means 1e-8.
	GradTol float64
	// MaxIter bounds the optimizer's iterations per start. Zero means 1000.
	MaxIter int
}

// A CovModel is an sBG model with static covariates (CovParams), fitted
// or given: every subscriber has the sBG model of CovParams.At(z), which
// Customer returns. It is immutable and safe for concurrent use. The zero
// CovModel has no parameters: its methods return errors.
type CovModel struct {
	p    CovParams
	se   *CovParams
	cov  []float64 // covariance of (α, β, γ_α..., γ_β...), row major
	info clv.FitInfo
}

// NewCovariates returns a CovModel with the given parameters.
func NewCovariates(p CovParams) (*CovModel, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &CovModel{p: p.clone()}, nil
}

// FitCovariates estimates the sBG model with static covariates
// (CovParams) by maximum likelihood from right-censored records, z
// holding one covariate vector per record: each record contributes, at
// its subscribers' parameters CovParams.At(z), what it does to Fit
// (Fader & Hardie 2007, eq. 5 with censoring).
//
// The records are grouped by covariate vector and merged by (renewals,
// churned) within each group; each group's log-likelihood and its
// gradient with respect to (α, β) are those of Fit, carried to γ by the
// chain rule. BFGS runs on (ln α, ln β, γ_α, γ_β) from the fit without
// covariates (γ = 0); standard errors come from the Hessian of the
// (penalized) negative log-likelihood in natural parameters.
//
// Errors: an invalid record is an error naming it; invalid covariates
// wrap clv.ErrInvalidCovariates; records without a cancellation wrap
// clv.ErrNotIdentified. A fit that does not converge returns the best
// model found and an error wrapping ErrNotConverged; one the data do not
// determine (a group in which nobody cancelled drives its γ off, say),
// the model and an error wrapping clv.ErrNotIdentified.
func FitCovariates(ctx context.Context, records []Record, z clv.Covariates, opts CovFitOptions) (*CovModel, error) {
	pr, err := covProblem(records, z, opts)
	if err != nil {
		return nil, err
	}
	pr.Starts = covStarts(ctx, records)
	est, fitErr := cov.Fit(ctx, pr)
	if est.Base == nil {
		return nil, fitErr
	}
	k := len(z.Names)
	m := &CovModel{p: CovParams{Params: paramsOf(est.Base), Names: slices.Clone(z.Names), GammaAlpha: est.Trans, GammaBeta: est.Life}, info: est.Info}
	if est.StdErr != nil {
		se := CovParams{Params: paramsOf(est.StdErr), Names: m.p.Names, GammaAlpha: est.StdErr[2 : 2+k], GammaBeta: est.StdErr[2+k:]}
		se.C = 0
		m.se, m.cov = &se, est.Cov
	}
	if fitErr != nil {
		if errors.Is(fitErr, ErrNotConverged) {
			return m, fmt.Errorf("%w (best: %v)", fitErr, m)
		}
		return m, fmt.Errorf("%w (%v)", fitErr, m)
	}
	return m, nil
}

// covStarts are the fit's starts: the fit without covariates, then a few
// fixed points.
func covStarts(ctx context.Context, records []Record) [][]float64 {
	var starts [][]float64
	if m, err := FitContext(ctx, records, FitOptions{}); err == nil {
		p := m.Params()
		starts = append(starts, []float64{p.Alpha, p.Beta})
	}
	return append(starts, []float64{1, 1}, []float64{0.5, 2}, []float64{2, 0.5}, []float64{0.2, 5})
}

// covProblem checks the input and builds the problem of FitCovariates,
// without its starts: one group of records per distinct covariate vector,
// in the order of the vectors.
func covProblem(records []Record, z clv.Covariates, opts CovFitOptions) (cov.Problem, error) {
	var pr cov.Problem
	if len(records) == 0 {
		return pr, fmt.Errorf("sbg: %w", clv.ErrNoCustomers)
	}
	if err := z.Check(len(records)); err != nil {
		return pr, fmt.Errorf("sbg: %w", err)
	}
	if !(opts.Penalizer >= 0) || math.IsInf(opts.Penalizer, 0) {
		return pr, fmt.Errorf("sbg: penalizer %v, want a finite number ≥ 0", opts.Penalizer)
	}
	slot, vecs := cov.Index(z)
	groups := make([][]Record, len(vecs))
	churned := false
	for i, r := range records {
		if r.Renewals < 0 || r.Renewals > maxRenewals || !(r.Count >= 0) || math.IsInf(r.Count, 0) {
			return pr, fmt.Errorf("sbg: records[%d] = %+v: want 0 ≤ renewals ≤ %d and a finite count ≥ 0", i, r, maxRenewals)
		}
		if r.Count == 0 {
			continue
		}
		churned = churned || r.Churned
		groups[slot[i]] = append(groups[slot[i]], r)
	}
	if !churned {
		return pr, fmt.Errorf("sbg: %w: nobody cancelled, so the cancellation probability cannot be estimated", clv.ErrNotIdentified)
	}
	var order []int
	for g, rs := range groups {
		if len(rs) > 0 {
			order = append(order, g)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return slices.CompareFunc(vecs[a], vecs[b], cmp.Compare[float64]) })
	pr = cov.Problem{Spec: covSpec, K: len(z.Names), Penalizer: opts.Penalizer, GradTol: opts.GradTol, MaxIter: opts.MaxIter}
	data := make([]*data, len(order))
	for i, g := range order {
		d, err := compress(groups[g])
		if err != nil {
			return pr, err
		}
		zz := slices.Clone(vecs[g])
		for j := range zz {
			zz[j] += 0 // −0 → 0
		}
		data[i] = d
		pr.Z, pr.W = append(pr.Z, zz), append(pr.W, d.total)
		pr.Rows += len(d.ts)
	}
	pr.LogLik = func(g int, p, grad []float64) float64 { return data[g].logLik(paramsOf(p), grad) }
	return pr, nil
}

// Params returns the model's parameters (a copy).
func (m *CovModel) Params() CovParams { return m.p.clone() }

// StdErrors returns the asymptotic standard errors of the parameters (C's
// is 0) and whether they are available (not for a model that was not
// fitted, nor when the Hessian is not positive definite).
func (m *CovModel) StdErrors() (CovParams, bool) {
	if m == nil || m.se == nil {
		return CovParams{}, false
	}
	return m.se.clone(), true
}

// FitInfo returns how the fit went; the zero value (status NotFitted) for
// a model built by NewCovariates.
func (m *CovModel) FitInfo() clv.FitInfo {
	if m == nil {
		return clv.FitInfo{}
	}
	return m.info
}

// LogLikelihood returns the log-likelihood of the fitted records at the
// estimate (without the penalty), or 0 for a model not fitted.
func (m *CovModel) LogLikelihood() float64 { return m.FitInfo().LogLikelihood }

// Covariance returns the approximate sampling covariance of the estimate
// (α, β, γ_α..., γ_β...), from the inverse Hessian, and whether it is
// available.
func (m *CovModel) Covariance() ([][]float64, bool) {
	if m == nil || m.cov == nil {
		return nil, false
	}
	return cov.Rows(m.cov, 2+2*len(m.p.Names)), true
}

// String returns the parameters and the log-likelihood in one line.
func (m *CovModel) String() string {
	if m == nil {
		return "sBG{}"
	}
	var b strings.Builder
	p := m.p
	fmt.Fprintf(&b, "sBG{α=%.6g β=%.6g", p.Alpha, p.Beta)
	for j, n := range p.Names {
		fmt.Fprintf(&b, " alpha.%s=%.6g beta.%s=%.6g", n, p.GammaAlpha[j], n, p.GammaBeta[j])
	}
	fmt.Fprintf(&b, " LL=%.6f}", m.info.LogLikelihood)
	return b.String()
}

// Customer returns the sBG model of a subscriber with covariate vector z,
// with the parameters CovParams.At(z): for z = 0, the model of the base
// parameters, bit for bit. Its Survival, RetentionRate, DEL, DERL and
// LifetimeValue are those of such subscribers.
func (m *CovModel) Customer(z []float64) (*Model, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroCov
	}
	p, err := m.p.At(z)
	if err != nil {
		return nil, err
	}
	return New(p)
}

// Effects returns, for every covariate, its effect on the odds of
// cancelling at a renewal of a subscriber who has just signed up,
// E[θ]/(1 − E[θ]) = α/β: the factor exp(γ_β − γ_α) per unit of the
// covariate (clv.CovariateEffect's Gamma is γ_β − γ_α), with a
// confidence interval at the given level (e.g. 0.95) from its standard
// error, √(Var γ_α + Var γ_β − 2 Cov(γ_α, γ_β)). Process is
// clv.DropoutProcess. Without a covariance the intervals are NaN.
func (m *CovModel) Effects(level float64) ([]clv.CovariateEffect, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroCov
	}
	if !(level > 0 && level < 1) {
		return nil, fmt.Errorf("sbg: confidence level %v, want (0, 1)", level)
	}
	zq := distuv.UnitNormal.Quantile(0.5 + level/2)
	k := len(m.p.Names)
	n := 2 + 2*k
	out := make([]clv.CovariateEffect, k)
	for j, name := range m.p.Names {
		g := m.p.GammaBeta[j] - m.p.GammaAlpha[j]
		e := clv.CovariateEffect{Covariate: name, Process: clv.DropoutProcess, Quantity: "odds of cancelling at a new subscriber's first renewal",
			Gamma: g, Ratio: math.Exp(g), StdErr: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), LR: math.NaN(), P: math.NaN()}
		if m.cov != nil {
			a, b := 2+j, 2+k+j
			v := m.cov[a*n+a] + m.cov[b*n+b] - 2*m.cov[a*n+b]
			e.StdErr = math.Sqrt(max(v, 0))
			e.Lo, e.Hi = math.Exp(g-zq*e.StdErr), math.Exp(g+zq*e.StdErr)
		}
		out[j] = e
	}
	return out, nil
}

// EffectTests returns Effects(level) with each effect's likelihood-ratio
// test against the model without it: 2·(LL − LL₀), LL₀ the maximum with
// γ_α = γ_β for that covariate (its effect on the odds at 0; the
// concentration may still change), and its p-value from the χ²
// distribution with 1 degree of freedom. The refits, one per covariate,
// run concurrently, each from the estimate with the covariate's two
// coefficients at their mean (from the usual starts if that does not
// converge): pass the records, covariates and options m was fitted with.
func (m *CovModel) EffectTests(ctx context.Context, records []Record, z clv.Covariates, opts CovFitOptions, level float64) ([]clv.CovariateEffect, error) {
	if m == nil || m.info.Status == clv.NotFitted {
		return nil, fmt.Errorf("sbg: EffectTests: the model was not fitted")
	}
	if !slices.Equal(z.Names, m.p.Names) {
		return nil, fmt.Errorf("sbg: %w: covariates %v, the model's are %v", clv.ErrInvalidCovariates, z.Names, m.p.Names)
	}
	eff, err := m.Effects(level)
	if err != nil {
		return nil, err
	}
	k := len(z.Names)
	lls := make([]float64, k)
	errs := make([]error, k)
	parallel.For(k, func(j int) {
		pr, err := covProblem(records, z, opts)
		if err != nil {
			errs[j] = err
			return
		}
		pr.Same = make([]bool, k)
		pr.Same[j] = true
		a := slices.Clone(m.p.GammaAlpha)
		a[j] = (m.p.GammaAlpha[j] + m.p.GammaBeta[j]) / 2
		if lls[j], err = cov.RefitFrom(ctx, pr, m.p.Vector()[:2], a, m.p.GammaBeta); err == nil {
			return
		}
		pr.Starts = covStarts(ctx, records)
		est, err := cov.Fit(ctx, pr)
		if est.Base == nil || err != nil && !errors.Is(err, clv.ErrNotIdentified) {
			errs[j] = fmt.Errorf("sbg: the fit without %s's effect: %w", z.Names[j], err)
			return
		}
		lls[j] = est.Info.LogLikelihood
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for j := range eff {
		if errs[j] != nil {
			return nil, errs[j]
		}
		eff[j].LR = max(0, 2*(m.info.LogLikelihood-lls[j]))
		eff[j].P = distuv.ChiSquared{K: 1}.Survival(eff[j].LR)
	}
	return eff, nil
}

// SampleParams draws n parameter sets from the approximate sampling
// distribution of the estimate (the Laplace approximation): ln α, ln β
// and the coefficients jointly normal around the estimate with the
// covariance of Covariance (by the delta method on the log scale).
// Deterministic for a given src. It is an error for a model without a
// covariance.
func (m *CovModel) SampleParams(src rand.Source, n int) ([]CovParams, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroCov
	}
	bs, as, be, err := cov.Draws(src, n, []float64{m.p.Alpha, m.p.Beta}, m.p.GammaAlpha, m.p.GammaBeta, m.cov)
	if err != nil {
		return nil, fmt.Errorf("sbg: %w", err)
	}
	out := make([]CovParams, n)
	for d := range out {
		out[d] = CovParams{Params: paramsOf(bs[d]), Names: slices.Clone(m.p.Names), GammaAlpha: as[d], GammaBeta: be[d]}
	}
	return out, nil
}

// SimulateCohorts draws, for each covariate vector of z, a cohort of n[i]
// subscribers with that vector observed for periods renewals
// (Params.SimulateCohort at CovParams.At(z.Values[i])), and returns their
// records with each record's covariate vector. Deterministic for a given
// src.
func (m *CovModel) SimulateCohorts(src rand.Source, n []int, periods int, z clv.Covariates) ([]Record, clv.Covariates, error) {
	if m == nil || m.p.Names == nil {
		return nil, clv.Covariates{}, errZeroCov
	}
	if src == nil {
		return nil, clv.Covariates{}, errors.New("sbg: SimulateCohorts: nil source")
	}
	if err := z.Check(len(n)); err != nil {
		return nil, clv.Covariates{}, fmt.Errorf("sbg: %w", err)
	}
	var rs []Record
	out := clv.Covariates{Names: slices.Clone(z.Names)}
	for i, v := range z.Values {
		p, err := m.p.At(v)
		if err != nil {
			return nil, clv.Covariates{}, err
		}
		c, err := p.SimulateCohort(src, n[i], periods)
		if err != nil {
			return nil, clv.Covariates{}, err
		}
		for _, r := range c {
			rs = append(rs, r)
			out.Values = append(out.Values, slices.Clone(v))
		}
	}
	return rs, out, nil
}
