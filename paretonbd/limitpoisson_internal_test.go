package paretonbd

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/rows"
	"gonum.org/v1/gonum/integrate/quad"
)

// poisTestCustomers are customers of the Poisson-limit tests: no repeat
// purchase, recent and long-lapsed buyers, a frequent one.
var poisTestCustomers = []clv.Customer{{Frequency: 0, Recency: 0, T: 38}, {Frequency: 2, Recency: 30.4, T: 38.9}, {Frequency: 7, Recency: 5, T: 70},
	{Frequency: 1, Recency: 1, T: 1.5}, {Frequency: 40, Recency: 77.9, T: 78}, {Frequency: 3, Recency: 0.5, T: 300}}

func poisTestRows(t *testing.T, cs []clv.Customer) *rows.Data {
	t.Helper()
	d, err := rows.Compress(len(cs), func(i int) (x, tx, T float64) { return cs[i].Frequency, cs[i].Recency, cs[i].T }, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// poisParams returns the Poisson limit model with rate lam and dropout
// (s, β); s = limitShape makes it the model of both limits, with μ = s/β.
func poisParams(lam, s, beta float64) Params {
	return Params{R: limitShape, Alpha: limitShape / lam, S: s, Beta: beta}
}

// TestPoisLimitLogLikGrad: the Poisson limit's log-likelihood over rows
// equals the sum of poisLogLik over the customers (to 1e-12), and its
// gradient in each of r, α, s, β agrees with a Richardson-extrapolated
// central difference (steps 10⁻³ and ½·10⁻³ of the parameter, error
// O(h⁴)) to 1e-8 relative, in the Poisson limit and in both limits (where
// the gradient in s and β is that in μ = s/β).
func TestPoisLimitLogLikGrad(t *testing.T) {
	cs := poisTestCustomers
	d := poisTestRows(t, cs)
	for _, p := range []Params{poisParams(0.2, 0.5, 10), poisParams(1.3, 2.2, 0.4), poisParams(0.02, 0.05, 300), poisParams(0.3, 40, 900),
		// Both limits, s above limitShape so that the differences stay there.
		poisParams(0.2, 2*limitShape, 2*limitShape/0.01), poisParams(2, 2*limitShape, 2*limitShape/0.5)} {
		var sc poisScratch
		g := make([]float64, 4)
		ll := poisLimitLogLik(d, p, g, &sc)
		var want float64
		for _, c := range cs {
			want += p.poisLogLik(c.Frequency, c.Recency, c.T)
		}
		if math.Abs(ll-want) > 1e-12*math.Abs(want) {
			t.Errorf("%+v: LL %v, Σ poisLogLik %v", p, ll, want)
		}
		at := func(i int, h float64) float64 {
			v := p.Vector()
			v[i] += h
			up := poisLimitLogLik(d, p.FromVector(v), nil, &sc)
			v[i] -= 2 * h
			dn := poisLimitLogLik(d, p.FromVector(v), nil, &sc)
			return (up - dn) / (2 * h)
		}
		for i, name := range []string{"r", "α", "s", "β"} {
			h := 1e-3 * p.Vector()[i]
			num := (4*at(i, h/2) - at(i, h)) / 3
			noise := 1e-15 * math.Abs(ll) / h
			if !(math.Abs(g[i]-num) <= 1e-8*math.Abs(num)+noise) {
				t.Errorf("%+v: ∂LL/∂%s = %v, Richardson difference %v (rel. %.2g)", p, name, g[i], num, math.Abs(g[i]/num-1))
			}
		}
	}
}

// poisDirect returns the Poisson limit's likelihood of (x, t_x, T) and
// P(alive) by adaptive quadrature of the integral in the derivation
// (limitpoisson.go), λ^x [e^−λT (β/(β+T))^s + ∫_{t_x}^T e^−λτ (s/β)(β/(β+τ))^(s+1) dτ].
func poisDirect(lam, s, b, x, tx, T float64) (L, pa float64) {
	alive := math.Exp(-lam*T - s*math.Log1p(T/b))
	f := func(tau float64) float64 { return math.Exp(-lam*tau + math.Log(s/b) - (s+1)*math.Log1p(tau/b)) }
	in := quad.Fixed(f, tx, T, 2000, quad.Legendre{}, 0)
	return math.Pow(lam, x) * (alive + in), alive / (alive + in)
}

// TestPoisLimitNumerical: at moderate parameters, the closed forms of the
// Poisson limit agree with direct numerical integration (2,000-point
// Gauss–Legendre) to 1e-10 relative: the likelihood and P(alive) of the
// derivation, E[Y(t) | alive] = λ ∫_0^t ((β+T)/(β+T+u))^s du, the pmf
// P(X(t) = n) for n = 0..60 (to 1e-12 absolute, and summing to 1 with
// mean E[X(t)], also at λt = 520), E[λ | history] = λ exactly, and in
// both limits the same against the exponential
// lifetime's integrals.
func TestPoisLimitNumerical(t *testing.T) {
	for _, pr := range []struct{ lam, s, b float64 }{{0.2, 0.5, 10}, {1.3, 2.2, 0.4}, {0.05, 0.9, 40}, {0.4, 12, 60}, {5, 0.7, 3}} {
		p := poisParams(pr.lam, pr.s, pr.b)
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range poisTestCustomers {
			if r := m.ExpectedPurchaseRate(c); r != p.lambda() {
				t.Errorf("%+v %+v: E[λ | history] %v, want λ = %v", pr, c, r, p.lambda())
			}
			L, pa := poisDirect(pr.lam, pr.s, pr.b, c.Frequency, c.Recency, c.T)
			if ll := p.poisLogLik(c.Frequency, c.Recency, c.T); math.Abs(ll-math.Log(L)) > 1e-10*math.Max(1, math.Abs(ll)) {
				t.Errorf("%+v %+v: LL %.15g, quadrature %.15g", pr, c, ll, math.Log(L))
			}
			if got := m.ProbabilityAlive(c); math.Abs(got-pa) > 1e-10*pa {
				t.Errorf("%+v %+v: P(alive) %.15g, quadrature %.15g", pr, c, got, pa)
			}
			for _, h := range []float64{1, 13, 52} {
				bt := pr.b + c.T
				want := pr.lam * quad.Fixed(func(u float64) float64 { return math.Pow(bt/(bt+u), pr.s) }, 0, h, 200, quad.Legendre{}, 0)
				if got := m.ConditionalExpectedPurchases(c, h) / pa; math.Abs(got-want) > 1e-10*want {
					t.Errorf("%+v %+v h=%v: E[Y | alive] %.15g, quadrature %.15g", pr, c, h, got, want)
				}
			}
		}
		for _, tt := range []float64{0.5, 20, 104} {
			var sum, mean float64
			for n := range 400 + int(3*pr.lam*tt) {
				got := m.ProbabilityOfPurchasesUnconditional(n, tt)
				sum += got
				mean += float64(n) * got
				if n > 60 {
					continue
				}
				lg, _ := math.Lgamma(float64(n) + 1)
				g := func(tau float64) float64 {
					return math.Exp(float64(n)*math.Log(pr.lam*tau) - pr.lam*tau - lg + math.Log(pr.s/pr.b) - (pr.s+1)*math.Log1p(tau/pr.b))
				}
				want := math.Exp(float64(n)*math.Log(pr.lam*tt)-pr.lam*tt-lg-pr.s*math.Log1p(tt/pr.b)) + quad.Fixed(g, 0, tt, 4000, quad.Legendre{}, 0)
				if math.Abs(got-want) > 1e-12 {
					t.Errorf("%+v t=%v: P(X = %d) %.15g, quadrature %.15g", pr, tt, n, got, want)
				}
			}
			if e := m.ExpectedPurchases(tt); math.Abs(sum-1) > 1e-11 || math.Abs(mean-e) > 1e-9*e {
				t.Errorf("%+v t=%v: Σ pmf = %.15g, mean %.15g, E[X(t)] %.15g", pr, tt, sum, mean, e)
			}
		}
	}
	// Both limits: the exponential lifetime, rate μ.
	for _, pr := range []struct{ lam, mu float64 }{{0.2, 0.02}, {1.5, 0.3}, {0.05, 0.001}} {
		p := poisParams(pr.lam, limitShape, limitShape/pr.mu)
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range poisTestCustomers {
			x, tx, T := c.Frequency, c.Recency, c.T
			k := pr.lam + pr.mu
			in := quad.Fixed(func(tau float64) float64 { return pr.mu * math.Exp(-k*tau) }, tx, T, 2000, quad.Legendre{}, 0)
			L := math.Pow(pr.lam, x) * (math.Exp(-k*T) + in)
			if ll := p.poisLogLik(x, tx, T); math.Abs(ll-math.Log(L)) > 1e-10*math.Max(1, math.Abs(ll)) {
				t.Errorf("%+v %+v: LL %.15g, quadrature %.15g", pr, c, ll, math.Log(L))
			}
			if got, want := m.ProbabilityAlive(c), math.Exp(-k*T)/(math.Exp(-k*T)+in); math.Abs(got-want) > 1e-10*want {
				t.Errorf("%+v %+v: P(alive) %.15g, quadrature %.15g", pr, c, got, want)
			}
		}
		for _, tt := range []float64{0.5, 20, 104} {
			var sum float64
			for n := range 400 {
				got := m.ProbabilityOfPurchasesUnconditional(n, tt)
				sum += got
				if n > 60 {
					continue
				}
				lg, _ := math.Lgamma(float64(n) + 1)
				g := func(tau float64) float64 {
					return math.Exp(float64(n)*math.Log(pr.lam*tau) - pr.lam*tau - lg + math.Log(pr.mu) - pr.mu*tau)
				}
				want := math.Exp(float64(n)*math.Log(pr.lam*tt)-pr.lam*tt-lg-pr.mu*tt) + quad.Fixed(g, 0, tt, 4000, quad.Legendre{}, 0)
				if math.Abs(got-want) > 1e-12 {
					t.Errorf("%+v t=%v: P(X = %d) %.15g, quadrature %.15g", pr, tt, n, got, want)
				}
			}
			if math.Abs(sum-1) > 1e-11 {
				t.Errorf("%+v t=%v: Σ pmf = %.15g", pr, tt, sum)
			}
		}
	}
}

// TestPoisLimitAgreesWithGeneral compares the Poisson limit (r =
// limitShape, in closed form) with the general Pareto/NBD at large r
// (10⁴, 10⁵ and limitShape·(1 − 10⁻⁹), α = r/λ): the log-likelihood of
// each customer and the predictions (P(alive), E[Y(t)], P(Y(t) ≥ 1),
// P(alive at T+t), DERT, P(Y(t) = 1), E[λ], E[Y(t)² | alive], the first
// quartile of the time to the next purchase) differ by the gamma distribution's spread,
// below (1 + x + λ(T+t))²/r relative, plus the general formulas' rounding,
// which grows with r (terms such as r ln α): 1e-15·r·ln α absolute in the
// log-likelihood.
func TestPoisLimitAgreesWithGeneral(t *testing.T) {
	worst := 0.0
	for _, pr := range []struct{ lam, s, b float64 }{{0.2, 0.5, 10}, {1.3, 2.2, 0.4}, {0.05, 0.9, 40}} {
		lim := poisParams(pr.lam, pr.s, pr.b)
		ml, err := New(lim)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []float64{1e4, 1e5, limitShape * (1 - 1e-9)} {
			gen := Params{R: r, Alpha: r / pr.lam, S: pr.s, Beta: pr.b}
			if gen.poissonLimit() {
				t.Fatal("poissonLimit does not switch at limitShape")
			}
			mg, err := New(gen)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range poisTestCustomers {
				d := poisTestRows(t, []clv.Customer{c})
				var s scratch
				llg := logLik(d, gen, nil, &s)
				lll := lim.poisLogLik(c.Frequency, c.Recency, c.T)
				spread := math.Pow(1+c.Frequency+pr.lam*c.T, 2) / r
				round := 1e-15 * r * math.Abs(math.Log(gen.Alpha))
				if e := math.Abs(llg - lll); !(e < spread+round) {
					t.Errorf("%+v r=%g %+v: LL limit %.12g, general %.12g (%.2g; spread %.2g, rounding %.2g)", pr, r, c, lll, llg, e, spread, round)
				}
				for _, h := range []float64{1, 13, 52} {
					for i, f := range []func(m *Model) float64{
						func(m *Model) float64 { return m.ProbabilityAlive(c) },
						func(m *Model) float64 { return m.ConditionalExpectedPurchases(c, h) },
						func(m *Model) float64 { return m.ProbabilityOfPurchaseWithin(c, h) },
						func(m *Model) float64 { return m.ProbabilityAliveAfter(c, h) },
						func(m *Model) float64 { return m.DERT(c, 0.002) },
						func(m *Model) float64 { return m.ProbabilityOfPurchases(c, 1, h) },
						func(m *Model) float64 { return m.ExpectedPurchaseRate(c) },
						func(m *Model) float64 { return m.PurchasesSecondMomentIfAlive(c.Frequency, c.T, h) },
						func(m *Model) float64 {
							q := m.NextPurchaseQuantiles(c, []float64{0.25}, 1000)[0]
							if math.IsNaN(q) {
								return 1
							}
							return q
						},
					} {
						a, b := f(ml), f(mg)
						scale := math.Pow(1+c.Frequency+pr.lam*(c.T+h), 2)/r + round
						e := math.Abs(a-b) / b / scale
						if !(e < 1) {
							t.Errorf("%+v r=%g %+v h=%v #%d: limit %.12g, general %.12g (rel. %.2g, %.2g of the bound)", pr, r, c, h, i, a, b, e*scale, e)
						}
						worst = max(worst, e)
					}
				}
			}
		}
	}
	t.Logf("largest relative difference %.2g of the bound", worst)
}

// TestPoisPMFSeq: PurchasesIfAliveSeq of a Poisson limit model gives
// ProbabilityOfPurchasesIfAlive bit for bit.
func TestPoisPMFSeq(t *testing.T) {
	for _, p := range []Params{poisParams(0.2, 0.5, 10), poisParams(0.3, limitShape, limitShape/0.05)} {
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		next := m.PurchasesIfAliveSeq(3, 40, 52)
		for n := range 50 {
			if a, b := next(), m.ProbabilityOfPurchasesIfAlive(3, 40, n, 52); a != b {
				t.Fatalf("%+v n=%d: seq %v, direct %v", p, n, a, b)
			}
		}
	}
}

// TestBothLimitsAgree: the model of both limits (r and s held, in closed
// form) is the limit of each one-sided limit model: it agrees with the
// exponential-dropout limit model at r = limitShape·(1 − 10⁻⁹) (α = r/λ)
// within (1 + x + λ(T+t))²/r relative, and with the Poisson limit model
// at s = limitShape·(1 − 10⁻⁹) (β = s/μ) within (1 + μ(T+t))²/s, beside
// rounding of 1e-15·r·ln α in the former's gamma-mixed terms: in the
// log-likelihood of each customer and the predictions (P(alive), E[Y(t)],
// P(Y(t) ≥ 1), P(alive at T+t), DERT, P(Y(t) = 1), E[λ]); and its fit's
// log-likelihood is the sum of its customers'.
func TestBothLimitsAgree(t *testing.T) {
	worst := 0.0
	for _, pr := range []struct{ lam, mu float64 }{{0.2, 0.02}, {1.5, 0.3}, {0.05, 0.001}} {
		both := poisParams(pr.lam, limitShape, limitShape/pr.mu)
		mb, err := New(both)
		if err != nil {
			t.Fatal(err)
		}
		near := limitShape * (1 - 1e-9)
		for k, other := range []Params{{R: near, Alpha: near / pr.lam, S: limitShape, Beta: limitShape / pr.mu}, poisParams(pr.lam, near, near/pr.mu)} {
			if other.poissonLimit() == other.expLimit() {
				t.Fatal("the limits do not switch at limitShape")
			}
			mo, err := New(other)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range poisTestCustomers {
				for _, h := range []float64{1, 13, 52} {
					var scale float64
					if k == 0 {
						scale = math.Pow(1+c.Frequency+pr.lam*(c.T+h), 2)/near + 1e-15*near*math.Log(other.Alpha)
					} else {
						scale = math.Pow(1+pr.mu*(c.T+h), 2) / near
					}
					var llo float64
					if k == 0 {
						llo = other.expLogLik(c.Frequency, c.Recency, c.T)
					} else {
						llo = other.poisLogLik(c.Frequency, c.Recency, c.T)
					}
					if llb := both.poisLogLik(c.Frequency, c.Recency, c.T); !(math.Abs(llb-llo) < scale*(1+math.Abs(llb))) {
						t.Errorf("%+v vs %+v %+v: LL %.12g, %.12g", both, other, c, llb, llo)
					}
					for i, f := range []func(m *Model) float64{
						func(m *Model) float64 { return m.ProbabilityAlive(c) },
						func(m *Model) float64 { return m.ConditionalExpectedPurchases(c, h) },
						func(m *Model) float64 { return m.ProbabilityOfPurchaseWithin(c, h) },
						func(m *Model) float64 { return m.ProbabilityAliveAfter(c, h) },
						func(m *Model) float64 { return m.DERT(c, 0.002) },
						func(m *Model) float64 { return m.ProbabilityOfPurchases(c, 1, h) },
						func(m *Model) float64 { return m.ExpectedPurchaseRate(c) },
					} {
						a, b := f(mb), f(mo)
						e := math.Abs(a-b) / b / scale
						if !(e < 1) {
							t.Errorf("%+v vs %+v %+v h=%v #%d: both %.12g, one-sided %.12g (rel. %.2g, %.2g of the bound)", both, other, c, h, i, a, b, e*scale, e)
						}
						worst = max(worst, e)
					}
				}
			}
		}
		d := poisTestRows(t, poisTestCustomers)
		var sc poisScratch
		var want float64
		for _, c := range poisTestCustomers {
			want += both.poisLogLik(c.Frequency, c.Recency, c.T)
		}
		if ll := poisLimitLogLik(d, both, nil, &sc); math.Abs(ll-want) > 1e-12*math.Abs(want) {
			t.Errorf("%+v: fit's LL %v, Σ %v", both, ll, want)
		}
	}
	t.Logf("largest relative difference %.2g of the bound", worst)
}
