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
// A Model satisfies clv.PurchaseModel, so lifetime value, holdout
// evaluation and model comparison in package clv work with it.
//
// Data in which the customers' dropout rates do not vary (say, a log
// observed to shortly after its last purchase) have their highest
// likelihood in a limit of the model: s and β infinite with s/β = μ, the
// same exponential lifetime for everyone. FitContext recognizes it and
// returns that limit model, usable, with status clv.AtBoundary and an
// error wrapping clv.ErrBoundary (likewise for purchase rates, r and α).
// Every quantity is computed at a cost that does not grow with the
// parameters, there too (see hquad).
package paretonbd

import (
	"fmt"

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

func paramsOf(s []float64) Params { return Params{R: s[0], Alpha: s[1], S: s[2], Beta: s[3]} }

type base = model.Base[Params]

// A Model is a Pareto/NBD model with known parameters, fitted or given. It
// is immutable and safe for concurrent use. The zero Model has no
// parameters: its predictions are NaN and its batch methods return errors.
type Model struct {
	base
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

const jsonName = "paretonbd"

// MarshalJSON encodes the model as {"model": "paretonbd", "params",
// "std_errors", "fit"} (the last two for a fitted model).
func (m *Model) MarshalJSON() ([]byte, error) { return m.base.Marshal(jsonName) }

// UnmarshalJSON decodes a model written by MarshalJSON, validating every
// field. It is meant for a new Model (var m paretonbd.Model).
func (m *Model) UnmarshalJSON(b []byte) error { return m.base.Unmarshal(jsonName, b) }

var (
	_ clv.PurchaseModel = (*Model)(nil)
	_ clv.FittedModel   = (*Model)(nil)
)

// errZeroModel is the error of a batch method of a zero Model.
var errZeroModel = fmt.Errorf("paretonbd: %w: zero Model (use New or Fit)", clv.ErrInvalidParams)
