package paretonbd

import (
	"fmt"
	"strings"

	"github.com/clvkit/clvkit/internal/model"
)

// Shapes of the limits of the model. A fit whose s (or r) passes
// boundaryShape is running off toward the limit in which the gamma
// distribution of μ (or λ) becomes a point mass: its coefficient of
// variation 1/√s is below 1%, and the likelihood keeps rising, ever more
// slowly, as s and β grow together. The limit model is fitted with the
// shape held at limitShape, where the gamma distribution's spread (0.1%)
// changes predictions by O(1/limitShape) — at most 2e-5 relative in
// TestExponentialDropoutLimit — and the gradient of the log-likelihood
// still has 10 digits. A model with s ≥ limitShape is predicted with the
// closed forms of the exponential-dropout limit itself (limitexp.go).
const (
	boundaryShape = 1e4
	limitShape    = 1e6
)

// limits are the model's limits, in the order of limitReason's flags: r
// and α running off together (the purchase rates' gamma distribution
// becoming a point mass at λ = r/α), and s and β (the dropout rates'
// becoming one at μ = s/β). The fit of a limit model (model.FitRows) holds
// the shape, r or s, at limitShape and scales its rate, α or β, to keep
// the ratio; it is not penalized.
var limits = []model.Limit[Params]{
	{Shape: 0, Partner: 1, Reached: func(p Params) bool { return p.R > boundaryShape }},
	{Shape: 2, Partner: 3, Reached: func(p Params) bool { return p.S > boundaryShape }},
}

// limitReason says which limit the fit reached, with its rates.
func limitReason(p Params, fixR, fixS bool) string {
	var parts []string
	if fixS {
		mu := p.S / p.Beta
		parts = append(parts, fmt.Sprintf("dropout heterogeneity vanishes: s and β run off toward infinity with s/β → μ = %.6g per time unit (every lifetime exponential with mean %.4g); s is held at %.0e", mu, 1/mu, limitShape))
	}
	if fixR {
		lam := p.R / p.Alpha
		parts = append(parts, fmt.Sprintf("purchase heterogeneity vanishes: r and α run off toward infinity with r/α → λ = %.6g per time unit (every customer buys at that rate while alive); r is held at %.0e", lam, limitShape))
	}
	return strings.Join(parts, "; ")
}

// atBoundary reports whether the parameter vector v (Params.Vector's
// order) has passed into one of the model's limits.
func atBoundary(v []float64) bool {
	p := Params{}.FromVector(v)
	for _, l := range limits {
		if l.Reached(p) {
			return true
		}
	}
	return false
}
