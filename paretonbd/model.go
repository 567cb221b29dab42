// Package paretonbd implements the Pareto/NBD model of Schmittlein,
// Morrison & Colombo (1987), "Counting Your Customers: Who Are They and What
// Will They Do Next?", Management Science 33(1):1-24, following Fader &
// Hardie's notes on its implementation (2005, "A Note on Deriving the
// Pareto/NBD Model and Related Expressions"; 2006, "Deriving the Conditional
// PMF of the Pareto/NBD Model").
//
// While active, a customer buys in a Poisson process with rate λ ~
// Gamma(r, α); the customer's unobserved lifetime is exponential with rate
// μ ~ Gamma(s, β), so dropout can happen at any time, also before any
// repeat purchase: unlike BG/NBD, a customer without repeat purchases is not
// alive for sure, and the longer ago the first purchase, the less likely.
//
// A Model satisfies clv.PurchaseModel and clv.NextPurchaseModel, so
// lifetime value and the answers in calendar terms (package clv/predict),
// holdout evaluation and model comparison (clv/assess) and intervals
// (clv/interval) work with it. CovModel adds static covariates (Fader &
// Hardie 2007, as CLVTools), DynModel time-varying ones (Bachmann, Meierer
// & Näf 2021).
//
// Data in which the customers' dropout rates do not vary (say, a log
// observed to shortly after its last purchase) have their highest
// likelihood in a limit of the model: s and β infinite with s/β = μ, the
// same exponential lifetime for everyone. FitContext recognizes it and
// returns that limit model, usable, with status clv.AtBoundary and an
// error wrapping clv.ErrBoundary (likewise for purchase rates, r and α).
// Every quantity is computed at a cost that does not grow with the
// parameters, there too (see hquad). A model with s ≥ 10⁶ (the shape a
// limit model holds) is predicted in the exponential-dropout limit itself,
// μ = s/β for everyone, by closed forms in the upper incomplete gamma
// function: exact in that limit, within O(1/s) of the general formulas;
// likewise one with r ≥ 10⁶ in the Poisson limit, λ = r/α for everyone,
// and one with both in both limits.
package paretonbd

import (
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
)

// Params are the four parameters of the Pareto/NBD model.
type Params struct {
	R     float64 `json:"r"`     // shape of the gamma distribution of the purchase rate λ; R > 0
	Alpha float64 `json:"alpha"` // rate of that gamma distribution, in the data's time unit; Alpha > 0
	S     float64 `json:"s"`     // shape of the gamma distribution of the dropout rate μ; S > 0
	Beta  float64 `json:"beta"`  // rate of that gamma distribution, in the data's time unit; Beta > 0
}

// ErrInvalidParams is wrapped by errors about parameters out of their
// range. It is clv.ErrInvalidParams, shared by every model.
var ErrInvalidParams = clv.ErrInvalidParams

// Validate reports whether every parameter is finite and positive.
func (p Params) Validate() error {
	return model.Positive("paretonbd", "r alpha s beta", p.R, p.Alpha, p.S, p.Beta)
}

// Vector returns the parameters in the order r, α, s, β.
func (p Params) Vector() []float64 { return []float64{p.R, p.Alpha, p.S, p.Beta} }

// JSONBounds returns the range of a parameter that UnmarshalJSON accepts,
// by JSON name: r and s in [1e-7, 1e7], α and β in [1e-7, 1e12], which
// hold the limit models a fit returns at a boundary (a shape held at 1e6,
// its scale = shape/rate). Predictions stay finite and in range over it
// (TestSeriesBound, FuzzUnmarshalJSON).
func (Params) JSONBounds(name string) (lo, hi float64) {
	if name == "alpha" || name == "beta" {
		return 1e-7, 1e12
	}
	return 1e-7, 1e7
}

// FromVector returns the parameters whose Vector is v (r, α, s, β): the
// inverse of Vector. A v of another length than 4 gives the zero Params,
// which Validate rejects.
func (Params) FromVector(v []float64) Params {
	if len(v) != 4 {
		return Params{}
	}
	return paramsOf(v)
}

func paramsOf(s []float64) Params { return Params{R: s[0], Alpha: s[1], S: s[2], Beta: s[3]} }

// A Model is a Pareto/NBD model with known parameters, fitted or given. It
// is immutable (UnmarshalJSON aside, meant for a new Model) and safe for
// concurrent use. The zero Model has no parameters: its predictions are
// NaN and its batch methods return errors.
//
// A Model is a clv.Fitted[Params]: the parameters, their standard errors,
// intervals and draws, the fit's information and the JSON form, the
// methods every model of clvkit shares; and a clv.PurchaseModel.
type Model struct {
	base model.Base[Params] // never embedded
}

// New returns a Model with the given parameters, for scoring with stored
// parameters without fitting.
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
	return fmt.Sprintf("Pareto/NBD{r=%.6g α=%.6g s=%.6g β=%.6g LL=%.6f}", p.R, p.Alpha, p.S, p.Beta, m.LogLikelihood())
}

// Params returns the model's parameters.
func (m *Model) Params() Params { return m.base.Params() }

// StdErrors returns the asymptotic standard errors of the parameters, from
// the inverse Hessian of the negative log-likelihood at the optimum, and
// whether they are available: not for a model built by New, nor when the
// Hessian is not positive definite. A limit model's (clv.AtBoundary) are
// those of its free parameters, from the Hessian of the limit model's
// log-likelihood with its held shape fixed, and 0 for that shape: they
// are conditional on the limit (Bootstrap varies the shape too).
func (m *Model) StdErrors() (Params, bool) { return m.base.StdErrors() }

// LogLikelihood returns the log-likelihood of the fitted data at the
// estimate (without any penalty), or 0 for a model built by New.
func (m *Model) LogLikelihood() float64 { return m.base.LogLikelihood() }

// FitInfo returns how the fit went; its zero value (status
// clv.NotFitted) for a model built by New.
func (m *Model) FitInfo() clv.FitInfo { return m.base.FitInfo() }

// LogCovariance returns the approximate sampling covariance of the
// logarithms of the estimated parameters (in the order r, α, s, β; a parameter held fixed is left out), from the inverse
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
// StdErrors). A limit model's draws keep its held shape fixed.
func (m *Model) SampleParams(src rand.Source, n int) ([]Params, error) {
	return m.base.Draws(src, n)
}

const jsonName = "paretonbd"

// MarshalJSON encodes the model as {"model": "paretonbd", "params",
// "std_errors", "fit"} (the last two for a fitted model).
func (m *Model) MarshalJSON() ([]byte, error) { return m.base.Marshal(jsonName) }

// UnmarshalJSON decodes a model written by MarshalJSON, validating every
// field, and replaces the whole of m with it; on error m is unchanged. It
// is meant for a new Model (var m paretonbd.Model); a Model in use by
// other goroutines must not be decoded into.
func (m *Model) UnmarshalJSON(b []byte) error {
	nb, err := model.Unmarshal[Params](jsonName, b)
	if err != nil {
		return err
	}
	*m = Model{base: nb}
	return nil
}

var (
	_ clv.PurchaseModel  = (*Model)(nil)
	_ clv.Fitted[Params] = (*Model)(nil)
)

// errZeroModel is the error of a batch method of a zero Model.
var errZeroModel = fmt.Errorf("paretonbd: %w: zero Model (use New or Fit)", clv.ErrInvalidParams)
