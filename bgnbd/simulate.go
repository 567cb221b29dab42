package bgnbd

import (
	"math"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
	"gonum.org/v1/gonum/stat/distuv"
)

// SimulatePurchases draws one BG/NBD customer and returns the times of the
// customer's repeat purchases in (0, T], the first purchase being at 0:
// λ ~ Gamma(r, α), p ~ Beta(a, b); purchases follow a Poisson process with
// rate λ, and after each repeat purchase the customer drops out with
// probability p. The randomness comes from src. It returns nil for invalid
// parameters, a nil src, or T not a finite number ≥ 0.
func (p Params) SimulatePurchases(src rand.Source, T float64) []float64 {
	return family{p, 0}.simulate(src, T)
}

// Simulate draws one BG/NBD customer per element of T (see Model.Simulate).
func (p Params) Simulate(src rand.Source, T []float64) ([]clv.Customer, error) {
	return family{p, 0}.simulateAll(src, T)
}

// SimulatePurchases draws one customer of the model's population, as
// Params.SimulatePurchases; for MBG/NBD the customer may also drop out at
// time 0, with probability p.
func (m *Model) SimulatePurchases(src rand.Source, T float64) []float64 {
	if !m.base.Ready() {
		return nil
	}
	return m.f.simulate(src, T)
}

// Simulate draws one customer per element of T, observed for T[i] time
// units after the first purchase, and returns their summaries (IDs "0",
// "1", ...; MonetaryValue 0). It is deterministic for a given src.
func (m *Model) Simulate(src rand.Source, T []float64) ([]clv.Customer, error) {
	if !m.base.Ready() {
		return nil, errZeroModel
	}
	return m.f.simulateAll(src, T)
}

func (p family) simulate(src rand.Source, T float64) []float64 {
	if src == nil || p.Validate() != nil || !(T >= 0) || math.IsInf(T, 0) {
		return nil
	}
	rng := rand.New(src)
	lambda := distuv.Gamma{Alpha: p.R, Beta: p.Alpha, Src: src}.Rand()
	drop := distuv.Beta{Alpha: p.A, Beta: p.B, Src: src}.Rand()
	if p.d == 1 && rng.Float64() < drop {
		return nil
	}
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

func (p family) simulateAll(src rand.Source, T []float64) ([]clv.Customer, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return model.Simulate("bgnbd", src, T, p.simulate)
}
