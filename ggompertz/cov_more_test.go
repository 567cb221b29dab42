package ggompertz_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/internal/reftest"
	"github.com/clvkit/clvkit/paretonbd"
)

// covInterior simulates n customers with one binary covariate from a
// model with b well inside (as TestFitRecovers) and fits it.
func covInterior(t *testing.T, n int) (*ggompertz.CovModel, []clv.Customer, clv.Covariates) {
	t.Helper()
	truth := ggompertz.CovParams{Params: ggompertz.Params{R: 2, Alpha: 0.5, B: 0.5, S: 1, Beta: 10},
		Names: []string{"g"}, Trans: []float64{0.4}, Life: []float64{-0.5}}
	tm, err := ggompertz.NewCovariates(truth)
	if err != nil {
		t.Fatal(err)
	}
	T := make([]float64, n)
	z := clv.Covariates{Names: []string{"g"}, Values: make([][]float64, n)}
	for i := range T {
		T[i] = 2 + 6*float64(i%100)/99
		z.Values[i] = []float64{float64(i % 2)}
	}
	cs, err := tm.Simulate(rand.NewPCG(3, 4), T, z)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ggompertz.FitCovariates(context.Background(), cs, z, ggompertz.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return m, cs, z
}

// TestCovariatesInterior fits a model inside the parameter space: its
// Covariance agrees with StdErrors (β's by the delta method from b and
// κ), the draws of SampleParams have the covariance's variances (4,000
// draws: within 10%), and the likelihood-ratio tests agree with the Wald
// statistics (√LR within 15% + 0.2).
func TestCovariatesInterior(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 2,000 customers of distinct rows three times (some 10 s)")
	}
	start := time.Now()
	m, cs, z := covInterior(t, 2000)
	t.Logf("fit in %v", time.Since(start))
	t.Logf("%v %+v", m, m.FitInfo())
	if m.FitInfo().Status != clv.Converged || m.FitInfo().NumParams != 7 {
		t.Fatalf("status %v, %d parameters", m.FitInfo().Status, m.FitInfo().NumParams)
	}
	cv, ok := m.Covariance()
	se, ok2 := m.StdErrors()
	if !ok || !ok2 || len(cv) != 7 {
		t.Fatalf("covariance %v %v", ok, ok2)
	}
	sev := append(se.Vector(), se.Trans[0], se.Life[0])
	for i := range cv {
		if math.Abs(math.Sqrt(cv[i][i])-sev[i]) > 1e-12*sev[i] {
			t.Errorf("√cov[%d][%d] = %v, standard error %v", i, i, math.Sqrt(cv[i][i]), sev[i])
		}
	}
	draws, err := m.SampleParams(rand.NewPCG(5, 6), 4000)
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	pv := append(p.Vector(), p.Trans[0], p.Life[0])
	for i := range pv {
		var s1, s2 float64
		for _, d := range draws {
			v := append(d.Vector(), d.Trans[0], d.Life[0])[i]
			if i < 5 {
				v = math.Log(v)
			}
			s1 += v
			s2 += v * v
		}
		nd := float64(len(draws))
		got := s2/nd - (s1/nd)*(s1/nd)
		want := cv[i][i]
		if i < 5 {
			want /= pv[i] * pv[i]
		}
		if math.Abs(got-want) > 0.1*want {
			t.Errorf("parameter %d: draws' variance %.4g, covariance %.4g", i, got, want)
		}
	}
	start = time.Now()
	eff, err := m.EffectTests(context.Background(), cs, z, ggompertz.CovFitOptions{}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tests in %v", time.Since(start))
	if len(eff) != 2 {
		t.Fatalf("%d effects", len(eff))
	}
	for _, e := range eff {
		wald := math.Abs(e.Gamma) / e.StdErr
		t.Logf("%v (√LR %.3f, Wald %.3f)", e, math.Sqrt(e.LR), wald)
		if math.Abs(math.Sqrt(e.LR)-wald) > 0.15*wald+0.2 || !(e.P >= 0 && e.P <= 1) || !(wald > 3) {
			t.Errorf("%v: √LR = %.3f, Wald %.3f", e, math.Sqrt(e.LR), wald)
		}
	}
}

// TestCovariatesLimitTests: on apparel the fit, and every refit without
// an effect, sits at the b → 0 limit, the Pareto/NBD with covariates:
// the likelihood-ratio statistics are the Pareto/NBD's to 1e-4; the
// limit model's draws keep b where it is held.
func TestCovariatesLimitTests(t *testing.T) {
	a := reftest.LoadApparel(t)
	ctx := context.Background()
	m, err := ggompertz.FitCovariates(ctx, a.Customers, a.Covariates, ggompertz.CovFitOptions{})
	if !errors.Is(err, clv.ErrBoundary) {
		t.Fatalf("err = %v", err)
	}
	eff, err := m.EffectTests(ctx, a.Customers, a.Covariates, ggompertz.CovFitOptions{}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := paretonbd.FitCovariates(ctx, a.Customers, a.Covariates, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	peff, err := pm.EffectTests(ctx, a.Customers, a.Covariates, paretonbd.CovFitOptions{}, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if len(eff) != 4 || len(peff) != 4 {
		t.Fatalf("%d effects, Pareto/NBD %d", len(eff), len(peff))
	}
	for i, e := range eff {
		t.Logf("%v; Pareto/NBD LR %.6f", e, peff[i].LR)
		if e.Covariate != peff[i].Covariate || e.Process != peff[i].Process || math.Abs(e.LR-peff[i].LR) > 1e-4 {
			t.Errorf("%v: LR %.6f, Pareto/NBD %v", e, e.LR, peff[i])
		}
	}
	draws, err := m.SampleParams(rand.NewPCG(1, 1), 200)
	if err != nil {
		t.Fatal(err)
	}
	b := m.Params().B
	for _, d := range draws {
		if d.B != b || !(d.Kappa() > 0) {
			t.Fatalf("draw %+v: b %v, held at %v", d, d.B, b)
		}
	}
	var zero ggompertz.CovModel
	if _, err := zero.EffectTests(ctx, a.Customers, a.Covariates, ggompertz.CovFitOptions{}, 0.95); err == nil {
		t.Error("zero model: no error")
	}
	if _, err := zero.SampleParams(rand.NewPCG(1, 1), 2); err == nil {
		t.Error("zero model draws")
	}
}

// TestCovariatesJSON: a fitted limit model with a coefficient held at 0
// reads back from its JSON with the same parameters, standard errors,
// covariance, fit information, draws and predictions; broken JSON is
// refused and leaves the model as it was.
func TestCovariatesJSON(t *testing.T) {
	a := reftest.LoadApparel(t)
	m, err := ggompertz.FitCovariates(context.Background(), a.Customers, a.Covariates, ggompertz.CovFitOptions{NoPurchase: []string{"Gender"}})
	if m == nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back ggompertz.CovModel
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	se1, _ := m.StdErrors()
	se2, ok := back.StdErrors()
	c1, _ := m.Covariance()
	c2, _ := back.Covariance()
	if !ok || !reflect.DeepEqual(back.Params(), m.Params()) || !reflect.DeepEqual(se1, se2) || !reflect.DeepEqual(c1, c2) ||
		back.FitInfo() != m.FitInfo() || back.String() != m.String() {
		t.Errorf("round trip of %s:\n%v\n%v", b, &back, m)
	}
	e1, _ := m.Effects(0.9)
	e2, _ := back.Effects(0.9)
	if len(e1) != 3 || fmt.Sprint(e1) != fmt.Sprint(e2) {
		t.Errorf("effects %v, read back %v", e1, e2)
	}
	d1, err1 := m.SampleParams(rand.NewPCG(7, 7), 3)
	d2, err2 := back.SampleParams(rand.NewPCG(7, 7), 3)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(d1, d2) {
		t.Errorf("draws %v (%v), read back %v (%v)", d1, err1, d2, err2)
	}
	p1, _ := m.ProbabilityAliveAll(a.Customers, a.Covariates)
	p2, _ := back.ProbabilityAliveAll(a.Customers, a.Covariates)
	if !reflect.DeepEqual(p1, p2) {
		t.Error("P(alive) differs after the round trip")
	}
	const ok1 = `"params":{"r":1,"alpha":1,"b":0.1,"s":1,"beta":1},"covariates":["g"],"trans":[0],"life":[0]`
	for _, bad := range []string{
		`{"model":"ggompertz",` + ok1 + `}`,
		`{"model":"ggompertz_covariates","params":{"r":1,"alpha":1,"b":0,"s":1,"beta":1},"covariates":["g"],"trans":[0],"life":[0]}`,
		`{"model":"ggompertz_covariates","params":{"r":1,"alpha":1,"b":0.1,"s":1,"beta":1e13},"covariates":["g"],"trans":[0],"life":[0]}`,
		`{"model":"ggompertz_covariates","params":{"r":1,"alpha":1,"b":0.1,"s":1,"beta":1},"covariates":["g"],"trans":[0]}`,
		`{"model":"ggompertz_covariates","params":{"r":1,"alpha":1,"b":0.1,"s":1,"beta":1},"covariates":["g","g"],"trans":[0,0],"life":[0,0]}`,
		`{"model":"ggompertz_covariates",` + ok1 + `,"no_purchase":["h"]}`,
		`{"model":"ggompertz_covariates","params":{"r":1,"alpha":1,"b":0.1,"s":1,"beta":1},"covariates":["g"],"trans":[1],"life":[0],"no_purchase":["g"]}`,
		`{"model":"ggompertz_covariates",` + ok1 + `,"std_errors":{"params":{"r":1,"alpha":1,"b":1,"s":1,"beta":-1},"trans":[1],"life":[1]}}`,
		`{"model":"ggompertz_covariates",` + ok1 + `,"covariance":[[1,0],[0,1]]}`,
		`{"model":"ggompertz_covariates",` + ok1 + `,"fit":{"status":"not_fitted"}}`,
		`{"model":"ggompertz_covariates",` + ok1 + `,"fit":{"status":"converged","n_params":10}}`,
		`{"model":"ggompertz_covariates"`,
	} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("%s: no error", bad)
		}
		if !reflect.DeepEqual(back.Params(), m.Params()) {
			t.Fatalf("%s changed the model", bad)
		}
	}
	var zero ggompertz.CovModel
	if _, err := json.Marshal(&zero); err == nil {
		t.Error("zero model: no error")
	}
}

// FuzzCovariatesUnmarshalJSON: a model read from any JSON either fails
// with an error or predicts, at any z of its size, NaN or P(alive) in
// [0, 1] and finite expected purchases ≥ 0, and writes back JSON that
// reads to the same parameters.
func FuzzCovariatesUnmarshalJSON(f *testing.F) {
	f.Add(`{"model":"ggompertz_covariates","params":{"r":0.6,"alpha":10,"b":2e-11,"s":0.6,"beta":1e-9},"covariates":["Gender","Channel"],"trans":[0.29,0.62],"life":[-0.64,0.79]}`, 1.0, 0.0)
	f.Add(`{"model":"ggompertz_covariates","params":{"r":2,"alpha":0.5,"b":0.5,"s":1,"beta":10},"covariates":["g"],"trans":[0.4],"life":[-0.5],"no_dropout":[],"fit":{"status":"converged","n_params":7,"customers":10}}`, 1.0, 0.0)
	f.Add(`{"model":"ggompertz_covariates","params":{"r":1,"alpha":1e12,"b":1e3,"s":1,"beta":1},"covariates":["g"],"trans":[-30],"life":[700]}`, 1.0, -1.0)
	f.Fuzz(func(t *testing.T, js string, z0, z1 float64) {
		var m ggompertz.CovModel
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			return
		}
		p := m.Params()
		z := []float64{z0, z1}[:min(2, len(p.Names))]
		for len(z) < len(p.Names) {
			z = append(z, 0)
		}
		if cm, err := m.Customer(z); err == nil {
			c := clv.Customer{Frequency: 2, Recency: 3, T: 5}
			pa, e := cm.ProbabilityAlive(c), cm.ConditionalExpectedPurchases(c, 4)
			if !math.IsNaN(pa) && !(pa >= 0 && pa <= 1) || !math.IsNaN(e) && (!(e >= 0) || math.IsInf(e, 0)) {
				t.Fatalf("%s at %v: P(alive) %v, CET %v", js, z, pa, e)
			}
		}
		b, err := json.Marshal(&m)
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		var back ggompertz.CovModel
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back.Params(), p) {
			t.Fatalf("%s → %s: %v", js, b, err)
		}
	})
}
