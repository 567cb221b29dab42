package gammagamma

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
)

const covJSONName = "gammagamma_covariates"

type covEnvelope struct {
	Model      string        `json:"model"`
	Params     Params        `json:"params"`
	Covariates []string      `json:"covariates"`
	Spend      []float64     `json:"spend"`
	NoSpend    []string      `json:"no_spend,omitempty"`
	StdErrors  *covStdErrors `json:"std_errors,omitempty"`
	Covariance [][]float64   `json:"covariance,omitempty"`
	Fit        *clv.FitInfo  `json:"fit,omitempty"`
}

type covStdErrors struct {
	Params Params    `json:"params"`
	Spend  []float64 `json:"spend"`
}

// MarshalJSON encodes the model as {"model": "gammagamma_covariates",
// "params": {"p", "q", "gamma"}, "covariates": names, "spend": δ,
// "no_spend" (the covariates a fit held at 0), "std_errors": {"params",
// "spend"}, "covariance" (of p, q, γ, δ...), "fit"}, the last three for a
// fitted model.
func (m *CovModel) MarshalJSON() ([]byte, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroCov
	}
	e := covEnvelope{Model: covJSONName, Params: m.p.Params, Covariates: m.p.Names, Spend: m.p.Spend,
		NoSpend: cov.Names(m.p.Names, m.held), Covariance: cov.Rows(m.cov, 3+len(m.p.Names))}
	if m.se != nil {
		e.StdErrors = &covStdErrors{Params: m.se.Params, Spend: m.se.Spend}
	}
	if m.info.Status != clv.NotFitted {
		info := m.info
		e.Fit = &info
	}
	return json.Marshal(e)
}

// UnmarshalJSON decodes a model written by MarshalJSON, validating every
// field: the base parameters within Params.JSONBounds, one finite
// coefficient per covariate (0 where held), standard errors finite and
// ≥ 0, a finite symmetric covariance of the right size, and the fit
// information. On error m is unchanged. It is meant for a new CovModel.
func (m *CovModel) UnmarshalJSON(b []byte) error {
	var e covEnvelope
	if err := json.Unmarshal(b, &e); err != nil {
		return fmt.Errorf("gammagamma: %w", err)
	}
	if e.Model != covJSONName {
		return fmt.Errorf("gammagamma: JSON holds model %q, want %q", e.Model, covJSONName)
	}
	p := CovParams{Params: e.Params, Names: e.Covariates, Spend: e.Spend}
	for i, v := range p.Vector() {
		name := covSpec.Base[i]
		if lo, hi := p.JSONBounds(name); !(v >= lo && v <= hi) {
			return fmt.Errorf("gammagamma: %w: params.%s = %v, want a number in [%g, %g]", ErrInvalidParams, name, v, lo, hi)
		}
	}
	if err := p.Validate(); err != nil {
		return err
	}
	k := len(p.Names)
	var se *CovParams
	var seBase, seSpend []float64
	if e.StdErrors != nil {
		se = &CovParams{Params: e.StdErrors.Params, Names: p.Names, Spend: e.StdErrors.Spend}
		seBase, seSpend = se.Vector(), se.Spend
	}
	// cov.CheckEnvelope checks a (base, trans, life) layout: give it δ as
	// trans and zeros as life, and the covariance padded to that layout.
	var padded [][]float64
	if e.Covariance != nil {
		n, full := 3+k, 3+2*k
		if len(e.Covariance) != n {
			return fmt.Errorf("gammagamma: covariance: %d rows, want %d", len(e.Covariance), n)
		}
		padded = make([][]float64, full)
		for i := range padded {
			padded[i] = make([]float64, full)
			if i < n {
				if len(e.Covariance[i]) != n {
					return fmt.Errorf("gammagamma: covariance: row %d has %d values, want %d", i, len(e.Covariance[i]), n)
				}
				copy(padded[i], e.Covariance[i])
			}
		}
	}
	var seLife []float64
	if se != nil {
		seLife = make([]float64, len(seSpend))
	}
	held, _, err := cov.CheckEnvelope("gammagamma", p.Names, e.NoSpend, nil, seBase, seSpend, seLife,
		se != nil, padded, e.Fit, 3)
	if err != nil {
		return err
	}
	if e.Fit != nil && e.Fit.NumParams > 3+k {
		return fmt.Errorf("gammagamma: fit.n_params = %d, want 1 to %d", e.Fit.NumParams, 3+k)
	}
	for j := range p.Names {
		if held != nil && held[j] && p.Spend[j] != 0 {
			return fmt.Errorf("gammagamma: %w: %s held at 0 with a coefficient", ErrInvalidParams, p.Names[j])
		}
		if math.IsNaN(p.Spend[j]) {
			return fmt.Errorf("gammagamma: %w: spend.%s = NaN", ErrInvalidParams, p.Names[j])
		}
	}
	nm := CovModel{p: p.clone(), held: held}
	if se != nil {
		c := se.clone()
		nm.se = &c
	}
	for _, row := range e.Covariance {
		nm.cov = append(nm.cov, row...)
	}
	if e.Fit != nil {
		f := *e.Fit
		nm.info = f
	}
	*m = nm
	return nil
}
