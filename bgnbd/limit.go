package bgnbd

import (
	"fmt"
	"strings"

	"github.com/clvkit/clvkit/internal/model"
)

// Shapes of the limits of the model. A fit whose a and b both pass
// boundaryShape is running off toward the limit in which the beta
// distribution of the dropout probability p becomes a point mass (its
// coefficient of variation √((1−p)/(p(a+b+1))) is below 1% for p ≥ 1/2,
// and the likelihood keeps rising, ever more slowly, as a and b grow
// with a/(a+b) fixed); one whose r passes it, toward the limit in which
// the gamma distribution of the purchase rate λ does (r, α → ∞ with
// r/α → λ). The limit model is fitted with the shape held at limitShape
// (a, or r) and the other parameter of the pair free. The held model's
// predictions differ from the limit's by O(1/a) — the posterior of p,
// Beta(a, b+x), has variance p(1−p)/(a+b+x+1) and its mean moves by
// O(x/a) — and by O((λt)²/r) — the gamma distribution of λ has variance
// λ²/r, which changes e^−λt by (λt)²/(2r) relative: at 10⁸ (rather than
// the 10⁶ of paretonbd, where a customer's λt of 10 would cost 5e-5),
// at most 5.4e-7 relative in TestBoundaryPredictions. logLik evaluates
// the held model without cancellation (lgDiff, psiDiff, the ln(1+τ/α)
// terms), so that its gradient keeps 10 digits.
const (
	boundaryShape = 1e4
	limitShape    = 1e8
)

// limits are the model's limits, in the order of limitReason's flags: r
// and α running off together (the purchase rates' gamma distribution
// becoming a point mass at λ = r/α), and a and b (the dropout
// probabilities' beta distribution becoming one at p = a/(a+b)). The fit
// of a limit model (model.FitRows) holds the shape, r or a, at limitShape
// and scales its partner, α or b, to keep the ratio; it is not penalized.
var limits = []model.Limit[Params]{
	{Shape: 0, Partner: 1, Reached: func(p Params) bool { return p.R > boundaryShape }},
	{Shape: 2, Partner: 3, Reached: func(p Params) bool { return min(p.A, p.B) > boundaryShape }},
}

// limitReason says which limit the fit reached, with its rates.
func limitReason(p Params, shift float64, fixR, fixA bool) string {
	var parts []string
	if fixA {
		q := p.A / (p.A + p.B)
		when := "after each repeat purchase"
		if shift == 1 {
			when = "at the first purchase and after each repeat purchase"
		}
		parts = append(parts, fmt.Sprintf("dropout heterogeneity vanishes: a and b run off toward infinity with a/(a+b) → p = %.6g; every customer drops out %s with probability %.4g; a is held at %.0e", q, when, q, limitShape))
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

// dropoutEdge says toward which edge the mean dropout probability
// q = a/(a+b) of an estimate p runs off when the likelihood is flat in a
// or b (model.RowModel.Edge): q → 1 (b → 0: every customer drops out at
// the first opportunity) or q → 0 (a → 0: nobody drops out), judged at
// q > 0.999 and q < 0.001; "" otherwise. In both limits the beta
// distribution of p becomes a point mass at 1 or 0, so the other
// parameter no longer matters.
func dropoutEdge(p Params, shift float64) string {
	q := p.A / (p.A + p.B)
	switch {
	case q > 0.999:
		when := "right after the first repeat purchase"
		if shift == 1 {
			when = "right after the first purchase"
		}
		return fmt.Sprintf("dropout becomes certain: a/(a+b) → 1 (b/(a+b) = %.3g), every customer drops out %s", p.B/(p.A+p.B), when)
	case q < 0.001:
		return fmt.Sprintf("dropout vanishes: a/(a+b) = %.3g → 0, no customer drops out", q)
	}
	return ""
}
