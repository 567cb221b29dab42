package ggompertz_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/paretonbd"
)

// covScoreCase returns n customers with a 0/1 and a three-valued
// covariate, simulated from the GGompertz/NBD with covariates at b
// (b = 0: from the Pareto/NBD with covariates, β the base β), observed
// 26 to 78 weeks.
func covScoreCase(t *testing.T, b float64, n int) ([]clv.Customer, clv.Covariates) {
	t.Helper()
	names := []string{"member", "tier"}
	trans, life := []float64{0.4, -0.3}, []float64{-0.5, 0.2}
	rng := rand.New(rand.NewPCG(5, 6))
	T := make([]float64, n)
	z := clv.Covariates{Names: names, Values: make([][]float64, n)}
	for i := range T {
		T[i] = 26 + 52*rng.Float64()
		z.Values[i] = []float64{float64(rng.IntN(2)), float64(rng.IntN(3)) - 1}
	}
	var cs []clv.Customer
	var err error
	if b == 0 {
		m, _ := paretonbd.NewCovariates(paretonbd.CovParams{Params: paretonbd.Params{R: 1, Alpha: 8, S: 0.5, Beta: 4}, Names: names, Trans: trans, Life: life})
		cs, err = m.Simulate(rand.NewPCG(7, 8), T, z)
	} else {
		m, _ := ggompertz.NewCovariates(ggompertz.CovParams{Params: ggompertz.Params{R: 1, Alpha: 8, B: b, S: 0.5, Beta: 0.2}, Names: names, Trans: trans, Life: life})
		cs, err = m.Simulate(rand.NewPCG(7, 8), T, z)
	}
	if err != nil {
		t.Fatal(err)
	}
	return cs, z
}

// TestCovLimitScoreTestParts: the covariate test's raw score is the sum of
// the plain test's raw scores of each covariate profile's customers at the
// profile's parameters (to 1e-9 relative); with every γ = 0 it is the
// plain test's raw score on all customers, and its information at most the
// plain test's (more parameters profiled out), but above 0.
func TestCovLimitScoreTestParts(t *testing.T) {
	cs, z := covScoreCase(t, 0.05, 2000)
	lim := paretonbd.CovParams{Params: paretonbd.Params{R: 0.9, Alpha: 7, S: 0.6, Beta: 5}, Names: z.Names, Trans: []float64{0.3, -0.2}, Life: []float64{-0.4, 0.1}}
	got, err := ggompertz.CovLimitScoreTest(context.Background(), cs, z, lim)
	if err != nil {
		t.Fatal(err)
	}
	byProf := map[[2]float64][]clv.Customer{}
	for i, c := range cs {
		k := [2]float64{z.Values[i][0], z.Values[i][1]}
		byProf[k] = append(byProf[k], c)
	}
	sum := 0.0
	for k, sub := range byProf {
		p, err := lim.At(k[:])
		if err != nil {
			t.Fatal(err)
		}
		lt, err := ggompertz.LimitScoreTest(context.Background(), sub, p, ggompertz.LimitTestOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sum += lt.Raw
	}
	if !(math.Abs(got.Raw-sum) <= 1e-9*math.Abs(sum)) {
		t.Errorf("raw score %.12g, the profiles' %.12g", got.Raw, sum)
	}
	lim.Trans, lim.Life = []float64{0, 0}, []float64{0, 0}
	got, err = ggompertz.CovLimitScoreTest(context.Background(), cs, z, lim)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := ggompertz.LimitScoreTest(context.Background(), cs, lim.Params, ggompertz.LimitTestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !(math.Abs(got.Raw-plain.Raw) <= 1e-9*math.Abs(plain.Raw)) || !(got.Info > 0 && got.Info <= plain.Info*(1+1e-9)) {
		t.Errorf("γ = 0: %+v, the plain test %+v", got, plain)
	}
}

// TestCovLimitScoreTestDecides: at the Pareto/NBD with covariates'
// estimate, the test rejects b = 0 (p < 0.001) on 4,000 customers whose
// Gompertz hazard grows (b = 0.05 per week), and does not (p > 0.05) on
// 4,000 customers of the Pareto/NBD with covariates (one seed each).
func TestCovLimitScoreTestDecides(t *testing.T) {
	if testing.Short() {
		t.Skip("fits the Pareto/NBD with covariates twice")
	}
	for _, b := range []float64{0.05, 0} {
		cs, z := covScoreCase(t, b, 4000)
		pm, err := paretonbd.FitCovariates(context.Background(), cs, z, paretonbd.CovFitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		lt, err := ggompertz.CovLimitScoreTest(context.Background(), cs, z, pm.Params())
		if err != nil {
			t.Fatal(err)
		}
		if b > 0 && !(lt.P < 0.001) || b == 0 && !(lt.P > 0.05) {
			t.Errorf("b = %v: %+v", b, lt)
		}
		t.Logf("b = %v: %+v", b, lt)
	}
}

// TestCovLimitScoreTestErrors: invalid arguments are errors, never a panic.
func TestCovLimitScoreTestErrors(t *testing.T) {
	cs, z := covScoreCase(t, 0.05, 50)
	lim := paretonbd.CovParams{Params: paretonbd.Params{R: 0.9, Alpha: 7, S: 0.6, Beta: 5}, Names: z.Names, Trans: []float64{0.3, -0.2}, Life: []float64{-0.4, 0.1}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	bad := append([]clv.Customer(nil), cs...)
	bad[3].Recency = bad[3].T + 1
	constant := clv.Covariates{Names: z.Names, Values: make([][]float64, len(cs))}
	for i := range constant.Values {
		constant.Values[i] = []float64{1, 0}
	}
	for name, err := range map[string]error{
		"no customers": func() error {
			_, err := ggompertz.CovLimitScoreTest(nil, nil, clv.Covariates{Names: z.Names}, lim)
			return err
		}(),
		"bad customer": func() error { _, err := ggompertz.CovLimitScoreTest(nil, bad, z, lim); return err }(),
		"other names": func() error {
			_, err := ggompertz.CovLimitScoreTest(nil, cs, clv.Covariates{Names: []string{"a", "b"}, Values: z.Values}, lim)
			return err
		}(),
		"bad params": func() error {
			l := lim
			l.R = -1
			_, err := ggompertz.CovLimitScoreTest(nil, cs, z, l)
			return err
		}(),
		"constant covariates": func() error { _, err := ggompertz.CovLimitScoreTest(nil, cs, constant, lim); return err }(),
		"done":                func() error { _, err := ggompertz.CovLimitScoreTest(ctx, cs, z, lim); return err }(),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
		if name == "constant covariates" && !errors.Is(err, clv.ErrNotIdentified) || name == "done" && !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
