// Package sbg models contractual retention: subscribers who renew period
// by period until they cancel, a cancellation the business observes.
//
// In the shifted-beta-geometric (sBG) model (Fader & Hardie 2007, "How to
// Project Customer Retention", Journal of Interactive Marketing 21(1)),
// each subscriber cancels at each renewal with a probability θ that is
// constant over the subscriber's life, θ ~ Beta(α, β) across subscribers.
// The survival function is
//
//	S(t) = B(α, β+t) / B(α, β),   t = 0, 1, 2, ...
//
// and the retention rate r_t = S(t)/S(t−1) = (β+t−1)/(α+β+t−1) rises with
// tenure: not because anyone grows loyal, but because the subscribers
// likely to cancel leave first. The beta-discrete-Weibull (BdW) model
// (Fader, Hardie, Liu, Davin & Steenburgh 2018, "'How to Project Customer
// Retention' Revisited: The Role of Duration Dependence", Journal of
// Interactive Marketing 43) lets each subscriber's cancellation
// probability change with tenure,
//
//	S(t) = B(α, β + t^c) / B(α, β),
//
// c < 1 meaning cancellation becomes less likely with tenure, c > 1 more;
// c = 1 is the sBG. Both are one Model here, with Params.C = 1 for the
// sBG; FitOptions.DurationDependence fits c.
//
// Timing convention: a subscriber pays at the start of each period. S(t)
// is the probability of still being subscribed in period t (having made t
// renewals); period 0 is the first, paid at sign-up. Lifetime values count
// one payment per period subscribed, the first undiscounted (Fader &
// Hardie 2010, "Customer-Base Valuation in a Contractual Setting: The
// Perils of Ignoring Heterogeneity", Marketing Science 29(1)).
package sbg

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
)

// Params are the parameters of the BdW model; C = 1 is the sBG.
type Params struct {
	Alpha float64 `json:"alpha"` // first shape of the beta distribution of the cancellation probability; > 0
	Beta  float64 `json:"beta"`  // second shape; > 0
	C     float64 `json:"c"`     // Weibull shape of duration dependence; 1 for the sBG; > 0
}

// ErrInvalidParams is wrapped by errors about parameters out of their
// range. It is clv.ErrInvalidParams, shared by every model.
var ErrInvalidParams = clv.ErrInvalidParams

// Validate reports whether every parameter is finite and positive.
func (p Params) Validate() error {
	return model.Positive("sbg", "alpha beta c", p.Alpha, p.Beta, p.C)
}

// JSONBounds returns the range of a parameter that UnmarshalJSON accepts,
// by JSON name: c in [1e-2, 10], α and β in [1e-7, 1e7]. There survival,
// retention and churn were checked in [0, 1] and DEL and DERL finite, up to
// 100 renewals (3,000 parameter sets drawn log-uniformly, corners
// included); with c beyond 10, t^c overflows and DERL is +Inf.
func (Params) JSONBounds(name string) (lo, hi float64) {
	if name == "c" {
		return 1e-2, 10
	}
	return 1e-7, 1e7
}

// Vector returns the parameters in the order α, β, c.
func (p Params) Vector() []float64 { return []float64{p.Alpha, p.Beta, p.C} }

// FromVector returns the parameters whose Vector is v (α, β, c), or, for
// a v of length 2, the sBG's (α, β) with c = 1: the inverse of Vector.
// Another length gives the zero Params, which Validate rejects.
func (Params) FromVector(v []float64) Params {
	if len(v) != 2 && len(v) != 3 {
		return Params{}
	}
	return paramsOf(v)
}

// A Model is an sBG or BdW retention model with known parameters, fitted
// or given. It is immutable (UnmarshalJSON aside, meant for a new Model)
// and safe for concurrent use. The zero Model has no parameters: its
// methods return NaN.
//
// A Model is a clv.Fitted[Params]: the parameters, their standard errors
// (0 for the sBG's c, not estimated), intervals and draws, the fit's
// information and the JSON form, the methods every model of clvkit
// shares.
type Model struct {
	base model.Base[Params] // never embedded
	bdw  bool               // C was fitted (or given ≠ 1)
}

// New returns a Model with the given parameters: an sBG model when
// p.C == 1, a BdW model otherwise.
func New(p Params) (*Model, error) {
	b, err := model.New(p)
	if err != nil {
		return nil, err
	}
	return &Model{base: b, bdw: p.C != 1}, nil
}

// Name returns "sBG" or "BdW".
func (m *Model) Name() string {
	if m.bdw {
		return "BdW"
	}
	return "sBG"
}

// String returns the model, its parameters and log-likelihood in one line.
func (m *Model) String() string {
	p := m.Params()
	if m.bdw {
		return fmt.Sprintf("BdW{α=%.6g β=%.6g c=%.6g LL=%.6f}", p.Alpha, p.Beta, p.C, m.LogLikelihood())
	}
	return fmt.Sprintf("sBG{α=%.6g β=%.6g LL=%.6f}", p.Alpha, p.Beta, m.LogLikelihood())
}

// Params returns the model's parameters.
func (m *Model) Params() Params { return m.base.Params() }

// StdErrors returns the asymptotic standard errors of the parameters, from
// the inverse Hessian of the negative log-likelihood at the optimum, and
// whether they are available: not for a model built by New, nor when the
// Hessian is not positive definite.
func (m *Model) StdErrors() (Params, bool) { return m.base.StdErrors() }

// LogLikelihood returns the log-likelihood of the fitted data at the
// estimate (without any penalty), or 0 for a model built by New.
func (m *Model) LogLikelihood() float64 { return m.base.LogLikelihood() }

// FitInfo returns how the fit went; its zero value (status
// clv.NotFitted) for a model built by New.
func (m *Model) FitInfo() clv.FitInfo { return m.base.FitInfo() }

// LogCovariance returns the approximate sampling covariance of the
// logarithms of the estimated parameters (in the order α, β, c; the sBG's c = 1, not estimated, is left out), from the inverse
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

func (m *Model) jsonName() string { return jsonName(m.bdw) }

func jsonName(bdw bool) string {
	if bdw {
		return "bdw"
	}
	return "sbg"
}

// MarshalJSON encodes the model as {"model": "sbg" or "bdw", "params",
// "std_errors", "fit"}.
func (m *Model) MarshalJSON() ([]byte, error) { return m.base.Marshal(m.jsonName()) }

// UnmarshalJSON decodes a model written by MarshalJSON, validating every
// field, and replaces the whole of m with it; on error m is unchanged. An
// "sbg" model may leave out c (the sBG has c = 1); a "bdw" model needs it.
// It is meant for a new Model; a Model in use by other goroutines must not
// be decoded into.
func (m *Model) UnmarshalJSON(b []byte) error {
	var head struct {
		Model  string                     `json:"model"`
		Params map[string]json.RawMessage `json:"params"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return fmt.Errorf("sbg: %w", err)
	}
	bdw := head.Model == "bdw"
	if _, ok := head.Params["c"]; !bdw && head.Params != nil && !ok {
		// An sBG model written without c (it has none): c = 1.
		var whole map[string]json.RawMessage
		if err := json.Unmarshal(b, &whole); err != nil {
			return fmt.Errorf("sbg: %w", err)
		}
		head.Params["c"] = json.RawMessage("1")
		params, err := json.Marshal(head.Params)
		if err != nil {
			return fmt.Errorf("sbg: %w", err)
		}
		whole["params"] = params
		if b, err = json.Marshal(whole); err != nil {
			return fmt.Errorf("sbg: %w", err)
		}
	}
	nb, err := model.Unmarshal[Params](jsonName(bdw), b)
	if err != nil {
		return err
	}
	if c := nb.Params().C; !bdw && c != 1 {
		return fmt.Errorf("sbg: %w: an sBG model has c = 1, not %v (a BdW model is \"bdw\")", clv.ErrInvalidParams, c)
	}
	*m = Model{base: nb, bdw: bdw}
	return nil
}

var _ clv.Fitted[Params] = (*Model)(nil)
