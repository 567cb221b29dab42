package gammagamma

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
)

// dataOf builds the fit's data from customers with repeat purchases and
// positive values, as FitContext does, with unit weights.
func dataOf(cs []clv.Customer) *data {
	d := &data{}
	index := map[float64]int32{}
	for _, c := range cs {
		k, ok := index[c.Frequency]
		if !ok {
			k = int32(len(d.xs))
			index[c.Frequency] = k
			d.xs = append(d.xs, c.Frequency)
		}
		d.xi, d.m, d.w = append(d.xi, k), append(d.m, c.MonetaryValue), append(d.w, 1)
		d.lnm, d.lnx = append(d.lnm, math.Log(c.MonetaryValue)), append(d.lnx, math.Log(c.Frequency))
		d.wsum++
	}
	d.sort()
	return d
}

// draw returns n customers with 1..maxX repeat purchases from p.
func draw(p Params, n, maxX int, seed uint64) []clv.Customer {
	src := rand.NewPCG(seed, seed+1)
	rng := rand.New(rand.NewPCG(seed+2, seed+3))
	cs := make([]clv.Customer, n)
	for i := range cs {
		x := 1 + rng.IntN(maxX)
		sum := 0.0
		for _, y := range p.SimulateValues(src, x) {
			sum += y
		}
		cs[i] = clv.Customer{Frequency: float64(x), MonetaryValue: sum / float64(x), T: 1, Recency: 1}
	}
	return cs
}

// TestLgammaDiff: Stirling's difference against exact identities,
// lnΓ(z+n) − lnΓ(z) = Σ_{k<n} ln(z+k), and against lnΓ where the direct
// difference is still accurate.
func TestLgammaDiff(t *testing.T) {
	for _, z := range []float64{1e4, 3.7e5, 1e8, 1e12, 1e300} {
		for _, n := range []int{1, 2, 7, 40} {
			want := 0.0
			for k := range n {
				want += math.Log(z + float64(k))
			}
			if got := lgammaDiff(z, float64(n)); math.Abs(got-want) > 2e-15*math.Abs(want) {
				t.Errorf("lgammaDiff(%g, %d) = %.17g, want %.17g", z, n, got, want)
			}
		}
	}
	for _, z := range []float64{1e4, 1e7, 1e10, 1e15} {
		for _, h := range []float64{1e-3, 0.37, 12.5, 3e3, 1e6} {
			if got, want := lgammaDiffLog(z, h)+h*math.Log(z), lgammaDiff(z, h); math.Abs(got-want) > 1e-15*math.Abs(want)+1e-300 {
				t.Errorf("lgammaDiffLog(%g, %g) + h ln z = %.17g, lgammaDiff %.17g", z, h, got, want)
			}
		}
	}
	for _, z := range []float64{1e4, 2.5e4} {
		for _, h := range []float64{1e-3, 0.37, 12.5, 3e3, 1e6} {
			a, _ := math.Lgamma(z + h)
			b, _ := math.Lgamma(z)
			if got := lgammaDiff(z, h); math.Abs(got-(a-b)) > 1e-15*a {
				t.Errorf("lgammaDiff(%g, %g) = %.17g, lnΓ difference %.17g", z, h, got, a-b)
			}
		}
	}
}

// TestLimitLogLikAgrees: the stable form of the log-likelihood equals the
// fit's at ordinary parameters, value and gradient.
func TestLimitLogLikAgrees(t *testing.T) {
	d := dataOf(draw(Params{P: 6, Q: 4, Gamma: 15}, 3000, 12, 1))
	var part [][4]float64
	// The last two are in the large-q and large-px regimes (Stirling's
	// series), where lnΓ's direct difference is still good to 1e-11.
	for _, p := range []Params{{6, 4, 15}, {0.3, 1.5, 0.2}, {40, 90, 700}, {6, 3e4, 3e4 * 9 / 6}, {2e4, 4, 3 * 9 / 2e4}} {
		g1, g2 := make([]float64, 3), make([]float64, 3)
		l1 := d.logLik(p, g1, &part)
		l2 := d.limitLogLik(p, g2, &part)
		if math.Abs(l1-l2) > 2e-11*math.Abs(l1) {
			t.Errorf("%v: LL %.15g, stable form %.15g", p, l1, l2)
		}
		for i := range g1 {
			if math.Abs(g1[i]-g2[i]) > 1e-8*(math.Abs(g1[i])+1) {
				t.Errorf("%v: gradient[%d] %.12g, stable form %.12g", p, i, g1[i], g2[i])
			}
		}
	}
}

// TestLimitGradient: at the held shapes the analytic gradient of the free
// parameters matches central differences of the log-likelihood.
func TestLimitGradient(t *testing.T) {
	d := dataOf(draw(Params{P: 6, Q: 4, Gamma: 15}, 2000, 12, 2))
	var part [][4]float64
	for _, p := range []Params{{5, limitShape, 5 * limitShape / 60}, {limitShape, 3.5, 90 / limitShape}} {
		g := make([]float64, 3)
		d.limitLogLik(p, g, &part)
		v := p.Vector()
		for i := range v {
			if v[i] == limitShape {
				continue // held
			}
			h := 1e-5 * v[i]
			up, dn := append([]float64(nil), v...), append([]float64(nil), v...)
			up[i] += h
			dn[i] -= h
			fd := (d.limitLogLik(paramsOf(up), nil, &part) - d.limitLogLik(paramsOf(dn), nil, &part)) / (2 * h)
			if math.Abs(fd-g[i]) > 1e-5*(math.Abs(g[i])+math.Abs(d.limitLogLik(p, nil, &part))/v[i]*1e-4) {
				t.Errorf("%v: ∂LL/∂%s = %.10g, central difference %.10g", p, []string{"p", "q", "γ"}[i], g[i], fd)
			}
		}
	}
}

// TestLimitBeatsFullFits: on spend without heterogeneity in the mean
// (every customer's ν the same, up to a spread of 1e-4) the limit model's
// log-likelihood is at least that of the full model fitted with q held at
// any of a grid of values, and of the full fit left to run. (On such data
// the maximum is at the boundary for about half the samples, as for any
// variance component whose true value is 0; on the others q is finite, as
// seed 2 gives: q = 392.)
func TestLimitBeatsFullFits(t *testing.T) {
	cs := draw(Params{P: 4, Q: 1e8, Gamma: 1e8 * 50 / 4}, 4000, 10, 1)
	m, err := Fit(cs, FitOptions{})
	if m == nil || m.FitInfo().Status != clv.AtBoundary {
		t.Fatalf("%v, %v", m, err)
	}
	limLL := m.LogLikelihood()
	d := dataOf(cs)
	var part [][4]float64
	for _, q := range []float64{3, 30, 300, 3e3, 3e4, 3e5, 3e6} {
		held := mle.Hold([]float64{4, q, q * 12.5}, []bool{false, true, false})
		var g [3]float64
		pr := mle.Problem{
			LogLik: func(v, grad []float64) float64 {
				p := paramsOf(held.Expand(v))
				if grad == nil {
					return d.limitLogLik(p, nil, &part)
				}
				ll := d.limitLogLik(p, g[:], &part)
				copy(grad, held.Pick(g[:]))
				return ll
			},
			Valid:  func(v []float64) bool { return paramsOf(held.Expand(v)).Validate() == nil },
			Weight: d.wsum, Starts: [][]float64{held.Pick(held.Full)},
		}
		est, err := mle.Fit(t.Context(), pr)
		if est.Params == nil {
			t.Fatalf("q = %g: %v", q, err)
		}
		if est.LL > limLL+1e-10*math.Abs(limLL) {
			t.Errorf("q held at %g: LL %.10g above the limit's %.10g", q, est.LL, limLL)
		}
	}
	// The full fit without the boundary stop.
	pr := mle.Problem{
		LogLik: func(v, grad []float64) float64 { return d.logLik(paramsOf(v), grad, &part) },
		Valid:  func(v []float64) bool { return paramsOf(v).Validate() == nil },
		Weight: d.wsum, Starts: [][]float64{{1, 1, 1}, {5, 3, 10}},
	}
	est, _ := mle.Fit(t.Context(), pr)
	if est.Params == nil {
		t.Fatal("no full fit")
	}
	// It runs off to q ≈ 1e7, where the fit's form of the likelihood has
	// lost some 1e-4 to the rounding of lnΓ(q) (it reads 7e-5 above the
	// limit's there): the stable form says where that point really is.
	if ll := d.limitLogLik(paramsOf(est.Params), nil, &part); ll > limLL+1e-10*math.Abs(limLL) {
		t.Errorf("the full fit %v: LL %.10g above the limit's %.10g", est.Params, ll, limLL)
	}
	t.Logf("limit %v; full fit without the stop: %v, LL %.10g (the fit's form %.10g, %s)", m, est.Params,
		d.limitLogLik(paramsOf(est.Params), nil, &part), est.LL, est.Status)
}

// TestLimitLogLikExact: at a held shape of 1e14 the stable form equals the
// limits' own densities, Gamma(px, px/μ) for m̄ as q → ∞ and the inverse
// gamma (q, δ) as p → ∞, to 1e-10 relative; at 1e10 (limitShape) to O(1/shape).
func TestLimitLogLikExact(t *testing.T) {
	d := dataOf(draw(Params{P: 6, Q: 4, Gamma: 15}, 2000, 12, 4))
	var part [][4]float64
	const p, mu, q, delta = 5.0, 7.5, 3.5, 20.0
	var gam, inv float64
	for i, m := range d.m {
		x := d.xs[d.xi[i]]
		a, nu := p*x, p/mu
		lga, _ := math.Lgamma(a)
		gam += a*math.Log(nu*x) - lga + (a-1)*math.Log(m) - nu*x*m
		lgq, _ := math.Lgamma(q)
		inv += q*math.Log(delta) - lgq - (q+1)*math.Log(m) - delta/m
	}
	for _, shape := range []float64{1e14, limitShape} {
		tol := 1e-10 + 1e3/shape
		if got := d.limitLogLik(Params{P: p, Q: shape, Gamma: mu * shape / p}, nil, &part); math.Abs(got/gam-1) > tol {
			t.Errorf("q = %g: LL %.15g, the limit's %.15g", shape, got, gam)
		}
		if got := d.limitLogLik(Params{P: shape, Q: q, Gamma: delta / shape}, nil, &part); math.Abs(got/inv-1) > tol {
			t.Errorf("p = %g: LL %.15g, the limit's %.15g", shape, got, inv)
		}
	}
}
