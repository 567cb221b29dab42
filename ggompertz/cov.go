package ggompertz

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
	"gonum.org/v1/gonum/mathext"
)

// CovParams are the parameters of the GGompertz/NBD model with static
// covariates, in the parametrisation of CLVTools: a customer with
// covariate vector z has the parameters
//
//	r,  α·exp(−γ_trans·z),  b,  s,  β·exp(−γ_life·z),
//
// so that the purchase rate λ has its mean and every quantile
// exp(γ_trans·z) times those of a customer with z = 0, and the Gompertz
// scale η (the dropout hazard at every age) likewise exp(γ_life·z) times.
// Positive Trans means more purchases, positive Life faster dropout.
type CovParams struct {
	Params
	Names []string  // the covariates, in the order of z
	Trans []float64 // γ_trans, one per covariate
	Life  []float64 // γ_life, one per covariate
}

// pubSpec: α carries −γ_trans·z, β carries −γ_life·z.
var pubSpec = cov.Spec{Pkg: "ggompertz", Base: []string{"r", "alpha", "b", "s", "beta"},
	Trans: []float64{0, -1, 0, 0, 0}, Life: []float64{0, 0, 0, 0, -1}}

// fitSpec is the fit's: (r, α, b, s, κ = β/b), κ carrying −γ_life·z as β
// does; limitSpec the b = 0 limit's, (r, α, s, κ).
var (
	fitSpec = cov.Spec{Pkg: "ggompertz", Base: []string{"r", "alpha", "b", "s", "kappa"},
		Trans: []float64{0, -1, 0, 0, 0}, Life: []float64{0, 0, 0, 0, -1}}
	limitSpec = cov.Spec{Pkg: "ggompertz", Base: []string{"r", "alpha", "s", "kappa"},
		Trans: []float64{0, -1, 0, 0}, Life: []float64{0, 0, 0, -1}}
)

// Validate reports whether the base parameters are valid and there is one
// finite coefficient per covariate and process.
func (p CovParams) Validate() error {
	if err := p.Params.Validate(); err != nil {
		return err
	}
	return cov.CheckCoefs("ggompertz", p.Names, p.Trans, p.Life, ErrInvalidParams)
}

// At returns the parameters of a customer with covariate vector z.
func (p CovParams) At(z []float64) (Params, error) {
	return cov.At(pubSpec, p.Names, p.Vector(), p.Trans, p.Life, z, Params{}.FromVector, ErrInvalidParams)
}

func (p CovParams) clone() CovParams {
	p.Names, p.Trans, p.Life = slices.Clone(p.Names), slices.Clone(p.Trans), slices.Clone(p.Life)
	return p
}

// CovFitOptions configures FitCovariates; the zero value fits every
// covariate on both processes, unpenalized, with unit weights.
type CovFitOptions struct {
	// Penalizer is the coefficient c of an L2 penalty on the coefficients
	// γ: the fit maximizes LL − c·Σγ². Zero means none.
	Penalizer float64
	// Same, NoPurchase and NoDropout as in paretonbd.CovFitOptions.
	Same, NoPurchase, NoDropout []string
	// Weights gives each customer a weight; nil means 1 each.
	Weights []float64
	// GradTol (zero: 1e-8) and MaxIter (zero: 1000) as in FitOptions.
	GradTol float64
	MaxIter int
}

// A CovModel is a GGompertz/NBD model with static covariates: every
// customer has the Model of CovParams.At(z) (Customer). It is immutable
// and safe for concurrent use.
type CovModel struct {
	p  CovParams
	se *CovParams
	// cov is the covariance of (r, α, b, s, β, γ_trans, γ_life), row
	// major, nil without; a limit model's b row and column are 0 (held).
	cov  []float64
	info clv.FitInfo
	// heldT and heldL mark the coefficients a fit held at 0 (nil: none).
	heldT, heldL []bool
}

// NewCovariates returns a CovModel with the given parameters.
func NewCovariates(p CovParams) (*CovModel, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &CovModel{p: p.clone()}, nil
}

// FitCovariates estimates the GGompertz/NBD model with static covariates
// by maximum likelihood: each customer's likelihood is the model's at
// CovParams.At(z). The customers are grouped by covariate vector and each
// group compressed into its distinct rows (internal/cov); BFGS runs on the
// logarithms of (r, α, b, s, κ = β/b) and the γ, from the fit without
// covariates.
//
// If b runs off toward 0 (b·max T < 10⁻³: the Pareto/NBD limit, where
// CLVTools' fit stops at b ≈ 2e-7), the fit continues in the limit itself
// (b = 0: the Pareto/NBD with covariates, over r, α, s, κ and the γ) and
// returns it with status clv.AtBoundary, b = 10⁻⁹/max T, β = b·κ,
// standard errors of the free parameters (0 for b), FitInfo.NumParams
// the free parameters (4 + the free γ: b is held, as a limit fit of
// bgnbd or paretonbd counts its held shape out), and an error wrapping
// clv.ErrBoundary. A fit that runs off toward r or s → ∞ stops there with
// the same status and no standard errors (its γ fitted on the way: the
// fit without covariates, if it ran off too, starts it from r, s ≤ 100).
func FitCovariates(ctx context.Context, customers []clv.Customer, z clv.Covariates, opts CovFitOptions) (*CovModel, error) {
	pr, maxT, err := covProblem(ctx, customers, z, opts, false)
	if err != nil {
		return nil, err
	}
	var st [][]float64
	if m, _ := FitContext(ctx, customers, FitOptions{Weights: opts.Weights}); m != nil && m.FitInfo().Status != clv.NotFitted {
		in := m.Params().inner()
		if in.b*maxT >= boundaryBT {
			// A fit without covariates that ran off toward r or s → ∞
			// stopped past the limit at which this fit stops too: it
			// would end at that start, its γ never moved. Pulled back
			// inside (r and α, s and κ scaled together, which keeps the
			// mean purchase rate and, for large s, the dropout hazard),
			// the γ are fitted before the shapes run off again.
			r, a, sh, k := in.r, in.alpha, in.s, in.kappa
			if f := shapeLimit / 100 / r; f < 1 {
				r, a = r*f, a*f
			}
			if f := shapeLimit / 100 / sh; f < 1 {
				sh, k = sh*f, k*f
			}
			st = append(st, []float64{r, a, in.b, sh, k})
		}
	}
	pr.Starts = append(st, starts(maxT)...)
	est, fitErr := cov.Fit(ctx, pr)
	if est.Base == nil {
		return nil, fitErr
	}
	k := len(z.Names)
	if errors.Is(fitErr, clv.ErrBoundary) && est.Base[2]*maxT < boundaryBT {
		lp, _, err := covProblem(ctx, customers, z, opts, true)
		if err != nil {
			return nil, err
		}
		b := est.Base
		start := []float64{b[0], b[1], b[3], b[4]}
		for j := range k {
			if !flag(pr.NoTrans, j) {
				start = append(start, est.Trans[j])
			}
		}
		for j := range k {
			if !flag(pr.NoLife, j) && !flag(pr.Same, j) {
				start = append(start, est.Life[j])
			}
		}
		lp.Starts = [][]float64{start, {b[0], b[1], b[3], b[4]}}
		lest, lerr := cov.Fit(ctx, lp)
		if lest.Base == nil {
			return nil, lerr
		}
		bHeld := heldBT / maxT
		lb := lest.Base
		m := &CovModel{p: CovParams{Params: Params{R: lb[0], Alpha: lb[1], B: bHeld, S: lb[2], Beta: bHeld * lb[3]},
			Names: slices.Clone(z.Names), Trans: lest.Trans, Life: lest.Life}, info: lest.Info, heldT: lp.NoTrans, heldL: lp.NoLife}
		if lest.Cov != nil {
			// (r, α, s, κ, γ) to (r, α, b, s, β = b_held·κ, γ), b held.
			m.cov = publicCov(lest.Cov, 4+2*k, func(i int) (int, float64) {
				switch {
				case i == 2:
					return -1, 0
				case i < 2:
					return i, 1
				case i == 4:
					return 3, bHeld
				}
				return i - 1, 1
			})
		}
		if lest.StdErr != nil {
			se := lest.StdErr
			m.se = &CovParams{Params: Params{R: se[0], Alpha: se[1], S: se[2], Beta: bHeld * se[3]}, Names: m.p.Names,
				Trans: se[4 : 4+k], Life: se[4+k:]}
		}
		if lerr != nil {
			return m, fmt.Errorf("ggompertz: the limit model's fit: %w (%v)", lerr, m)
		}
		m.info.Status = clv.AtBoundary
		m.info.Reason = limitReason(lb[3], bHeld)
		return m, fmt.Errorf("ggompertz: %w: %s (%v)", clv.ErrBoundary, m.info.Reason, m)
	}
	eb := est.Base
	m := &CovModel{p: CovParams{Params: Params{R: eb[0], Alpha: eb[1], B: eb[2], S: eb[3], Beta: eb[2] * eb[4]},
		Names: slices.Clone(z.Names), Trans: est.Trans, Life: est.Life}, info: est.Info, heldT: pr.NoTrans, heldL: pr.NoLife}
	if est.StdErr != nil && est.Cov != nil {
		se := est.StdErr
		n := 5 + 2*k
		vb, vk, cbk := est.Cov[2*n+2], est.Cov[4*n+4], est.Cov[2*n+4]
		seBeta := math.Sqrt(math.Max(eb[4]*eb[4]*vb+eb[2]*eb[2]*vk+2*eb[2]*eb[4]*cbk, 0))
		m.se = &CovParams{Params: Params{R: se[0], Alpha: se[1], B: se[2], S: se[3], Beta: seBeta}, Names: m.p.Names,
			Trans: se[5 : 5+k], Life: se[5+k:]}
		m.cov = betaCov(est.Cov, n, eb[2], eb[4])
	}
	if fitErr != nil {
		return m, fmt.Errorf("%w (%v)", fitErr, m)
	}
	return m, nil
}

func flag(b []bool, j int) bool { return b != nil && b[j] }

// publicCov returns the covariance (n+1)×(n+1) of the public layout from
// cv (n×n) of the limit's, where public parameter i is c·(limit
// parameter j) for (j, c) = of(i), and held (variance 0) for j < 0.
func publicCov(cv []float64, n int, of func(i int) (int, float64)) []float64 {
	m := n + 1
	out := make([]float64, m*m)
	for i := range m {
		a, ca := of(i)
		for j := range m {
			if b, cb := of(j); a >= 0 && b >= 0 {
				out[i*m+j] = ca * cb * cv[a*n+b]
			}
		}
	}
	return out
}

// betaCov carries the covariance cv (n×n) of (r, α, b, s, κ, γ) to (r,
// α, b, s, β = b·κ, γ) by the Jacobian of β: ∂β/∂b = κ, ∂β/∂κ = b.
func betaCov(cv []float64, n int, b, kappa float64) []float64 {
	out := slices.Clone(cv)
	// Row 4 of J·C, then column 4 of (J·C)·Jᵀ.
	for j := range n {
		out[4*n+j] = kappa*cv[2*n+j] + b*cv[4*n+j]
	}
	for i := range n {
		out[i*n+4] = kappa*out[i*n+2] + b*out[i*n+4]
	}
	return out
}

// covProblem groups and compresses the customers into the problem of
// FitCovariates (limit: the b = 0 limit's), without starts, and returns
// the largest T.
func covProblem(ctx context.Context, customers []clv.Customer, z clv.Covariates, opts CovFitOptions, limit bool) (cov.Problem, float64, error) {
	groups, err := cov.Split("ggompertz", customers, z, opts.Weights)
	if err != nil {
		return cov.Problem{}, 0, err
	}
	same, noT, noL, err := cov.Held("ggompertz", z.Names, opts.Same, opts.NoPurchase, opts.NoDropout)
	if err != nil {
		return cov.Problem{}, 0, err
	}
	spec := fitSpec
	if limit {
		spec = limitSpec
	}
	pr := cov.Problem{Spec: spec, K: len(z.Names), Same: same, NoTrans: noT, NoLife: noL,
		Penalizer: opts.Penalizer, GradTol: opts.GradTol, MaxIter: opts.MaxIter}
	data, small, maxT, err := cov.Compress("ggompertz", customers, groups, &pr)
	if err != nil {
		return cov.Problem{}, 0, err
	}
	parts := make([]evalState, len(data))
	eval := func(g int, in inner, grad []float64) float64 {
		if data[g] == nil {
			return groupLogLik(small[g], in, grad)
		}
		return logLik(ctx, data[g], in, grad, &parts[g])
	}
	if limit {
		pr.LogLik = func(g int, p, grad []float64) float64 {
			in := inner{p[0], p[1], 0, p[2], p[3]}
			if grad == nil {
				return eval(g, in, nil)
			}
			var g5 [5]float64
			v := eval(g, in, g5[:])
			grad[0], grad[1], grad[2], grad[3] = g5[0], g5[1], g5[3], g5[4]
			return v
		}
	} else {
		pr.LogLik = func(g int, p, grad []float64) float64 { return eval(g, inner{p[0], p[1], p[2], p[3], p[4]}, grad) }
		pr.AtBoundary = func(b []float64) bool { return b[2]*maxT < boundaryBT || b[3] > shapeLimit || b[0] > shapeLimit }
	}
	return pr, maxT, nil
}

// groupLogLik is logLik for a few customers, one by one.
func groupLogLik(gr cov.Group, p inner, grad []float64) float64 {
	lgr, _ := math.Lgamma(p.r)
	lnA := math.Log(p.alpha)
	var psr float64
	if grad != nil {
		psr = mathext.Digamma(p.r)
		clear(grad)
	}
	var ll float64
	var g grads
	for i, c := range gr.Customers {
		w := 1.0
		if gr.Weights != nil {
			w = gr.Weights[i]
		}
		x := c.Frequency
		var gp *grads
		if grad != nil {
			gp = &g
		}
		lnL, _ := p.rowLik(x, c.Recency, c.T, 1, gp)
		lgx, _ := math.Lgamma(p.r + x)
		ll += w * (lgx - lgr + p.r*lnA + lnL)
		if grad != nil {
			grad[0] += w * (g[0] + mathext.Digamma(p.r+x) - psr + lnA)
			grad[1] += w * (g[1] + p.r/p.alpha)
			for k := 2; k < 5; k++ {
				grad[k] += w * g[k]
			}
		}
	}
	return ll
}

// Params returns the model's parameters (a copy).
func (m *CovModel) Params() CovParams { return m.p.clone() }

// StdErrors returns the standard errors of the parameters and whether
// they are available (a limit model's b has 0).
func (m *CovModel) StdErrors() (CovParams, bool) {
	if m.se == nil {
		return CovParams{}, false
	}
	return m.se.clone(), true
}

// FitInfo returns how the fit went.
func (m *CovModel) FitInfo() clv.FitInfo { return m.info }

// LogLikelihood returns the log-likelihood of the fitted data at the
// estimate, or 0 for a model not fitted.
func (m *CovModel) LogLikelihood() float64 { return m.info.LogLikelihood }

// String returns the parameters and the log-likelihood in one line.
func (m *CovModel) String() string {
	var b strings.Builder
	p := m.p
	fmt.Fprintf(&b, "GGompertz/NBD{r=%.6g α=%.6g b=%.6g s=%.6g β=%.6g", p.R, p.Alpha, p.B, p.S, p.Beta)
	for j, n := range p.Names {
		fmt.Fprintf(&b, " trans.%s=%.6g", n, p.Trans[j])
	}
	for j, n := range p.Names {
		fmt.Fprintf(&b, " life.%s=%.6g", n, p.Life[j])
	}
	fmt.Fprintf(&b, " LL=%.6f}", m.info.LogLikelihood)
	return b.String()
}

// Customer returns the Model of a customer with covariate vector z.
func (m *CovModel) Customer(z []float64) (*Model, error) {
	p, err := m.p.At(z)
	if err != nil {
		return nil, err
	}
	return New(p)
}

// ProbabilityAliveAll returns P(alive) of every customer, z holding one
// covariate vector per customer, on all cores.
func (m *CovModel) ProbabilityAliveAll(cs []clv.Customer, z clv.Covariates) ([]float64, error) {
	return m.batch(cs, z, func(cm *Model, c clv.Customer) float64 { return cm.ProbabilityAlive(c) })
}

// ConditionalExpectedPurchasesAll returns the expected purchases in
// (T, T+t] of every customer.
func (m *CovModel) ConditionalExpectedPurchasesAll(cs []clv.Customer, z clv.Covariates, t float64) ([]float64, error) {
	if !finiteNonNeg(t) {
		return nil, fmt.Errorf("ggompertz: horizon t = %v, want a finite number ≥ 0", t)
	}
	return m.batch(cs, z, func(cm *Model, c clv.Customer) float64 { return cm.ConditionalExpectedPurchases(c, t) })
}

func (m *CovModel) batch(cs []clv.Customer, z clv.Covariates, f func(cm *Model, c clv.Customer) float64) ([]float64, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	return cov.Batch("ggompertz", m.p.Names, cs, z, m.Customer, f, func(i int, cm *Model) error {
		return fmt.Errorf("ggompertz: customers[%d] (%q): prediction not finite for %v", i, cs[i].ID, cm)
	})
}

// Simulate draws one customer per element of T with covariate vector
// z.Values[i] from that vector's model; deterministic for a given src.
func (m *CovModel) Simulate(src rand.Source, T []float64, z clv.Covariates) ([]clv.Customer, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	return cov.Simulate("ggompertz", src, T, z, m.p.At, Params.Simulate)
}

// Effects returns every covariate's effect on the purchase rate
// (exp(γ_trans)) and on the Gompertz scale η, the dropout hazard at every
// age (exp(γ_life)), with intervals at the given level from the standard
// errors (NaN without them).
func (m *CovModel) Effects(level float64) ([]clv.CovariateEffect, error) {
	var se []float64
	if m.se != nil {
		se = slices.Concat(m.se.Vector(), m.se.Trans, m.se.Life)
	}
	eff, err := cov.Effects(m.p.Names, m.p.Trans, m.p.Life, se, m.heldT, m.heldL, 5, 1, 1, level)
	for i := range eff {
		eff[i].Quantity = "purchase rate"
		if eff[i].Process == clv.DropoutProcess {
			eff[i].Quantity = "dropout hazard"
		}
	}
	return eff, err
}
