package ggompertz_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/internal/reftest"
)

// TestFitRecovers simulates 4,000 customers from a model with b well
// inside (0.5 per time unit, customers observed 2 to 8 units: the hazard
// grows from s·b/β to s·b, 0.05 to 0.5, over some 4 units), fits them and checks every parameter
// within 4 standard errors of the truth.
func TestFitRecovers(t *testing.T) {
	truth := ggompertz.Params{R: 2, Alpha: 0.5, B: 0.5, S: 1, Beta: 10}
	T := make([]float64, 4000)
	for i := range T {
		T[i] = 2 + 6*float64(i%100)/99
	}
	cs, err := truth.Simulate(rand.NewPCG(1, 2), T)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	m, err := ggompertz.Fit(cs, ggompertz.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v in %v; %+v", m, time.Since(start), m.FitInfo())
	se, ok := m.StdErrors()
	if !ok {
		t.Fatal("no standard errors")
	}
	got, want, s := m.Params().Vector(), truth.Vector(), se.Vector()
	for i, n := range []string{"r", "alpha", "b", "s", "beta"} {
		if math.Abs(got[i]-want[i]) > 4*s[i] {
			t.Errorf("%s = %.4g ± %.2g, truth %.4g", n, got[i], s[i], want[i])
		}
	}
}

// TestFitCDNOWBoundary fits the CDNOW sample (weeks): its lifetimes show no
// age effect, and the fit reaches the Pareto/NBD limit, whose
// log-likelihood is the Pareto/NBD's (−9594.98 in the reference).
func TestFitCDNOWBoundary(t *testing.T) {
	cs := reftest.CDNOW(t)
	ref := reftest.Load(t).ParetoNBD
	start := time.Now()
	m, err := ggompertz.Fit(cs, ggompertz.FitOptions{})
	t.Logf("%v in %v; %+v", m, time.Since(start), m.FitInfo())
	if !errors.Is(err, clv.ErrBoundary) {
		t.Logf("err = %v", err)
	}
	t.Logf("Pareto/NBD reference LL %.6f", ref.LogLikelihood)
	if m.LogLikelihood() < ref.LogLikelihood-1e-3 {
		t.Errorf("LL %.6f below the Pareto/NBD's %.6f", m.LogLikelihood(), ref.LogLikelihood)
	}
}

// TestFitFewCustomers: on a handful of customers every fit that ends at a
// boundary (the b → 0 limit, or r or s run off toward infinity, where
// the fit stops) says so in its status, which model comparisons require;
// any other outcome is an error that is not clv.ErrBoundary.
func TestFitFewCustomers(t *testing.T) {
	truth := ggompertz.Params{R: 0.8, Alpha: 3, B: 0.1, S: 1, Beta: 2}
	for seed := range uint64(12) {
		cs, err := truth.Simulate(rand.NewPCG(seed, 9), []float64{10, 20, 30, 40, 50, 60})
		if err != nil {
			t.Fatal(err)
		}
		m, err := ggompertz.Fit(cs, ggompertz.FitOptions{})
		if m == nil {
			continue
		}
		st := m.FitInfo().Status
		if errors.Is(err, clv.ErrBoundary) != (st == clv.AtBoundary) || err == nil && st != clv.Converged {
			t.Errorf("seed %d: %v: status %v, err %v", seed, m, st, err)
		}
	}
}
