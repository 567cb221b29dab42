package bgnbd

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
)

// Params are the four parameters of the BG/NBD and MBG/NBD models.
type Params struct {
	R     float64 `json:"r"`     // shape of the gamma distribution of the purchase rate λ; R > 0
	Alpha float64 `json:"alpha"` // rate (inverse scale) of that gamma distribution, in the data's time unit; Alpha > 0
	A     float64 `json:"a"`     // first shape of the beta distribution of the dropout probability p; A > 0
	B     float64 `json:"b"`     // second shape of that beta distribution; B > 0
}

// ErrInvalidParams is wrapped by errors about parameters out of their
// range. It is clv.ErrInvalidParams, shared by every model.
var ErrInvalidParams = clv.ErrInvalidParams

// Validate reports whether every parameter is finite and positive.
func (p Params) Validate() error {
	return model.Positive("bgnbd", "r alpha a b", p.R, p.Alpha, p.A, p.B)
}

// Vector returns the parameters in the order r, α, a, b.
func (p Params) Vector() []float64 { return []float64{p.R, p.Alpha, p.A, p.B} }

// FromVector returns the parameters whose Vector is v (r, α, a, b): the
// inverse of Vector. A v of another length than 4 gives the zero Params,
// which Validate rejects.
func (Params) FromVector(v []float64) Params {
	if len(v) != 4 {
		return Params{}
	}
	return paramsOf(v)
}

func paramsOf(s []float64) Params { return Params{R: s[0], Alpha: s[1], A: s[2], B: s[3]} }

// Variant selects a model of the BG/NBD family. Both have the same
// parameters and the same purchase process (Poisson with a gamma-distributed
// rate) and differ in when a customer may drop out.
type Variant uint8

const (
	// BGNBD is the beta-geometric/NBD model (Fader, Hardie & Lee 2005):
	// a customer may drop out after each repeat purchase, with probability
	// p ~ Beta(a, b). A customer without repeat purchases is alive for sure.
	BGNBD Variant = iota
	// MBGNBD is the modified BG/NBD model (Batislam, Denizel & Filiztekin
	// 2007): a customer may also drop out at time 0, right after the first
	// purchase, so P(alive) < 1 for customers without repeat purchases too,
	// and it falls as their T grows.
	MBGNBD
)

// String returns "bgnbd" or "mbgnbd", the model's name in JSON.
func (v Variant) String() string {
	if v == MBGNBD {
		return "mbgnbd"
	}
	return "bgnbd"
}

// shift is the variant's number of dropout opportunities before the first
// repeat purchase: 0 for BG/NBD, 1 for MBG/NBD. Every formula of the family
// is the BG/NBD formula with b+x−1 replaced by b+x−1+shift where dropout
// opportunities are counted.
func (v Variant) shift() float64 {
	if v == MBGNBD {
		return 1
	}
	return 0
}

// A Model is a BG/NBD or MBG/NBD model with known parameters, fitted or
// given. Its methods are safe for concurrent use; it has no mutable state
// (UnmarshalJSON aside, meant for a new Model). The zero Model has no
// parameters: its predictions are NaN and its batch methods return errors.
//
// A Model is a clv.Fitted[Params]: the parameters, their standard errors,
// intervals and draws, the fit's information and the JSON form, the
// methods every model of clvkit shares; and a clv.PurchaseModel.
type Model struct {
	base model.Base[Params] // parameters and fit; never embedded
	f    family             // the parameters with the variant's shift, what the formulas read
}

// family is the parameters with the variant's shift: the receiver of the
// formulas.
type family struct {
	Params
	d float64 // Variant.shift
}

// New returns a BG/NBD Model with the given parameters, for scoring with
// stored parameters without fitting.
func New(p Params) (*Model, error) { return NewVariant(BGNBD, p) }

// NewVariant returns a Model of the given variant with the given
// parameters.
func NewVariant(v Variant, p Params) (*Model, error) {
	if v > MBGNBD {
		return nil, fmt.Errorf("bgnbd: unknown variant %d", v)
	}
	b, err := model.New(p)
	if err != nil {
		return nil, err
	}
	return &Model{base: b, f: family{p, v.shift()}}, nil
}

// Variant returns the model's variant.
func (m *Model) Variant() Variant {
	if m.f.d == 1 {
		return MBGNBD
	}
	return BGNBD
}

// String returns the variant, parameters and log-likelihood in one line.
func (m *Model) String() string {
	name := "BG/NBD"
	if m.Variant() == MBGNBD {
		name = "MBG/NBD"
	}
	p := m.Params()
	return fmt.Sprintf("%s{r=%.6g α=%.6g a=%.6g b=%.6g LL=%.6f}", name, p.R, p.Alpha, p.A, p.B, m.LogLikelihood())
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
// logarithms of the estimated parameters (in the order r, α, a, b; a parameter held fixed is left out), from the inverse
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

// MarshalJSON encodes the model as {"model": "bgnbd" or "mbgnbd",
// "params", "std_errors", "fit"} (the last two for a fitted model).
func (m *Model) MarshalJSON() ([]byte, error) { return m.base.Marshal(m.Variant().String()) }

// UnmarshalJSON decodes a model written by MarshalJSON, of either variant,
// validating every field, and replaces the whole of m with it: its
// predictions are those of a new Model with the decoded variant and
// parameters. On error m is unchanged. It is meant for a new Model (var m
// bgnbd.Model); a Model in use by other goroutines must not be decoded
// into.
func (m *Model) UnmarshalJSON(b []byte) error {
	var head struct {
		Model string `json:"model"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return fmt.Errorf("bgnbd: %w", err)
	}
	v := BGNBD
	if head.Model == MBGNBD.String() {
		v = MBGNBD
	}
	nb, err := model.Unmarshal[Params](v.String(), b)
	if err != nil {
		return err
	}
	if p := nb.Params(); v == BGNBD && p.A+p.B <= 1 && p.R > 10*(p.A+p.B) {
		return fmt.Errorf("bgnbd: %w: params.r = %v > 10(a+b) with a+b = %v ≤ 1: no series of the conditional expectation is accurate there (it is NaN)", ErrInvalidParams, p.R, p.A+p.B)
	}
	*m = Model{base: nb, f: family{nb.Params(), v.shift()}}
	return nil
}

// JSONBounds returns the range of a parameter that UnmarshalJSON accepts,
// by JSON name: r in [1e-3, 1e9], α in [1e-2, 1e12], a and b in
// [1e-3, 1e12], and, for the BG/NBD, not r > 10(a+b) with a+b ≤ 1. The
// upper ends hold the limit models a fit returns at a boundary (a shape
// held at 1e8, its scale = shape/rate); below r = 1e-3 or inside the
// excluded corner the expectation of a customer without repeat purchases
// is NaN. Predictions were checked finite and in range (P(alive) in
// [0, 1], expectations ≥ 0) over these ranges by FuzzUnmarshalJSON.
func (Params) JSONBounds(name string) (lo, hi float64) {
	switch name {
	case "r":
		return 1e-3, 1e9
	case "alpha":
		return 1e-2, 1e12
	}
	return 1e-3, 1e12
}

var (
	_ clv.PurchaseModel  = (*Model)(nil)
	_ clv.Fitted[Params] = (*Model)(nil)
)
