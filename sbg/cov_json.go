package sbg

import (
	"encoding/json"
	"fmt"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
)

const covJSONName = "sbg_covariates"

type covBase struct {
	Alpha float64 `json:"alpha"`
	Beta  float64 `json:"beta"`
}

type covEnvelope struct {
	Model      string        `json:"model"`
	Params     covBase       `json:"params"`
	Covariates []string      `json:"covariates"`
	GammaAlpha []float64     `json:"gamma_alpha"`
	GammaBeta  []float64     `json:"gamma_beta"`
	StdErrors  *covStdErrors `json:"std_errors,omitempty"`
	Covariance [][]float64   `json:"covariance,omitempty"`
	Fit        *clv.FitInfo  `json:"fit,omitempty"`
}

type covStdErrors struct {
	Params     covBase   `json:"params"`
	GammaAlpha []float64 `json:"gamma_alpha"`
	GammaBeta  []float64 `json:"gamma_beta"`
}

// MarshalJSON encodes the model as {"model": "sbg_covariates", "params":
// {"alpha", "beta"}, "covariates": names, "gamma_alpha": γ_α,
// "gamma_beta": γ_β, "std_errors": {"params", "gamma_alpha",
// "gamma_beta"}, "covariance" (of α, β, γ_α..., γ_β...), "fit"}, the last
// three for a fitted model.
func (m *CovModel) MarshalJSON() ([]byte, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroCov
	}
	e := covEnvelope{Model: covJSONName, Params: covBase{m.p.Alpha, m.p.Beta}, Covariates: m.p.Names,
		GammaAlpha: m.p.GammaAlpha, GammaBeta: m.p.GammaBeta, Covariance: cov.Rows(m.cov, 2+2*len(m.p.Names))}
	if m.se != nil {
		e.StdErrors = &covStdErrors{Params: covBase{m.se.Alpha, m.se.Beta}, GammaAlpha: m.se.GammaAlpha, GammaBeta: m.se.GammaBeta}
	}
	if m.info.Status != clv.NotFitted {
		info := m.info
		e.Fit = &info
	}
	return json.Marshal(e)
}

// UnmarshalJSON decodes a model written by MarshalJSON, validating every
// field: α and β within Params.JSONBounds, one finite γ_α and γ_β per
// covariate, standard errors finite and ≥ 0, a finite symmetric
// covariance of the right size, and the fit information. On error m is
// unchanged. It is meant for a new CovModel.
func (m *CovModel) UnmarshalJSON(b []byte) error {
	var e covEnvelope
	if err := json.Unmarshal(b, &e); err != nil {
		return fmt.Errorf("sbg: %w", err)
	}
	if e.Model != covJSONName {
		return fmt.Errorf("sbg: JSON holds model %q, want %q", e.Model, covJSONName)
	}
	p := CovParams{Params: Params{Alpha: e.Params.Alpha, Beta: e.Params.Beta, C: 1}, Names: e.Covariates,
		GammaAlpha: e.GammaAlpha, GammaBeta: e.GammaBeta}
	for _, f := range [...]struct {
		name string
		v    float64
	}{{"alpha", p.Alpha}, {"beta", p.Beta}} { // in order: the error names the first
		if lo, hi := p.JSONBounds(f.name); !(f.v >= lo && f.v <= hi) {
			return fmt.Errorf("sbg: %w: params.%s = %v, want a number in [%g, %g]", ErrInvalidParams, f.name, f.v, lo, hi)
		}
	}
	if err := p.Validate(); err != nil {
		return err
	}
	var se *CovParams
	var seBase, seA, seB []float64
	if s := e.StdErrors; s != nil {
		se = &CovParams{Params: Params{Alpha: s.Params.Alpha, Beta: s.Params.Beta}, Names: p.Names, GammaAlpha: s.GammaAlpha, GammaBeta: s.GammaBeta}
		seBase, seA, seB = []float64{s.Params.Alpha, s.Params.Beta}, s.GammaAlpha, s.GammaBeta
	}
	if _, _, err := cov.CheckEnvelope("sbg", p.Names, nil, nil, seBase, seA, seB, se != nil, e.Covariance, e.Fit, 2); err != nil {
		return err
	}
	nm := CovModel{p: p.clone()}
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
