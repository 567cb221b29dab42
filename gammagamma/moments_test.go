package gammagamma_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"gonum.org/v1/gonum/stat/distuv"
)

var _ clv.ValueMoments = (*gammagamma.Model)(nil)

// TestConditionalValueMoments: E[S²] and E[S_k S_l] agree with draws of ν
// and two values (Monte Carlo, 4·10⁵ draws: 1% relative); p·E[1/ν] is the
// conditional expectation; +Inf where a = px + q ≤ 2, NaN for invalid
// customers.
func TestConditionalValueMoments(t *testing.T) {
	// q = 6: the draws of S² have a finite variance from shape 4 on.
	p := gammagamma.Params{P: 6, Q: 6, Gamma: 15}
	sm, err := gammagamma.New(p)
	if err != nil {
		t.Fatal(err)
	}
	src := rand.NewPCG(9, 9)
	for _, c := range []clv.Customer{{T: 10}, {T: 10, MonetaryValue: 99}, {Frequency: 3, Recency: 5, T: 10, MonetaryValue: 40}} {
		m := sm.ConditionalExpectedValue(c)
		cross, square := sm.ConditionalValueMoments(c)
		mv := c.MonetaryValue
		if c.Frequency == 0 {
			mv = 0 // a first purchase's value is not the customer's mean
		}
		a, g := p.P*c.Frequency+p.Q, p.Gamma+c.Frequency*mv
		var sq, cr float64
		const n = 400_000
		for range n {
			nu := distuv.Gamma{Alpha: a, Beta: g, Src: src}.Rand()
			z := distuv.Gamma{Alpha: p.P, Beta: nu, Src: src}
			s1, s2 := z.Rand(), z.Rand()
			sq += s1 * s1 / n
			cr += s1 * s2 / n
		}
		if math.Abs(p.P*g/(a-1)-m) > 1e-12*m {
			t.Errorf("%+v: p·E[1/ν] = %v, the spend model's %v", c, p.P*g/(a-1), m)
		}
		if math.Abs(square-sq) > 0.01*sq || math.Abs(cross-cr) > 0.01*cr || !(cross > m*m) || math.Abs(square/cross-(p.P+1)/p.P) > 1e-12 {
			t.Errorf("%+v: moments %v, %v; simulated E[S²] %v, E[S_k S_l] %v; mean² %v", c, cross, square, sq, cr, m*m)
		}
	}
	heavy, err := gammagamma.New(gammagamma.Params{P: 0.5, Q: 1.5, Gamma: 15})
	if err != nil {
		t.Fatal(err)
	}
	if k, q := heavy.ConditionalValueMoments(clv.Customer{Frequency: 1, Recency: 1, T: 2, MonetaryValue: 10}); !math.IsInf(k, 1) || !math.IsInf(q, 1) {
		t.Errorf("a = 2: moments %v, %v, want +Inf", k, q)
	}
	for _, c := range []clv.Customer{{Frequency: -1, T: 1}, {Frequency: 1.5, T: 1}, {Frequency: 1, T: 1, MonetaryValue: -1}, {Frequency: 1, T: 1, MonetaryValue: math.NaN()}} {
		if k, q := sm.ConditionalValueMoments(c); !math.IsNaN(k) || !math.IsNaN(q) {
			t.Errorf("%+v: moments %v, %v, want NaN", c, k, q)
		}
	}
}
