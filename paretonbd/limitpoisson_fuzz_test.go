package paretonbd

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// FuzzPoisLogLik checks the Poisson limit's log-likelihood (and, with
// both, that of both limits, μ = s/β) for any customer with x ≤ 10⁴,
// 0 ≤ t_x ≤ T ≤ 10⁴ and parameters λ ∈ [10⁻⁴, 10²], s ∈ [10⁻³, 10⁴],
// β ∈ [10⁻³, 10⁶]: it is finite, its gradient over the one row is finite
// and its value the row's; it lies between the log-likelihood of being
// alive at T, x ln λ + ln C, and that of being alive at t_x,
// x ln λ − λt_x − s ln(1 + t_x/β) (the customer was alive then); and
// P(alive) is in [0, 1], and equals λ^x C/L where that does not underflow
// (to 1e-12 relative beside the rounding of ln(λ^x C/L)'s terms).
func FuzzPoisLogLik(f *testing.F) {
	for _, c := range [][7]float64{{0, 0, 38, 0.2, 0.5, 10, 0}, {40, 77.9, 78, 1.3, 2.2, 0.4, 0}, {3, 0.5, 300, 0.02, 0.05, 300, 0},
		{2, 30, 39, 0.3, 0.01, 1, 1}, {10000, 9999, 10000, 100, 1e4, 1e-3, 0}, {1, 0, 1e4, 1e-4, 1e-3, 1e6, 0}, {5, 3, 200, 0.5, 40, 900, 1}} {
		f.Add(c[0], c[1], c[2], c[3], c[4], c[5], c[6] != 0)
	}
	f.Fuzz(func(t *testing.T, x, tx, T, lam, s, beta float64, both bool) {
		x = math.Trunc(x)
		if !(x >= 0 && x <= 1e4 && T > 0 && T <= 1e4 && tx >= 0 && tx <= T && lam >= 1e-4 && lam <= 1e2 && s >= 1e-3 && s <= 1e4 && beta >= 1e-3 && beta <= 1e6) {
			return
		}
		if x == 0 {
			tx = 0
		}
		p := poisParams(lam, s, beta)
		lnC := -lam*T - s*math.Log1p(T/beta)
		hi := -lam*tx - s*math.Log1p(tx/beta)
		if both {
			mu := s / beta
			p = poisParams(lam, limitShape, limitShape/mu)
			lnC, hi = -(lam+mu)*T, -(lam+mu)*tx
		}
		xl := xLogY(x, p.lambda())
		ll := p.poisLogLik(x, tx, T)
		if math.IsNaN(ll) || math.IsInf(ll, 0) {
			t.Fatalf("%+v (%v, %v, %v): LL %v", p, x, tx, T, ll)
		}
		tol := 1e-12 * (math.Abs(xl) + math.Abs(lnC) + 1)
		if ll < xl+lnC-tol || ll > xl+hi+tol {
			t.Fatalf("%+v (%v, %v, %v): LL %v outside [%v, %v]", p, x, tx, T, ll, xl+lnC, xl+hi)
		}
		d := poisTestRows(t, []clv.Customer{{Frequency: x, Recency: tx, T: T}})
		g := make([]float64, 4)
		var sc poisScratch
		if v := poisLimitLogLik(d, p, g, &sc); math.Abs(v-ll) > 1e-12*math.Max(1, math.Abs(ll)) {
			t.Fatalf("%+v (%v, %v, %v): LL %v over the row, %v", p, x, tx, T, v, ll)
		}
		for i, v := range g {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%+v (%v, %v, %v): gradient[%d] = %v", p, x, tx, T, i, v)
			}
		}
		pa := p.alive(x, tx, T)
		if !(pa >= 0 && pa <= 1) {
			t.Fatalf("%+v (%v, %v, %v): P(alive) %v", p, x, tx, T, pa)
		}
		if e := xl + lnC - ll; e > -700 {
			// e's rounding: 1e-15 of its terms.
			if want := math.Exp(e); math.Abs(pa-want) > (1e-12+1e-15*(math.Abs(xl)+math.Abs(lnC)+math.Abs(ll)))*want+1e-300 {
				t.Fatalf("%+v (%v, %v, %v): P(alive) %v, λ^x C/L %v", p, x, tx, T, pa, want)
			}
		}
	})
}

// FuzzPoisPMF checks the Poisson limit's pmf, P(X(t) = n), for λ ∈
// [10⁻⁶, 10⁶], s ∈ [10⁻³, 10⁶] (or both limits, μ = s/β), β ∈ [10⁻³,
// 10⁹], t ≤ 10⁶: each of P(X(t) = n), n = n₀ … n₀+19, is finite and in
// [0, 1], and their sum at most 1 (to 1e-9).
func FuzzPoisPMF(f *testing.F) {
	for _, c := range [][5]float64{{0.2, 0.5, 10, 0, 52}, {1e6, 1e-3, 1e9, 1e6, 1e6}, {1e-6, 1e6, 1e-3, 0, 1e6}, {3, 0.7, 0.01, 300, 104}, {0.5, 2, 5, 10, 1e-6}} {
		f.Add(c[0], c[1], c[2], c[3], c[4], false)
	}
	f.Add(0.3, 0.01, 1.0, 5.0, 52.0, true)
	f.Fuzz(func(t *testing.T, lam, s, beta, n0, tt float64, both bool) {
		n0 = math.Trunc(n0)
		if !(lam >= 1e-6 && lam <= 1e6 && s >= 1e-3 && s <= 1e6 && beta >= 1e-3 && beta <= 1e9 && n0 >= 0 && n0 <= 1e7 && tt >= 0 && tt <= 1e6) {
			return
		}
		p := poisParams(lam, s, beta)
		if both {
			p = poisParams(lam, limitShape, limitShape*beta/s)
		}
		var sum float64
		for n := n0; n < n0+20; n++ {
			v := p.poisPMF(n, tt)
			if !(v >= 0 && v <= 1+1e-12) {
				t.Fatalf("%+v: P(X(%v) = %v) = %v", p, tt, n, v)
			}
			sum += v
		}
		if sum > 1+1e-9 {
			t.Fatalf("%+v: Σ P(X(%v) = n), n = %v…%v: %v", p, tt, n0, n0+19, sum)
		}
	})
}
