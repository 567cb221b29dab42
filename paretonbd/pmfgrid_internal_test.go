package paretonbd

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
)

// pmfShapes are shapes of the general model for the pmf's tests, each
// with a horizon: fitted shapes, dropout scales far below the purchase
// scale (β ≪ α, the reviewer's λ = 3, s = 0.7, β = 0.01 at r = 10 to 10⁵)
// and far above it (β ≫ α), large s, small r and s, and the
// exponential-dropout limit.
var pmfShapes = []struct{ r, a, s, b, t float64 }{
	{0.5533, 10.58, 0.6062, 11.67, 52},
	{0.6, 2, 0.8, 12, 52},
	{2, 3, 4, 60, 52},
	{10, 10.0 / 3, 0.7, 0.01, 104},
	{100, 100.0 / 3, 0.7, 0.01, 104},
	{1e5, 1e5 / 3, 0.7, 0.01, 104},
	{1, 20, 0.5, 0.2, 104},
	{0.3, 5, 2, 0.05, 104},
	{40, 3, 0.8, 0.001, 1200},
	{3, 1, 0.9, 0.05, 1000},
	{1e3, 1e3 / 3, 5, 0.01, 52},
	{0.5, 0.1, 0.8, 1000, 100},
	{5, 0.5, 50, 10, 200},
	{1e5, 1e6, 3, 0.2, 1000},
	{0.02, 0.5, 0.02, 5, 52},
	{0.5, 10, 2 * limitShape, 2 * limitShape / 0.05, 1200},
}

// TestPMFSumsToOne: over pmfShapes the pmf sums to 1 within 1e-10 and
// its mean is E[X(t)] within 1e-9 relative. With 16 equal panels in
// ln(1 + τ/α) (before the dropout's cuts) the reviewer's shapes summed to
// 1 − 0.0049 (r = 10), 1 − 0.134 (r = 100) and 1 − 0.326 (r = 10⁵), and
// (r, α, s, β) = (0.3, 5, 2, 0.05) to 1 − 1.1e-4.
func TestPMFSumsToOne(t *testing.T) {
	for _, c := range pmfShapes {
		p := Params{R: c.r, Alpha: c.a, S: c.s, Beta: c.b}
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		next := p.pmfSeq(c.t)
		var sum, mean float64
		n := 0
		for ; n < 100000; n++ {
			v := next()
			if !(v >= 0 && v <= 1) {
				t.Fatalf("%+v: P(X = %d) = %v", c, n, v)
			}
			sum += v
			mean += float64(n) * v
			if n > 50 && sum > 0.5 && v < 1e-20 {
				break
			}
		}
		e := m.ExpectedPurchases(c.t)
		if math.Abs(sum-1) > 1e-10 || math.Abs(mean-e) > 1e-9*e {
			t.Errorf("%+v: %d counts: Σ pmf − 1 = %.3g, mean %.15g, E[X(t)] %.15g (%.2g)", c, n, sum-1, mean, e, mean/e-1)
		}
	}
}

// TestPMFDirect: P(X(t) = n), n = 0..40, against a direct quadrature in
// ln τ (4,000-point Gauss–Legendre over τ ∈ [10⁻²⁰t, t]), to 1e-12
// absolute and 1e-9 relative where the value is above 1e-6, over
// pmfShapes of moderate r.
func TestPMFDirect(t *testing.T) {
	for _, c := range pmfShapes {
		if c.r > 1e3 {
			continue // the general formula's rounding grows with r
		}
		p := Params{R: c.r, Alpha: c.a, S: c.s, Beta: c.b}
		for n := range 41 {
			nf := float64(n)
			lg := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
			lnK := lg(c.r+nf) - lg(c.r) - lg(nf+1)
			lnNBD := func(tau float64) float64 {
				return lnK - c.r*math.Log1p(tau/c.a) + xLogY(nf, tau/(c.a+tau))
			}
			lnG := func(tau float64) float64 {
				if p.expLimit() {
					return math.Log(p.mu()) - p.mu()*tau
				}
				return math.Log(c.s/c.b) - (c.s+1)*math.Log1p(tau/c.b)
			}
			f := func(w float64) float64 { tau := math.Exp(w); return math.Exp(w + lnG(tau) + lnNBD(tau)) }
			want := math.Exp(lnNBD(c.t)+p.lnSurvive(0, c.t)) + quad.Fixed(f, math.Log(c.t)-46, math.Log(c.t), 4000, quad.Legendre{}, 0)
			got := p.pmf(nf, c.t)
			if d := math.Abs(got - want); d > 1e-12 || (want > 1e-6 && d > 1e-9*want) {
				t.Errorf("%+v: P(X = %d) = %.15g, direct %.15g (%.2g)", c, n, got, want, d)
			}
		}
	}
}

// TestPMFPoissonContinuity: the general pmf at r = 10⁴, 10⁵ and
// limitShape·(1 − 10⁻⁹), α = r/λ, tends to the Poisson limit's poisPMF:
// every P(X(t) = n) within 3λt/r (the gamma spread of the purchase rate)
// plus the general formula's rounding, 1e-15·r·ln α; the reviewer's shape
// (λ = 3, s = 0.7, β = 0.01, t = 104) among them, where P(X = 0) was
// 0.508 at r = 10⁵ against the limit's 0.838.
func TestPMFPoissonContinuity(t *testing.T) {
	for _, c := range []struct{ lam, s, b, t float64 }{{3, 0.7, 0.01, 104}, {0.2, 0.5, 10, 52}, {1.3, 2.2, 0.4, 39}, {0.05, 0.9, 40, 520}} {
		lim := poisParams(c.lam, c.s, c.b)
		for _, r := range []float64{1e4, 1e5, limitShape * (1 - 1e-9)} {
			gen := Params{R: r, Alpha: r / c.lam, S: c.s, Beta: c.b}
			next := gen.pmfSeq(c.t)
			tol := 3*c.lam*c.t/r + 1e-15*r*math.Log(gen.Alpha)
			worst := 0.0
			for n := range int(3*c.lam*c.t) + 100 {
				g, l := next(), lim.poisPMF(float64(n), c.t)
				worst = max(worst, math.Abs(g-l))
			}
			if !(worst < tol) {
				t.Errorf("%+v r=%g: largest |general − limit| %.3g, want < %.3g", c, r, worst, tol)
			}
		}
	}
}

// TestPMFCutsBounded: the panels' count stays bounded at extreme shapes,
// and the pmf is a probability there.
func TestPMFCutsBounded(t *testing.T) {
	for _, p := range []Params{
		{R: 1e5, Alpha: 1e-300, S: 1e-3, Beta: 1e-300},
		{R: 1e-300, Alpha: 1e300, S: 1e5, Beta: 1e-300},
		{R: 5e5, Alpha: 1, S: 9e5, Beta: 1e-10},
	} {
		for _, tt := range []float64{1e-300, 1, 1e5} { // t/α finite
			cuts := p.pmfCuts(nil, tt)
			if len(cuts) > pmfMaxYCuts+pmfMaxVCuts+1 {
				t.Errorf("%+v t=%g: %d cuts", p, tt, len(cuts))
			}
			for n := range 3 {
				if v := p.pmf(float64(n), tt); !(v >= 0 && v <= 1) {
					t.Errorf("%+v t=%g: P(X = %d) = %v", p, tt, n, v)
				}
			}
		}
	}
}

// TestPoisGridAgrees: in the Poisson limit, pmf's fixed panels in √(λτ)
// agree with poisPMF's quadrature around each count's mode, to 1e-12
// absolute and 1e-9 relative, over random λ ∈ [10⁻⁴, 10⁴], s ∈ [10⁻², 10⁴],
// β ∈ [10⁻³, 10⁶] and λt up to (256·1.2)², at counts from 0 past the
// mean; beyond that pmf is poisPMF.
func TestPoisGridAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 3))
	logU := func(lo, hi float64) float64 {
		return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
	}
	worst, used := 0.0, 0
	for range 300 {
		lam, s, b := logU(1e-4, 1e4), logU(1e-2, 1e4), logU(1e-3, 1e6)
		tt := logU(1e-3, 9e4) / lam
		p := poisParams(lam, s, b)
		if p.pmfCuts(nil, tt) == nil {
			if math.Sqrt(lam*tt) <= pmfMaxYCuts*1.2 {
				t.Fatalf("λ=%g t=%g: no grid", lam, tt)
			}
			continue
		}
		used++
		top := lam * tt
		for _, n := range []float64{0, 1, 2, 5, math.Floor(top / 3), math.Floor(top / 2), math.Floor(top), math.Floor(top + 3*math.Sqrt(top))} {
			g, w := p.pmf(n, tt), p.poisPMF(n, tt)
			d := math.Abs(g - w)
			if d > 1e-12 || (w > 1e-300 && d > 1e-9*w && d > 1e-15) {
				t.Errorf("λ=%g s=%g β=%g t=%g n=%v: grid %.15g, poisPMF %.15g (%.2g)", lam, s, b, tt, n, g, w, d)
			}
			if w > 1e-30 {
				worst = max(worst, d/w)
			}
		}
	}
	t.Logf("%d shapes on the grid; largest relative difference above 1e-30: %.2g", used, worst)
}

// FuzzPMFGrid: over the range of bounded cost (r, s ∈ [10⁻³, 10¹²], α, β ∈
// [10⁻², 10¹²], t ≤ 10⁹), P(X(t) = n) for n = n₀ … n₀+9 (n₀ ≤ 10⁶) is
// in [0, 1] (to 1e-9), sums to at most 1 + 1e-9, and pmfSeq gives the
// same values bit for bit from n = 0 (n₀ ≤ 200); the panels stay within
// their bound.
func FuzzPMFGrid(f *testing.F) {
	f.Add(10.0, 10.0/3, 0.7, 0.01, 104.0, 0.0)
	f.Add(1e5, 1e5/3, 0.7, 0.01, 104.0, 300.0)
	f.Add(0.3, 5.0, 2.0, 0.05, 104.0, 1.0)
	f.Add(0.5, 0.1, 0.8, 1000.0, 1e9, 1e6)
	f.Add(1e12, 1e-2, 1e12, 1e-2, 1e9, 5.0)
	f.Add(0.5, 10.0, 1e12, 1e13, 1200.0, 2.0)
	f.Fuzz(func(t *testing.T, r, alpha, s, beta, tt, n0 float64) {
		if !(r >= 1e-3 && r <= 1e12 && s >= 1e-3 && s <= 1e12 && alpha >= 1e-2 && alpha <= 1e12 && beta >= 1e-2 && beta <= 1e12 && tt >= 0 && tt <= 1e9 && n0 >= 0 && n0 <= 1e6) {
			return
		}
		n0 = math.Trunc(n0)
		p := Params{R: r, Alpha: alpha, S: s, Beta: beta}
		if c := p.pmfCuts(nil, tt); len(c) > pmfMaxYCuts+pmfMaxVCuts+1 {
			t.Fatalf("%+v t=%v: %d cuts", p, tt, len(c))
		}
		var sum float64
		for n := n0; n < n0+10; n++ {
			v := p.pmf(n, tt)
			if !(v >= 0 && v <= 1+1e-9) {
				t.Fatalf("%+v: P(X(%v) = %v) = %v", p, tt, n, v)
			}
			sum += v
		}
		if sum > 1+1e-9 {
			t.Fatalf("%+v: Σ P(X(%v) = n), n = %v…%v: %v", p, tt, n0, n0+9, sum)
		}
		if n0 <= 200 {
			next := p.pmfSeq(tt)
			for n := 0.0; n < n0+10; n++ {
				if a, b := next(), p.pmf(n, tt); math.Float64bits(a) != math.Float64bits(b) {
					t.Fatalf("%+v t=%v n=%v: pmfSeq %v, pmf %v", p, tt, n, a, b)
				}
			}
		}
	})
}
