package paretonbd

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
)

const dynJSONName = "paretonbd_dynamic"

// dynEnvelope is the JSON form of a DynModel: that of a CovModel and the
// coefficients held at their bound.
type dynEnvelope struct {
	cov.Envelope[Params]
	Boundary []string `json:"boundary,omitempty"`
}

// MarshalJSON encodes the model as CovModel.MarshalJSON does, with
// "model": "paretonbd_dynamic" and "boundary": the coefficients the fit
// held at its bound (DynModel.Boundary), if any.
func (m *DynModel) MarshalJSON() ([]byte, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	e := dynEnvelope{Envelope: cov.Envelope[Params]{Model: dynJSONName, Params: m.p.Params, Covariates: m.p.Names, Trans: m.p.Trans, Life: m.p.Life,
		NoPurchase: cov.Names(m.p.Names, m.heldT), NoDropout: cov.Names(m.p.Names, m.heldL),
		Covariance: cov.Rows(m.cov, 4+2*len(m.p.Names))}, Boundary: m.Boundary()}
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
// field as CovModel.UnmarshalJSON does, and the boundary's names: each
// "trans." or "life." and a covariate, once, of a coefficient not held at
// 0. It is meant for a new DynModel.
func (m *DynModel) UnmarshalJSON(b []byte) error {
	var e dynEnvelope
	if err := json.Unmarshal(b, &e); err != nil {
		return fmt.Errorf("paretonbd: %w", err)
	}
	if e.Model != dynJSONName {
		return fmt.Errorf("paretonbd: JSON holds model %q, want %q", e.Model, dynJSONName)
	}
	// The envelope's checks are CovModel's.
	e.Model = covJSONName
	raw, err := json.Marshal(e.Envelope)
	if err != nil {
		return fmt.Errorf("paretonbd: %w", err)
	}
	var cm CovModel
	if err := cm.UnmarshalJSON(raw); err != nil {
		return err
	}
	nm := DynModel{p: cm.p, se: cm.se, heldT: cm.heldT, heldL: cm.heldL, cov: cm.cov, info: cm.info}
	k := len(nm.p.Names)
	for _, name := range e.Boundary {
		proc, cn, _ := strings.Cut(name, ".")
		j := slices.Index(nm.p.Names, cn)
		var bound *[]bool
		var held []bool
		var g float64
		switch {
		case j < 0:
		case proc == "trans":
			bound, held, g = &nm.boundT, nm.heldT, nm.p.Trans[j]
		case proc == "life":
			bound, held, g = &nm.boundL, nm.heldL, nm.p.Life[j]
		}
		if bound == nil {
			return fmt.Errorf("paretonbd: %w: boundary names %q, want trans. or life. and a covariate", ErrInvalidParams, name)
		}
		if *bound == nil {
			*bound = make([]bool, k)
		}
		if (*bound)[j] || flagAt(held, j) || g == 0 {
			return fmt.Errorf("paretonbd: %w: boundary %q repeated, held at 0 or 0", ErrInvalidParams, name)
		}
		(*bound)[j] = true
	}
	*m = nm
	return nil
}
