package paretonbd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/clvkit/clvkit/clv"
	"gonum.org/v1/gonum/stat/distuv"
)

// clock inverts the exposure ∫₀ᵗ rate(u) du of a piecewise-constant rate,
// forward in time: the rate rates[k] holds from starts[k] (starts[0] = 0)
// to starts[k+1].
type clock struct {
	starts, rates []float64
	k             int
	at            float64 // exposure at starts[k]
}

// time returns the t ≥ the previous answer with exposure e (e not
// decreasing from call to call).
func (c *clock) time(e float64) float64 {
	for c.k+1 < len(c.starts) {
		next := c.at + c.rates[c.k]*(c.starts[c.k+1]-c.starts[c.k])
		if e <= next {
			break
		}
		c.at = next
		c.k++
	}
	return c.starts[c.k] + (e-c.at)/c.rates[c.k]
}

// Simulate draws one customer per element of T, with covariate path
// paths[i], observed for T[i] time units after the first purchase: λ ~
// Gamma(r, α), μ ~ Gamma(s, β), a dropout at rate μ·exp(γ_life·z(t)) and
// purchases at rate λ·exp(γ_trans·z(t)) while alive (by the time change
// of a unit Poisson process). It returns their summaries (IDs "0", "1",
// ...) and covariates (the paths and the repeat purchase times), for
// FitDynamic. It is deterministic for a given src.
func (m *DynModel) Simulate(src rand.Source, T []float64, paths []clv.CovariatePath) ([]clv.Customer, clv.DynamicCovariates, error) {
	if m == nil || m.p.Names == nil {
		return nil, clv.DynamicCovariates{}, errZeroModel
	}
	if src == nil {
		return nil, clv.DynamicCovariates{}, fmt.Errorf("paretonbd: Simulate: nil source")
	}
	if len(paths) != len(T) {
		return nil, clv.DynamicCovariates{}, fmt.Errorf("paretonbd: %w: %d paths for %d customers", clv.ErrInvalidCovariates, len(paths), len(T))
	}
	p := m.p
	rng := rand.New(src)
	gl := distuv.Gamma{Alpha: p.R, Beta: p.Alpha, Src: src}
	gm := distuv.Gamma{Alpha: p.S, Beta: p.Beta, Src: src}
	cs := make([]clv.Customer, len(T))
	z := clv.DynamicCovariates{Names: append([]string(nil), p.Names...), Paths: paths, Purchases: make([][]float64, len(T))}
	for i, Ti := range T {
		if !finiteNonNeg(Ti) {
			return nil, clv.DynamicCovariates{}, fmt.Errorf("paretonbd: T[%d] = %v, want a finite number ≥ 0", i, Ti)
		}
		if err := paths[i].Check(p.Names); err != nil {
			return nil, clv.DynamicCovariates{}, fmt.Errorf("paretonbd: paths[%d]: %w", i, err)
		}
		starts := []float64{0}
		var ra, rb []float64
		k0 := 0
		for k, s := range paths[i].Start {
			if s <= 0 {
				k0 = k
			}
		}
		for k := k0; k < len(paths[i].Start); k++ {
			if k > k0 {
				starts = append(starts, paths[i].Start[k])
			}
			ra = append(ra, math.Exp(dot(p.Trans, paths[i].Values[k])))
			rb = append(rb, math.Exp(dot(p.Life, paths[i].Values[k])))
		}
		lambda, mu := gl.Rand(), gm.Rand()
		end := math.Min(Ti, (&clock{starts: starts, rates: rb}).time(rng.ExpFloat64()/mu))
		buy := &clock{starts: starts, rates: ra}
		var ts []float64
		for e := rng.ExpFloat64() / lambda; ; e += rng.ExpFloat64() / lambda {
			t := buy.time(e)
			if !(t <= end) {
				break
			}
			if len(ts) == 0 || t > ts[len(ts)-1] {
				ts = append(ts, t)
			}
		}
		cs[i] = clv.Customer{ID: strconv.Itoa(i), Frequency: float64(len(ts)), T: Ti}
		if len(ts) > 0 {
			cs[i].Recency = ts[len(ts)-1]
		}
		z.Purchases[i] = ts
	}
	return cs, z, nil
}
