package paretonbd_test

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// constPath is a weekly path of the constant vector z over [0, weeks).
func constPath(z []float64, weeks int) clv.CovariatePath {
	var p clv.CovariatePath
	for w := range weeks {
		p.Start = append(p.Start, float64(w))
		p.Values = append(p.Values, z)
	}
	return p
}

// TestDynamicPredictStatic: with a constant path, in weekly pieces, the
// predictions of the dynamic model are the static model's at the same
// parameters: P(alive), expected purchases in (T, T+t] and DERT, to 1e-9
// relative.
func TestDynamicPredictStatic(t *testing.T) {
	p := paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 1.7, Beta: 12}, Names: []string{"a", "b"},
		Trans: []float64{0.4, -0.3}, Life: []float64{0.8, 0.2}}
	dm, err := paretonbd.NewDynamic(p)
	if err != nil {
		t.Fatal(err)
	}
	sm, err := paretonbd.NewCovariates(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []clv.Customer{{Frequency: 0, Recency: 0, T: 52}, {Frequency: 3, Recency: 20.5, T: 52},
		{Frequency: 12, Recency: 77.3, T: 78.2}, {Frequency: 40, Recency: 30, T: 30}, {T: 0}} {
		for _, z := range [][]float64{{0, 0}, {1, 0}, {1, -1.5}} {
			path := constPath(z, 200)
			check := func(what string, got, want float64) {
				t.Helper()
				if !(math.Abs(got-want) <= 1e-9*math.Abs(want)) {
					t.Errorf("customer %+v, z %v: %s %.15g, static %.15g", c, z, what, got, want)
				}
			}
			check("P(alive)", dm.ProbabilityAlive(c, path), sm.ProbabilityAlive(c, z))
			for _, h := range []float64{1, 39, 150, 400} {
				check("E[Y(T, T+t)]", dm.ConditionalExpectedPurchases(c, path, h), sm.ConditionalExpectedPurchases(c, z, h))
			}
			for _, d := range []float64{0, 0.002, 0.05} {
				check("DERT", dm.DERT(c, path, d), sm.DERT(c, z, d))
			}
		}
	}
	if v := dm.ProbabilityAlive(clv.Customer{T: 5}, clv.CovariatePath{Start: []float64{1}, Values: [][]float64{{0, 0}}}); !math.IsNaN(v) {
		t.Errorf("a path starting after the first purchase: %v", v)
	}
	if v := dm.DERT(clv.Customer{T: 5}, constPath([]float64{0}, 3), 0.1); !math.IsNaN(v) {
		t.Errorf("a path of the wrong width: %v", v)
	}
}

// seasonPath is the covariate 1 in weeks 10–19 of every 52 and 0
// otherwise, from week 0 to week `weeks`, as runs.
func seasonPath(weeks int) clv.CovariatePath {
	var p clv.CovariatePath
	for w := 0; w < weeks; w += 52 {
		p.Start = append(p.Start, float64(w), float64(w+10), float64(w+20))
		p.Values = append(p.Values, []float64{0}, []float64{1}, []float64{0})
	}
	return p
}

// cumulative returns the cumulative exposure ∫₀ᵗ exp(g·z(u)) du of a path
// at its starts, for inverting it.
func cumulative(p clv.CovariatePath, g float64) []float64 {
	c := make([]float64, len(p.Start))
	for k := 1; k < len(p.Start); k++ {
		c[k] = c[k-1] + math.Exp(g*p.Values[k-1][0])*(p.Start[k]-p.Start[k-1])
	}
	return c
}

// invert returns the t with exposure e.
func invert(p clv.CovariatePath, cum []float64, g, e float64) float64 {
	k := sort.SearchFloat64s(cum, e) - 1
	if k < 0 {
		k = 0
	}
	return p.Start[k] + (e-cum[k])/math.Exp(g*p.Values[k][0])
}

// TestDynamicPredictSimulated: customers drawn from the model with a
// seasonal covariate that doubles the purchase rate and halves the
// dropout rate in weeks 10–19 of each year (time-changed Poisson
// purchases and dropout), observed for T = 30 weeks: among those without
// repeat purchases, the share alive at T and the mean number of purchases
// in (T, T+60] and of discounted purchases after T agree with
// ProbabilityAlive, ConditionalExpectedPurchases and DERT within 4
// standard errors of the simulation.
func TestDynamicPredictSimulated(t *testing.T) {
	p := paretonbd.CovParams{Params: paretonbd.Params{R: 1.2, Alpha: 8, S: 1.5, Beta: 60}, Names: []string{"season"},
		Trans: []float64{math.Ln2}, Life: []float64{-math.Ln2}}
	m, err := paretonbd.NewDynamic(p)
	if err != nil {
		t.Fatal(err)
	}
	const T, h, delta = 30.0, 60.0, 0.02
	horizon := T + 40/delta // e^−40 of the discounting left out
	path := seasonPath(int(horizon) + 52)
	cumA, cumB := cumulative(path, p.Trans[0]), cumulative(path, p.Life[0])
	rng := rand.New(rand.NewPCG(1, 2))
	var n, alive float64
	var sumY, sumY2, sumD, sumD2 float64
	for range 400_000 {
		lam := gammaDraw(rng, p.R) / p.Alpha
		mu := gammaDraw(rng, p.S) / p.Beta
		tau := invert(path, cumB, p.Life[0], rng.ExpFloat64()/mu)
		// Purchases after the first at 0: unit Poisson in the exposure A.
		x := 0
		var y, disc float64
		for e := rng.ExpFloat64() / lam; ; e += rng.ExpFloat64() / lam {
			u := invert(path, cumA, p.Trans[0], e)
			if u > tau || u > horizon {
				break
			}
			if u <= T {
				x++
				continue
			}
			if u <= T+h {
				y++
			}
			disc += math.Exp(-delta * (u - T))
		}
		if x > 0 {
			continue
		}
		n++
		if tau > T {
			alive++
		}
		sumY += y
		sumY2 += y * y
		sumD += disc
		sumD2 += disc * disc
	}
	c := clv.Customer{T: T}
	check := func(what string, sum, sum2, want float64) {
		t.Helper()
		mean := sum / n
		se := math.Sqrt((sum2/n - mean*mean) / n)
		t.Logf("%s: simulated %.5f ± %.5f, model %.5f (%.0f customers)", what, mean, se, want, n)
		if math.Abs(mean-want) > 4*se {
			t.Errorf("%s: simulated %.5f ± %.5f, model %.5f", what, mean, se, want)
		}
	}
	check("P(alive)", alive, alive, m.ProbabilityAlive(c, path))
	check("E[Y(T, T+60)]", sumY, sumY2, m.ConditionalExpectedPurchases(c, path, h))
	check("DERT", sumD, sumD2, m.DERT(c, path, delta))
}

// gammaDraw draws from Gamma(shape, 1) (Marsaglia & Tsang 2000).
func gammaDraw(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gammaDraw(rng, shape+1) * math.Pow(rng.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}
