package gammagamma

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/parallel"
	"gonum.org/v1/gonum/mathext"
)

// CovParams are the parameters of the gamma-gamma model with static
// covariates on the scale of spend: a customer with covariate vector z has
// the gamma-gamma parameters
//
//	p,  q,  γ·exp(δ·z).
//
// The customer's rate ν ~ Gamma(q, γ·exp(δ·z)), so 1/ν, and with it the
// customer's mean value per purchase ζ = p/ν, is exp(δ·z) times that of a
// customer with z = 0 in distribution: its mean p·γ·exp(δ·z)/(q−1), its
// median and every quantile. exp(δ_j) is thus the factor by which one unit
// more of covariate j multiplies the mean spend per purchase, all else
// equal; the spread of a purchase's value around the customer's mean (p)
// and of the means across customers (q) are those of the base model. This
// is the parametrisation of CLVTools' covariates (Fader & Hardie 2007,
// "Incorporating Time-Invariant Covariates into the Pareto/NBD and BG/NBD
// Models") carried to the scale of the gamma-gamma model (Fader, Hardie &
// Lee 2005). Params are the parameters of a customer with z = 0.
type CovParams struct {
	Params
	Names []string  // the covariates, in the order of z
	Spend []float64 // δ, one per covariate
}

// covSpec: γ carries +δ·z (the "trans" coefficients of internal/cov; no
// second process).
var covSpec = cov.Spec{Pkg: "gammagamma", Base: []string{"p", "q", "gamma"},
	Trans: []float64{0, 0, 1}, Life: []float64{0, 0, 0}}

var errZeroCov = fmt.Errorf("gammagamma: %w: the zero CovModel has no parameters", ErrInvalidParams)

// Validate reports whether the base parameters are valid, there is one
// finite coefficient per covariate, and the names are not empty nor
// repeated.
func (p CovParams) Validate() error {
	if err := p.Params.Validate(); err != nil {
		return err
	}
	return cov.CheckCoefs("gammagamma", p.Names, p.Spend, p.Spend, ErrInvalidParams)
}

// At returns the gamma-gamma parameters of a customer with covariate
// vector z: (p, q, γ·exp(δ·z)); for z = 0 exactly Params. Its error wraps
// clv.ErrInvalidCovariates for a z of the wrong length or not finite, and
// ErrInvalidParams if the customer's γ leaves Params.JSONBounds.
func (p CovParams) At(z []float64) (Params, error) {
	if err := p.Validate(); err != nil {
		return Params{}, err
	}
	if err := (clv.Covariates{Names: p.Names}).CheckVector(z); err != nil {
		return Params{}, fmt.Errorf("gammagamma: %w", err)
	}
	out := make([]float64, 3)
	covSpec.At(p.Vector(), p.Spend, make([]float64, len(p.Spend)), z, out)
	q := paramsOf(out)
	if lo, hi := q.JSONBounds("gamma"); !(q.Gamma >= lo && q.Gamma <= hi) {
		return Params{}, fmt.Errorf("gammagamma: %w: the customer's gamma = %v, outside [%g, %g]", ErrInvalidParams, q.Gamma, lo, hi)
	}
	return q, nil
}

func (p CovParams) clone() CovParams {
	p.Names, p.Spend = slices.Clone(p.Names), slices.Clone(p.Spend)
	return p
}

// CovFitOptions configures FitCovariates. The zero value fits without
// penalty, with unit weights.
type CovFitOptions struct {
	// Penalizer is the coefficient c of an L2 penalty on the covariates'
	// coefficients: the fit maximizes LL − c·Σδ². The base parameters are
	// not penalized. Zero means no penalty.
	Penalizer float64
	// Weights gives each customer a weight; nil means 1 each.
	Weights []float64
	// Start is the base parameters to start from (all δ = 0); nil means
	// the fit without covariates, then the defaults of Fit.
	Start *Params
	// GradTol is the max-norm of the gradient of the mean negative
	// log-likelihood with respect to (ln p, ln q, ln γ, δ) at which the fit
	// has converged. Zero means 1e-8.
	GradTol float64
	// MaxIter bounds the optimizer's iterations per start. Zero means 1000.
	MaxIter int
	// SkipNonPositive leaves out customers with repeat purchases whose
	// MonetaryValue is zero or negative, as FitOptions.SkipNonPositive.
	SkipNonPositive bool
}

// A CovModel is a gamma-gamma model with covariates on the scale of spend
// (CovParams), fitted or given: every customer has the gamma-gamma model
// of CovParams.At(z), which Customer returns. It is immutable and safe for
// concurrent use. The zero CovModel has no parameters: its methods return
// errors or NaN.
type CovModel struct {
	p    CovParams
	se   *CovParams
	held []bool    // coefficients a fit held at 0 (nil: none)
	cov  []float64 // covariance of (p, q, γ, δ...), row major
	info clv.FitInfo
}

// NewCovariates returns a CovModel with the given parameters.
func NewCovariates(p CovParams) (*CovModel, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &CovModel{p: p.clone()}, nil
}

// FitCovariates estimates the gamma-gamma model with covariates on the
// scale of spend (CovParams) by maximum likelihood: each customer's
// likelihood is that of Fit (Fader & Hardie 2013, eq. 3) at the customer's
// parameters CovParams.At(z). z holds one covariate vector per customer.
// As Fit, it uses the customers with repeat purchases (Frequency > 0),
// counting the others in FitInfo().Excluded.
//
// The customers are grouped by covariate vector; each group's likelihood
// and its gradient with respect to (p, q, γ) are those of Fit, carried to
// δ by the chain rule (∂LL/∂δ_j = Σ_groups z_j·γ_g·∂LL_g/∂γ_g). BFGS runs
// on (ln p, ln q, ln γ, δ) from the fit without covariates (δ = 0);
// standard errors come from the Hessian of the (penalized) negative
// log-likelihood in natural parameters.
//
// Errors: an invalid frequency wraps clv.ErrInvalidCustomer, invalid
// covariates clv.ErrInvalidCovariates. A fit that does not converge
// returns the best model found and an error wrapping ErrNotConverged; one
// the data do not determine, the model and an error wrapping
// clv.ErrNotIdentified; one whose q ≤ 1, the model and ErrInfiniteMean. If
// the fit runs off toward a limit of the model (p or q beyond the
// boundary of Fit: a spread vanishes), it stops there and returns that
// point, status clv.AtBoundary, no standard errors, and an error wrapping
// clv.ErrBoundary; unlike Fit, it does not fit the limit model.
func FitCovariates(ctx context.Context, customers []clv.Customer, z clv.Covariates, opts CovFitOptions) (*CovModel, error) {
	return fitCov(ctx, customers, z, opts, nil)
}

// fitCov is FitCovariates with the coefficients of held held at 0.
func fitCov(ctx context.Context, customers []clv.Customer, z clv.Covariates, opts CovFitOptions, held []bool) (*CovModel, error) {
	pr, excluded, skipped, err := covProblem(customers, z, opts, held)
	if err != nil {
		return nil, err
	}
	if opts.Start != nil {
		if err := opts.Start.Validate(); err != nil {
			return nil, fmt.Errorf("gammagamma: start: %w", err)
		}
		pr.Starts = [][]float64{opts.Start.Vector()}
	} else {
		if m, _ := FitContext(ctx, customers, FitOptions{Weights: opts.Weights, SkipNonPositive: opts.SkipNonPositive}); m != nil &&
			m.FitInfo().Status != clv.AtBoundary && !atBoundary(m.Params().Vector()) {
			pr.Starts = append(pr.Starts, m.Params().Vector())
		}
		pr.Starts = append(pr.Starts, []float64{1, 1, 1}, []float64{5, 3, 10}, []float64{0.5, 2, 0.5}, []float64{10, 10, 100})
	}
	est, fitErr := cov.Fit(ctx, pr)
	if est.Base == nil {
		return nil, fitErr
	}
	k := len(z.Names)
	info := est.Info
	info.Excluded, info.Skipped = excluded, skipped
	info.Customers = int(math.Round(sum(pr.W)))
	m := &CovModel{p: CovParams{Params: paramsOf(est.Base), Names: slices.Clone(z.Names), Spend: est.Trans},
		info: info, held: held}
	if est.StdErr != nil {
		se := CovParams{Params: paramsOf(est.StdErr), Names: m.p.Names, Spend: est.StdErr[3 : 3+k]}
		m.se = &se
		// Keep (p, q, γ, δ) of the full layout (base, trans, life).
		n, full := 3+k, 3+2*k
		m.cov = make([]float64, n*n)
		for i := range n {
			copy(m.cov[i*n:(i+1)*n], est.Cov[i*full:i*full+n])
		}
	}
	if fitErr != nil {
		if errors.Is(fitErr, mle.ErrNotConverged) {
			return m, fmt.Errorf("%w (best: %v)", fitErr, m)
		}
		return m, fmt.Errorf("%w (%v)", fitErr, m)
	}
	if q := m.p.Q; q <= 1 {
		return m, fmt.Errorf("gammagamma: %v: %w: q = %.3g ≤ 1", m, ErrInfiniteMean, q)
	}
	return m, nil
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// covProblem checks the input and builds the problem of FitCovariates,
// without its starts: one group of customers per distinct covariate
// vector, in the order of the vectors, each the data of Fit. It returns
// the number of customers excluded (x = 0) and skipped (m ≤ 0, with
// SkipNonPositive).
func covProblem(customers []clv.Customer, z clv.Covariates, opts CovFitOptions, held []bool) (pr cov.Problem, excluded, skipped int, err error) {
	if len(customers) == 0 {
		return pr, 0, 0, fmt.Errorf("gammagamma: %w", clv.ErrNoCustomers)
	}
	if err := z.Check(len(customers)); err != nil {
		return pr, 0, 0, fmt.Errorf("gammagamma: %w", err)
	}
	if opts.Weights != nil && len(opts.Weights) != len(customers) {
		return pr, 0, 0, fmt.Errorf("gammagamma: %d weights for %d customers", len(opts.Weights), len(customers))
	}
	if !(opts.Penalizer >= 0) || math.IsInf(opts.Penalizer, 0) {
		return pr, 0, 0, fmt.Errorf("gammagamma: penalizer %v, want a finite number ≥ 0", opts.Penalizer)
	}
	slot, vecs := cov.Index(z)
	groups := make([]*data, len(vecs))
	xIndex := make([]map[float64]int32, len(vecs))
	for i, c := range customers {
		x, m := c.Frequency, c.MonetaryValue
		if !(x >= 0) || x != math.Trunc(x) || math.IsInf(x, 0) {
			return pr, 0, 0, fmt.Errorf("gammagamma: customers[%d]: %w: customer %q: frequency %v is not a whole number ≥ 0", i, clv.ErrInvalidCustomer, c.ID, x)
		}
		if x == 0 {
			excluded++
			continue
		}
		if m <= 0 && opts.SkipNonPositive {
			skipped++
			continue
		}
		if !(m > 0) || math.IsInf(m, 0) {
			return pr, 0, 0, fmt.Errorf("gammagamma: customers[%d] (%q): monetary value %v with %v repeat purchases, want a finite number > 0 (see SkipNonPositive)", i, c.ID, m, x)
		}
		w := 1.0
		if opts.Weights != nil {
			if w = opts.Weights[i]; !(w >= 0) || math.IsInf(w, 0) {
				return pr, 0, 0, fmt.Errorf("gammagamma: weights[%d] = %v, want a finite number ≥ 0", i, w)
			}
		}
		g := slot[i]
		d := groups[g]
		if d == nil {
			d = &data{}
			groups[g], xIndex[g] = d, map[float64]int32{}
		}
		k, ok := xIndex[g][x]
		if !ok {
			k = int32(len(d.xs))
			xIndex[g][x] = k
			d.xs = append(d.xs, x)
		}
		d.xi, d.m, d.w = append(d.xi, k), append(d.m, m), append(d.w, w)
		d.lnm, d.lnx = append(d.lnm, math.Log(m)), append(d.lnx, math.Log(x))
		d.wsum += w
	}
	// Groups in the order of their vectors, so that the fit does not
	// depend on the order of the customers.
	order := make([]int, 0, len(vecs))
	for g, d := range groups {
		if d != nil && d.wsum > 0 {
			order = append(order, g)
		}
	}
	if len(order) == 0 {
		return pr, 0, 0, errNoCustomers(excluded, skipped)
	}
	slices.SortFunc(order, func(a, b int) int { return slices.CompareFunc(vecs[a], vecs[b], cmp.Compare[float64]) })
	k := len(z.Names)
	noLife := make([]bool, k)
	for j := range noLife {
		noLife[j] = true
	}
	pr = cov.Problem{Spec: covSpec, K: k, NoTrans: held, NoLife: noLife,
		Penalizer: opts.Penalizer, GradTol: opts.GradTol, MaxIter: opts.MaxIter, AtBoundary: atBoundary}
	data := make([]*data, len(order))
	for i, g := range order {
		zz := slices.Clone(vecs[g])
		for j := range zz {
			zz[j] += 0 // −0 → 0
		}
		d := groups[g]
		d.sort()
		data[i] = d
		pr.Z, pr.W = append(pr.Z, zz), append(pr.W, d.wsum)
		pr.Rows += len(d.m)
	}
	// The terms of each frequency depend on p and q alone, which every
	// group shares: computed once per evaluation for all the groups'
	// frequencies (with a numeric covariate, a group per customer, they
	// would otherwise cost six special functions per customer).
	xc := &xCache{index: map[float64]int32{}}
	gidx := make([][]int32, len(data))
	for g, d := range data {
		gidx[g] = make([]int32, len(d.xs))
		for k, x := range d.xs {
			i, ok := xc.index[x]
			if !ok {
				i = int32(len(xc.xs))
				xc.index[x] = i
				xc.xs = append(xc.xs, x)
			}
			gidx[g][k] = i
		}
	}
	parts := make([][][4]float64, len(data))
	pr.LogLik = func(g int, p, grad []float64) float64 {
		q := paramsOf(p)
		return data[g].covLogLik(q, xc.at(q, grad != nil), gidx[g], grad, &parts[g])
	}
	return pr, excluded, skipped, nil
}

// xTable holds the terms of every frequency x of a fit with covariates at
// one (p, q): ln Γ(px+q) − ln Γ(px), and with the gradient x(ψ(px+q) −
// ψ(px)) and ψ(px+q); and ln Γ(q), ψ(q).
type xTable struct {
	p, q, lgq, psq float64
	grad           bool
	lg, dp, psxq   []float64
}

// xCache is the table of the last (p, q) evaluated, shared by the groups,
// which are evaluated concurrently.
type xCache struct {
	xs    []float64
	index map[float64]int32
	mu    sync.Mutex
	cur   atomic.Pointer[xTable]
}

// at returns the table at p (with the gradient's terms if grad).
func (c *xCache) at(p Params, grad bool) *xTable {
	ok := func(t *xTable) bool { return t != nil && t.p == p.P && t.q == p.Q && (t.grad || !grad) }
	if t := c.cur.Load(); ok(t) {
		return t
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := c.cur.Load(); ok(t) {
		return t
	}
	n := len(c.xs)
	t := &xTable{p: p.P, q: p.Q, grad: grad, lg: make([]float64, n)}
	t.lgq, _ = math.Lgamma(p.Q)
	if grad {
		t.psq = mathext.Digamma(p.Q)
		t.dp, t.psxq = make([]float64, n), make([]float64, n)
	}
	for k, x := range c.xs {
		px := p.P * x
		lgpxq, _ := math.Lgamma(px + p.Q)
		lgpx, _ := math.Lgamma(px)
		t.lg[k] = lgpxq - lgpx
		if grad {
			pspxq := mathext.Digamma(px + p.Q)
			t.dp[k] = x * (pspxq - mathext.Digamma(px))
			t.psxq[k] = pspxq
		}
	}
	c.cur.Store(t)
	return t
}

// covLogLik is data.logLik with the frequencies' terms from tab (gidx:
// each of d's frequencies' index in it), the same numbers in the same
// order of operations.
func (d *data) covLogLik(p Params, tab *xTable, gidx []int32, grad []float64, part *[][4]float64) float64 {
	lng := math.Log(p.Gamma)
	want := grad != nil
	d.xterm, d.xdp, d.xdq = model.Resize(d.xterm, len(d.xs)), model.Resize(d.xdp, len(d.xs)), model.Resize(d.xdq, len(d.xs))
	for k := range d.xs {
		i := gidx[k]
		d.xterm[k] = tab.lg[i] - tab.lgq + p.Q*lng
		if want {
			d.xdp[k] = tab.dp[i]
			d.xdq[k] = tab.psxq[i] - tab.psq + lng
		}
	}
	n := len(d.m)
	sum := func(lo, hi int) [4]float64 {
		var ll, gp, gq, gg float64
		for i := lo; i < hi; i++ {
			k := d.xi[i]
			x, m, w := d.xs[k], d.m[i], d.w[i]
			px := p.P * x
			den := p.Gamma + m*x
			lden := math.Log(den)
			ll += w * (d.xterm[k] + (px-1)*d.lnm[i] + px*d.lnx[i] - (px+p.Q)*lden)
			if want {
				gp += w * (d.xdp[k] + x*(d.lnm[i]+d.lnx[i]-lden))
				gq += w * (d.xdq[k] - lden)
				gg += w * (p.Q/p.Gamma - (px+p.Q)/den)
			}
		}
		return [4]float64{ll, gp, gq, gg}
	}
	chunks := parallel.Chunks(n)
	*part = slices.Grow((*part)[:0], chunks)[:chunks]
	if chunks == 1 {
		(*part)[0] = sum(0, n)
	} else {
		parallel.For(chunks, func(c int) {
			lo, hi := parallel.Bounds(c, n)
			(*part)[c] = sum(lo, hi)
		})
	}
	var ll float64
	var g [3]float64
	for _, pt := range *part {
		ll += pt[0]
		g[0] += pt[1]
		g[1] += pt[2]
		g[2] += pt[3]
	}
	if want {
		copy(grad, g[:])
	}
	return ll
}

// Params returns the model's parameters (a copy).
func (m *CovModel) Params() CovParams { return m.p.clone() }

// StdErrors returns the asymptotic standard errors of the parameters and
// whether they are available (not for a model that was not fitted, nor
// when the Hessian is not positive definite). A coefficient held at 0 has
// standard error 0.
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

// LogLikelihood returns the log-likelihood of the fitted data at the
// estimate (without the penalty), or 0 for a model not fitted.
func (m *CovModel) LogLikelihood() float64 { return m.FitInfo().LogLikelihood }

// Covariance returns the approximate sampling covariance of the estimate
// (p, q, γ, δ...), from the inverse Hessian, and whether it is available.
func (m *CovModel) Covariance() ([][]float64, bool) {
	if m == nil || m.cov == nil {
		return nil, false
	}
	return cov.Rows(m.cov, 3+len(m.p.Names)), true
}

// String returns the parameters and the log-likelihood in one line.
func (m *CovModel) String() string {
	if m == nil {
		return "GammaGamma{}"
	}
	var b strings.Builder
	p := m.p
	fmt.Fprintf(&b, "GammaGamma{p=%.6g q=%.6g γ=%.6g", p.P, p.Q, p.Gamma)
	for j, n := range p.Names {
		fmt.Fprintf(&b, " spend.%s=%.6g", n, p.Spend[j])
	}
	fmt.Fprintf(&b, " LL=%.6f}", m.info.LogLikelihood)
	return b.String()
}

// Customer returns the gamma-gamma model of a customer with covariate
// vector z, with the parameters CovParams.At(z): for z = 0, the model of
// the base parameters, bit for bit.
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

// PopulationMean returns the expected value of a purchase of a customer
// with covariate vector z about whom nothing else is known,
// p·γ·exp(δ·z)/(q−1) (+Inf when q ≤ 1); NaN for an invalid z.
func (m *CovModel) PopulationMean(z []float64) float64 {
	cm, err := m.Customer(z)
	if err != nil {
		return math.NaN()
	}
	return cm.PopulationMean()
}

// ConditionalExpectedValue returns E[M | x, m̄] of a customer with
// covariate vector z (Model.ConditionalExpectedValue at the customer's
// parameters): p(γ·exp(δ·z) + x·m̄)/(px + q − 1). NaN for an invalid
// customer or z.
func (m *CovModel) ConditionalExpectedValue(c clv.Customer, z []float64) float64 {
	cm, err := m.Customer(z)
	if err != nil {
		return math.NaN()
	}
	return cm.ConditionalExpectedValue(c)
}

// ConditionalExpectedValueAll returns ConditionalExpectedValue for every
// customer, with z holding one covariate vector per customer, on all
// cores. An invalid customer or vector is an error naming it.
func (m *CovModel) ConditionalExpectedValueAll(cs []clv.Customer, z clv.Covariates) ([]float64, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroCov
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("gammagamma: %w", clv.ErrNoCustomers)
	}
	if err := z.Check(len(cs)); err != nil {
		return nil, fmt.Errorf("gammagamma: %w", err)
	}
	if !slices.Equal(z.Names, m.p.Names) {
		return nil, fmt.Errorf("gammagamma: %w: covariates %v, the model's are %v", clv.ErrInvalidCovariates, z.Names, m.p.Names)
	}
	slot, models, err := cov.Models(z, m.Customer)
	if err != nil {
		return nil, fmt.Errorf("gammagamma: %w", err)
	}
	out := make([]float64, len(cs))
	for i := range cs {
		out[i] = models[slot[i]].ConditionalExpectedValue(cs[i])
		if math.IsNaN(out[i]) {
			return nil, fmt.Errorf("gammagamma: customers[%d] (%q): invalid frequency %v or monetary value %v", i, cs[i].ID, cs[i].Frequency, cs[i].MonetaryValue)
		}
	}
	return out, nil
}

// Effects returns, for every covariate, its effect on spend: exp(δ), the
// factor by which one unit more of the covariate multiplies the mean
// value per purchase (and every quantile of the customers' mean values),
// with a confidence interval at the given level (e.g. 0.95) from the
// standard error of δ: exp(δ ± z·σ). Process is clv.SpendProcess.
// Without standard errors the intervals are NaN.
func (m *CovModel) Effects(level float64) ([]clv.CovariateEffect, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroCov
	}
	k := len(m.p.Names)
	var se []float64
	if m.se != nil {
		se = slices.Concat(m.se.Vector(), m.se.Spend, make([]float64, k))
	}
	all := make([]bool, k)
	for j := range all {
		all[j] = true
	}
	eff, err := cov.Effects(m.p.Names, m.p.Spend, make([]float64, k), se, m.held, all, 3, 1, 1, level)
	for i := range eff {
		eff[i].Process, eff[i].Quantity = clv.SpendProcess, "mean spend per purchase"
	}
	return eff, err
}

// EffectTests returns Effects(level) with each effect's likelihood-ratio
// test against the model without it: 2·(LL − LL₀), LL₀ the maximum with
// that δ held at 0, and its p-value from the χ² distribution with 1
// degree of freedom. It refits once per effect, the refits concurrently,
// each from the estimate with the effect at 0 (from the usual starts if
// that does not converge): pass the customers, covariates and options m
// was fitted with.
func (m *CovModel) EffectTests(ctx context.Context, customers []clv.Customer, z clv.Covariates, opts CovFitOptions, level float64) ([]clv.CovariateEffect, error) {
	if m == nil || m.info.Status == clv.NotFitted {
		return nil, fmt.Errorf("gammagamma: EffectTests: the model was not fitted")
	}
	if !slices.Equal(z.Names, m.p.Names) {
		return nil, fmt.Errorf("gammagamma: %w: covariates %v, the model's are %v", clv.ErrInvalidCovariates, z.Names, m.p.Names)
	}
	eff, err := m.Effects(level)
	if err != nil {
		return nil, err
	}
	// cov.EffectTests knows two processes: say spend as purchase there.
	for i := range eff {
		eff[i].Process = clv.PurchaseProcess
	}
	refit := func(ctx context.Context, _, noPurchase, _ []string) (float64, bool, error) {
		held := make([]bool, len(z.Names))
		for _, n := range slices.Concat(cov.Names(z.Names, m.held), noPurchase) {
			held[slices.Index(z.Names, n)] = true
		}
		// From the full fit with the effect at 0; from the usual starts
		// if that does not converge.
		if pr, _, _, err := covProblem(customers, z, opts, held); err == nil {
			if ll, err := cov.RefitFrom(ctx, pr, m.p.Vector(), m.p.Spend, make([]float64, len(m.p.Spend))); err == nil {
				return ll, true, nil
			}
		}
		r, err := fitCov(ctx, customers, z, opts, held)
		if r == nil {
			return 0, false, err
		}
		if errors.Is(err, ErrInfiniteMean) {
			err = nil // the likelihood is still the maximum
		}
		return r.LogLikelihood(), true, err
	}
	eff, err = cov.EffectTests(ctx, "gammagamma", eff, m.info.LogLikelihood, nil, nil, nil, refit)
	for i := range eff {
		eff[i].Process = clv.SpendProcess
	}
	return eff, err
}

// Simulate draws one customer per element of freq with covariate vector
// z.Values[i]: freq[i] purchase values from the gamma-gamma model of that
// vector (Params.SimulateValues at CovParams.At(z)), summarized as
// Frequency = freq[i] and MonetaryValue their mean (0 without purchases),
// IDs "0", "1", ... Recency and T are 0. Deterministic for a given src.
func (m *CovModel) Simulate(src rand.Source, freq []float64, z clv.Covariates) ([]clv.Customer, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroCov
	}
	if src == nil {
		return nil, fmt.Errorf("gammagamma: Simulate: nil source")
	}
	if err := z.Check(len(freq)); err != nil {
		return nil, fmt.Errorf("gammagamma: %w", err)
	}
	slot, models, err := cov.Models(z, m.p.At)
	if err != nil {
		return nil, fmt.Errorf("gammagamma: %w", err)
	}
	out := make([]clv.Customer, len(freq))
	for i, x := range freq {
		if !(x >= 0) || x != math.Trunc(x) || x > 1e6 {
			return nil, fmt.Errorf("gammagamma: Simulate: freq[%d] = %v, want a whole number in [0, 1e6]", i, x)
		}
		c := clv.Customer{ID: strconv.Itoa(i), Frequency: x}
		if x > 0 {
			v := models[slot[i]].SimulateValues(src, int(x))
			c.MonetaryValue = sum(v) / x
		}
		out[i] = c
	}
	return out, nil
}
