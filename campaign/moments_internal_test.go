package campaign

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
	"gonum.org/v1/gonum/stat/distuv"
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

// TestGammaGammaMoments: the mean is the spend model's conditional
// expectation, and E[S²] and E[S_k S_l] agree with draws of ν and two
// values (Monte Carlo, 4·10⁵ draws: 1% relative).
func TestGammaGammaMoments(t *testing.T) {
	// q = 6: the draws of S² have a finite variance from shape 4 on.
	p := gammagamma.Params{P: 6, Q: 6, Gamma: 15}
	sm, err := gammagamma.New(p)
	if err != nil {
		t.Fatal(err)
	}
	src := rand.NewPCG(9, 9)
	for _, c := range []clv.Customer{{T: 10}, {Frequency: 3, Recency: 5, T: 10, MonetaryValue: 40}} {
		m := sm.ConditionalExpectedValue(c)
		got := gammaGammaMoments(p, c, m)
		a, g := p.P*c.Frequency+p.Q, p.Gamma+c.Frequency*c.MonetaryValue
		var sq, cross float64
		const n = 400_000
		for range n {
			nu := distuv.Gamma{Alpha: a, Beta: g, Src: src}.Rand()
			z := distuv.Gamma{Alpha: p.P, Beta: nu, Src: src}
			s1, s2 := z.Rand(), z.Rand()
			sq += s1 * s1 / n
			cross += s1 * s2 / n
		}
		// The posterior of ν must give the spend model's expectation.
		if math.Abs(p.P*g/(a-1)-m) > 1e-12*m {
			t.Errorf("%+v: p·E[1/ν] = %v, the spend model's %v", c, p.P*g/(a-1), m)
		}
		if math.Abs(got.q-sq) > 0.01*sq || math.Abs(got.k-cross) > 0.01*cross || got.m != m {
			t.Errorf("%+v: moments %+v, simulated E[S²] %v, E[S_k S_l] %v", c, got, sq, cross)
		}
	}
}
