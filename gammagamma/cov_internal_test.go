package gammagamma

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestCovGradient: the analytic gradient of the covariate problem's
// log-likelihood in (p, q, γ, δ) agrees with central differences to 1e-6
// relative, and at δ = 0 the log-likelihood is the plain one's.
func TestCovGradient(t *testing.T) {
	cs := []clv.Customer{{Frequency: 1, MonetaryValue: 20}, {Frequency: 3, MonetaryValue: 35}, {Frequency: 2, MonetaryValue: 12},
		{Frequency: 5, MonetaryValue: 50}, {Frequency: 1, MonetaryValue: 8}, {Frequency: 4, MonetaryValue: 22}, {Frequency: 0}}
	z := clv.Covariates{Names: []string{"a", "b"}, Values: [][]float64{{0, 0.3}, {1, -1}, {0, 2}, {1, 0.5}, {1, 0.5}, {0, 0}, {1, 1}}}
	pr, excl, _, err := covProblem(cs, z, CovFitOptions{}, nil)
	if err != nil || excl != 1 {
		t.Fatal(err, excl)
	}
	v := []float64{3, 2.5, 11, 0.3, -0.2}
	g := make([]float64, len(v))
	pr.Eval(v, g)
	for i := range v {
		h := 1e-6 * math.Max(1, math.Abs(v[i]))
		vp, vm := append([]float64(nil), v...), append([]float64(nil), v...)
		vp[i] += h
		vm[i] -= h
		num := (pr.Eval(vp, nil) - pr.Eval(vm, nil)) / (2 * h)
		if math.Abs(num-g[i]) > 1e-6*math.Max(1, math.Abs(num)) {
			t.Errorf("∂LL/∂v[%d] = %v, central difference %v", i, g[i], num)
		}
	}
	m, err := Fit(cs, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	ll0 := pr.Eval([]float64{p.P, p.Q, p.Gamma, 0, 0}, nil)
	if math.Abs(ll0-m.LogLikelihood()) > 1e-9*math.Abs(ll0) {
		t.Errorf("LL at δ = 0: %v, plain %v", ll0, m.LogLikelihood())
	}
}

// TestEffectTestsWarm: the likelihood-ratio statistics of EffectTests
// (concurrent refits from the full fit with the effect at 0) equal those
// of refits from scratch (fitCov with the effect held) to 1e-6, and a
// cancelled context is an error.
func TestEffectTestsWarm(t *testing.T) {
	truth := CovParams{Params: Params{P: 6, Q: 4, Gamma: 15}, Names: []string{"a", "b", "c"}, Spend: []float64{0.3, -0.2, 0.05}}
	tm, err := NewCovariates(truth)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	n := 3000
	freq := make([]float64, n)
	z := clv.Covariates{Names: truth.Names, Values: make([][]float64, n)}
	for i := range freq {
		freq[i] = float64(rng.IntN(6))
		z.Values[i] = []float64{float64(rng.IntN(2)), float64(rng.IntN(2)), rng.NormFloat64()}
	}
	cs, err := tm.Simulate(rand.NewPCG(5, 6), freq, z)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m, err := FitCovariates(ctx, cs, z, CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eff, err := m.EffectTests(ctx, cs, z, CovFitOptions{}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	for j, e := range eff {
		held := make([]bool, 3)
		held[j] = true
		r, err := fitCov(ctx, cs, z, CovFitOptions{}, held)
		if err != nil {
			t.Fatal(err)
		}
		want := max(0, 2*(m.LogLikelihood()-r.LogLikelihood()))
		if math.Abs(e.LR-want) > 1e-6*math.Max(1, want) {
			t.Errorf("%s: LR %.9g from the full fit, %.9g from scratch", e.Covariate, e.LR, want)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := m.EffectTests(cancelled, cs, z, CovFitOptions{}, 0.95); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestCovLogLikShared: the groups' log-likelihood from the shared table
// of frequency terms (covLogLik) is data.logLik's bit for bit, value and
// gradient, at points that share (p, q) and points that do not, in any
// order of evaluation.
func TestCovLogLikShared(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	var cs []clv.Customer
	z := clv.Covariates{Names: []string{"a", "b"}}
	for range 3000 {
		x := float64(rng.IntN(12))
		cs = append(cs, clv.Customer{Frequency: x, MonetaryValue: 5 + 40*rng.Float64()})
		z.Values = append(z.Values, []float64{float64(rng.IntN(3)), math.Round(rng.NormFloat64()*100) / 100})
	}
	pr, _, _, err := covProblem(cs, z, CovFitOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The groups' own data, for data.logLik.
	slotData := func(g int) *data {
		var sub []clv.Customer
		for i, v := range z.Values {
			if slices.Equal(v, pr.Z[g]) && cs[i].Frequency > 0 {
				sub = append(sub, cs[i])
			}
		}
		d := &data{}
		idx := map[float64]int32{}
		for _, c := range sub {
			k, ok := idx[c.Frequency]
			if !ok {
				k = int32(len(d.xs))
				idx[c.Frequency] = k
				d.xs = append(d.xs, c.Frequency)
			}
			d.xi, d.m, d.w = append(d.xi, k), append(d.m, c.MonetaryValue), append(d.w, 1)
			d.lnm, d.lnx = append(d.lnm, math.Log(c.MonetaryValue)), append(d.lnx, math.Log(c.Frequency))
			d.wsum++
		}
		d.sort()
		return d
	}
	for _, p := range [][]float64{{3, 2.5, 11}, {3, 2.5, 7}, {0.7, 9, 40}, {3, 2.5, 11}} {
		for _, g := range []int{len(pr.Z) - 1, 0, len(pr.Z) / 2} {
			for _, withGrad := range []bool{false, true} {
				var g1, g2 []float64
				if withGrad {
					g1, g2 = make([]float64, 3), make([]float64, 3)
				}
				v1 := pr.LogLik(g, p, g1)
				var part [][4]float64
				v2 := slotData(g).logLik(paramsOf(p), g2, &part)
				if v1 != v2 || !slices.Equal(g1, g2) {
					t.Errorf("group %d at %v: %v %v, data.logLik %v %v", g, p, v1, g1, v2, g2)
				}
			}
		}
	}
}
