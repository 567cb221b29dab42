package bgnbd

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// Params are the four parameters of the BG/NBD model.
type Params struct {
	R     float64 `json:"r"`     // shape of the gamma distribution of the purchase rate λ; R > 0
	Alpha float64 `json:"alpha"` // rate (inverse scale) of that gamma distribution, in the data's time unit; Alpha > 0
	A     float64 `json:"a"`     // first shape of the beta distribution of the dropout probability p; A > 0
	B     float64 `json:"b"`     // second shape of that beta distribution; B > 0
}

// ErrInvalidParams is wrapped by errors about parameters out of their range.
var ErrInvalidParams = errors.New("bgnbd: invalid parameters")

// Validate reports whether every parameter is finite and positive.
func (p Params) Validate() error {
	for _, v := range [...]struct {
		name string
		v    float64
	}{{"r", p.R}, {"alpha", p.Alpha}, {"a", p.A}, {"b", p.B}} {
		if !(v.v > 0) || math.IsInf(v.v, 0) {
			return fmt.Errorf("%w: %s = %v, want a finite number > 0", ErrInvalidParams, v.name, v.v)
		}
	}
	return nil
}

func (p Params) slice() []float64 { return []float64{p.R, p.Alpha, p.A, p.B} }

func paramsOf(s []float64) Params { return Params{R: s[0], Alpha: s[1], A: s[2], B: s[3]} }

// FitInfo describes how a fit went.
type FitInfo struct {
	Converged   bool    // the optimizer reached a point where the gradient vanishes
	Status      string  // the optimizer's final status
	Iterations  int     // major iterations of the successful start
	Evaluations int     // likelihood evaluations over all starts
	GradNorm    float64 // max-norm of the gradient of the mean negative log-likelihood (log-parameters) at the optimum
	Start       int     // which starting point converged (0 = the first)
	Rows        int     // distinct (frequency, recency, T) rows after compression
}

// A Model is a BG/NBD model with known parameters, fitted or given. Its
// methods are safe for concurrent use; it has no mutable state.
type Model struct {
	p         Params
	ll        float64
	stdErr    *Params
	n         float64 // customers (total weight) fitted
	info      FitInfo
	fittedAt  time.Time
	penalizer float64
}

// New returns a Model with the given parameters, for scoring with stored
// parameters without fitting.
func New(p Params) (*Model, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &Model{p: p}, nil
}

// Params returns the model's parameters.
func (m *Model) Params() Params { return m.p }

// LogLikelihood returns the log-likelihood of the fitted data at the
// fitted parameters (without the penalty), or 0 for a Model built by New.
func (m *Model) LogLikelihood() float64 { return m.ll }

// StdErrors returns the asymptotic standard errors of the parameters, from
// the inverse Hessian of the negative log-likelihood at the optimum, and
// whether they are available (they are not for a Model built by New, nor
// when the Hessian is not positive definite).
func (m *Model) StdErrors() (Params, bool) {
	if m.stdErr == nil {
		return Params{}, false
	}
	return *m.stdErr, true
}

// Customers returns the number of customers (the total weight) fitted.
func (m *Model) Customers() float64 { return m.n }

// FitInfo returns how the fit went; the zero value for a Model built by New.
func (m *Model) FitInfo() FitInfo { return m.info }

// FittedAt returns when the model was fitted; zero for a Model built by New.
func (m *Model) FittedAt() time.Time { return m.fittedAt }

// String returns the parameters and log-likelihood in one line.
func (m *Model) String() string {
	return fmt.Sprintf("BG/NBD{r=%.6g α=%.6g a=%.6g b=%.6g LL=%.6f}", m.p.R, m.p.Alpha, m.p.A, m.p.B, m.ll)
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

const jsonName = "bgnbd"

// MarshalJSON encodes the model: parameters, log-likelihood, standard
// errors, number of customers, fit information and fit date.
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
// parameters. It is meant for a new Model (var m bgnbd.Model); a Model in
// use by other goroutines must not be decoded into.
func (m *Model) UnmarshalJSON(b []byte) error {
	var j jsonModel
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if j.Model != jsonName {
		return fmt.Errorf("bgnbd: JSON holds model %q, want %q", j.Model, jsonName)
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

var _ clv.PurchaseModel = (*Model)(nil)
