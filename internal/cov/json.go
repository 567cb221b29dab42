package cov

import (
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
)

// Envelope is the JSON form of a model with covariates: the base
// parameters P, the covariates' names and coefficients, the coefficients
// a fit held at 0, and for a fitted model the standard errors, the
// covariance of (base, γ_trans, γ_life) and the fit information.
type Envelope[P any] struct {
	Model      string        `json:"model"`
	Params     P             `json:"params"`
	Covariates []string      `json:"covariates"`
	Trans      []float64     `json:"trans"`
	Life       []float64     `json:"life"`
	NoPurchase []string      `json:"no_purchase,omitempty"`
	NoDropout  []string      `json:"no_dropout,omitempty"`
	StdErrors  *StdErrors[P] `json:"std_errors,omitempty"`
	Covariance [][]float64   `json:"covariance,omitempty"`
	Fit        *clv.FitInfo  `json:"fit,omitempty"`
}

// StdErrors are the standard errors of Envelope.
type StdErrors[P any] struct {
	Params P         `json:"params"`
	Trans  []float64 `json:"trans"`
	Life   []float64 `json:"life"`
}

// Names returns the names of the covariates marked in held.
func Names(names []string, held []bool) []string {
	var out []string
	for j, h := range held {
		if h {
			out = append(out, names[j])
		}
	}
	return out
}

// CheckEnvelope checks what the model package does not: the held names
// (covariates of the model), the standard errors' lengths and values
// (finite, ≥ 0; base ones given as a vector), the covariance (nb+2K
// square, finite, symmetric, non-negative diagonal) and the fit
// information. It returns the held flags.
func CheckEnvelope(pkg string, names, noPurchase, noDropout []string, seBase, seTrans, seLife []float64, hasSE bool, cv [][]float64, fit *clv.FitInfo, nb int) (heldT, heldL []bool, err error) {
	_, heldT, heldL, err = Held(pkg, names, nil, noPurchase, noDropout)
	if err != nil {
		return nil, nil, err
	}
	if len(noPurchase) == 0 {
		heldT = nil
	}
	if len(noDropout) == 0 {
		heldL = nil
	}
	k := len(names)
	if hasSE {
		if len(seTrans) != k || len(seLife) != k {
			return nil, nil, fmt.Errorf("%s: std_errors: %d trans and %d life for %d covariates", pkg, len(seTrans), len(seLife), k)
		}
		for _, v := range slices.Concat(seBase, seTrans, seLife) {
			if !(v >= 0) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("%s: std_errors: %v, want finite numbers ≥ 0", pkg, v)
			}
		}
	}
	if cv != nil {
		n := nb + 2*k
		if len(cv) != n {
			return nil, nil, fmt.Errorf("%s: covariance: %d rows, want %d", pkg, len(cv), n)
		}
		for i, row := range cv {
			if len(row) != n {
				return nil, nil, fmt.Errorf("%s: covariance: row %d has %d values, want %d", pkg, i, len(row), n)
			}
		}
		for i, row := range cv {
			for j, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) || (i == j && v < 0) || v != cv[j][i] {
					return nil, nil, fmt.Errorf("%s: covariance: [%d][%d] = %v: want a finite symmetric matrix with a non-negative diagonal", pkg, i, j, v)
				}
			}
		}
	}
	if fit != nil {
		if err := fit.Check(); err != nil {
			return nil, nil, fmt.Errorf("%s: fit: %w", pkg, err)
		}
		if fit.Status == clv.NotFitted {
			return nil, nil, fmt.Errorf("%s: fit.status %v: a fit info needs the status of a fit", pkg, fit.Status)
		}
		if n := fit.NumParams; n < 1 || n > nb+2*k {
			return nil, nil, fmt.Errorf("%s: fit.n_params = %d, want 1 to %d", pkg, n, nb+2*k)
		}
	}
	return heldT, heldL, nil
}

// Rows returns the covariance, row major (n×n), as rows.
func Rows(cv []float64, n int) [][]float64 {
	if cv == nil {
		return nil
	}
	out := make([][]float64, n)
	for i := range out {
		out[i] = slices.Clone(cv[i*n : (i+1)*n])
	}
	return out
}
