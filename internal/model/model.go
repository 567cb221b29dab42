// Package model holds what every fitted model of clvkit shares: the
// parameters with their standard errors and fit information (Base), the
// accessors over them, parameter intervals and draws, parameter
// validation, the JSON envelope, the step from an mle.Estimate to a model
// (FromEstimate), and the fit of a model of the customers' distinct
// (x, t_x, T) rows (FitRows).
//
// A model package keeps a Base in an unexported field, never embedded:
// its Model declares each user-facing method itself (the clv.Fitted
// interface), documented in its own package, and forwards to the Base.
// Nothing here mutates a Base once built: decoding returns a new one
// (Unmarshal), which the model's UnmarshalJSON installs together with
// every value it derives from the parameters.
package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/parallel"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Params is what a model's parameter struct P provides.
type Params[P any] interface {
	comparable
	// Validate reports parameters out of their range, wrapping
	// clv.ErrInvalidParams.
	Validate() error
	// Vector returns the parameters in the order the fit estimates them
	// (those held fixed, if any, last).
	Vector() []float64
	// FromVector is the inverse of Vector: the parameters whose Vector is
	// v. A model whose last parameters may be held fixed (sbg's c)
	// accepts a v without them and gives them their fixed values. Any
	// other length gives the zero P, which Validate rejects.
	FromVector(v []float64) P
}

// Base is the state every model shares: parameters, standard errors, the
// covariance of the log-parameters and the fit information. Its zero value
// is an unusable model: Ready reports false, and the model's methods
// return NaN or an error. It is immutable once built: a model holds it by
// value in an unexported field.
type Base[P Params[P]] struct {
	p      P
	stdErr *P
	logCov []float64 // covariance of the log-parameters estimated, k×k row major
	free   []int     // Vector indexes of logCov's rows, ascending; nil: the first k
	info   clv.FitInfo
	ready  bool
}

// New returns the Base of a model with given parameters (not fitted).
func New[P Params[P]](p P) (Base[P], error) {
	if err := p.Validate(); err != nil {
		return Base[P]{}, err
	}
	return Base[P]{p: p, ready: true}, nil
}

// Ready reports whether the model has valid parameters (false for a zero
// Model value).
func (b *Base[P]) Ready() bool { return b.ready }

// Params returns the model's parameters.
func (b *Base[P]) Params() P { return b.p }

// LogLikelihood returns the log-likelihood of the fitted data at the
// estimate (without any penalty), or 0 for a model that was not fitted.
func (b *Base[P]) LogLikelihood() float64 { return b.info.LogLikelihood }

// StdErrors returns the asymptotic standard errors of the parameters, from
// the inverse Hessian of the negative log-likelihood at the optimum, and
// whether they are available (they are not for a model that was not
// fitted, nor when the Hessian is not positive definite).
func (b *Base[P]) StdErrors() (P, bool) {
	if b.stdErr == nil {
		var zero P
		return zero, false
	}
	return *b.stdErr, true
}

// FitInfo returns how the fit went; the zero value (status NotFitted) for
// a model built from given parameters.
func (b *Base[P]) FitInfo() clv.FitInfo { return b.info }

// FromEstimate builds the Base of a fitted model from an estimate: conv
// turns est.Params into P (P.FromVector, or the expansion of a fit with
// parameters held fixed); names names est.Params, space-separated. The
// standard errors, when est has them, are those of the first
// len(est.StdErr) entries of P's Vector, and 0 for the rest, the
// parameters held fixed (sbg's c = 1). info
// carries the fields that only the model knows (Rows, Excluded, Skipped,
// Penalizer), and the rest is filled in from est and weight (the total
// weight fitted). A converged fit whose parameters the data do not
// determine gets status NotIdentified, its Reason, and an error wrapping
// clv.ErrNotIdentified: the data determine the parameters when the
// log-likelihood has a strict maximum at finite parameters, so a fit is
// not identified when a parameter ran off beyond [1e-7, 1e7] or the
// Hessian there is not positive definite. A penalized fit is judged on
// est.Free, the maximum of the same likelihood without the penalty (or
// the best point found, where rounding stops that fit short of its
// tolerance): it is identified exactly when the unpenalized fit would be,
// since a penalty keeps every parameter finite whether or not the data
// say anything about it. An estimate of a limit model (the fit ran off to
// a boundary and the model package fitted the limit) comes with
// info.Status AtBoundary and info.Reason saying which limit: a converged
// one keeps that status and gets an error wrapping clv.ErrBoundary, unless
// a parameter ran off toward 0 (NotIdentified).
func FromEstimate[P Params[P]](est mle.Estimate, conv func([]float64) P, names string, weight float64, info clv.FitInfo) (Base[P], error) {
	boundary := info.Status == clv.AtBoundary
	b := Base[P]{p: conv(est.Params), ready: true}
	if est.StdErr != nil {
		v := make([]float64, len(b.p.Vector()))
		copy(v, est.StdErr)
		se := b.p.FromVector(v)
		b.stdErr = &se
		// Delta method: ln p has covariance Σ_ij/(p_i p_j).
		b.logCov = LogCov(est.Params, est.Cov)
	}
	info.Status = clv.NotConverged
	if est.Converged {
		info.Status = clv.Converged
	}
	info.LogLikelihood = est.LL
	info.NumParams = len(est.Params)
	info.Customers = int(math.Round(weight))
	info.Optimizer, info.Start = est.Status, est.Start
	info.Iterations, info.Evaluations, info.GradNorm = est.Iterations, est.Evals, est.GradNorm
	var err error
	if est.Converged && boundary {
		// The limit's rate parameters may be large; a parameter running
		// off toward 0 still leaves the limit model unidentified.
		info.Status = clv.AtBoundary
		err = fmt.Errorf("%w (%s): %s", clv.ErrBoundary, nCustomers(info.Customers), info.Reason)
		for i, v := range est.Params {
			// The limit's fit stops once the likelihood no longer
			// changes, which for a parameter running off toward 0 can be
			// well above mle.MinParam.
			if v < limitMinParam {
				info.Status = clv.NotIdentified
				info.Reason += fmt.Sprintf("; and %s = %.3g ran off toward 0", strings.Fields(names)[i], v)
				err = fmt.Errorf("%w (%s): %s; the data may show no dropout for the model to measure: observe longer, or use another model",
					clv.ErrNotIdentified, nCustomers(info.Customers), info.Reason)
				break
			}
		}
	} else if est.Converged {
		reason, advice := unidentified(est.Params, est.StdErr != nil, names)
		if f := est.Free; reason == "" && f != nil && f.AtBoundary && inside(f.Params) {
			// Without the penalty the likelihood is highest in a limit of
			// the model: the estimate is a point on the way there.
			reason = "without the penalty, the parameters run off toward a limit of the model (a boundary of the parameter space, " +
				"where a heterogeneity vanishes)"
			advice = "the penalty, not the data, holds them at this estimate: fit without the penalty to get the limit model"
		} else if f := est.Free; reason == "" && f != nil {
			if reason, advice = unidentified(f.Params, f.StdErr != nil, names); reason != "" {
				reason = "without the penalty, " + reason
				advice += "; the penalty keeps the estimate finite, but the penalty, not the data, determines it"
			}
		}
		if reason != "" {
			info.Status, info.Reason = clv.NotIdentified, reason
			err = fmt.Errorf("%w (%s): %s; %s", clv.ErrNotIdentified, nCustomers(info.Customers), reason, advice)
		}
	}
	b.info = info
	return b, err
}

// inside reports whether no parameter ran off toward 0.
func inside(params []float64) bool {
	for _, v := range params {
		if v < mle.MinParam {
			return false
		}
	}
	return true
}

// limitMinParam is the value below which a free parameter of a limit
// model has run off toward 0 (the fitted limits' free parameters, in
// tests and on real logs, are above 0.01).
const limitMinParam = 1e-5

// unidentified returns why a maximum of the log-likelihood at params does
// not determine them, in plain language, with advice; "" if it does.
// They are not determined when params is empty (the fit failed), a
// parameter ran off beyond [mle.MinParam, mle.MaxParam], or the Hessian
// there is not positive definite (curved is false).
func unidentified(params []float64, curved bool, names string) (reason, advice string) {
	advice = "the data are too few or too uniform to determine the parameters"
	if len(params) == 0 {
		return "the fit failed", advice
	}
	ns := strings.Fields(names)
	for i, v := range params {
		if v > mle.MaxParam {
			return fmt.Sprintf("%s = %.3g ran off toward infinity", ns[i], v), advice
		}
		if v < mle.MinParam {
			return fmt.Sprintf("%s = %.3g ran off toward 0", ns[i], v),
				"the data may show no repeat purchases or no dropout for the model to measure: observe longer, or use another model"
		}
	}
	if !curved {
		return "the log-likelihood is flat at the estimate (its Hessian is not positive definite)", advice
	}
	return "", ""
}

// LogCovariance returns the approximate sampling covariance of the
// logarithms of the estimated parameters (in Vector order; a parameter held
// fixed is left out: sbg's c, or a limit model's held shape, see Free),
// from the inverse Hessian at the optimum by the delta method, and whether
// it is available (not for a model that was not fitted, nor when the
// Hessian is not positive definite). On the log scale the normal
// approximation is better than on the natural one, and intervals stay
// positive.
func (b *Base[P]) LogCovariance() ([][]float64, bool) {
	k := b.dim()
	if k == 0 {
		return nil, false
	}
	out := make([][]float64, k)
	for i := range out {
		out[i] = append([]float64(nil), b.logCov[i*k:(i+1)*k]...)
	}
	return out, true
}

func (b *Base[P]) dim() int {
	return int(math.Sqrt(float64(len(b.logCov))) + 0.5)
}

// Free returns the indexes in Vector of the parameters LogCovariance
// covers, in its order: 0, 1, ..., k−1 for a model whose held parameters
// (if any) come last, the free parameters of a limit model otherwise (its
// held shapes left out). Nil without a covariance.
func (b *Base[P]) Free() []int {
	k := b.dim()
	if k == 0 {
		return nil
	}
	if b.free != nil {
		return slices.Clone(b.free)
	}
	out := make([]int, k)
	for i := range out {
		out[i] = i
	}
	return out
}

// index returns the index in Vector of row i of logCov.
func (b *Base[P]) index(i int) int {
	if b.free != nil {
		return b.free[i]
	}
	return i
}

// WithLimitCovariance returns b, the Base of a limit model (built by
// FromEstimate without a covariance), with the covariance of the
// log-parameters of its free parameters: logCov, k×k row major, the
// covariance of ln v[free[0]], ..., ln v[free[k−1]] (v = Vector(), free
// ascending), from the observed information of the limit model's
// likelihood in those parameters with the held ones fixed. The held
// parameters carry no uncertainty: their standard errors are 0, their
// intervals [v, v], and draws keep them at their values, so that
// intervals from the draws are conditional on the limit. The standard
// errors of the free parameters are v_i·√logCov_ii (the delta method). A
// logCov that is not a finite positive definite k×k matrix, or indexes out
// of order, leave b unchanged.
func (b Base[P]) WithLimitCovariance(free []int, logCov []float64) Base[P] {
	v := b.p.Vector()
	k := len(free)
	if k == 0 || k > len(v) || len(logCov) != k*k {
		return b
	}
	for i, j := range free {
		if j < 0 || j >= len(v) || i > 0 && j <= free[i-1] {
			return b
		}
	}
	for _, c := range logCov {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return b
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(mat.NewSymDense(k, slices.Clone(logCov))) {
		return b
	}
	se := make([]float64, len(v))
	for i, j := range free {
		se[j] = v[j] * math.Sqrt(logCov[i*k+i])
	}
	sp := b.p.FromVector(se)
	b.stdErr = &sp
	b.logCov = slices.Clone(logCov)
	b.free = nil
	if !slices.Equal(free, b.Free()) {
		b.free = slices.Clone(free)
	}
	return b
}

// LimitLogCov returns the covariance of the logarithms of the free
// parameters of a limit model at its estimate params, row major: (DHD)⁻¹,
// with H the Hessian of the negative log-likelihood in params (central
// differences of the score, grad: the log-likelihood's gradient) and
// D = diag(params), the Hessian in the log-parameters at a stationary
// point. The scaling comes before the inversion: a limit model's free
// rate runs to 10⁸ beside shapes near 1, and H's condition number alone
// (10¹⁷ and more) would make it look singular. Nil when DHD is not
// positive definite.
func LimitLogCov(grad func(params, grad []float64), params []float64) []float64 {
	k := len(params)
	h := mle.Hessian(func(x, g []float64) {
		grad(x, g)
		for i := range g {
			g[i] = -g[i]
		}
	}, params)
	dhd := mat.NewSymDense(k, nil)
	for i := range k {
		for j := i; j < k; j++ {
			dhd.SetSym(i, j, params[i]*h.At(i, j)*params[j])
		}
	}
	_, cov, err := mle.Covariance(dhd)
	if err != nil {
		return nil
	}
	for _, c := range cov {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return nil
		}
	}
	return cov
}

// WithStdErrors returns b with the standard errors se, for a fit whose
// estimate FromEstimate read in other units than P's (gammagamma's fit in
// units of the customers' mean amount): the covariance of the
// log-parameters is the same in any units.
func (b Base[P]) WithStdErrors(se P) Base[P] {
	if b.stdErr != nil {
		b.stdErr = &se
	}
	return b
}

// LogCov returns the covariance of the logarithms of params, row major,
// from cov, that of params (row major): cov_ij/(p_i p_j), the delta
// method.
func LogCov(params, cov []float64) []float64 {
	k := len(params)
	out := make([]float64, k*k)
	for i := range k {
		for j := range k {
			out[i*k+j] = cov[i*k+j] / (params[i] * params[j])
		}
	}
	return out
}

// Intervals returns approximate confidence intervals at the given level
// (e.g. 0.9) for every estimated parameter: exp(ln p ± z·σ) with σ the
// standard error of ln p (LogCovariance's diagonal); a parameter held
// fixed (sbg's c, a limit model's held shape) gets the interval [p, p]. It
// is an error for a model without a covariance (not fitted, or a Hessian
// that is not positive definite).
func (b *Base[P]) Intervals(level float64) (lo, hi P, err error) {
	if !(level > 0 && level < 1) {
		return lo, hi, fmt.Errorf("confidence level %v, want (0, 1)", level)
	}
	k := b.dim()
	if k == 0 {
		return lo, hi, errors.New("no covariance: the model was not fitted, or its Hessian is not positive definite")
	}
	z := distuv.UnitNormal.Quantile(0.5 + level/2)
	v := b.p.Vector()
	l, h := slices.Clone(v), slices.Clone(v)
	for i := range k {
		s, j := math.Sqrt(b.logCov[i*k+i]), b.index(i)
		l[j], h[j] = v[j]*math.Exp(-z*s), v[j]*math.Exp(z*s)
	}
	return b.p.FromVector(l), b.p.FromVector(h), nil
}

// Draws returns n parameter sets drawn from the approximate sampling
// distribution of the estimate, ln p ~ Normal(ln p̂, LogCovariance): the
// Laplace approximation, to propagate parameter uncertainty into any
// forecast (score each draw, take quantiles). A parameter held fixed
// keeps its value in every draw (a limit model's draws are conditional on
// the limit). It is deterministic for a given src. It is an error for a
// model without a covariance.
func (b *Base[P]) Draws(src rand.Source, n int) ([]P, error) {
	k := b.dim()
	if k == 0 {
		return nil, errors.New("no covariance: the model was not fitted, or its Hessian is not positive definite")
	}
	if src == nil || n < 0 {
		return nil, fmt.Errorf("draws: source %v, n = %d", src, n)
	}
	var ch mat.Cholesky
	if !ch.Factorize(mat.NewSymDense(k, slices.Clone(b.logCov))) {
		return nil, errors.New("the covariance is not positive definite")
	}
	var l mat.TriDense
	ch.LTo(&l)
	rng := rand.New(src)
	v := b.p.Vector()
	out := make([]P, n)
	z := make([]float64, k)
	for d := range out {
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		w := slices.Clone(v)
		for i := range k {
			var s float64
			for j := 0; j <= i; j++ {
				s += l.At(i, j) * z[j]
			}
			w[b.index(i)] = v[b.index(i)] * math.Exp(s)
		}
		out[d] = b.p.FromVector(w)
	}
	return out, nil
}

// envelope is the JSON form of every model.
type envelope[P Params[P]] struct {
	Model         string       `json:"model"`
	Params        P            `json:"params"`
	StdErrors     *P           `json:"std_errors,omitempty"`
	LogCovariance [][]float64  `json:"log_covariance,omitempty"`
	Free          []int        `json:"free,omitempty"`
	Fit           *clv.FitInfo `json:"fit,omitempty"`
}

// Marshal encodes the model as {"model": name, "params": ..., "std_errors":
// ..., "log_covariance": ..., "free": ..., "fit": ...}, the last four only
// for a fitted model; "free" (Free, the indexes in Vector of
// log_covariance's rows) only for a limit model, whose held shapes are
// left out of log_covariance.
func (b *Base[P]) Marshal(name string) ([]byte, error) {
	if !b.ready {
		return nil, fmt.Errorf("%s: cannot encode a zero Model (use New or Fit)", name)
	}
	e := envelope[P]{Model: name, Params: b.p, StdErrors: b.stdErr}
	e.LogCovariance, _ = b.LogCovariance()
	e.Free = slices.Clone(b.free)
	if b.info.Status != clv.NotFitted {
		info := b.info
		e.Fit = &info
	}
	return json.Marshal(e)
}

// Bounds of a parameter read from JSON, unless its Params type is Bounded:
// a fit whose parameter leaves [mle.MinParam, mle.MaxParam] is NotIdentified, and
// beyond these bounds some predictions of every model are no longer finite
// (see each package's JSON tests).
const (
	MinJSONParam = 1e-7
	MaxJSONParam = 1e7
)

// Bounded is implemented by the Params of a model whose predictions stay
// finite on a range of a parameter other than [MinJSONParam,
// MaxJSONParam]; UnmarshalJSON refuses parameters outside it.
type Bounded interface {
	// JSONBounds returns the range of the parameter with the given JSON
	// name.
	JSONBounds(name string) (lo, hi float64)
}

// checkParams reports the first float64 field of p, by JSON name, outside
// its bounds, as an error wrapping clv.ErrInvalidParams naming
// "params.<name>".
func checkParams[P Params[P]](name string, p P) error {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Struct {
		return p.Validate()
	}
	bd, bounded := any(p).(Bounded)
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.Type.Kind() != reflect.Float64 || !f.IsExported() {
			continue
		}
		field, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if field == "" {
			field = f.Name
		}
		lo, hi := MinJSONParam, MaxJSONParam
		if bounded {
			lo, hi = bd.JSONBounds(field)
		}
		if x := v.Field(i).Float(); !(x >= lo && x <= hi) {
			hint := ""
			if x == 0 {
				hint = " (is it missing?)"
			}
			return fmt.Errorf("%s: %w: params.%s = %v%s, want a number in [%g, %g], where the model's predictions are finite", name, clv.ErrInvalidParams, field, x, hint, lo, hi)
		}
	}
	return p.Validate()
}

// psdTol is the tolerance of the check that a decoded covariance is
// positive semi-definite: its smallest eigenvalue may be below zero by
// psdTol times its largest magnitude (rounding in the inverse Hessian).
const psdTol = 1e-9

// Unmarshal decodes what Marshal wrote into a new Base, validating every
// field: the model name; the parameters (finite, within their bounds, see
// MinJSONParam and Bounded); standard errors (finite, ≥ 0);
// log_covariance, absent or a k×k matrix, k the fit's n_params (the
// parameters estimated, in Vector order), finite, symmetric and positive
// semi-definite; free, absent or k ascending indexes in Vector (only with
// log_covariance); and the fit information. Errors name the JSON field. It
// changes nothing: the model's UnmarshalJSON builds its new state from the
// result, or keeps its old one on error.
func Unmarshal[P Params[P]](name string, data []byte) (Base[P], error) {
	var e envelope[P]
	if err := json.Unmarshal(data, &e); err != nil {
		return Base[P]{}, fmt.Errorf("%s: %w", name, err)
	}
	if e.Model != name {
		return Base[P]{}, fmt.Errorf("%s: JSON holds model %q, want %q", name, e.Model, name)
	}
	if err := checkParams(name, e.Params); err != nil {
		return Base[P]{}, err
	}
	if e.StdErrors != nil {
		var raw struct {
			SE map[string]float64 `json:"std_errors"`
		}
		if err := json.Unmarshal(data, &raw); err != nil {
			return Base[P]{}, fmt.Errorf("%s: std_errors: %w", name, err)
		}
		for k, v := range raw.SE {
			if !(v >= 0) || math.IsInf(v, 0) {
				return Base[P]{}, fmt.Errorf("%s: std_errors: %s = %v, want a finite number ≥ 0", name, k, v)
			}
		}
	}
	nb := Base[P]{p: e.Params, stdErr: e.StdErrors, ready: true}
	if e.Fit != nil {
		if err := e.Fit.Check(); err != nil {
			return Base[P]{}, fmt.Errorf("%s: fit: %w", name, err)
		}
		if e.Fit.Status == clv.NotFitted {
			return Base[P]{}, fmt.Errorf("%s: fit.status %v: a fit info needs the status of a fit", name, e.Fit.Status)
		}
		if n := e.Fit.NumParams; n < 1 || n > len(e.Params.Vector()) {
			return Base[P]{}, fmt.Errorf("%s: fit.n_params = %d, want 1 to %d", name, n, len(e.Params.Vector()))
		}
		nb.info = *e.Fit
	}
	if c := e.LogCovariance; c != nil {
		var err error
		if nb.logCov, err = checkCov(c, e.Fit, len(e.Params.Vector())); err != nil {
			return Base[P]{}, fmt.Errorf("%s: log_covariance: %w", name, err)
		}
	}
	if f := e.Free; f != nil {
		np := len(e.Params.Vector())
		if len(f) != nb.dim() || nb.dim() == 0 {
			return Base[P]{}, fmt.Errorf("%s: free: %d indexes, want one per row of log_covariance (%d)", name, len(f), nb.dim())
		}
		for i, j := range f {
			if j < 0 || j >= np || i > 0 && j <= f[i-1] {
				return Base[P]{}, fmt.Errorf("%s: free: %v, want ascending indexes in [0, %d)", name, f, np)
			}
		}
		if !slices.Equal(f, nb.Free()) { // 0, ..., k−1 is the default
			nb.free = f
		}
	}
	return nb, nil
}

// checkCov checks a decoded log-covariance and returns it row major: k×k
// with k the fit's number of estimated parameters (without fit
// information, at most np), finite, symmetric and positive semi-definite
// within psdTol.
func checkCov(c [][]float64, fit *clv.FitInfo, np int) ([]float64, error) {
	k := len(c)
	switch {
	case fit == nil && (k < 1 || k > np):
		return nil, fmt.Errorf("%d rows, want 1 to %d (one per estimated parameter)", k, np)
	case fit != nil && k != fit.NumParams:
		return nil, fmt.Errorf("%d rows, want %d (fit.n_params)", k, fit.NumParams)
	}
	for i, row := range c { // every row's length first: the symmetry check reads c[j][i]
		if len(row) != k {
			return nil, fmt.Errorf("row %d has %d values, want %d", i, len(row), k)
		}
	}
	out := make([]float64, 0, k*k)
	for i, row := range c {
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) || (i == j && !(v >= 0)) || v != c[j][i] {
				return nil, fmt.Errorf("[%d][%d] = %v: want a finite symmetric matrix with a non-negative diagonal", i, j, v)
			}
			out = append(out, v)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(k, slices.Clone(out)), false) {
		return nil, errors.New("its eigenvalues could not be computed")
	}
	vals := eig.Values(nil)
	top := 0.0
	for _, v := range vals {
		top = math.Max(top, math.Abs(v))
	}
	if low := slices.Min(vals); low < -psdTol*top {
		return nil, fmt.Errorf("not positive semi-definite (eigenvalues %.3g to %.3g): not a covariance", low, slices.Max(vals))
	}
	return out, nil
}

// Positive reports the first of the named values that is not a finite
// number > 0, as an error wrapping clv.ErrInvalidParams. names is a
// space-separated list, one name per value.
func Positive(pkg, names string, vals ...float64) error {
	for i, n := range strings.Fields(names) {
		if v := vals[i]; !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: %w: %s = %v, want a finite number > 0", pkg, clv.ErrInvalidParams, n, v)
		}
	}
	return nil
}

// Resize returns s with length n, reusing its storage when it is large
// enough.
func Resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// ValidCustomer is a fast check of the conditions of clv.Customer.Validate
// that the purchase models' formulas need: a whole frequency ≥ 0, 0 ≤
// recency ≤ T finite, and recency 0 without repeat purchases.
func ValidCustomer(c *clv.Customer) bool {
	x := c.Frequency
	return x >= 0 && x == math.Trunc(x) && !math.IsInf(x, 0) &&
		c.Recency >= 0 && c.Recency <= c.T && !math.IsInf(c.T, 0) &&
		(x > 0 || c.Recency == 0)
}

// Batch computes f for every customer on all cores, checking
// ValidCustomer in the same pass; the error names the first invalid
// customer, with pkg as its prefix.
func Batch(pkg string, cs []clv.Customer, f func(i int, c *clv.Customer) float64) ([]float64, error) {
	return BatchWith(pkg, cs, func() struct{} { return struct{}{} },
		func(_ struct{}, i int, c *clv.Customer) float64 { return f(i, c) })
}

// BatchWith is Batch with a state made by newState (e.g. a memo of recent
// results) passed to every call of f; a state serves one chunk of
// customers at a time and is reused for later chunks, so f's results must
// not depend on it.
func BatchWith[S any](pkg string, cs []clv.Customer, newState func() S, f func(s S, i int, c *clv.Customer) float64) ([]float64, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("%s: %w", pkg, clv.ErrNoCustomers)
	}
	n := len(cs)
	out := make([]float64, n)
	firstBad := make([]int, parallel.Chunks(n)) // index+1 of the chunk's first invalid customer
	states := make(chan S, len(firstBad))
	parallel.For(len(firstBad), func(ch int) {
		lo, hi := parallel.Bounds(ch, n)
		var s S
		select {
		case s = <-states:
		default:
			s = newState()
		}
		defer func() { states <- s }()
		for i := lo; i < hi; i++ {
			c := &cs[i]
			if !ValidCustomer(c) {
				if firstBad[ch] == 0 {
					firstBad[ch] = i + 1
				}
				out[i] = math.NaN()
				continue
			}
			out[i] = f(s, i, c)
		}
	})
	for _, b := range firstBad {
		if b > 0 {
			return nil, fmt.Errorf("%s: customers[%d]: %w", pkg, b-1, cs[b-1].Validate())
		}
	}
	return out, nil
}

// Simulate draws one customer per element of T with draw, which returns
// the times of the customer's repeat purchases in (0, T[i]], and returns
// their summaries (IDs "0", "1", ...; MonetaryValue 0).
func Simulate(pkg string, src rand.Source, T []float64, draw func(src rand.Source, T float64) []float64) ([]clv.Customer, error) {
	if src == nil {
		return nil, fmt.Errorf("%s: Simulate: nil source", pkg)
	}
	cs := make([]clv.Customer, len(T))
	for i, t := range T {
		if !(t >= 0) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("%s: Simulate: T[%d] = %v, want a finite number ≥ 0", pkg, i, t)
		}
		times := draw(src, t)
		c := clv.Customer{ID: strconv.Itoa(i), T: t, Frequency: float64(len(times))}
		if len(times) > 0 {
			c.Recency = times[len(times)-1]
		}
		cs[i] = c
	}
	return cs, nil
}
