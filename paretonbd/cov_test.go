package paretonbd_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/reftest"
	"github.com/clvkit/clvkit/paretonbd"
)

// covRef returns CLVTools' parameters of a model of
// clvtools_covariates.json as CovParams.
func covRef(a *reftest.Apparel, name string) paretonbd.CovParams {
	p := a.Models[name].Params
	return paretonbd.CovParams{
		Params: paretonbd.Params{R: p["r"], Alpha: p["alpha"], S: p["s"], Beta: p["beta"]},
		Names:  []string{"Gender", "Channel"},
		Trans:  []float64{p["trans.Gender"], p["trans.Channel"]},
		Life:   []float64{p["life.Gender"], p["life.Channel"]},
	}
}

// Tolerances of the comparison with CLVTools.
const (
	covLLTol    = 1e-6 // our maximum is at least CLVTools' (absolute)
	covParamTol = 2e-3 // relative: CLVTools' L-BFGS-B stops within about 1e-3 of the optimum
	covPredTol  = 1e-6 // same parameters, same formulas: relative
)

// TestFitCovariatesApparel fits the Pareto/NBD with static covariates to
// CLVTools' apparel data and compares with CLVTools' fit (LL −5821.063).
func TestFitCovariatesApparel(t *testing.T) {
	a := reftest.LoadApparel(t)
	m, err := paretonbd.FitCovariates(context.Background(), a.Customers, a.Covariates, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ref := a.Models["pnbd_static"]
	if ll := m.LogLikelihood(); ll < ref.LogLikelihood-covLLTol || ll > ref.LogLikelihood+0.01 {
		t.Errorf("LL = %.8f, CLVTools %.8f", ll, ref.LogLikelihood)
	}
	p, want := m.Params(), covRef(a, "pnbd_static")
	got := []float64{p.R, p.Alpha, p.S, p.Beta, p.Trans[0], p.Trans[1], p.Life[0], p.Life[1]}
	exp := []float64{want.R, want.Alpha, want.S, want.Beta, want.Trans[0], want.Trans[1], want.Life[0], want.Life[1]}
	names := []string{"r", "alpha", "s", "beta", "trans.Gender", "trans.Channel", "life.Gender", "life.Channel"}
	se, ok := m.StdErrors()
	if !ok {
		t.Fatal("no standard errors")
	}
	gotSE := []float64{se.R, se.Alpha, se.S, se.Beta, se.Trans[0], se.Trans[1], se.Life[0], se.Life[1]}
	for i, n := range names {
		if math.Abs(got[i]-exp[i]) > covParamTol*math.Abs(exp[i]) {
			t.Errorf("%s = %.6g, CLVTools %.6g", n, got[i], exp[i])
		}
		// CLVTools' standard errors come from its optimizer's Hessian
		// at a point slightly off ours: agreement to 1% (measured: 5e-4).
		if w := ref.StdErrors[n]; math.Abs(gotSE[i]-w) > 0.01*w {
			t.Errorf("se(%s) = %.6g, CLVTools %.6g", n, gotSE[i], w)
		}
	}
	if info := m.FitInfo(); info.Status != clv.Converged || info.NumParams != 8 || info.Customers != 600 {
		t.Errorf("fit info %+v", info)
	}
	t.Logf("%v; %+v", m, m.FitInfo())
	eff, err := m.Effects(0.95)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eff {
		if !(e.Lo < e.Ratio && e.Ratio < e.Hi) || math.Abs(math.Log(e.Ratio)-e.Gamma) > 1e-15 {
			t.Errorf("effect %+v", e)
		}
		t.Log(e)
	}
}

// TestCovariatesPredictions compares P(alive), CET over the holdout
// (207.14 weeks) and DERT of every apparel customer at CLVTools'
// parameters with CLVTools' predictions.
func TestCovariatesPredictions(t *testing.T) {
	a := reftest.LoadApparel(t)
	m, err := paretonbd.NewCovariates(covRef(a, "pnbd_static"))
	if err != nil {
		t.Fatal(err)
	}
	// CLVTools' default continuous.discount.factor 0.1 is a rate d per
	// period, discounted continuously at δ = ln(1+d).
	delta := math.Log1p(0.1)
	h := a.Predictions["period.length"][0]
	pa, err := m.ProbabilityAliveAll(a.Customers, a.Covariates)
	if err != nil {
		t.Fatal(err)
	}
	cet, err := m.ConditionalExpectedPurchasesAll(a.Customers, a.Covariates, h)
	if err != nil {
		t.Fatal(err)
	}
	dert, err := m.DERTAll(a.Customers, a.Covariates, delta)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range a.Customers {
		z := a.Covariates.Values[i]
		for _, q := range []struct {
			name      string
			got, one  float64
			reference float64
		}{
			{"PAlive", pa[i], m.ProbabilityAlive(c, z), a.Predictions["pnbd_static_PAlive"][i]},
			{"CET", cet[i], m.ConditionalExpectedPurchases(c, z, h), a.Predictions["pnbd_static_CET"][i]},
			{"DERT", dert[i], m.DERT(c, z, delta), a.Predictions["pnbd_static_DERT"][i]},
		} {
			if q.got != q.one || math.Abs(q.got-q.reference) > covPredTol*math.Max(q.reference, 1e-3) {
				t.Errorf("customer %s: %s = %.10g (one by one %.10g), CLVTools %.10g", c.ID, q.name, q.got, q.one, q.reference)
			}
		}
	}
}

// TestCovariatesZeroIsPlain: with every covariate 0, the fit is the fit
// without covariates (γ = 0 at the optimum), and predictions are the
// plain model's.
func TestCovariatesZeroIsPlain(t *testing.T) {
	a := reftest.LoadApparel(t)
	plain, err := paretonbd.Fit(a.Customers, paretonbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	z := clv.Covariates{Names: []string{"none"}, Values: make([][]float64, len(a.Customers))}
	for i := range z.Values {
		z.Values[i] = []float64{0}
	}
	m, err := paretonbd.FitCovariates(context.Background(), a.Customers, z, paretonbd.CovFitOptions{})
	if err == nil || !errors.Is(err, clv.ErrNotIdentified) {
		// γ does not enter the likelihood: the Hessian is singular.
		t.Fatalf("err = %v, want ErrNotIdentified", err)
	}
	p, q := m.Params(), plain.Params()
	if math.Abs(m.LogLikelihood()-plain.LogLikelihood()) > 1e-9*math.Abs(plain.LogLikelihood()) ||
		math.Abs(p.R-q.R) > 1e-5*q.R || math.Abs(p.Beta-q.Beta) > 1e-4*q.Beta || p.Trans[0] != 0 || p.Life[0] != 0 {
		t.Errorf("zero covariates: %v, plain %v", m, plain)
	}
	// At given parameters, z = 0 gives the plain model exactly.
	cm, err := paretonbd.NewCovariates(paretonbd.CovParams{Params: q, Names: []string{"g"}, Trans: []float64{0.7}, Life: []float64{-0.3}})
	if err != nil {
		t.Fatal(err)
	}
	one, err := cm.Customer([]float64{0})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range a.Customers[:50] {
		if one.ProbabilityAlive(c) != plain.ProbabilityAlive(c) || cm.DERT(c, []float64{0}, 0.01) != plain.DERT(c, 0.01) ||
			cm.ConditionalExpectedPurchases(c, []float64{0}, 52) != plain.ConditionalExpectedPurchases(c, 52) {
			t.Fatalf("customer %s: z = 0 differs from the plain model", c.ID)
		}
	}
}

// covSimulate draws n customers in four groups of two binary covariates
// from p, observed 26 to 104 weeks.
func covSimulate(tb testing.TB, p paretonbd.CovParams, n int, seed uint64) ([]clv.Customer, clv.Covariates) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	z := clv.Covariates{Names: p.Names, Values: make([][]float64, n)}
	T := make([]float64, n)
	for i := range n {
		z.Values[i] = []float64{float64(rng.IntN(2)), float64(rng.IntN(2))}
		T[i] = 26 + float64(rng.IntN(79))
	}
	m, err := paretonbd.NewCovariates(p)
	if err != nil {
		tb.Fatal(err)
	}
	cs, err := m.Simulate(rand.NewPCG(seed, 1), T, z)
	if err != nil {
		tb.Fatal(err)
	}
	return cs, z
}

// TestCovariatesRecovery fits customers simulated with known effects and
// finds every parameter within 3 standard errors.
func TestCovariatesRecovery(t *testing.T) {
	truth := paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 0.7, Beta: 12},
		Names: []string{"loyalty", "online"}, Trans: []float64{0.5, -0.3}, Life: []float64{-0.8, 0.4}}
	cs, z := covSimulate(t, truth, 20000, 3)
	m, err := paretonbd.FitCovariates(context.Background(), cs, z, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := m.Params(), 0
	se, ok := m.StdErrors()
	if !ok {
		t.Fatal("no standard errors")
	}
	got := []float64{p.R, p.Alpha, p.S, p.Beta, p.Trans[0], p.Trans[1], p.Life[0], p.Life[1]}
	want := []float64{truth.R, truth.Alpha, truth.S, truth.Beta, truth.Trans[0], truth.Trans[1], truth.Life[0], truth.Life[1]}
	ses := []float64{se.R, se.Alpha, se.S, se.Beta, se.Trans[0], se.Trans[1], se.Life[0], se.Life[1]}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 3*ses[i] {
			t.Errorf("parameter %d = %.4g ± %.2g, truth %.4g", i, got[i], ses[i], want[i])
		}
	}
	t.Logf("%v", m)
}

// TestCovariatesSameAndPenalty: a coefficient shared by both processes is
// one parameter; a penalty shrinks the coefficients toward 0.
func TestCovariatesSameAndPenalty(t *testing.T) {
	a := reftest.LoadApparel(t)
	ctx := context.Background()
	free, err := paretonbd.FitCovariates(ctx, a.Customers, a.Covariates, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	same, err := paretonbd.FitCovariates(ctx, a.Customers, a.Covariates, paretonbd.CovFitOptions{Same: []string{"Gender"}})
	if err != nil {
		t.Fatal(err)
	}
	p := same.Params()
	if p.Trans[0] != p.Life[0] || same.FitInfo().NumParams != 7 || same.LogLikelihood() > free.LogLikelihood() {
		t.Errorf("same: %v (%d params), free LL %.4f", same, same.FitInfo().NumParams, free.LogLikelihood())
	}
	if se, _ := same.StdErrors(); se.Trans[0] != se.Life[0] {
		t.Errorf("shared coefficient's standard errors %v, %v", se.Trans[0], se.Life[0])
	}
	pen, err := paretonbd.FitCovariates(ctx, a.Customers, a.Covariates, paretonbd.CovFitOptions{Penalizer: 10})
	if err != nil {
		t.Fatal(err)
	}
	q, f := pen.Params(), free.Params()
	for j := range 2 {
		if !(math.Abs(q.Trans[j]) < math.Abs(f.Trans[j]) && math.Abs(q.Life[j]) < math.Abs(f.Life[j])) {
			t.Errorf("penalized %v, free %v", pen, free)
		}
	}
	if _, err := paretonbd.FitCovariates(ctx, a.Customers, a.Covariates, paretonbd.CovFitOptions{Same: []string{"Age"}}); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("Same names no covariate: err = %v", err)
	}
}

// TestCovariatesBadInput: errors, never panics, for invalid arguments.
func TestCovariatesBadInput(t *testing.T) {
	cs := []clv.Customer{{ID: "a", Frequency: 2, Recency: 5, T: 10}, {ID: "b", T: 8}}
	ctx := context.Background()
	ok := clv.Covariates{Names: []string{"g"}, Values: [][]float64{{1}, {0}}}
	for name, z := range map[string]clv.Covariates{
		"NaN":          {Names: []string{"g"}, Values: [][]float64{{math.NaN()}, {0}}},
		"Inf":          {Names: []string{"g"}, Values: [][]float64{{1}, {math.Inf(-1)}}},
		"ragged":       {Names: []string{"g"}, Values: [][]float64{{1}, {0, 1}}},
		"short":        {Names: []string{"g"}, Values: [][]float64{{1}}},
		"no names":     {Values: [][]float64{{}, {}}},
		"repeated":     {Names: []string{"g", "g"}, Values: [][]float64{{1, 1}, {0, 0}}},
		"empty name":   {Names: []string{""}, Values: [][]float64{{1}, {0}}},
		"nil vectors":  {Names: []string{"g"}},
		"nil in place": {Names: []string{"g"}, Values: [][]float64{nil, {0}}},
	} {
		if _, err := paretonbd.FitCovariates(ctx, cs, z, paretonbd.CovFitOptions{}); !errors.Is(err, clv.ErrInvalidCovariates) {
			t.Errorf("%s: fit err = %v", name, err)
		}
		m, _ := paretonbd.NewCovariates(paretonbd.CovParams{Params: paretonbd.Params{R: 1, Alpha: 1, S: 1, Beta: 1}, Names: []string{"g"}, Trans: []float64{1}, Life: []float64{1}})
		if _, err := m.ProbabilityAliveAll(cs, z); !errors.Is(err, clv.ErrInvalidCovariates) {
			t.Errorf("%s: batch err = %v", name, err)
		}
	}
	bad := []clv.Customer{{ID: "a", Frequency: 2, Recency: 11, T: 10}, {ID: "b", T: 8}}
	if _, err := paretonbd.FitCovariates(ctx, bad, ok, paretonbd.CovFitOptions{}); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("invalid customer: err = %v", err)
	}
	if _, err := paretonbd.FitCovariates(ctx, nil, clv.Covariates{Names: []string{"g"}}, paretonbd.CovFitOptions{}); !errors.Is(err, clv.ErrNoCustomers) {
		t.Errorf("no customers: err = %v", err)
	}
	if _, err := paretonbd.FitCovariates(ctx, cs, ok, paretonbd.CovFitOptions{Weights: []float64{1}}); err == nil {
		t.Error("short weights: no error")
	}
	if _, err := paretonbd.FitCovariates(ctx, cs, ok, paretonbd.CovFitOptions{Penalizer: math.NaN()}); err == nil {
		t.Error("NaN penalizer: no error")
	}
	for _, p := range []paretonbd.CovParams{
		{Params: paretonbd.Params{R: 1, Alpha: 1, S: 1, Beta: 1}, Names: []string{"g"}, Trans: []float64{1}},
		{Params: paretonbd.Params{R: 1, Alpha: 1, S: 1, Beta: 1}, Names: []string{"g"}, Trans: []float64{math.NaN()}, Life: []float64{0}},
		{Params: paretonbd.Params{R: -1, Alpha: 1, S: 1, Beta: 1}, Names: []string{"g"}, Trans: []float64{0}, Life: []float64{0}},
	} {
		if _, err := paretonbd.NewCovariates(p); err == nil {
			t.Errorf("NewCovariates(%+v): no error", p)
		}
	}
	m, err := paretonbd.NewCovariates(paretonbd.CovParams{Params: paretonbd.Params{R: 1, Alpha: 1, S: 1, Beta: 1}, Names: []string{"g"}, Trans: []float64{800}, Life: []float64{0}})
	if err != nil {
		t.Fatal(err)
	}
	// α·exp(−800) underflows to 0: invalid parameters for that customer.
	if v := m.ProbabilityAlive(cs[0], []float64{1}); !math.IsNaN(v) {
		t.Errorf("overflowing parameters: P(alive) = %v", v)
	}
	if _, err := m.ProbabilityAliveAll(cs, ok); !errors.Is(err, clv.ErrInvalidParams) {
		t.Errorf("overflowing parameters: err = %v", err)
	}
	if v := m.ProbabilityAlive(cs[0], []float64{1, 2}); !math.IsNaN(v) {
		t.Errorf("long z: P(alive) = %v", v)
	}
	var zero paretonbd.CovModel
	if _, err := zero.ProbabilityAliveAll(cs, ok); err == nil {
		t.Error("zero CovModel: no error")
	}
	if v := zero.ProbabilityAlive(cs[0], []float64{1}); !math.IsNaN(v) {
		t.Errorf("zero CovModel: P(alive) = %v", v)
	}
}

// TestCovariatesContinuous: a numeric covariate with a value per customer
// (every customer its own group) is fitted too, its effect recovered
// within 3 standard errors, and the fit does not depend on the order of
// the customers.
func TestCovariatesContinuous(t *testing.T) {
	truth := paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 0.7, Beta: 12},
		Names: []string{"age"}, Trans: []float64{0.4}, Life: []float64{-0.5}}
	const n = 4000
	rng := rand.New(rand.NewPCG(5, 5))
	z := clv.Covariates{Names: truth.Names, Values: make([][]float64, n)}
	T := make([]float64, n)
	for i := range n {
		z.Values[i] = []float64{rng.NormFloat64()}
		T[i] = 26 + float64(rng.IntN(79))
	}
	sim, err := paretonbd.NewCovariates(truth)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := sim.Simulate(rand.NewPCG(6, 6), T, z)
	if err != nil {
		t.Fatal(err)
	}
	m, err := paretonbd.FitCovariates(context.Background(), cs, z, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := m.Params(), 0
	se, _ := m.StdErrors()
	if math.Abs(p.Trans[0]-0.4) > 3*se.Trans[0] || math.Abs(p.Life[0]+0.5) > 3*se.Life[0] || m.FitInfo().Rows < n/2 {
		t.Errorf("%v, se %v %v, %d rows", m, se.Trans, se.Life, m.FitInfo().Rows)
	}
	// Reversed order: the same estimate, bit for bit.
	rc, rz := make([]clv.Customer, n), clv.Covariates{Names: z.Names, Values: make([][]float64, n)}
	for i := range n {
		rc[i], rz.Values[i] = cs[n-1-i], z.Values[n-1-i]
	}
	r, err := paretonbd.FitCovariates(context.Background(), rc, rz, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if q := r.Params(); q.Params != p.Params || q.Trans[0] != p.Trans[0] || q.Life[0] != p.Life[0] {
		t.Errorf("reversed: %v, was %v", r, m)
	}
	t.Logf("%v %+v", m, m.FitInfo())
}

// TestCovariatesCancel: a cancelled context stops the fit with its error.
func TestCovariatesCancel(t *testing.T) {
	a := reftest.LoadApparel(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := paretonbd.FitCovariates(ctx, a.Customers, a.Covariates, paretonbd.CovFitOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestCovariatesErrorNamesCustomer: the error of an invalid customer
// names its index among all customers, not within its group.
func TestCovariatesErrorNamesCustomer(t *testing.T) {
	cs := []clv.Customer{{ID: "a", Frequency: 2, Recency: 5, T: 10}, {ID: "b", T: 8}, {ID: "c", Frequency: 1, Recency: 9, T: 8}}
	z := clv.Covariates{Names: []string{"g"}, Values: [][]float64{{0}, {1}, {1}}}
	_, err := paretonbd.FitCovariates(context.Background(), cs, z, paretonbd.CovFitOptions{})
	if !errors.Is(err, clv.ErrInvalidCustomer) || !strings.Contains(err.Error(), "customers[2]") {
		t.Errorf("err = %v, want customers[2] invalid", err)
	}
}

// TestCovariatesEffectTests: likelihood-ratio tests of the apparel
// effects agree with the Wald tests of the standard errors (the two are
// asymptotically equal: √LR ≈ |γ|/σ), a coefficient held at 0 is left
// out of the effects, and a covariate in Same is tested once.
func TestCovariatesEffectTests(t *testing.T) {
	a := reftest.LoadApparel(t)
	ctx := context.Background()
	for _, opts := range []paretonbd.CovFitOptions{{}, {Same: []string{"Gender"}}, {NoDropout: []string{"Gender"}}} {
		m, err := paretonbd.FitCovariates(ctx, a.Customers, a.Covariates, opts)
		if err != nil {
			t.Fatal(err)
		}
		eff, err := m.EffectTests(ctx, a.Customers, a.Covariates, opts, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		want := 4
		if opts.NoDropout != nil {
			want = 3
			if p := m.Params(); p.Life[0] != 0 || m.FitInfo().NumParams != 7 {
				t.Errorf("NoDropout: %v (%d params)", m, m.FitInfo().NumParams)
			}
		}
		if len(eff) != want {
			t.Fatalf("%+v: %d effects, want %d", opts, len(eff), want)
		}
		for _, e := range eff {
			wald := math.Abs(e.Gamma) / e.StdErr
			if math.Abs(math.Sqrt(e.LR)-wald) > 0.15*wald+0.2 || !(e.P >= 0 && e.P <= 1) {
				t.Errorf("%+v: %v: √LR = %.3f, Wald %.3f", opts, e, math.Sqrt(e.LR), wald)
			}
			t.Logf("%v (√LR %.3f, Wald %.3f)", e, math.Sqrt(e.LR), wald)
		}
		if opts.Same != nil && (eff[0].LR != eff[1].LR || eff[0].Gamma != eff[1].Gamma) {
			t.Errorf("Same: %v, %v", eff[0], eff[1])
		}
	}
	if _, err := paretonbd.FitCovariates(ctx, a.Customers, a.Covariates, paretonbd.CovFitOptions{Same: []string{"Gender"}, NoPurchase: []string{"Gender"}}); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("Same and NoPurchase: err = %v", err)
	}
	var zero paretonbd.CovModel
	if _, err := zero.EffectTests(ctx, a.Customers, a.Covariates, paretonbd.CovFitOptions{}, 0.95); err == nil {
		t.Error("zero model: no error")
	}
}
