package ggompertz

import (
	"math"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
	"gonum.org/v1/gonum/stat/distuv"
)

// SimulatePurchases draws one customer from the population and returns
// the times of the customer's repeat purchases in (0, T], the first
// purchase being at 0: λ ~ Gamma(r, α), η ~ Gamma(s, β), a Gompertz
// lifetime τ with P(τ > t) = exp(−η(e^{bt} − 1)), drawn as ln(1 + E/η)/b
// with E ~ Exponential(1), and purchases in a Poisson process with rate λ
// while alive. It returns nil for invalid parameters, a nil src, or T not
// a finite number ≥ 0.
func (p Params) SimulatePurchases(src rand.Source, T float64) []float64 {
	if src == nil || p.Validate() != nil || !finiteNonNeg(T) {
		return nil
	}
	rng := rand.New(src)
	lambda := distuv.Gamma{Alpha: p.R, Beta: p.Alpha, Src: src}.Rand()
	eta := distuv.Gamma{Alpha: p.S, Beta: p.Beta, Src: src}.Rand()
	end := math.Min(T, math.Log1p(rng.ExpFloat64()/eta)/p.B)
	var times []float64
	for t := 0.0; ; {
		t += rng.ExpFloat64() / lambda
		if !(t <= end) {
			return times
		}
		times = append(times, t)
	}
}

// Simulate draws one customer per element of T, observed for T[i] time
// units after the first purchase, and returns their summaries (IDs "0",
// "1", ...; MonetaryValue 0). It is deterministic for a given src.
func (p Params) Simulate(src rand.Source, T []float64) ([]clv.Customer, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return model.Simulate("ggompertz", src, T, p.SimulatePurchases)
}
