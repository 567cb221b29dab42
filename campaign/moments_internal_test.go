package campaign

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/paretonbd"
)

// pmfTol: the distribution's terms come from quadrature, good to a few 1e-7.
const pmfTol = 1e-6

// TestParetoAliveM2 checks the closed form of E[N² | alive] against the
// sum over Pareto/NBD's own distribution of purchases.
func TestParetoAliveM2(t *testing.T) {
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
			want, err := secondMoment(func(n int) float64 { return m.ProbabilityOfPurchasesIfAlive(x, T, n, h) })
			if err != nil {
				t.Fatal(err)
			}
			got := paretoAliveM2(p, x, T, h)
			if math.Abs(got-want) > pmfTol*want {
				t.Errorf("%+v, x=%v T=%v t=%v: E[N²|alive] %.12g, the distribution's %.12g", p, x, T, h, got, want)
			}
		}
	}
}
