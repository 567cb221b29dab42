package bgnbd

import (
	"encoding/json"
	"fmt"

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

type base = model.Base[Params]

// A Model is a BG/NBD or MBG/NBD model with known parameters, fitted or
// given. Its methods are safe for concurrent use; it has no mutable state.
// The zero Model has no parameters: its predictions are NaN and its batch
// methods return errors.
type Model struct {
	base
	f family
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

// MarshalJSON encodes the model as {"model": "bgnbd" or "mbgnbd",
// "params", "std_errors", "fit"} (the last two for a fitted model).
func (m *Model) MarshalJSON() ([]byte, error) { return m.base.Marshal(m.Variant().String()) }

// UnmarshalJSON decodes a model written by MarshalJSON, of either variant,
// validating every field. It is meant for a new Model (var m bgnbd.Model);
// a Model in use by other goroutines must not be decoded into.
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
	var nb base
	if err := nb.Unmarshal(v.String(), b); err != nil {
		return err
	}
	if p := nb.Params(); v == BGNBD && p.A+p.B <= 1 && p.R > 10*(p.A+p.B) {
		return fmt.Errorf("bgnbd: %w: params.r = %v > 10(a+b) with a+b = %v ≤ 1: no series of the conditional expectation is accurate there (it is NaN)", ErrInvalidParams, p.R, p.A+p.B)
	}
	m.base, m.f = nb, family{nb.Params(), v.shift()}
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

var _ clv.PurchaseModel = (*Model)(nil)
var _ clv.FittedModel = (*Model)(nil)
