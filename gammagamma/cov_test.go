package gammagamma_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// covSample simulates n customers with 1 to 10 repeat purchases (a tenth
// with none) and covariates (online ∈ {0, 1}, size ~ N(0, 1)) from truth.
func covSample(t testing.TB, truth gammagamma.CovParams, n int, seed uint64) ([]clv.Customer, clv.Covariates) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	z := clv.Covariates{Names: truth.Names, Values: make([][]float64, n)}
	freq := make([]float64, n)
	for i := range n {
		z.Values[i] = []float64{float64(rng.IntN(2)), rng.NormFloat64()}
		freq[i] = float64(rng.IntN(11))
	}
	m, err := gammagamma.NewCovariates(truth)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := m.Simulate(rand.NewPCG(seed, 2), freq, z)
	if err != nil {
		t.Fatal(err)
	}
	return cs, z
}

var covTruth = gammagamma.CovParams{
	Params: gammagamma.Params{P: 6, Q: 4, Gamma: 15},
	Names:  []string{"online", "size"},
	Spend:  []float64{0.4, -0.2}, // mean spend ×1.49 online, ×0.82 per unit of size
}

// TestCovariatesRecover: on 6,000 simulated customers the fit recovers
// the base parameters and δ within 3.5 standard errors, the standard
// errors are those of a sample that size (δ's below 0.05), the intervals
// of the effects cover the truth, and the likelihood-ratio tests find
// both effects (p < 1e-6); the covariate model's likelihood is above the
// plain model's.
func TestCovariatesRecover(t *testing.T) {
	cs, z := covSample(t, covTruth, 6000, 20)
	m, err := gammagamma.FitCovariates(context.Background(), cs, z, gammagamma.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, se := m.Params(), must(m.StdErrors())
	t.Logf("%v\nse %v", m, se)
	check := func(name string, got, want, s float64) {
		if !(math.Abs(got-want) < 3.5*s) {
			t.Errorf("%s = %.4g, want %.4g ± 3.5·%.3g", name, got, want, s)
		}
	}
	check("p", p.P, 6, se.P)
	check("q", p.Q, 4, se.Q)
	check("gamma", p.Gamma, 15, se.Gamma)
	for j, n := range p.Names {
		check("spend."+n, p.Spend[j], covTruth.Spend[j], se.Spend[j])
		if !(se.Spend[j] > 0.002 && se.Spend[j] < 0.05) {
			t.Errorf("se(spend.%s) = %v, want (0.002, 0.05)", n, se.Spend[j])
		}
	}
	if info := m.FitInfo(); info.Status != clv.Converged || info.Excluded == 0 || info.NumParams != 5 || info.Customers+info.Excluded != 6000 {
		t.Errorf("fit info %+v", info)
	}
	eff, err := m.EffectTests(context.Background(), cs, z, gammagamma.CovFitOptions{}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if len(eff) != 2 {
		t.Fatalf("effects %v", eff)
	}
	for j, e := range eff {
		want := math.Exp(covTruth.Spend[j])
		if e.Process != clv.SpendProcess || e.Covariate != p.Names[j] || !(e.Lo < want && want < e.Hi) || !(e.P < 1e-6) || e.Ratio != math.Exp(p.Spend[j]) {
			t.Errorf("effect %d: %+v, want ratio %.3g inside, p < 1e-6", j, e, want)
		}
		t.Log(e)
	}
	plain, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !(m.LogLikelihood() > plain.LogLikelihood()+50) {
		t.Errorf("LL %v with covariates, %v without", m.LogLikelihood(), plain.LogLikelihood())
	}
}

func must[T any](v T, ok bool) T {
	if !ok {
		panic("not ok")
	}
	return v
}

// TestCovariatesNoEffect: δ = 0 in the simulation gives an effect whose
// interval holds 1 and whose LR test does not reject at 1%; a held
// reference (z = 0) reproduces the plain model bit for bit.
func TestCovariatesZeroReproduces(t *testing.T) {
	cs, z := covSample(t, gammagamma.CovParams{Params: covTruth.Params, Names: covTruth.Names, Spend: []float64{0, 0}}, 4000, 11)
	m, err := gammagamma.FitCovariates(context.Background(), cs, z, gammagamma.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eff, err := m.EffectTests(context.Background(), cs, z, gammagamma.CovFitOptions{}, 0.99)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eff {
		if !(e.Lo < 1 && 1 < e.Hi) || !(e.P > 0.01) {
			t.Errorf("no effect simulated: %v", e)
		}
	}
	plain, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Its maximum is at least the plain one (δ = 0 is in the model), and
	// not far above it (2 dof of noise).
	if d := m.LogLikelihood() - plain.LogLikelihood(); !(d > -1e-6 && d < 10) {
		t.Errorf("LL gain %v over the plain model with no effect simulated", d)
	}
	// z = 0 gives the plain model of the base parameters, bit for bit.
	base := plain.Params()
	cm, err := gammagamma.NewCovariates(gammagamma.CovParams{Params: base, Names: []string{"a"}, Spend: []float64{1.7}})
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := gammagamma.New(base)
	at, err := cm.Customer([]float64{0})
	if err != nil {
		t.Fatal(err)
	}
	if at.Params() != base {
		t.Errorf("z = 0: %v, want %v", at.Params(), base)
	}
	for _, c := range cs[:200] {
		if a, b := cm.ConditionalExpectedValue(c, []float64{0}), ref.ConditionalExpectedValue(c); a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
			t.Fatalf("customer %s: %v with z = 0, %v plain", c.ID, a, b)
		}
	}
	// One unit of z multiplies the population mean by exp(δ).
	if r := cm.PopulationMean([]float64{1}) / cm.PopulationMean([]float64{0}); math.Abs(r/math.Exp(1.7)-1) > 1e-14 {
		t.Errorf("population mean ratio %v, want e^1.7", r)
	}
}

// TestCovariatesBadInput: errors, never panics, on bad input.
func TestCovariatesBadInput(t *testing.T) {
	ctx := context.Background()
	good := []clv.Customer{{Frequency: 2, MonetaryValue: 10}, {Frequency: 1, MonetaryValue: 5}}
	z := clv.Covariates{Names: []string{"a"}, Values: [][]float64{{0}, {1}}}
	for name, f := range map[string]func() error{
		"no customers": func() error { _, err := gammagamma.FitCovariates(ctx, nil, z, gammagamma.CovFitOptions{}); return err },
		"short z": func() error {
			_, err := gammagamma.FitCovariates(ctx, good[:1], z, gammagamma.CovFitOptions{})
			return err
		},
		"no names": func() error {
			_, err := gammagamma.FitCovariates(ctx, good, clv.Covariates{}, gammagamma.CovFitOptions{})
			return err
		},
		"NaN z": func() error {
			_, err := gammagamma.FitCovariates(ctx, good, clv.Covariates{Names: []string{"a"}, Values: [][]float64{{math.NaN()}, {1}}}, gammagamma.CovFitOptions{})
			return err
		},
		"weights": func() error {
			_, err := gammagamma.FitCovariates(ctx, good, z, gammagamma.CovFitOptions{Weights: []float64{1}})
			return err
		},
		"neg weight": func() error {
			_, err := gammagamma.FitCovariates(ctx, good, z, gammagamma.CovFitOptions{Weights: []float64{1, -1}})
			return err
		},
		"penalizer": func() error {
			_, err := gammagamma.FitCovariates(ctx, good, z, gammagamma.CovFitOptions{Penalizer: math.Inf(1)})
			return err
		},
		"bad start": func() error {
			_, err := gammagamma.FitCovariates(ctx, good, z, gammagamma.CovFitOptions{Start: &gammagamma.Params{}})
			return err
		},
		"m ≤ 0": func() error {
			_, err := gammagamma.FitCovariates(ctx, []clv.Customer{{Frequency: 1, MonetaryValue: -1}, good[0]}, z, gammagamma.CovFitOptions{})
			return err
		},
		"x fractional": func() error {
			_, err := gammagamma.FitCovariates(ctx, []clv.Customer{{Frequency: 1.5, MonetaryValue: 1}, good[0]}, z, gammagamma.CovFitOptions{})
			return err
		},
		"all x = 0": func() error {
			_, err := gammagamma.FitCovariates(ctx, []clv.Customer{{}, {}}, z, gammagamma.CovFitOptions{})
			return err
		},
		"zero model": func() error { _, err := (&gammagamma.CovModel{}).Customer([]float64{0}); return err },
		"nil model":  func() error { _, err := (*gammagamma.CovModel)(nil).Effects(0.9); return err },
		"nil simulate": func() error {
			_, err := (*gammagamma.CovModel)(nil).Simulate(rand.NewPCG(1, 1), []float64{1}, z)
			return err
		},
		"zero all": func() error { _, err := (&gammagamma.CovModel{}).ConditionalExpectedValueAll(good, z); return err },
		"bad params": func() error {
			_, err := gammagamma.NewCovariates(gammagamma.CovParams{Params: covTruth.Params, Names: []string{"a"}, Spend: []float64{math.Inf(1)}})
			return err
		},
		"short spend": func() error {
			_, err := gammagamma.NewCovariates(gammagamma.CovParams{Params: covTruth.Params, Names: []string{"a", "b"}, Spend: []float64{0}})
			return err
		},
		"not fitted": func() error {
			m, _ := gammagamma.NewCovariates(covTruth)
			_, err := m.EffectTests(ctx, good, z, gammagamma.CovFitOptions{}, 0.9)
			return err
		},
		"huge z": func() error {
			m, _ := gammagamma.NewCovariates(covTruth)
			_, err := m.Customer([]float64{1e300, 0})
			return err
		},
		"wrong names": func() error {
			m, _ := gammagamma.NewCovariates(covTruth)
			_, err := m.ConditionalExpectedValueAll(good, z)
			return err
		},
		"bad level": func() error { m, _ := gammagamma.NewCovariates(covTruth); _, err := m.Effects(1); return err },
		"sim freq": func() error {
			m, _ := gammagamma.NewCovariates(covTruth)
			_, err := m.Simulate(rand.NewPCG(1, 1), []float64{-1}, clv.Covariates{Names: covTruth.Names, Values: [][]float64{{0, 0}}})
			return err
		},
		"sim nil src": func() error {
			m, _ := gammagamma.NewCovariates(covTruth)
			_, err := m.Simulate(nil, []float64{1}, clv.Covariates{Names: covTruth.Names, Values: [][]float64{{0, 0}}})
			return err
		},
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := gammagamma.FitCovariates(ctx, good, clv.Covariates{Names: []string{"a"}, Values: [][]float64{{0}, {math.Inf(1)}}}, gammagamma.CovFitOptions{}); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("infinite covariate: %v, want ErrInvalidCovariates", err)
	}
	if v := (&gammagamma.CovModel{}).PopulationMean([]float64{0}); !math.IsNaN(v) {
		t.Errorf("zero model's population mean %v", v)
	}
	// A context already done ends the fit with its error.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	cs, zz := covSample(t, covTruth, 200, 3)
	if _, err := gammagamma.FitCovariates(cctx, cs, zz, gammagamma.CovFitOptions{}); err == nil {
		t.Error("cancelled context: no error")
	}
}

// TestCovariatesJSON: a fitted model reads back from its JSON with the
// same parameters, standard errors, covariance, fit information and
// predictions; broken JSON is refused.
func TestCovariatesJSON(t *testing.T) {
	cs, z := covSample(t, covTruth, 1500, 5)
	m, err := gammagamma.FitCovariates(context.Background(), cs, z, gammagamma.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back gammagamma.CovModel
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	se1, _ := m.StdErrors()
	se2, ok := back.StdErrors()
	c1, _ := m.Covariance()
	c2, _ := back.Covariance()
	if !ok || !reflect.DeepEqual(back.Params(), m.Params()) || !reflect.DeepEqual(se1, se2) || !reflect.DeepEqual(c1, c2) || back.FitInfo() != m.FitInfo() {
		t.Errorf("round trip of %s:\n%v\n%v", b, &back, m)
	}
	if len(c1) != 5 || c1[3][3] != se1.Spend[0]*se1.Spend[0] && math.Abs(c1[3][3]/(se1.Spend[0]*se1.Spend[0])-1) > 1e-12 {
		t.Errorf("covariance %v, se %v", c1, se1)
	}
	for i, c := range cs[:50] {
		if a, b := m.ConditionalExpectedValue(c, z.Values[i]), back.ConditionalExpectedValue(c, z.Values[i]); a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
			t.Fatalf("customer %s: %v, read back %v", c.ID, a, b)
		}
	}
	for _, bad := range []string{
		`{"model":"gammagamma","params":{"p":1,"q":2,"gamma":1},"covariates":["g"],"spend":[0]}`,
		`{"model":"gammagamma_covariates","params":{"p":1,"q":2,"gamma":1e21},"covariates":["g"],"spend":[0]}`,
		`{"model":"gammagamma_covariates","params":{"p":1,"q":2,"gamma":1},"covariates":["g"]}`,
		`{"model":"gammagamma_covariates","params":{"p":1,"q":2,"gamma":1},"covariates":["g","g"],"spend":[0,0]}`,
		`{"model":"gammagamma_covariates","params":{"p":1,"q":2,"gamma":1},"covariates":["g"],"spend":[1],"no_spend":["g"]}`,
		`{"model":"gammagamma_covariates","params":{"p":1,"q":2,"gamma":1},"covariates":["g"],"spend":[0],"no_spend":["h"]}`,
		`{"model":"gammagamma_covariates","params":{"p":1,"q":2,"gamma":1},"covariates":["g"],"spend":[0],"std_errors":{"params":{"p":1,"q":1,"gamma":-1},"spend":[1]}}`,
		`{"model":"gammagamma_covariates","params":{"p":1,"q":2,"gamma":1},"covariates":["g"],"spend":[0],"std_errors":{"params":{"p":1,"q":1,"gamma":1},"spend":[]}}`,
		`{"model":"gammagamma_covariates","params":{"p":1,"q":2,"gamma":1},"covariates":["g"],"spend":[0],"covariance":[[1,0],[0,1]]}`,
		`{"model":"gammagamma_covariates","params":{"p":1,"q":2,"gamma":1},"covariates":["g"],"spend":[0],"covariance":[[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,2,1]]}`,
		`{"model":"gammagamma_covariates","params":{"p":1,"q":2,"gamma":1},"covariates":["g"],"spend":[0],"fit":{"status":"not_fitted"}}`,
		`{"model":"gammagamma_covariates"`,
	} {
		before := back.Params()
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("%s: no error", bad)
		}
		if !reflect.DeepEqual(back.Params(), before) {
			t.Errorf("%s: the model changed on error", bad)
		}
	}
}
