package gammagamma

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
)

// Params are the three parameters of the gamma-gamma model.
type Params struct {
	P     float64 `json:"p"`     // shape of the gamma distribution of one purchase's value; P > 0
	Q     float64 `json:"q"`     // shape of the gamma distribution of the rate ν across customers; Q > 0
	Gamma float64 `json:"gamma"` // rate of that gamma distribution, in units of money; Gamma > 0
}

// ErrInvalidParams is wrapped by errors about parameters out of range. It
// is clv.ErrInvalidParams, shared by every model.
var ErrInvalidParams = clv.ErrInvalidParams

// Validate reports whether every parameter is finite and positive.
func (p Params) Validate() error {
	return model.Positive("gammagamma", "p q gamma", p.P, p.Q, p.Gamma)
}

// FromVector returns the parameters whose Vector is v (p, q, γ): the
// inverse of Vector. A v of another length than 3 gives the zero Params,
// which Validate rejects.
func (Params) FromVector(v []float64) Params {
	if len(v) != 3 {
		return Params{}
	}
	return paramsOf(v)
}

func paramsOf(s []float64) Params { return Params{P: s[0], Q: s[1], Gamma: s[2]} }

// Vector returns the parameters in the order p, q, γ.
func (p Params) Vector() []float64 { return []float64{p.P, p.Q, p.Gamma} }

// A Model is a gamma-gamma model with known parameters, fitted or given.
// It is immutable and safe for concurrent use. Its FitInfo counts the
// customers without repeat purchases as Excluded and those left out for a
// non-positive monetary value (FitOptions.SkipNonPositive) as Skipped. The
// zero Model has no parameters: its predictions are NaN.
//
// A Model is a clv.Fitted[Params]: the parameters, their standard errors,
// intervals and draws, the fit's information and the JSON form, the
// methods every model of clvkit shares; and a clv.SpendModel.
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
	return fmt.Sprintf("GammaGamma{p=%.6g q=%.6g γ=%.6g LL=%.6f}", p.P, p.Q, p.Gamma, m.LogLikelihood())
}

// Params returns the model's parameters.
func (m *Model) Params() Params { return m.base.Params() }

// StdErrors returns the asymptotic standard errors of the parameters, from
// the inverse Hessian of the negative log-likelihood at the optimum, and
// whether they are available: not for a model built by New, nor when the
// Hessian is not positive definite. A limit model's (clv.AtBoundary) are
// those of its free parameters with its held shape fixed, 0 for that
// shape: conditional on the limit.
func (m *Model) StdErrors() (Params, bool) { return m.base.StdErrors() }

// LogLikelihood returns the log-likelihood of the fitted data at the
// estimate (without any penalty), or 0 for a model built by New.
func (m *Model) LogLikelihood() float64 { return m.base.LogLikelihood() }

// FitInfo returns how the fit went; its zero value (status
// clv.NotFitted) for a model built by New.
func (m *Model) FitInfo() clv.FitInfo { return m.base.FitInfo() }

// LogCovariance returns the approximate sampling covariance of the
// logarithms of the estimated parameters (in the order p, q, γ), from the inverse
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

// PopulationMean returns the expected value of a purchase of a customer
// about whom nothing is known, pγ/(q−1), or +Inf when q ≤ 1 (the mean does
// not exist).
func (m *Model) PopulationMean() float64 {
	p := m.Params()
	if !m.base.Ready() {
		return math.NaN()
	}
	if p.Q <= 1 {
		return math.Inf(1)
	}
	return p.P * p.Gamma / (p.Q - 1)
}

// ConditionalExpectedValue returns E[M | x, m̄], the expected value of the
// customer's future purchases given x repeat purchases of mean value m̄
// (Fader & Hardie 2013, eq. 5):
//
//	E[M | x, m̄] = p(γ + x m̄)/(px + q − 1)
//	            = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · m̄,
//
// a weighted mean of the population mean and the customer's own mean. For
// x = 0 it is the population mean pγ/(q−1). It is +Inf when px + q ≤ 1
// (the expectation does not exist), and NaN for an invalid customer
// (negative or non-integer frequency, non-finite or negative value).
func (m *Model) ConditionalExpectedValue(c clv.Customer) float64 {
	x, mv := c.Frequency, c.MonetaryValue
	if !m.base.Ready() || !(x >= 0) || x != math.Trunc(x) || math.IsInf(x, 0) || !(mv >= 0) || math.IsInf(mv, 0) {
		return math.NaN()
	}
	if x == 0 {
		mv = 0
	}
	p := m.Params()
	den := p.P*x + p.Q - 1
	if den <= 0 {
		return math.Inf(1)
	}
	return p.P * (p.Gamma + x*mv) / den
}

const jsonName = "gammagamma"

// MarshalJSON encodes the model as {"model": "gammagamma", "params",
// "std_errors", "fit"} (the last two for a fitted model).
func (m *Model) MarshalJSON() ([]byte, error) { return m.base.Marshal(jsonName) }

// UnmarshalJSON decodes a model written by MarshalJSON, validating every
// field, and replaces the whole of m with it; on error m is unchanged. It
// is meant for a new Model; a Model in use by other goroutines must not be
// decoded into.
func (m *Model) UnmarshalJSON(b []byte) error {
	nb, err := model.Unmarshal[Params](jsonName, b)
	if err != nil {
		return err
	}
	*m = Model{base: nb}
	return nil
}

var (
	_ clv.SpendModel     = (*Model)(nil)
	_ clv.Fitted[Params] = (*Model)(nil)
)
