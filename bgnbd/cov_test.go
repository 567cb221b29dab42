package bgnbd_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/reftest"
)

// covRef returns CLVTools' parameters of a model of
// clvtools_covariates.json as CovParams.
func covRef(a *reftest.Apparel, name string) bgnbd.CovParams {
	p := a.Models[name].Params
	return bgnbd.CovParams{
		Params: bgnbd.Params{R: p["r"], Alpha: p["alpha"], A: p["a"], B: p["b"]},
		Names:  []string{"Gender", "Channel"},
		Trans:  []float64{p["trans.Gender"], p["trans.Channel"]},
		Life:   []float64{p["life.Gender"], p["life.Channel"]},
	}
}

const covPredTol = 1e-6 // same parameters, same formulas: relative

// TestFitCovariatesApparel fits the BG/NBD with static covariates to
// CLVTools' apparel data. CLVTools' fit did not converge (a = 4571,
// b = 33748, LL −5839.862, its first-order check failed): the likelihood
// rises toward the limit where a and b are infinite, and so does ours,
// to a likelihood at least CLVTools', at a boundary.
func TestFitCovariatesApparel(t *testing.T) {
	a := reftest.LoadApparel(t)
	m, err := bgnbd.FitCovariates(context.Background(), a.Customers, a.Covariates, bgnbd.CovFitOptions{})
	t.Logf("%v; %+v", m, m.FitInfo())
	if !errors.Is(err, clv.ErrBoundary) {
		t.Fatalf("err = %v, want ErrBoundary", err)
	}
	ref := a.Models["bgnbd_static"]
	if ll := m.LogLikelihood(); ll < ref.LogLikelihood {
		t.Errorf("LL = %.8f, CLVTools %.8f", ll, ref.LogLikelihood)
	}
	p := m.Params()
	if info := m.FitInfo(); info.Status != clv.AtBoundary || !(p.A > 1e4 && p.B > 1e4) || info.Reason == "" {
		t.Errorf("fit info %+v", info)
	}
	// The limit's mean dropout probability and purchase effects are
	// determined: compare with CLVTools' point on the way there.
	r := covRef(a, "bgnbd_static")
	if got, want := p.A/(p.A+p.B), r.A/(r.A+r.B); math.Abs(got-want) > 0.01*want {
		t.Errorf("a/(a+b) = %.5g, CLVTools %.5g", got, want)
	}
}

// TestCovariatesPredictions compares P(alive) and CET over the holdout
// (207.14 weeks) of every apparel customer at CLVTools' parameters, with
// and without covariates, with CLVTools' predictions.
func TestCovariatesPredictions(t *testing.T) {
	a := reftest.LoadApparel(t)
	h := a.Predictions["period.length"][0]
	nocov := covRef(a, "bgnbd_nocov")
	nocov.Trans, nocov.Life = []float64{0, 0}, []float64{0, 0}
	for name, p := range map[string]bgnbd.CovParams{"bgnbd_static": covRef(a, "bgnbd_static"), "bgnbd_nocov": nocov} {
		m, err := bgnbd.NewCovariates(bgnbd.BGNBD, p)
		if err != nil {
			t.Fatal(err)
		}
		pa, err := m.ProbabilityAliveAll(a.Customers, a.Covariates)
		if err != nil {
			t.Fatal(err)
		}
		cet, err := m.ConditionalExpectedPurchasesAll(a.Customers, a.Covariates, h)
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
				{"PAlive", pa[i], m.ProbabilityAlive(c, z), a.Predictions[name+"_PAlive"][i]},
				{"CET", cet[i], m.ConditionalExpectedPurchases(c, z, h), a.Predictions[name+"_CET"][i]},
			} {
				if q.got != q.one || math.Abs(q.got-q.reference) > covPredTol*math.Max(q.reference, 1e-3) {
					t.Errorf("%s customer %s: %s = %.10g (one by one %.10g), CLVTools %.10g", name, c.ID, q.name, q.got, q.one, q.reference)
				}
			}
		}
	}
}

// covSimulate draws n customers of the variant in four groups of two
// binary covariates from p, observed 26 to 104 weeks.
func covSimulate(tb testing.TB, v bgnbd.Variant, p bgnbd.CovParams, n int, seed uint64) ([]clv.Customer, clv.Covariates) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	z := clv.Covariates{Names: p.Names, Values: make([][]float64, n)}
	T := make([]float64, n)
	for i := range n {
		z.Values[i] = []float64{float64(rng.IntN(2)), float64(rng.IntN(2))}
		T[i] = 26 + float64(rng.IntN(79))
	}
	m, err := bgnbd.NewCovariates(v, p)
	if err != nil {
		tb.Fatal(err)
	}
	cs, err := m.Simulate(rand.NewPCG(seed, 1), T, z)
	if err != nil {
		tb.Fatal(err)
	}
	return cs, z
}

// TestCovariatesRecovery fits BG/NBD and MBG/NBD customers simulated with
// known effects and finds every parameter within 3 standard errors.
func TestCovariatesRecovery(t *testing.T) {
	truth := bgnbd.CovParams{Params: bgnbd.Params{R: 0.8, Alpha: 10, A: 0.8, B: 3},
		Names: []string{"loyalty", "online"}, Trans: []float64{0.5, -0.3}, Life: []float64{-0.6, 0.5}}
	for _, v := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
		cs, z := covSimulate(t, v, truth, 20000, 3)
		m, err := bgnbd.FitCovariates(context.Background(), cs, z, bgnbd.CovFitOptions{Variant: v})
		if err != nil {
			t.Fatal(err)
		}
		p := m.Params()
		se, ok := m.StdErrors()
		if !ok {
			t.Fatal("no standard errors")
		}
		got := []float64{p.R, p.Alpha, p.A, p.B, p.Trans[0], p.Trans[1], p.Life[0], p.Life[1]}
		want := []float64{truth.R, truth.Alpha, truth.A, truth.B, truth.Trans[0], truth.Trans[1], truth.Life[0], truth.Life[1]}
		ses := []float64{se.R, se.Alpha, se.A, se.B, se.Trans[0], se.Trans[1], se.Life[0], se.Life[1]}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 3*ses[i] {
				t.Errorf("%v: parameter %d = %.4g ± %.2g, truth %.4g", v, i, got[i], ses[i], want[i])
			}
		}
		if m.Variant() != v || m.FitInfo().Status != clv.Converged {
			t.Errorf("%v: %v %+v", v, m, m.FitInfo())
		}
		t.Logf("%v", m)
	}
}

// TestCovariatesZeroIsPlain: with z = 0 a CovModel's customer is the
// plain model, bit for bit, for both variants; a covariate that is 0 for
// everyone leaves the fit the plain fit (and γ not identified).
func TestCovariatesZeroIsPlain(t *testing.T) {
	a := reftest.LoadApparel(t)
	for _, v := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
		plain, err := bgnbd.FitContext(context.Background(), a.Customers, bgnbd.FitOptions{Variant: v})
		if err != nil {
			t.Fatal(err)
		}
		z := clv.Covariates{Names: []string{"none"}, Values: make([][]float64, len(a.Customers))}
		for i := range z.Values {
			z.Values[i] = []float64{0}
		}
		m, err := bgnbd.FitCovariates(context.Background(), a.Customers, z, bgnbd.CovFitOptions{Variant: v})
		if !errors.Is(err, clv.ErrNotIdentified) {
			t.Fatalf("%v: err = %v, want ErrNotIdentified", v, err)
		}
		p, q := m.Params(), plain.Params()
		if math.Abs(m.LogLikelihood()-plain.LogLikelihood()) > 1e-9*math.Abs(plain.LogLikelihood()) ||
			math.Abs(p.R-q.R) > 1e-5*q.R || math.Abs(p.B-q.B) > 1e-4*q.B || p.Trans[0] != 0 || p.Life[0] != 0 {
			t.Errorf("%v: zero covariates: %v, plain %v", v, m, plain)
		}
		cm, err := bgnbd.NewCovariates(v, bgnbd.CovParams{Params: q, Names: []string{"g"}, Trans: []float64{0.7}, Life: []float64{-0.3}})
		if err != nil {
			t.Fatal(err)
		}
		one, err := cm.Customer([]float64{0})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range a.Customers[:50] {
			if one.ProbabilityAlive(c) != plain.ProbabilityAlive(c) || cm.ProbabilityAlive(c, []float64{0}) != plain.ProbabilityAlive(c) ||
				cm.ConditionalExpectedPurchases(c, []float64{0}, 52) != plain.ConditionalExpectedPurchases(c, 52) {
				t.Fatalf("%v customer %s: z = 0 differs from the plain model", v, c.ID)
			}
		}
	}
}

// TestCovariatesBadInput: errors, never panics, for invalid arguments.
func TestCovariatesBadInput(t *testing.T) {
	cs := []clv.Customer{{ID: "a", Frequency: 2, Recency: 5, T: 10}, {ID: "b", T: 8}}
	ctx := context.Background()
	ok := clv.Covariates{Names: []string{"g"}, Values: [][]float64{{1}, {0}}}
	base := bgnbd.CovParams{Params: bgnbd.Params{R: 1, Alpha: 1, A: 1, B: 1}, Names: []string{"g"}, Trans: []float64{1}, Life: []float64{1}}
	for name, z := range map[string]clv.Covariates{
		"NaN":        {Names: []string{"g"}, Values: [][]float64{{math.NaN()}, {0}}},
		"ragged":     {Names: []string{"g"}, Values: [][]float64{{1}, {0, 1}}},
		"short":      {Names: []string{"g"}, Values: [][]float64{{1}}},
		"no names":   {Values: [][]float64{{}, {}}},
		"repeated":   {Names: []string{"g", "g"}, Values: [][]float64{{1, 1}, {0, 0}}},
		"other name": {Names: []string{"h"}, Values: [][]float64{{1}, {0}}},
	} {
		if name != "other name" {
			if _, err := bgnbd.FitCovariates(ctx, cs, z, bgnbd.CovFitOptions{}); !errors.Is(err, clv.ErrInvalidCovariates) {
				t.Errorf("%s: fit err = %v", name, err)
			}
		}
		m, _ := bgnbd.NewCovariates(bgnbd.BGNBD, base)
		if _, err := m.ConditionalExpectedPurchasesAll(cs, z, 10); !errors.Is(err, clv.ErrInvalidCovariates) {
			t.Errorf("%s: batch err = %v", name, err)
		}
		if _, err := m.Simulate(rand.NewPCG(1, 1), []float64{1, 2}, z); !errors.Is(err, clv.ErrInvalidCovariates) && name != "other name" {
			t.Errorf("%s: simulate err = %v", name, err)
		}
	}
	bad := []clv.Customer{{ID: "a", Frequency: 2, Recency: 11, T: 10}, {ID: "b", T: 8}}
	if _, err := bgnbd.FitCovariates(ctx, bad, ok, bgnbd.CovFitOptions{}); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("invalid customer: err = %v", err)
	}
	if _, err := bgnbd.FitCovariates(ctx, cs, ok, bgnbd.CovFitOptions{Variant: 7}); err == nil {
		t.Error("unknown variant: no error")
	}
	if _, err := bgnbd.NewCovariates(7, base); err == nil {
		t.Error("unknown variant: no error")
	}
	if _, err := bgnbd.FitCovariates(ctx, cs, ok, bgnbd.CovFitOptions{Same: []string{"x"}}); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("Same names no covariate: err = %v", err)
	}
	m, _ := bgnbd.NewCovariates(bgnbd.BGNBD, base)
	if _, err := m.ProbabilityAliveAll(bad, ok); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("invalid customer in batch: err = %v", err)
	}
	if v := m.ProbabilityAlive(cs[0], []float64{math.Inf(1)}); !math.IsNaN(v) {
		t.Errorf("infinite z: P(alive) = %v", v)
	}
	var zero bgnbd.CovModel
	if _, err := zero.ProbabilityAliveAll(cs, ok); err == nil {
		t.Error("zero CovModel: no error")
	}
	if _, err := zero.Effects(0.95); err != nil {
		t.Errorf("zero CovModel's effects: %v", err)
	}
}

// TestCovariatesWeights: a weight of 2 is the customer twice, and a group
// of customers observed for no time adds nothing.
func TestCovariatesWeights(t *testing.T) {
	a := reftest.LoadApparel(t)
	ctx := context.Background()
	n := 300
	cs, z := a.Customers[:n], clv.Covariates{Names: a.Covariates.Names, Values: a.Covariates.Values[:n]}
	w := make([]float64, n)
	var dc []clv.Customer
	dz := clv.Covariates{Names: z.Names}
	for i := range n {
		w[i] = float64(1 + i%2)
		for range int(w[i]) {
			dc = append(dc, cs[i])
			dz.Values = append(dz.Values, z.Values[i])
		}
	}
	mw, err := bgnbd.FitCovariates(ctx, cs, z, bgnbd.CovFitOptions{Weights: w, Variant: bgnbd.MBGNBD})
	if err != nil {
		t.Fatal(err)
	}
	md, err := bgnbd.FitCovariates(ctx, dc, dz, bgnbd.CovFitOptions{Variant: bgnbd.MBGNBD})
	if err != nil {
		t.Fatal(err)
	}
	pw, pd := mw.Params(), md.Params()
	if math.Abs(mw.LogLikelihood()-md.LogLikelihood()) > 1e-9*math.Abs(md.LogLikelihood()) ||
		math.Abs(pw.Trans[1]-pd.Trans[1]) > 1e-5 || mw.FitInfo().Customers != len(dc) {
		t.Errorf("weighted %v %+v, duplicated %v", mw, mw.FitInfo(), md)
	}
	// Customers observed for no time, with a vector of their own.
	ec := append(append([]clv.Customer(nil), cs...), clv.Customer{ID: "new1"}, clv.Customer{ID: "new2"})
	ez := clv.Covariates{Names: z.Names, Values: append(append([][]float64(nil), z.Values...), []float64{5, 5}, []float64{5, 5})}
	me, err := bgnbd.FitCovariates(ctx, ec, ez, bgnbd.CovFitOptions{Variant: bgnbd.MBGNBD})
	if err != nil {
		t.Fatal(err)
	}
	mp, err := bgnbd.FitCovariates(ctx, cs, z, bgnbd.CovFitOptions{Variant: bgnbd.MBGNBD})
	if err != nil {
		t.Fatal(err)
	}
	if me.LogLikelihood() != mp.LogLikelihood() || me.FitInfo().Customers != n+2 {
		t.Errorf("with customers observed for no time: %v, without %v", me, mp)
	}
}

// TestCovariatesEffectTests: likelihood-ratio tests agree with the Wald
// tests of the standard errors (√LR ≈ |γ|/σ); an effect held at 0 is
// left out.
func TestCovariatesEffectTests(t *testing.T) {
	truth := bgnbd.CovParams{Params: bgnbd.Params{R: 0.8, Alpha: 10, A: 0.8, B: 3},
		Names: []string{"loyalty", "online"}, Trans: []float64{0.2, -0.1}, Life: []float64{-0.6, 0}}
	cs, z := covSimulate(t, bgnbd.MBGNBD, truth, 5000, 9)
	ctx := context.Background()
	opts := bgnbd.CovFitOptions{Variant: bgnbd.MBGNBD, NoDropout: []string{"online"}}
	m, err := bgnbd.FitCovariates(ctx, cs, z, opts)
	if err != nil {
		t.Fatal(err)
	}
	eff, err := m.EffectTests(ctx, cs, z, opts, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	if len(eff) != 3 || m.Params().Life[1] != 0 {
		t.Fatalf("%v: %d effects", m, len(eff))
	}
	for _, e := range eff {
		wald := math.Abs(e.Gamma) / e.StdErr
		if math.Abs(math.Sqrt(e.LR)-wald) > 0.15*wald+0.2 || !(e.P >= 0 && e.P <= 1) {
			t.Errorf("%v: √LR = %.3f, Wald %.3f", e, math.Sqrt(e.LR), wald)
		}
		t.Logf("%v (√LR %.3f, Wald %.3f)", e, math.Sqrt(e.LR), wald)
	}
}

// TestCovariatesContinuous: a numeric covariate with a value per customer
// (every customer its own group, evaluated customer by customer) has its
// effects recovered within 3 standard errors.
func TestCovariatesContinuous(t *testing.T) {
	truth := bgnbd.CovParams{Params: bgnbd.Params{R: 0.8, Alpha: 10, A: 0.8, B: 3},
		Names: []string{"age"}, Trans: []float64{0.4}, Life: []float64{-0.5}}
	const n = 4000
	rng := rand.New(rand.NewPCG(5, 5))
	z := clv.Covariates{Names: truth.Names, Values: make([][]float64, n)}
	T := make([]float64, n)
	for i := range n {
		z.Values[i] = []float64{rng.NormFloat64()}
		T[i] = 26 + float64(rng.IntN(79))
	}
	sim, err := bgnbd.NewCovariates(bgnbd.BGNBD, truth)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := sim.Simulate(rand.NewPCG(6, 6), T, z)
	if err != nil {
		t.Fatal(err)
	}
	m, err := bgnbd.FitCovariates(context.Background(), cs, z, bgnbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	se, _ := m.StdErrors()
	if math.Abs(p.Trans[0]-0.4) > 3*se.Trans[0] || math.Abs(p.Life[0]+0.5) > 3*se.Life[0] || m.FitInfo().Rows != n {
		t.Errorf("%v, se %v %v, %d rows", m, se.Trans, se.Life, m.FitInfo().Rows)
	}
	t.Logf("%v %+v", m, m.FitInfo())
}
