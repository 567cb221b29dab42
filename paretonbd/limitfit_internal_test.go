package paretonbd

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/rows"
)

// TestExpTailDA: the derivative of F(a, z) in a agrees with central
// differences of expTail (step 1e-5·max(a, 1), error O(h²) ≈ 1e-10
// relative plus rounding) on both paths: the continued fraction and the
// series with its recurrence.
func TestExpTailDA(t *testing.T) {
	for _, a := range []float64{0.001, 0.05, 0.3, 0.5, 0.999, 1, 1.7, 3.2, 9.5, 10, 25, 300, 1e6} {
		for _, z := range []float64{1e-6, 1e-3, 0.1, 0.5, 0.999, 1, 3, 10, 100, 1e4, 1e7} {
			f, fa := expTailDA(a, z)
			if math.Abs(f-expTail(a, z)) > 1e-13*f { // the derivative's convergence may add terms
				t.Errorf("F(%g, %g) = %v, expTail %v", a, z, f, expTail(a, z))
			}
			h := 1e-5 * max(a, 1)
			if a-h <= 0 {
				h = a / 2
			}
			num := (expTail(a+h, z) - expTail(a-h, z)) / (2 * h)
			if tol := 1e-6*math.Abs(num) + 1e-9*f; !(math.Abs(fa-num) <= tol) {
				t.Errorf("∂F/∂a(%g, %g) = %v, central difference %v", a, z, fa, num)
			}
		}
	}
}

// TestExpLimitLogLikGrad: the closed-form limit likelihood equals the sum
// of expLogLik over the customers, and its gradient agrees with central
// differences in each of r, α, β (s held) to 1e-6 relative, beside the
// differences' rounding error (the log-likelihood's terms, such as
// r ln α, reach 10⁷ at r = 10⁶).
func TestExpLimitLogLikGrad(t *testing.T) {
	cs := []clv.Customer{{Frequency: 0, Recency: 0, T: 38}, {Frequency: 2, Recency: 30.4, T: 38.9}, {Frequency: 7, Recency: 5, T: 70},
		{Frequency: 1, Recency: 1, T: 1.5}, {Frequency: 40, Recency: 77.9, T: 78}, {Frequency: 3, Recency: 0.5, T: 300}}
	d, err := rows.Compress(len(cs), func(i int) (x, tx, T float64) { return cs[i].Frequency, cs[i].Recency, cs[i].T }, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Params{{R: 0.55, Alpha: 10.6, S: limitShape, Beta: limitShape / 0.06}, {R: 2.3, Alpha: 0.4, S: limitShape, Beta: limitShape / 3},
		{R: limitShape, Alpha: limitShape / 0.2, S: limitShape, Beta: limitShape / 0.01}, {R: 0.02, Alpha: 400, S: limitShape, Beta: limitShape * 50}} {
		var s limitScratch
		g := make([]float64, 4)
		ll := expLimitLogLik(d, p, g, &s)
		var want float64
		for _, c := range cs {
			want += p.expLogLik(c.Frequency, c.Recency, c.T)
		}
		if math.Abs(ll-want) > 1e-12*math.Abs(want) {
			t.Errorf("%+v: LL %v, Σ expLogLik %v", p, ll, want)
		}
		for _, i := range []int{0, 1, 3} {
			v := p.Vector()
			h := 1e-4 * v[i]
			v[i] += h
			up := expLimitLogLik(d, p.FromVector(v), nil, &s)
			v[i] -= 2 * h
			dn := expLimitLogLik(d, p.FromVector(v), nil, &s)
			num := (up - dn) / (2 * h)
			lgr, _ := math.Lgamma(p.R)
			noise := 1e-15 * float64(len(cs)) * (math.Abs(lgr) + math.Abs(p.R*math.Log(p.Alpha)) + math.Abs(ll)) / h
			if !(math.Abs(g[i]-num) <= 1e-6*math.Abs(num)+noise) {
				t.Errorf("%+v: ∂LL/∂%s = %v, central difference %v", p, []string{"r", "α", "s", "β"}[i], g[i], num)
			}
		}
	}
}
