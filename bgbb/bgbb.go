// Package bgbb implements the beta-geometric/beta-Bernoulli (BG/BB) model
// of Fader, Hardie & Shang (2010), "Customer-Base Analysis in a
// Discrete-Time Noncontractual Setting", Marketing Science 29(6):1086-1108:
// customers who can buy only at discrete occasions (an annual donation
// drive, a yearly event, a weekly market).
//
// While alive, a customer transacts at each opportunity with probability
// p ~ Beta(α, β); after each opportunity the customer dies with
// probability θ ~ Beta(γ, δ), unobserved. A customer's history over n
// opportunities after the first transaction is summarized by x, the
// number of repeat transactions, and t_x, the opportunity of the last one
// (0 when x = 0); customers with the same (x, t_x, n) are interchangeable,
// so data are a few distinct rows with counts (Row).
package bgbb

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Params are the four parameters of the BG/BB model.
type Params struct {
	Alpha float64 `json:"alpha"` // first shape of the beta distribution of the transaction probability p; > 0
	Beta  float64 `json:"beta"`  // second shape of that distribution; > 0
	Gamma float64 `json:"gamma"` // first shape of the beta distribution of the dropout probability θ; > 0
	Delta float64 `json:"delta"` // second shape of that distribution; > 0
}

// ErrInvalidParams is clv.ErrInvalidParams, shared by every model.
var ErrInvalidParams = clv.ErrInvalidParams

// ErrNotConverged is wrapped by the error of a fit that did not converge.
var ErrNotConverged = mle.ErrNotConverged

// Validate reports whether every parameter is finite and positive.
func (p Params) Validate() error {
	return model.Positive("bgbb", "alpha beta gamma delta", p.Alpha, p.Beta, p.Gamma, p.Delta)
}

// FromVector returns the parameters whose Vector is v (α, β, γ, δ): the
// inverse of Vector. A v of another length than 4 gives the zero Params,
// which Validate rejects.
func (Params) FromVector(v []float64) Params {
	if len(v) != 4 {
		return Params{}
	}
	return paramsOf(v)
}

func paramsOf(v []float64) Params { return Params{v[0], v[1], v[2], v[3]} }

// Vector returns the parameters in the order α, β, γ, δ.
func (p Params) Vector() []float64 { return []float64{p.Alpha, p.Beta, p.Gamma, p.Delta} }

// A Row is a group of customers with the same history: X repeat
// transactions in N opportunities, the last at opportunity Recency
// (0 ≤ X ≤ Recency ≤ N, Recency = 0 when X = 0), Count customers.
type Row struct {
	X, Recency, N int
	Count         float64
}

// maxOpportunities bounds N.
const maxOpportunities = 100_000

func (r Row) check() error {
	if r.N < 0 || r.N > maxOpportunities || r.X < 0 || r.Recency < r.X || r.Recency > r.N || (r.X == 0 && r.Recency != 0) {
		return fmt.Errorf("%w: x = %d, t_x = %d, n = %d: want 0 ≤ x ≤ t_x ≤ n ≤ %d, t_x = 0 when x = 0", clv.ErrInvalidCustomer, r.X, r.Recency, r.N, maxOpportunities)
	}
	return nil
}

// A Model is a BG/BB model with known parameters, fitted or given. It is
// immutable (UnmarshalJSON aside, meant for a new Model) and safe for
// concurrent use; the zero Model's predictions are NaN.
//
// A Model is a clv.Fitted[Params]: the parameters, their standard errors,
// intervals and draws, the fit's information and the JSON form, the
// methods every model of clvkit shares.
type Model struct {
	base model.Base[Params] // never embedded
}

// New returns a Model with the given parameters.
func New(p Params) (*Model, error) {
	b, err := model.New(p)
	if err != nil {
		return nil, err
	}
	return &Model{b}, nil
}

// String returns the parameters and log-likelihood in one line.
func (m *Model) String() string {
	p := m.Params()
	return fmt.Sprintf("BG/BB{α=%.6g β=%.6g γ=%.6g δ=%.6g LL=%.6f}", p.Alpha, p.Beta, p.Gamma, p.Delta, m.LogLikelihood())
}

// Params returns the model's parameters.
func (m *Model) Params() Params { return m.base.Params() }

// StdErrors returns the asymptotic standard errors of the parameters, from
// the inverse Hessian of the negative log-likelihood at the optimum, and
// whether they are available: not for a model built by New, nor when the
// Hessian is not positive definite.
func (m *Model) StdErrors() (Params, bool) { return m.base.StdErrors() }

// LogLikelihood returns the log-likelihood of the fitted data at the
// estimate (without any penalty), or 0 for a model built by New.
func (m *Model) LogLikelihood() float64 { return m.base.LogLikelihood() }

// FitInfo returns how the fit went; its zero value (status
// clv.NotFitted) for a model built by New.
func (m *Model) FitInfo() clv.FitInfo { return m.base.FitInfo() }

// LogCovariance returns the approximate sampling covariance of the
// logarithms of the estimated parameters (in the order α, β, γ, δ), from the inverse
// Hessian at the optimum by the delta method, and whether it is available
// (as for StdErrors). On the log scale the normal approximation is better
// than on the natural one, and intervals stay positive.
func (m *Model) LogCovariance() ([][]float64, bool) { return m.base.LogCovariance() }

// ParamIntervals returns approximate confidence intervals for the
// parameters at the given level (e.g. 0.9): exp(ln p ± z·σ), with σ the
// standard error of ln p from LogCovariance. It is an error for a model
// without a covariance (see StdErrors).
func (m *Model) ParamIntervals(level float64) (lo, hi Params, err error) {
	return m.base.Intervals(level)
}

// SampleParams draws n parameter sets from the approximate sampling
// distribution of the estimate (ln p normal with LogCovariance, the
// Laplace approximation): score a forecast at each draw and take
// quantiles to carry the parameters' uncertainty into it. Deterministic
// for a given src. It is an error for a model without a covariance (see
// StdErrors).
func (m *Model) SampleParams(src rand.Source, n int) ([]Params, error) {
	return m.base.Draws(src, n)
}

// MarshalJSON encodes the model as {"model": "bgbb", ...}.
func (m *Model) MarshalJSON() ([]byte, error) { return m.base.Marshal("bgbb") }

// UnmarshalJSON decodes a model written by MarshalJSON, validating every
// field, and replaces the whole of m with it; on error m is unchanged. It
// is meant for a new Model; a Model in use by other goroutines must not be
// decoded into.
func (m *Model) UnmarshalJSON(b []byte) error {
	nb, err := model.Unmarshal[Params]("bgbb", b)
	if err != nil {
		return err
	}
	*m = Model{base: nb}
	return nil
}

var _ clv.Fitted[Params] = (*Model)(nil)

func lbeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// term returns ln[B(α+x, β+k1)/B(α, β) · B(γ+e, δ+k2)/B(γ, δ)] and, if g
// is not nil, its gradient with respect to (α, β, γ, δ).
func (p Params) term(x, k1, e, k2 float64, g *[4]float64) float64 {
	a1, b1, a2, b2 := p.Alpha+x, p.Beta+k1, p.Gamma+e, p.Delta+k2
	v := lbeta(a1, b1) - lbeta(p.Alpha, p.Beta) + lbeta(a2, b2) - lbeta(p.Gamma, p.Delta)
	if g != nil {
		psi := mathext.Digamma
		pab, pgd := psi(p.Alpha+p.Beta), psi(p.Gamma+p.Delta)
		p1, p2 := psi(a1+b1), psi(a2+b2)
		*g = [4]float64{psi(a1) - p1 - psi(p.Alpha) + pab, psi(b1) - p1 - psi(p.Beta) + pab,
			psi(a2) - p2 - psi(p.Gamma) + pgd, psi(b2) - p2 - psi(p.Delta) + pgd}
	}
	return v
}

// logLik returns ln L(α, β, γ, δ | x, t_x, n) (Fader, Hardie & Shang 2010,
// eq. 5),
//
//	L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ),
//
// summed in log space, and its gradient if g is not nil.
func (p Params) logLik(r Row, g *[4]float64) float64 {
	x, tx, n := float64(r.X), float64(r.Recency), float64(r.N)
	var gt [4]float64
	gp := &gt
	if g == nil {
		gp = nil
	}
	terms := make([]float64, 0, r.N-r.Recency+1)
	grads := make([][4]float64, 0, cap(terms))
	terms = append(terms, p.term(x, n-x, 0, n, gp))
	grads = append(grads, gt)
	for i := 0.0; i < n-tx; i++ {
		terms = append(terms, p.term(x, tx-x+i, 1, tx+i, gp))
		grads = append(grads, gt)
	}
	mx := math.Inf(-1)
	for _, v := range terms {
		mx = math.Max(mx, v)
	}
	var s float64
	for _, v := range terms {
		s += math.Exp(v - mx)
	}
	if g != nil {
		*g = [4]float64{}
		for j, v := range terms {
			w := math.Exp(v-mx) / s
			for k := range g {
				g[k] += w * grads[j][k]
			}
		}
	}
	return mx + math.Log(s)
}

// FitOptions configures Fit; the zero value fits without penalty.
type FitOptions struct {
	// Penalizer is the coefficient c of an L2 penalty on the parameters:
	// the fit minimizes −LL/n + c·(α² + β² + γ² + δ²), LL the weighted
	// log-likelihood and n the total weight, the objective of the lifetimes
	// package's BetaGeoBetaBinomFitter with penalizer_coef c (nothing is
	// rescaled: the opportunities are the unit). Zero means no penalty. A
	// penalized fit is judged identified, or not, on the likelihood without
	// the penalty, as in bgnbd.FitContext.
	Penalizer float64
	GradTol   float64 // zero: 1e-8
	MaxIter   int     // zero: 1000
}

// Fit estimates the parameters by maximum likelihood from weighted rows;
// see FitContext.
func Fit(rows []Row, opts FitOptions) (*Model, error) {
	return FitContext(context.Background(), rows, opts)
}

// FitContext estimates the parameters by maximum likelihood: BFGS on the
// log-parameters with the analytic gradient, identical rows merged, from
// several starts; standard errors from the Hessian.
func FitContext(ctx context.Context, rows []Row, opts FitOptions) (*Model, error) {
	data, total, err := merge(rows)
	if err != nil {
		return nil, err
	}
	pr := mle.Problem{
		LogLik: func(v, grad []float64) float64 {
			p := paramsOf(v)
			var ll float64
			var g, gr [4]float64
			gp := &gr
			if grad == nil {
				gp = nil
			}
			for _, r := range data {
				ll += r.Count * p.logLik(r, gp)
				for k := range g {
					g[k] += r.Count * gr[k]
				}
			}
			copy(grad, g[:])
			return ll
		},
		Valid:  func(v []float64) bool { return paramsOf(v).Validate() == nil },
		Weight: total, Penalizer: opts.Penalizer, GradTol: opts.GradTol, MaxIter: opts.MaxIter,
		Starts: [][]float64{{1, 1, 1, 1}, {0.5, 0.5, 0.5, 2}, {2, 1, 0.5, 3}, {0.3, 3, 2, 0.5}},
	}
	est, fitErr := mle.Fit(ctx, pr)
	if est.Params == nil {
		return nil, fmt.Errorf("bgbb: fit: %w", fitErr)
	}
	b, idErr := model.FromEstimate(est, paramsOf, "alpha beta gamma delta", total, clv.FitInfo{Rows: len(data), Penalizer: opts.Penalizer})
	m := &Model{b}
	if fitErr != nil {
		return m, fmt.Errorf("bgbb: %w (best: %v)", fitErr, m)
	}
	if idErr != nil {
		return m, fmt.Errorf("bgbb: %v: %w", m, idErr)
	}
	return m, nil
}

// denseN is the largest number of opportunities merge counts in a dense
// array ((n+1)³ cells) rather than a map.
const denseN = 127

// merge validates the rows and merges identical (x, t_x, n) ones, in a
// fixed order: a dense array when n is small (the usual case: a million
// customers in a few milliseconds), a map otherwise.
func merge(rows []Row) ([]Row, float64, error) {
	maxN := 0
	for i, r := range rows {
		if err := r.check(); err != nil {
			return nil, 0, fmt.Errorf("bgbb: rows[%d]: %w", i, err)
		}
		if !(r.Count >= 0) || math.IsInf(r.Count, 0) {
			return nil, 0, fmt.Errorf("bgbb: rows[%d]: count %v, want a finite number ≥ 0", i, r.Count)
		}
		maxN = max(maxN, r.N)
	}
	var out []Row
	total := 0.0
	if maxN <= denseN {
		k := maxN + 1
		cells := make([]float64, k*k*k)
		for _, r := range rows {
			cells[(r.N*k+r.Recency)*k+r.X] += r.Count
		}
		for i, c := range cells {
			if c > 0 {
				out = append(out, Row{X: i % k, Recency: i / k % k, N: i / (k * k), Count: c})
				total += c
			}
		}
	} else {
		merged := map[[3]int]float64{}
		var order [][3]int
		for _, r := range rows {
			key := [3]int{r.X, r.Recency, r.N}
			if _, ok := merged[key]; !ok {
				order = append(order, key)
			}
			merged[key] += r.Count
		}
		for _, key := range order {
			if c := merged[key]; c > 0 {
				out = append(out, Row{X: key[0], Recency: key[1], N: key[2], Count: c})
				total += c
			}
		}
	}
	if total == 0 {
		return nil, 0, fmt.Errorf("bgbb: %w", clv.ErrNoCustomers)
	}
	return out, total, nil
}

// errZero is the error of a zero Model.
var errZero = errors.New("bgbb: zero Model (use New or Fit)")

// ProbabilityAlive returns the probability that a customer with history r
// is alive at opportunity n+m, m ≥ 1 (m = 1: the next opportunity; the
// lifetimes package's conditional_probability_alive):
//
//	P = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+m)/B(γ,δ) / L(α, β, γ, δ | x, t_x, n).
//
// It is NaN for an invalid row or m < 1.
func (m *Model) ProbabilityAlive(r Row, future int) float64 {
	if !m.base.Ready() || r.check() != nil || future < 1 {
		return math.NaN()
	}
	p := m.Params()
	x, n := float64(r.X), float64(r.N)
	return math.Min(math.Exp(p.term(x, n-x, 0, n+float64(future), nil)-p.logLik(r, nil)), 1)
}

// ConditionalExpectedTransactions returns the expected number of
// transactions of a customer with history r in the next future
// opportunities (Fader, Hardie & Shang 2010, eq. 13),
//
//	E = B(α+x+1, β+n−x)/B(α,β) / L · Σ_{k=1}^{n*} B(γ, δ+n+k)/B(γ,δ),
//
// the sum being the paper's closed form δ/(γ−1)·Γ(γ+δ)/Γ(1+δ)·[...] written
// term by term, which stays exact at γ = 1.
func (m *Model) ConditionalExpectedTransactions(r Row, future int) float64 {
	if !m.base.Ready() || r.check() != nil || future < 0 || future > maxOpportunities {
		return math.NaN()
	}
	p := m.Params()
	x, n := float64(r.X), float64(r.N)
	lead := p.term(x+1, n-x, 0, n, nil) - p.logLik(r, nil) // includes B(γ, δ+n)/B(γ,δ)
	// Σ_k B(γ, δ+n+k)/B(γ, δ+n), by the ratio (δ+n+k−1)/(γ+δ+n+k−1).
	var sum float64
	f := 1.0
	for k := 1; k <= future; k++ {
		f *= (p.Delta + n + float64(k) - 1) / (p.Gamma + p.Delta + n + float64(k) - 1)
		sum += f
	}
	return math.Exp(lead) * sum
}

// DERT returns the discounted expected residual transactions of a customer
// with history r at discount rate d per opportunity (Fader, Hardie & Shang
// 2010, eq. 14): the transactions at opportunities n+1, n+2, ..., the k-th
// discounted by (1+d)^k,
//
//	DERT = B(α+x+1, β+n−x)/B(α,β) · B(γ, δ+n+1)/(B(γ,δ)(1+d)) · ₂F₁(1, δ+n+1; γ+δ+n+1; 1/(1+d)) / L,
//
// summed term by term. d must be > 0 (undiscounted, the sum diverges when
// γ ≤ 1).
func (m *Model) DERT(r Row, d float64) float64 {
	if !m.base.Ready() || r.check() != nil || !(d > 0) || math.IsInf(d, 0) {
		return math.NaN()
	}
	p := m.Params()
	x, n := float64(r.X), float64(r.N)
	lead := p.term(x+1, n-x, 0, n, nil) - p.logLik(r, nil)
	z := 1 / (1 + d)
	var sum float64
	f := 1.0
	for k := 1; k < 100_000_000; k++ {
		f *= (p.Delta + n + float64(k) - 1) / (p.Gamma + p.Delta + n + float64(k) - 1) * z
		sum += f
		if f <= 1e-17*sum {
			break
		}
	}
	return math.Exp(lead) * sum
}

// ProbabilityOfTransactions returns P(X(n) = x), the probability that a
// new customer makes x transactions in the first n opportunities (Fader,
// Hardie & Shang 2010, eq. 7):
//
//	P = C(n,x) B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	  + Σ_{i=x}^{n−1} C(i,x) B(α+x, β+i−x)/B(α,β) · B(γ+1, δ+i)/B(γ,δ).
func (m *Model) ProbabilityOfTransactions(x, n int) float64 {
	if !m.base.Ready() || x < 0 || n < 0 || n > maxOpportunities {
		return math.NaN()
	}
	if x > n {
		return 0
	}
	p := m.Params()
	xf, nf := float64(x), float64(n)
	v := math.Exp(lchoose(n, x) + p.term(xf, nf-xf, 0, nf, nil))
	for i := x; i < n; i++ {
		v += math.Exp(lchoose(i, x) + p.term(xf, float64(i)-xf, 1, float64(i), nil))
	}
	return v
}

func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// ExpectedCounts returns the expected number of customers, of total, with
// 0..n transactions in the first n opportunities: the fit histogram of
// Fader, Hardie & Shang (2010, Figure 3).
func (m *Model) ExpectedCounts(total float64, n int) ([]float64, error) {
	if !m.base.Ready() {
		return nil, errZero
	}
	if n < 0 || n > maxOpportunities || !(total >= 0) || math.IsInf(total, 0) {
		return nil, fmt.Errorf("bgbb: ExpectedCounts(%v, %d)", total, n)
	}
	out := make([]float64, n+1)
	for x := range out {
		out[x] = total * m.ProbabilityOfTransactions(x, n)
	}
	return out, nil
}

// Simulate draws n customers, each observed for opportunities
// opportunities after the first transaction, and returns their histories
// merged into rows: p ~ Beta(α, β), θ ~ Beta(γ, δ); at each opportunity an
// alive customer dies with probability θ, and if still alive transacts with
// probability p. It is deterministic for a given src.
func (p Params) Simulate(src rand.Source, n, opportunities int) ([]Row, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if src == nil || n < 0 || opportunities < 0 || opportunities > maxOpportunities {
		return nil, fmt.Errorf("bgbb: Simulate(%d customers, %d opportunities) with source %v", n, opportunities, src)
	}
	rng := rand.New(src)
	pb := distuv.Beta{Alpha: p.Alpha, Beta: p.Beta, Src: src}
	tb := distuv.Beta{Alpha: p.Gamma, Beta: p.Delta, Src: src}
	counts := map[[2]int]float64{}
	for range n {
		pp, th := pb.Rand(), tb.Rand()
		x, tx := 0, 0
		for t := 1; t <= opportunities; t++ {
			if rng.Float64() < th {
				break
			}
			if rng.Float64() < pp {
				x, tx = x+1, t
			}
		}
		counts[[2]int{x, tx}]++
	}
	rows := make([]Row, 0, len(counts))
	for tx := 0; tx <= opportunities; tx++ { // a fixed order, not the map's
		for x := 0; x <= tx; x++ {
			if c := counts[[2]int{x, tx}]; c > 0 {
				rows = append(rows, Row{X: x, Recency: tx, N: opportunities, Count: c})
			}
		}
	}
	return rows, nil
}

// RowsFromCustomers turns calendar-period summaries (clv.Summarize with
// SummaryOptions.Calendar, e.g. Period clv.Year for annual occasions) into
// BG/BB rows: x = Frequency, t_x = Recency and n = T, all whole numbers of
// periods; identical rows are merged, in the order first seen. A summary
// that is not whole is an error naming it.
func RowsFromCustomers(cs []clv.Customer) ([]Row, error) {
	index := map[[3]int]int{}
	var rows []Row
	for i, c := range cs {
		x, tx, n := c.Frequency, c.Recency, c.T
		if x != math.Trunc(x) || tx != math.Trunc(tx) || n != math.Trunc(n) || n > maxOpportunities {
			return nil, fmt.Errorf("bgbb: customers[%d] (%q): frequency %v, recency %v, T %v: want whole numbers of periods (summarize with Calendar)", i, c.ID, x, tx, n)
		}
		r := Row{X: int(x), Recency: int(tx), N: int(n), Count: 1}
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("bgbb: customers[%d] (%q): %w", i, c.ID, err)
		}
		k := [3]int{r.X, r.Recency, r.N}
		if j, ok := index[k]; ok {
			rows[j].Count++
			continue
		}
		index[k] = len(rows)
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("bgbb: %w", clv.ErrNoCustomers)
	}
	return rows, nil
}
