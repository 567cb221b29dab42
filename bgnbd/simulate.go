package bgnbd

import (
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"gonum.org/v1/gonum/stat/distuv"
)

// SimulatePurchases draws one customer from the model's population and
// returns the times of the customer's repeat purchases in (0, T], the
// first purchase being at 0: λ ~ Gamma(r, α), p ~ Beta(a, b); purchases
// follow a Poisson process with rate λ, and after each repeat purchase the
// customer drops out with probability p. The randomness comes from src.
func (p Params) SimulatePurchases(src rand.Source, T float64) []float64 {
	rng := rand.New(src)
	lambda := distuv.Gamma{Alpha: p.R, Beta: p.Alpha, Src: src}.Rand()
	drop := distuv.Beta{Alpha: p.A, Beta: p.B, Src: src}.Rand()
	var times []float64
	for t := 0.0; ; {
		t += rng.ExpFloat64() / lambda
		if !(t <= T) { // also stops for λ = 0
			return times
		}
		times = append(times, t)
		if rng.Float64() < drop {
			return times
		}
	}
}

// Simulate draws one customer per element of T, observed for T[i] time
// units after the first purchase, and returns their summaries (IDs "0",
// "1", ...; MonetaryValue 0). It is deterministic for a given src.
func (p Params) Simulate(src rand.Source, T []float64) ([]clv.Customer, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	cs := make([]clv.Customer, len(T))
	for i, t := range T {
		if !(t >= 0) {
			return nil, fmt.Errorf("bgnbd: Simulate: T[%d] = %v, want ≥ 0", i, t)
		}
		times := p.SimulatePurchases(src, t)
		c := clv.Customer{ID: fmt.Sprint(i), T: t, Frequency: float64(len(times))}
		if len(times) > 0 {
			c.Recency = times[len(times)-1]
		}
		cs[i] = c
	}
	return cs, nil
}
