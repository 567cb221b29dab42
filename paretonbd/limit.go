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
// closed forms of the exponential-dropout limit itself (limitexp.go), one
// with r ≥ limitShape with those of the Poisson limit (limitpoisson.go),
// and one with both with those of both limits at once.
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
	{Shape: 0, Partner: 1, Reached: func(p Params) bool { return p.R > boundaryShape },
		// Likewise toward the Poisson limit: the Poisson limit model, in
		// closed form (limitpoisson.go), from r ≥ 100.
		Near: func(p Params) bool { return p.R >= edgeShape }},
	{Shape: 2, Partner: 3, Reached: func(p Params) bool { return p.S > boundaryShape },
		// A fit flat in s and β with s ≥ 100 stops short of the limit:
		// the exponential-dropout limit model, in closed form, from there.
		Near: func(p Params) bool { return p.S >= edgeShape }},
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

// edgeShape is the shape beyond which an estimate whose likelihood is flat
// in a gamma distribution's shape and rate lies on the way to the limit in
// which that distribution becomes a point mass (its coefficient of
// variation 1/√shape is below 10%): the fit then fits the limit model
// from there (limits' Near): the exponential-dropout limit for s, the
// Poisson limit for r. edgeVanish is the s below which one flat in s
// and β lies on the way to no dropout (all but a fraction of order s of
// the customers have a dropout rate near 0).
const (
	edgeShape  = 100
	edgeVanish = 1e-3
)

// edge says toward which edge of the model an estimate p lies whose
// likelihood is flat in some parameters, or that a parameter running off
// leaves not identified (model.RowModel.Edge): r and α running off
// together (100 ≤ r ≤ 10⁴: purchase heterogeneity vanishing, the Poisson
// limit of the purchases, short of the limit fit's boundaryShape: left
// flat by the fit of the exponential-dropout limit model), or s → 0
// (s < 10⁻³: dropout vanishing, the NBD without dropout), or both; ""
// otherwise (the fit is then not identified). An r past boundaryShape is
// a limit already reached and held, which the limit fit's Reason names;
// a full fit running off toward either limit, flat short of it, is
// fitted as the limit (limits' Near).
func edge(p Params) string {
	var parts []string
	if p.R >= edgeShape && p.R <= boundaryShape { // beyond: a limit reached, which the reason names
		parts = append(parts, fmt.Sprintf("purchase heterogeneity vanishes: r and α run off toward infinity with r/α → λ = %.6g per time unit "+
			"(the Poisson limit: every customer buys at that rate while alive)", p.R/p.Alpha))
	}
	if p.S < edgeVanish {
		parts = append(parts, fmt.Sprintf("dropout vanishes: s = %.3g → 0 (mean dropout rate s/β = %.3g per time unit), no customer drops out "+
			"(the NBD limit of the purchases)", p.S, p.S/p.Beta))
	}
	return strings.Join(parts, "; and ")
}
