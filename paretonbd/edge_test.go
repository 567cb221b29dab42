package paretonbd_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestEdges: fits of generated logs that stop short of a limit of the
// model where the likelihood is flat, or where a parameter runs off
// toward 0, name the edge (status AtBoundary, clv.ErrBoundary) rather
// than being not identified: dropout vanishing (s → 0: 500 customers
// simulated with β = 10⁹, nobody drops out in 52 weeks; s = 7.5e-10), and
// that with purchase heterogeneity vanishing too (r, α → ∞: the Poisson
// limit model, r held at 10⁶, s = 8.1e-8); one flat in r and α short of
// the Poisson limit (200 customers simulated with r = 10⁶; the fit stopped
// at r = 6.4e3 with a Hessian that is not positive definite) is the
// Poisson limit model, r held at 10⁶ (limitpoisson.go), λ within 5%; one
// flat in s and β short of the exponential-dropout limit (4,000
// customers simulated at that limit; the fit stopped at s = 3.8e3, flat)
// is the limit model, s held at 10⁶, with its covariance.
func TestEdges(t *testing.T) {
	sim := func(p paretonbd.Params, n int, seed uint64) []clv.Customer {
		T := make([]float64, n)
		for i := range T {
			T[i] = 52
		}
		cs, err := p.Simulate(rand.NewPCG(seed, 7), T)
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	poisson := paretonbd.Params{R: 1e6, Alpha: 1e6 / 0.2, S: 0.5, Beta: 10}
	for _, tc := range []struct {
		name string
		cs   []clv.Customer
		want []string
		ok   func(p paretonbd.Params) bool
	}{
		{"Poisson", sim(poisson, 200, 0), []string{"purchase heterogeneity vanishes: r and α run off toward infinity with r/α → λ = 0.19", "r is held at 1e+06"},
			func(p paretonbd.Params) bool { return p.R == 1e6 && math.Abs(p.R/p.Alpha/0.2-1) < 0.05 && p.S > 0.1 }},
		{"no dropout", sim(paretonbd.Params{R: 0.8, Alpha: 5, S: 0.5, Beta: 1e9}, 500, 0), []string{"dropout vanishes: s = ", "no customer drops out", "ran off toward 0"},
			func(p paretonbd.Params) bool { return p.S < 1e-3 && p.R < 100 }},
		{"Poisson, no dropout", sim(paretonbd.Params{R: 1e6, Alpha: 1e6 / 0.2, S: 0.5, Beta: 1e9}, 500, 1), []string{"purchase heterogeneity vanishes", "r is held at 1e+06", "; and dropout vanishes"},
			func(p paretonbd.Params) bool { return p.S < 1e-3 && p.R == 1e6 }},
	} {
		m, err := paretonbd.Fit(tc.cs, paretonbd.FitOptions{})
		if m == nil {
			t.Fatalf("%s: no model: %v", tc.name, err)
		}
		info := m.FitInfo()
		if info.Status != clv.AtBoundary || !errors.Is(err, clv.ErrBoundary) {
			t.Errorf("%s: %v, %v; want status boundary and clv.ErrBoundary", tc.name, info.Status, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(info.Reason, w) || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: reason %q does not say %q", tc.name, info.Reason, w)
			}
		}
		if !tc.ok(m.Params()) {
			t.Errorf("%s: %v: not on the way to that edge", tc.name, m)
		}
		if v := m.ExpectedPurchases(10); !(v > 0) {
			t.Errorf("%s: expected purchases in 10 weeks %v", tc.name, v)
		}
	}

	// Replication 8 of TestLimitIntervalCoverage: flat at s = 3.8e3.
	truth := paretonbd.Params{R: 0.55, Alpha: 10.6, S: 1e9, Beta: 1e9 / 0.05}
	rng, src := rand.New(rand.NewPCG(8, 31)), rand.NewPCG(8, 32)
	cs := make([]clv.Customer, 4000)
	for i := range cs {
		T := float64(26 + rng.IntN(27))
		times := truth.SimulatePurchases(src, T)
		cs[i] = clv.Customer{T: T, Frequency: float64(len(times))}
		if len(times) > 0 {
			cs[i].Recency = times[len(times)-1]
		}
	}
	m, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if m == nil || !errors.Is(err, clv.ErrBoundary) || m.Params().S != 1e6 || !strings.Contains(m.FitInfo().Reason, "dropout heterogeneity vanishes") {
		t.Fatalf("flat short of the exponential-dropout limit: %v, %v; want the limit model, s held at 1e6", m, err)
	}
	if mu := m.Params().S / m.Params().Beta; mu < 0.04 || mu > 0.06 {
		t.Errorf("limit model's μ = %v, simulated at 0.05", mu)
	}
	if _, ok := m.LogCovariance(); !ok {
		t.Error("the limit model has no covariance")
	}
}
