package gammagamma

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// Params are the three parameters of the gamma-gamma model.
type Params struct {
	P     float64 `json:"p"`     // shape of the gamma distribution of one purchase's value; P > 0
	Q     float64 `json:"q"`     // shape of the gamma distribution of the rate ν across customers; Q > 0
	Gamma float64 `json:"gamma"` // rate of that gamma distribution, in units of money; Gamma > 0
}

// ErrInvalidParams is wrapped by errors about parameters out of range.
var ErrInvalidParams = errors.New("gammagamma: invalid parameters")

// Validate reports whether every parameter is finite and positive.
func (p Params) Validate() error {
	for _, v := range [...]struct {
		name string
		v    float64
	}{{"p", p.P}, {"q", p.Q}, {"gamma", p.Gamma}} {
		if !(v.v > 0) || math.IsInf(v.v, 0) {
			return fmt.Errorf("%w: %s = %v, want a finite number > 0", ErrInvalidParams, v.name, v.v)
		}
	}
	return nil
}

// FitInfo describes how a fit went.
type FitInfo struct {
	Converged   bool    // the optimizer reached a point where the gradient vanishes
	Status      string  // the optimizer's final status
	Iterations  int     // major iterations of the successful start
	Evaluations int     // likelihood evaluations over all starts
	GradNorm    float64 // max-norm of the gradient of the mean negative log-likelihood (log-parameters)
	Start       int     // which starting point converged
	Excluded    int     // customers left out because they have no repeat purchase (x = 0)
	NonPositive int     // customers left out for a monetary value ≤ 0 (FitOptions.SkipNonPositive)
}

// A Model is a gamma-gamma model with known parameters, fitted or given.
// It is immutable and safe for concurrent use.
type Model struct {
	p         Params
	ll        float64
	stdErr    *Params
	n         float64
	info      FitInfo
	fittedAt  time.Time
	penalizer float64
}

// New returns a Model with the given parameters.
func New(p Params) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Model{p: p}, nil
}

// Params returns the model's parameters.
func (m *Model) Params() Params { return m.p }

// LogLikelihood returns the log-likelihood at the fitted parameters
// (without the penalty), or 0 for a Model built by New.
func (m *Model) LogLikelihood() float64 { return m.ll }

// StdErrors returns the asymptotic standard errors and whether they are
// available.
func (m *Model) StdErrors() (Params, bool) {
	if m.stdErr == nil {
		return Params{}, false
	}
	return *m.stdErr, true
}

// Customers returns the number of customers (total weight) used in the
// fit: those with repeat purchases.
func (m *Model) Customers() float64 { return m.n }

// FitInfo returns how the fit went.
func (m *Model) FitInfo() FitInfo { return m.info }

// FittedAt returns when the model was fitted; zero for a Model built by New.
func (m *Model) FittedAt() time.Time { return m.fittedAt }

// String returns the parameters and log-likelihood in one line.
func (m *Model) String() string {
	return fmt.Sprintf("GammaGamma{p=%.6g q=%.6g γ=%.6g LL=%.6f}", m.p.P, m.p.Q, m.p.Gamma, m.ll)
}

// PopulationMean returns the expected value of a purchase of a customer
// about whom nothing is known, pγ/(q−1), or +Inf when q ≤ 1 (the mean does
// not exist).
func (m *Model) PopulationMean() float64 {
	if m.p.Q <= 1 {
		return math.Inf(1)
	}
	return m.p.P * m.p.Gamma / (m.p.Q - 1)
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
	if !(x >= 0) || x != math.Trunc(x) || math.IsInf(x, 0) || !(mv >= 0) || math.IsInf(mv, 0) {
		return math.NaN()
	}
	if x == 0 {
		mv = 0
	}
	den := m.p.P*x + m.p.Q - 1
	if den <= 0 {
		return math.Inf(1)
	}
	return m.p.P * (m.p.Gamma + x*mv) / den
}

type jsonModel struct {
	Model         string     `json:"model"`
	Params        Params     `json:"params"`
	LogLikelihood float64    `json:"log_likelihood,omitempty"`
	StdErrors     *Params    `json:"std_errors,omitempty"`
	Customers     float64    `json:"n_customers,omitempty"`
	Penalizer     float64    `json:"penalizer,omitempty"`
	Fit           *FitInfo   `json:"fit,omitempty"`
	FittedAt      *time.Time `json:"fitted_at,omitempty"`
}

const jsonName = "gammagamma"

// MarshalJSON encodes the model with its fit results.
func (m *Model) MarshalJSON() ([]byte, error) {
	j := jsonModel{Model: jsonName, Params: m.p, LogLikelihood: m.ll, Customers: m.n, Penalizer: m.penalizer}
	j.StdErrors = m.stdErr
	if !m.fittedAt.IsZero() {
		info, at := m.info, m.fittedAt
		j.Fit, j.FittedAt = &info, &at
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes a model written by MarshalJSON, validating its
// parameters. It is meant for a new Model.
func (m *Model) UnmarshalJSON(b []byte) error {
	var j jsonModel
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Model != jsonName {
		return fmt.Errorf("gammagamma: JSON holds model %q, want %q", j.Model, jsonName)
	}
	p := j.Params
	if err := p.Validate(); err != nil {
		return err
	}
	*m = Model{p: p, ll: j.LogLikelihood, n: j.Customers, penalizer: j.Penalizer}
	m.stdErr = j.StdErrors
	if j.Fit != nil {
		m.info = *j.Fit
	}
	if j.FittedAt != nil {
		m.fittedAt = *j.FittedAt
	}
	return nil
}

var _ clv.SpendModel = (*Model)(nil)
