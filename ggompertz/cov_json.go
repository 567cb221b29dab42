package ggompertz

import (
	"encoding/json"
	"fmt"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
)

const covJSONName = "ggompertz_covariates"

// MarshalJSON encodes the model as {"model": "ggompertz_covariates",
// "params": {"r", "alpha", "b", "s", "beta"}, "covariates": names,
// "trans": γ_trans, "life": γ_life, "no_purchase" and "no_dropout" (the
// covariates a fit held at 0 on a process), "std_errors": {"params",
// "trans", "life"}, "covariance" (of r, α, b, s, β, γ_trans..., γ_life...),
// "fit"}, the last three for a fitted model.
func (m *CovModel) MarshalJSON() ([]byte, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	e := cov.Envelope[Params]{Model: covJSONName, Params: m.p.Params, Covariates: m.p.Names, Trans: m.p.Trans, Life: m.p.Life,
		NoPurchase: cov.Names(m.p.Names, m.heldT), NoDropout: cov.Names(m.p.Names, m.heldL),
		Covariance: cov.Rows(m.cov, 5+2*len(m.p.Names))}
	if m.se != nil {
		e.StdErrors = &cov.StdErrors[Params]{Params: m.se.Params, Trans: m.se.Trans, Life: m.se.Life}
	}
	if m.info.Status != clv.NotFitted {
		info := m.info
		e.Fit = &info
	}
	return json.Marshal(e)
}

// UnmarshalJSON decodes a model written by MarshalJSON, validating every
// field: the base parameters within Params.JSONBounds with β/b finite,
// one finite coefficient per covariate and process (0 where held),
// standard errors finite and ≥ 0, a finite symmetric covariance of the
// right size, and the fit information. It replaces the whole of m; on
// error m is unchanged.
func (m *CovModel) UnmarshalJSON(b []byte) error {
	var e cov.Envelope[Params]
	if err := json.Unmarshal(b, &e); err != nil {
		return fmt.Errorf("ggompertz: %w", err)
	}
	if e.Model != covJSONName {
		return fmt.Errorf("ggompertz: JSON holds model %q, want %q", e.Model, covJSONName)
	}
	p := CovParams{Params: e.Params, Names: e.Covariates, Trans: e.Trans, Life: e.Life}
	for i, v := range p.Vector() {
		name := pubSpec.Base[i]
		if lo, hi := p.JSONBounds(name); !(v >= lo && v <= hi) {
			return fmt.Errorf("ggompertz: %w: params.%s = %v, want a number in [%g, %g]", ErrInvalidParams, name, v, lo, hi)
		}
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if _, err := New(p.Params); err != nil {
		return err
	}
	var se *CovParams
	var seBase, seT, seL []float64
	if e.StdErrors != nil {
		se = &CovParams{Params: e.StdErrors.Params, Names: p.Names, Trans: e.StdErrors.Trans, Life: e.StdErrors.Life}
		seBase, seT, seL = se.Vector(), se.Trans, se.Life
	}
	heldT, heldL, err := cov.CheckEnvelope("ggompertz", p.Names, e.NoPurchase, e.NoDropout, seBase, seT, seL,
		se != nil, e.Covariance, e.Fit, 5)
	if err != nil {
		return err
	}
	for j := range p.Names {
		if heldT != nil && heldT[j] && p.Trans[j] != 0 || heldL != nil && heldL[j] && p.Life[j] != 0 {
			return fmt.Errorf("ggompertz: %w: %s held at 0 with a coefficient", ErrInvalidParams, p.Names[j])
		}
	}
	nm := CovModel{p: p.clone(), heldT: heldT, heldL: heldL}
	if se != nil {
		c := se.clone()
		nm.se = &c
	}
	for _, row := range e.Covariance {
		nm.cov = append(nm.cov, row...)
	}
	if e.Fit != nil {
		nm.info = *e.Fit
	}
	*m = nm
	return nil
}
