package gammagamma

import (
	"fmt"
	"math"

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

func paramsOf(s []float64) Params { return Params{P: s[0], Q: s[1], Gamma: s[2]} }

// Vector returns the parameters in the order p, q, γ.
func (p Params) Vector() []float64 { return []float64{p.P, p.Q, p.Gamma} }

type base = model.Base[Params]

// A Model is a gamma-gamma model with known parameters, fitted or given.
// It is immutable and safe for concurrent use. Its FitInfo counts the
// customers without repeat purchases as Excluded and those left out for a
// non-positive monetary value (FitOptions.SkipNonPositive) as Skipped. The
// zero Model has no parameters: its predictions are NaN.
type Model struct {
	base
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

// PopulationMean returns the expected value of a purchase of a customer
// about whom nothing is known, pγ/(q−1), or +Inf when q ≤ 1 (the mean does
// not exist).
func (m *Model) PopulationMean() float64 {
	p := m.Params()
	if !m.Ready() {
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
	if !m.Ready() || !(x >= 0) || x != math.Trunc(x) || math.IsInf(x, 0) || !(mv >= 0) || math.IsInf(mv, 0) {
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
// field. It is meant for a new Model.
func (m *Model) UnmarshalJSON(b []byte) error { return m.base.Unmarshal(jsonName, b) }

var _ clv.SpendModel = (*Model)(nil)
var _ clv.FittedModel = (*Model)(nil)
