package paretonbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

var _ clv.AlivePurchaseMoment = (*paretonbd.Model)(nil)

// TestPurchasesSecondMomentIfAlive checks the closed form of
// E[N² | alive] against the sum over the model's own distribution of
// purchases (its terms come from quadrature, good to a few 1e-7), and
// NaN for invalid arguments.
func TestPurchasesSecondMomentIfAlive(t *testing.T) {
	const tol = 1e-6
	for _, p := range []paretonbd.Params{
		{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7},
		{R: 2, Alpha: 3, S: 1, Beta: 5},  // s = 1: φ(0)
		{R: 1, Alpha: 20, S: 2, Beta: 4}, // s = 2: φ(0) in E[L²]
		{R: 0.3, Alpha: 1, S: 7, Beta: 2},
	} {
		m, err := paretonbd.New(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range [][3]float64{{0, 30, 13}, {4, 40, 13}, {20, 52, 52}, {1, 1, 0.5}} {
			x, T, h := c[0], c[1], c[2]
			var want, cum float64
			for n := 0; 1-cum >= 1e-10; n++ {
				if n > 100_000 {
					t.Fatalf("%+v, x=%v T=%v t=%v: the distribution does not sum to 1", p, x, T, h)
				}
				v := m.ProbabilityOfPurchasesIfAlive(x, T, n, h)
				want += float64(n*n) * v
				cum += v
			}
			got := m.PurchasesSecondMomentIfAlive(x, T, h)
			if math.Abs(got-want) > tol*want {
				t.Errorf("%+v, x=%v T=%v t=%v: E[N²|alive] %.12g, the distribution's %.12g", p, x, T, h, got, want)
			}
		}
		if got := m.PurchasesSecondMomentIfAlive(1, 10, 0); got != 0 {
			t.Errorf("%+v: E[N(0)²] = %v, want 0", p, got)
		}
		for _, bad := range [][3]float64{{-1, 10, 1}, {0.5, 10, 1}, {1, -1, 1}, {1, 10, -1}, {1, 10, math.Inf(1)}, {math.NaN(), 10, 1}, {1, math.NaN(), 1}} {
			if got := m.PurchasesSecondMomentIfAlive(bad[0], bad[1], bad[2]); !math.IsNaN(got) {
				t.Errorf("%+v: x, T, t = %v: %v, want NaN", p, bad, got)
			}
		}
	}
	if got := (&paretonbd.Model{}).PurchasesSecondMomentIfAlive(1, 10, 1); !math.IsNaN(got) {
		t.Errorf("zero model: %v, want NaN", got)
	}
}
