package forecast_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/ggompertz"
)

// TestGGompertzJob: -model ggompertz on the synthetic log fits the
// library's model to the job's summaries (the same log-likelihood), gives
// intervals with -interval, writes the model in model.json, and
// LoadModels scores the customers as the run did.
func TestGGompertzJob(t *testing.T) {
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{Model: "ggompertz", Interval: 0.9, IntervalDraws: 20,
		CSV: csvio.Options{Amount: "amount"}, Discount: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ggompertz.Fit(res.Summary.Customers, ggompertz.FitOptions{})
	m, ok := res.Choice.Model.(*ggompertz.Model)
	if res.Choice.Name != "ggompertz" || !ok || m.LogLikelihood() != want.LogLikelihood() || m.Params() != want.Params() {
		t.Fatalf("chose %s: %v, the library %v", res.Choice.Name, res.Choice.Model, want)
	}
	if len(res.Intervals) != len(res.Forecasts) {
		t.Fatalf("%d intervals for %d customers", len(res.Intervals), len(res.Forecasts))
	}
	var mj bytes.Buffer
	if err := res.WriteModelJSON(&mj); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mj.String(), `"model": "ggompertz"`) {
		t.Fatalf("model.json without the ggompertz model")
	}
	s, err := forecast.LoadModels(&mj, forecast.ScorerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Score(context.Background(), res.Summary.Customers)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range got {
		w := res.Forecasts[i]
		if s.Name != "ggompertz" || !closeRel(g.PAlive, w.PAlive, 1e-12) || !closeRel(g.ExpectedPurchases, w.ExpectedPurchases, 1e-12) || !closeRel(g.CLV, w.CLV, 1e-12) {
			t.Fatalf("customer %d: scored %+v, the run %+v", i, g, w)
		}
	}
	if _, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{Model: "ggompertz", Penalizer: 0.01}); err == nil {
		t.Error("a penalized GGompertz/NBD fit: no error")
	}
	// auto under a penalizer compares the models with a penalized fit.
	res, err = forecast.Run(context.Background(), testdataLog(t), forecast.Config{Penalizer: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Choice.Failed["ggompertz"]; ok || len(res.Choice.Comparison.Scores) != 3 {
		t.Errorf("auto under a penalizer: %+v, failed %v", res.Choice.Comparison.Scores, res.Choice.Failed)
	}
}

// TestGGompertzAutoLimit: on the synthetic log the GGompertz/NBD reaches
// its b → 0 limit, the Pareto/NBD, with the Pareto/NBD's log-likelihood
// and parameter count; auto does not fit it (the score test of b = 0 at
// the Pareto/NBD has a negative score), says so in the log and
// model.json, and the comparison is the one without it.
func TestGGompertzAutoLimit(t *testing.T) {
	var log bytes.Buffer
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{CSV: csvio.Options{Amount: "amount"}, Discount: 0.01,
		Progress: &log})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := ggompertz.Fit(res.Summary.Customers, ggompertz.FitOptions{})
	p := res.Choice.Fitted["paretonbd"]
	if g.FitInfo().Status != clv.AtBoundary || p == nil || math.Abs(g.LogLikelihood()-p.LogLikelihood()) > 1e-6 || g.FitInfo().NumParams != p.FitInfo().NumParams {
		t.Fatalf("GGompertz/NBD %v (%+v), Pareto/NBD %v", g, g.FitInfo(), p)
	}
	if _, ok := res.Choice.Fitted["ggompertz"]; ok || len(res.Choice.Comparison.Scores) != 3 {
		t.Errorf("the limit in the comparison: %+v", res.Choice.Comparison.Scores)
	}
	// The score test at the Pareto/NBD (score < 0) spared the fit.
	why := res.Choice.NotFitted["ggompertz"]
	if !strings.HasPrefix(why, "at its Pareto/NBD limit (score test of b = 0: score -25.72, statistic 0, p = 0.97 > 0.05), not fitted") ||
		!strings.Contains(log.String(), "GGompertz/NBD: "+why) {
		t.Errorf("not fitted: %q; log:\n%s", why, log.String())
	}
	var mj bytes.Buffer
	if err := res.WriteModelJSON(&mj); err != nil || !strings.Contains(mj.String(), `"not_fitted"`) {
		t.Errorf("model.json without not_fitted (%v)", err)
	}
}

// ggompertzLog simulates a log of n customers from p (weeks), first
// purchases over 2023, observed to the end of 2024.
func ggompertzLog(t *testing.T, p ggompertz.Params, n int) string {
	t.Helper()
	src := rand.NewPCG(11, 12)
	rng := rand.New(rand.NewPCG(13, 14))
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	b.WriteString("customer_id,date\n")
	for i := range n {
		first := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Float64()*364*24) * time.Hour)
		T := end.Sub(first).Hours() / 168
		fmt.Fprintf(&b, "c%d,%s\n", i, first.Format(time.DateTime))
		for _, tj := range p.SimulatePurchases(src, T) {
			fmt.Fprintf(&b, "c%d,%s\n", i, first.Add(time.Duration(tj*168*float64(time.Hour))).Format(time.DateTime))
		}
	}
	return b.String()
}

// TestGGompertzAutoInside: on a log whose lifetimes' hazard grows with
// age (b = 0.03 per week, customers observed 52 to 104 weeks), the
// Pareto/NBD runs off to its own exponential-lifetime boundary, so auto's
// screen makes no score test and fits the GGompertz/NBD, inside its
// parameter space (b > 0), and BIC chooses it over that Pareto/NBD limit;
// -model ggompertz gives the same fit.
func TestGGompertzAutoInside(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 1,500 customers of distinct rows")
	}
	log := ggompertzLog(t, ggompertz.Params{R: 1.5, Alpha: 8, B: 0.03, S: 2, Beta: 10}, 1500)
	var prog bytes.Buffer
	res, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{NoAmounts: true, Progress: &prog})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(prog.String(), "GGompertz/NBD: the Pareto/NBD fit is at a boundary of its own: no score test of b = 0, fitted") {
		t.Errorf("no screen line; log:\n%s", prog.String())
	}
	pn, gf := res.Choice.Fitted["paretonbd"], res.Choice.Fitted["ggompertz"]
	if pn == nil || gf == nil {
		t.Fatalf("fitted %v, failed %v, not fitted %v", res.Choice.Fitted, res.Choice.Failed, res.Choice.NotFitted)
	}
	if st := pn.FitInfo().Status; st != clv.AtBoundary {
		t.Errorf("Pareto/NBD status %v, want boundary (the premise)", st)
	}
	bic := func(fi clv.FitInfo) float64 {
		return float64(fi.NumParams)*math.Log(float64(fi.Customers)) - 2*fi.LogLikelihood
	}
	gi, pi := gf.FitInfo(), pn.FitInfo()
	if res.Choice.Name != "ggompertz" || gi.Status != clv.Converged || !(bic(gi) < bic(pi)) {
		t.Errorf("chose %s; ggompertz %+v (BIC %.1f), paretonbd %+v (BIC %.1f): want ggompertz inside and chosen", res.Choice.Name, gi, bic(gi), pi, bic(pi))
	}
	gg, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{NoAmounts: true, Model: "ggompertz"})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := gg.Choice.Model.LogLikelihood(), gi.LogLikelihood; a != b {
		t.Errorf("-model ggompertz LL %.10f, auto's %.10f", a, b)
	}
}

// TestGGompertzCovApparel: -model ggompertz-cov on CLVTools' apparel data
// is the library's fit on the job's summaries (the same log-likelihood,
// at the b → 0 limit), with its four effects, dropout effects worded as
// a hazard; and auto with the covariates leaves that limit out of the
// comparison, which has the Pareto/NBD with covariates.
func TestGGompertzCovApparel(t *testing.T) {
	if testing.Short() {
		t.Skip("fits apparel's covariate models twice")
	}
	logText, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "apparel_transactions.csv"))
	if err != nil {
		t.Skipf("CLVTools' apparel data not available (%v): see ../shared/data/README", err)
	}
	covText, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "apparel_static_covariates.csv"))
	if err != nil {
		t.Skipf("CLVTools' apparel covariates not available (%v)", err)
	}
	cfg := forecast.Config{Model: "ggompertz-cov", CSV: csvio.Options{ID: "Id", Time: "Date", Amount: "Price"}, Name: "apparel",
		Covariates: strings.NewReader(string(covText)), CovariatesName: "apparel_static_covariates.csv"}
	res, err := forecast.Run(context.Background(), strings.NewReader(string(logText)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	cs := res.Summary.Customers
	z := zOf(t, string(covText), cs, numeric, []string{"Gender", "Channel"})
	want, _ := ggompertz.FitCovariates(context.Background(), cs, z, ggompertz.CovFitOptions{})
	if got := res.Choice.Model.LogLikelihood(); res.Choice.Name != "ggompertz-cov" || math.Abs(got-want.LogLikelihood()) > 1e-9*math.Abs(got) {
		t.Fatalf("%s: LL %.10f, the library %.10f", res.Choice.Name, got, want.LogLikelihood())
	}
	cv := res.Covariates
	if cv == nil || cv.EffectsModel != "ggompertz-cov" || len(cv.Effects) != 4 || !strings.Contains(strings.Join(cv.Sentences(), " "), "drop out") {
		t.Fatalf("covariates %+v", cv)
	}
	cfg.Model = ""
	cfg.Covariates = strings.NewReader(string(covText))
	res, err = forecast.Run(context.Background(), strings.NewReader(string(logText)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Choice.Fitted["ggompertz-cov"]; ok || res.Choice.Fitted["paretonbd-cov"] == nil || res.Choice.Name != "paretonbd-cov" {
		t.Errorf("auto with covariates: fitted %v, chose %s", slices.Collect(maps.Keys(res.Choice.Fitted)), res.Choice.Name)
	}
}

// TestGGompertzAutoScreenFits: on a log whose lifetimes' hazard grows
// with age and vary enough that the Pareto/NBD fit is interior (b = 0.05
// per week, s = 0.5, β = 0.2; 6,000 customers), auto's score test of
// b = 0 at the Pareto/NBD rejects (p well below 5%), the log says so,
// and the GGompertz/NBD is fitted, compared and chosen by BIC.
func TestGGompertzAutoScreenFits(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 6,000 customers of distinct rows")
	}
	log := ggompertzLog(t, ggompertz.Params{R: 1, Alpha: 8, B: 0.05, S: 0.5, Beta: 0.2}, 6000)
	var prog bytes.Buffer
	res, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{NoAmounts: true, Progress: &prog})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Choice.Fitted["paretonbd"]
	if p == nil || p.FitInfo().Status != clv.Converged || len(res.Choice.NotFitted) != 0 {
		t.Fatalf("Pareto/NBD %v, not fitted %v", p, res.Choice.NotFitted)
	}
	if !strings.Contains(prog.String(), "GGompertz/NBD: away from its Pareto/NBD limit (score test of b = 0: score 649.7, statistic 20.9, p = 2.41e-06 ≤ 0.05), fitted") {
		t.Errorf("the log does not give the test:\n%s", prog.String())
	}
	g := res.Choice.Fitted["ggompertz"]
	if g == nil || g.FitInfo().Status != clv.Converged || res.Choice.Name != "ggompertz" {
		t.Errorf("GGompertz/NBD %v; chose %s (%s)", g, res.Choice.Name, res.Choice.Comparison.Reason)
	}
}
