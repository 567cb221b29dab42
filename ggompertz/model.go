package ggompertz

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
)

// Params are the five parameters of the Gamma-Gompertz/NBD model, as
// CLVTools names them.
type Params struct {
	R     float64 `json:"r"`     // shape of the gamma distribution of the purchase rate λ; R > 0
	Alpha float64 `json:"alpha"` // rate of that gamma distribution, in the data's time unit; Alpha > 0
	B     float64 `json:"b"`     // Gompertz shape: the dropout hazard grows like e^{bτ} with age τ; B > 0
	S     float64 `json:"s"`     // shape of the gamma distribution of the Gompertz scale η; S > 0
	Beta  float64 `json:"beta"`  // rate of that gamma distribution (dimensionless); Beta > 0
}

// ErrInvalidParams is wrapped by errors about parameters out of their
// range. It is clv.ErrInvalidParams, shared by every model.
var ErrInvalidParams = clv.ErrInvalidParams

// Validate reports whether every parameter is finite and positive.
func (p Params) Validate() error {
	return model.Positive("ggompertz", "r alpha b s beta", p.R, p.Alpha, p.B, p.S, p.Beta)
}

// Vector returns the parameters in the order r, α, b, s, β.
func (p Params) Vector() []float64 { return []float64{p.R, p.Alpha, p.B, p.S, p.Beta} }

// FromVector returns the parameters whose Vector is v (r, α, b, s, β). A v
// of another length than 5 gives the zero Params, which Validate rejects.
func (Params) FromVector(v []float64) Params {
	if len(v) != 5 {
		return Params{}
	}
	return Params{R: v[0], Alpha: v[1], B: v[2], S: v[3], Beta: v[4]}
}

// JSONBounds returns the range of a parameter that UnmarshalJSON accepts,
// by JSON name: r and s in [1e-7, 1e7], α in [1e-7, 1e12], b in
// [1e-15, 1e3] and β in [1e-20, 1e12] (a limit model holds b near 0 with
// β = b·κ, see FitContext). Predictions stay finite over it.
func (Params) JSONBounds(name string) (lo, hi float64) {
	switch name {
	case "alpha":
		return 1e-7, 1e12
	case "b":
		return 1e-15, 1e3
	case "beta":
		return 1e-20, 1e12
	}
	return 1e-7, 1e7
}

// Kappa returns κ = β/b, the scale of the Pareto/NBD that the model
// approaches as b → 0 (its β, in the data's time unit).
func (p Params) Kappa() float64 { return p.Beta / p.B }

// inner are the parameters the computations use: (r, α, b, s, κ).
type inner struct{ r, alpha, b, s, kappa float64 }

func (p Params) inner() inner { return inner{p.R, p.Alpha, p.B, p.S, p.Beta / p.B} }

// A Model is a Gamma-Gompertz/NBD model with known parameters, fitted or
// given. It is immutable (UnmarshalJSON aside, meant for a new Model) and
// safe for concurrent use. The zero Model has no parameters: its
// predictions are NaN and its batch methods return errors.
//
// A Model is a clv.Fitted[Params] and a clv.PurchaseModel.
type Model struct {
	base model.Base[Params] // never embedded
	in   inner
}

// New returns a Model with the given parameters, for scoring with stored
// parameters without fitting.
func New(p Params) (*Model, error) {
	b, err := model.New(p)
	if err != nil {
		return nil, err
	}
	if !(p.Kappa() > 0) || math.IsInf(p.Kappa(), 0) {
		return nil, fmt.Errorf("ggompertz: %w: β/b = %v", ErrInvalidParams, p.Kappa())
	}
	return &Model{base: b, in: p.inner()}, nil
}

func build(b model.Base[Params]) *Model { return &Model{base: b, in: b.Params().inner()} }

// String returns the parameters and log-likelihood in one line.
func (m *Model) String() string {
	p := m.Params()
	return fmt.Sprintf("GGompertz/NBD{r=%.6g α=%.6g b=%.6g s=%.6g β=%.6g LL=%.6f}", p.R, p.Alpha, p.B, p.S, p.Beta, m.LogLikelihood())
}

// Params returns the model's parameters.
func (m *Model) Params() Params { return m.base.Params() }

// StdErrors returns the asymptotic standard errors of the parameters, from
// the inverse Hessian of the negative log-likelihood at the optimum, and
// whether they are available. A limit model's (clv.AtBoundary) are those
// of its free parameters, b held, and 0 for b.
func (m *Model) StdErrors() (Params, bool) { return m.base.StdErrors() }

// LogLikelihood returns the log-likelihood of the fitted data at the
// estimate, or 0 for a model built by New.
func (m *Model) LogLikelihood() float64 { return m.base.LogLikelihood() }

// FitInfo returns how the fit went; its zero value (status
// clv.NotFitted) for a model built by New.
func (m *Model) FitInfo() clv.FitInfo { return m.base.FitInfo() }

// LogCovariance returns the approximate sampling covariance of the
// logarithms of the estimated parameters (in the order r, α, b, s, β; b
// left out for a limit model), and whether it is available.
func (m *Model) LogCovariance() ([][]float64, bool) { return m.base.LogCovariance() }

// ParamIntervals returns approximate confidence intervals for the
// parameters at the given level: exp(ln p ± z·σ), σ from LogCovariance.
func (m *Model) ParamIntervals(level float64) (lo, hi Params, err error) {
	return m.base.Intervals(level)
}

// SampleParams draws n parameter sets from the approximate sampling
// distribution of the estimate (ln p normal with LogCovariance).
// Deterministic for a given src. A limit model's draws keep b fixed (and
// β/b drawn as its β).
func (m *Model) SampleParams(src rand.Source, n int) ([]Params, error) {
	return m.base.Draws(src, n)
}

const jsonName = "ggompertz"

// MarshalJSON encodes the model as {"model": "ggompertz", "params",
// "std_errors", "fit"} (the last two for a fitted model).
func (m *Model) MarshalJSON() ([]byte, error) { return m.base.Marshal(jsonName) }

// UnmarshalJSON decodes a model written by MarshalJSON, validating every
// field, and replaces the whole of m with it; on error m is unchanged.
func (m *Model) UnmarshalJSON(b []byte) error {
	nb, err := model.Unmarshal[Params](jsonName, b)
	if err != nil {
		return err
	}
	*m = *build(nb)
	return nil
}

var (
	_ clv.PurchaseModel  = (*Model)(nil)
	_ clv.Fitted[Params] = (*Model)(nil)
)

// errZeroModel is the error of a batch method of a zero Model.
var errZeroModel = fmt.Errorf("ggompertz: %w: zero Model (use New or Fit)", clv.ErrInvalidParams)
