package clv

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// ErrInvalidParams is wrapped by every model's errors about parameters out
// of their range (bgnbd.Params.Validate, paretonbd.Params.Validate, ...).
var ErrInvalidParams = errors.New("invalid parameters")

// ErrNotIdentified is wrapped by the error of a fit whose data do not
// determine the parameters (FitStatus NotIdentified): too few customers,
// none with repeat purchases, no visible dropout. The fit returns its
// model for inspection, but its numbers must not be used. A penalizer (the
// models' FitOptions.Penalizer) keeps the parameters finite but does not
// change the verdict: a penalized fit is judged on the likelihood without
// the penalty.
var ErrNotIdentified = errors.New("the data do not identify the parameters")

// ErrBoundary is wrapped by the error of a fit whose likelihood is
// highest at a boundary of the parameter space (FitStatus AtBoundary): a
// heterogeneity across customers that the data say is absent, so that two
// parameters run off toward infinity together while their ratio
// converges (Pareto/NBD: s, β → ∞ with s/β → μ, the same exponential
// lifetime for everyone; r, α → ∞ with r/α → λ, the same purchase rate).
// The fit returns the limit model, which is usable: FitInfo.Reason names
// the limit and its rate, and its predictions are the limit's. A caller
// that accepts the limit tests errors.Is(err, clv.ErrBoundary) and keeps
// the model.
var ErrBoundary = errors.New("the likelihood is highest at a boundary of the parameter space")

// FitStatus says how a model's parameters came about.
type FitStatus uint8

const (
	// NotFitted: the parameters were given (a model built by New).
	NotFitted FitStatus = iota
	// Converged: the optimizer reached a point where the gradient of the
	// mean negative log-likelihood vanishes.
	Converged
	// NotConverged: no start reached such a point; the parameters are the
	// best found and must not be trusted.
	NotConverged
	// NotIdentified: the optimizer stopped, but the data do not determine
	// the parameters (FitInfo.Reason says why); they must not be trusted.
	NotIdentified
	// AtBoundary: the likelihood is highest in a limit of the model
	// (FitInfo.Reason says which, with the limiting rate), and the
	// parameters are those of the limit model, with the shape that ran off
	// held at a large value; predictions are the limit model's. See
	// ErrBoundary.
	AtBoundary
)

var statusNames = [...]string{NotFitted: "not_fitted", Converged: "converged", NotConverged: "not_converged", NotIdentified: "not_identified", AtBoundary: "boundary"}

// String returns "not_fitted", "converged", "not_converged",
// "not_identified" or "boundary".
func (s FitStatus) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("FitStatus(%d)", uint8(s))
}

// MarshalText encodes the status as its String.
func (s FitStatus) MarshalText() ([]byte, error) {
	if int(s) >= len(statusNames) {
		return nil, fmt.Errorf("clv: invalid fit status %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a status written by MarshalText.
func (s *FitStatus) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if string(b) == n {
			*s = FitStatus(i)
			return nil
		}
	}
	return fmt.Errorf("clv: unknown fit status %q", b)
}

// FitInfo describes a maximum-likelihood fit. Every model reports one, in
// the same form and the same JSON; its zero value describes a model built
// from given parameters.
type FitInfo struct {
	Status FitStatus `json:"status"`
	// LogLikelihood is the log-likelihood of the fitted data at the
	// estimate, without any penalty.
	LogLikelihood float64 `json:"log_likelihood"`
	// NumParams is the number of estimated parameters (for AIC and BIC).
	NumParams int `json:"n_params"`
	// Customers is the number of customers the fit used: the sum of their
	// weights, rounded to a whole number.
	Customers int `json:"n_customers"`
	// Excluded counts customers given to the fit but outside the model's
	// data, such as customers without repeat purchases for a spend model;
	// Skipped counts customers left out on request because their data
	// could not be used (e.g. non-positive spend).
	Excluded int `json:"excluded,omitempty"`
	Skipped  int `json:"skipped,omitempty"`
	// Rows is the number of distinct data rows after compression.
	Rows int `json:"rows"`
	// Penalizer is the L2 penalty coefficient the fit used, as given in
	// the model's FitOptions.Penalizer (0: none). A limit model (status
	// AtBoundary) has 0: its fit, with a shape held, is not penalized
	// (the penalty the full fit had did not hold it short of the limit).
	Penalizer float64 `json:"penalizer,omitempty"`
	// Optimizer is gonum's final status of the successful start, Start
	// its index (0 = the first), Iterations its major iterations;
	// Evaluations counts likelihood evaluations over all starts.
	Optimizer   string `json:"optimizer_status"`
	Start       int    `json:"start"`
	Iterations  int    `json:"iterations"`
	Evaluations int    `json:"evaluations"`
	// GradNorm is the max-norm of the gradient of the mean negative
	// log-likelihood with respect to the log-parameters at the estimate.
	GradNorm float64 `json:"grad_norm"`
	// Reason says, for status NotIdentified, why, and for AtBoundary,
	// which limit, in plain language.
	Reason string `json:"reason,omitempty"`
}

// AIC returns Akaike's information criterion −2·LL + 2k, with k the number
// of parameters; smaller is better. It is NaN for an unfitted model.
func (f FitInfo) AIC() float64 {
	if f.Status == NotFitted {
		return math.NaN()
	}
	return -2*f.LogLikelihood + 2*float64(f.NumParams)
}

// BIC returns the Bayesian information criterion −2·LL + k·ln(n), with n
// the number of customers; smaller is better. It is NaN for an unfitted
// model.
func (f FitInfo) BIC() float64 {
	if f.Status == NotFitted || f.Customers < 1 {
		return math.NaN()
	}
	return -2*f.LogLikelihood + float64(f.NumParams)*math.Log(float64(f.Customers))
}

// Check reports whether the fields are consistent (a decoded FitInfo may
// come from anywhere): a known status, finite numbers, no negative counts.
func (f FitInfo) Check() error {
	switch {
	case int(f.Status) >= len(statusNames):
		return fmt.Errorf("clv: fit info: invalid status %d", uint8(f.Status))
	case f.NumParams < 0 || f.Customers < 0 || f.Excluded < 0 || f.Skipped < 0 || f.Rows < 0 ||
		f.Start < 0 || f.Iterations < 0 || f.Evaluations < 0:
		return fmt.Errorf("clv: fit info: negative count in %+v", f)
	case !finite(f.LogLikelihood):
		return fmt.Errorf("clv: fit info: log-likelihood %v", f.LogLikelihood)
	case !(f.Penalizer >= 0) || math.IsInf(f.Penalizer, 0):
		return fmt.Errorf("clv: fit info: penalizer %v", f.Penalizer)
	case !(f.GradNorm >= 0):
		return fmt.Errorf("clv: fit info: gradient norm %v", f.GradNorm)
	}
	return nil
}

// Fitted is what every model of clvkit tells about its parameters, with P
// the model's parameter type (bgnbd.Params, paretonbd.Params,
// ggompertz.Params, gammagamma.Params, sbg.Params, bgbb.Params): the estimate, its
// uncertainty, how the fit went, and the JSON form in which a model is
// stored and read back. Every *Model of clvkit implements it, besides what
// it predicts (PurchaseModel, SpendModel, ...). A model built from given
// parameters (the packages' New) reports them with no standard errors and
// the zero FitInfo.
type Fitted[P any] interface {
	FittedModel

	// Params returns the parameters.
	Params() P
	// StdErrors returns the asymptotic standard errors of the
	// parameters, from the inverse Hessian of the negative
	// log-likelihood at the optimum (0 for a parameter held fixed, such
	// as a limit model's held shape: a limit model's are conditional on
	// the limit), and whether they are available: not for a model built
	// from given parameters, nor a Hessian that is not positive
	// definite.
	StdErrors() (P, bool)
	// ParamIntervals returns approximate confidence intervals at the
	// given level in (0, 1): exp(ln p ± z·σ), σ the standard error of
	// ln p from LogCovariance; [p, p] for a parameter held fixed. It is
	// an error without a covariance.
	ParamIntervals(level float64) (lo, hi P, err error)
	// SampleParams draws n parameter sets from the approximate sampling
	// distribution of the estimate, ln p ~ Normal(ln p̂, LogCovariance)
	// (the Laplace approximation), deterministically for a given src: to
	// carry the parameters' uncertainty into a forecast, score each draw
	// and take quantiles (see interval.Forecast). It is an error without
	// a covariance.
	SampleParams(src rand.Source, n int) ([]P, error)
}

// FittedModel is the part of Fitted that does not depend on the parameter
// type, for code that holds models of several kinds: every model of
// clvkit implements it.
type FittedModel interface {
	// FitInfo returns how the fit went: its zero value (NotFitted) for a
	// model built from given parameters.
	FitInfo() FitInfo
	// LogLikelihood returns the log-likelihood of the fitted data at the
	// estimate, without any penalty (FitInfo.LogLikelihood), or 0 for a
	// model that was not fitted.
	LogLikelihood() float64
	// LogCovariance returns the approximate sampling covariance of the
	// logarithms of the estimated parameters, in the order of the
	// parameters' Vector (one held fixed left out), from the inverse
	// Hessian by the delta method, and whether it is available (as
	// Fitted.StdErrors).
	LogCovariance() ([][]float64, bool)
	// String returns the model, its parameters and log-likelihood in
	// one line.
	String() string
	// MarshalJSON encodes the model as {"model": name, "params": ...,
	// "std_errors": ..., "log_covariance": ..., "fit": ...}, the last
	// three for a fitted model; UnmarshalJSON decodes it into a new
	// model, validating every field, and replaces the whole model (its
	// predictions are those of a model built from the decoded
	// parameters) or, on error, leaves it unchanged.
	json.Marshaler
	json.Unmarshaler
}
