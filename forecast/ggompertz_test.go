package forecast_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/ggompertz"
)

// TestGGompertzJob: -model ggompertz on the synthetic log fits the
// library's model to the job's summaries (the same log-likelihood), gives
// intervals with -interval, writes the model in model.json, and
// LoadModels scores the customers as the run did.
func TestGGompertzJob(t *testing.T) {
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{Model: "ggompertz", Interval: 0.9, IntervalDraws: 20,
		CSV: clv.CSVOptions{Amount: "amount"}, Discount: 0.01})
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
}

// TestGGompertzAutoLimit: on the synthetic log the GGompertz/NBD reaches
// its b → 0 limit, the Pareto/NBD, with the Pareto/NBD's log-likelihood
// and parameter count: auto leaves it out of the comparison (a tie that
// rounding would decide), and the comparison is the one without it.
func TestGGompertzAutoLimit(t *testing.T) {
	var log bytes.Buffer
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{CSV: clv.CSVOptions{Amount: "amount"}, Discount: 0.01,
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
	if !strings.Contains(log.String(), "the Pareto/NBD, which the comparison has: left out of it") {
		t.Errorf("the log does not say the GGompertz/NBD was left out:\n%s", log.String())
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
// age (b = 0.03 per week, customers observed 52 to 104 weeks), auto
// compares the GGompertz/NBD, inside its parameter space, and BIC
// chooses it over the Pareto/NBD.
func TestGGompertzAutoInside(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 1,500 customers of distinct rows (some 10 s)")
	}
	log := ggompertzLog(t, ggompertz.Params{R: 1.5, Alpha: 8, B: 0.03, S: 2, Beta: 10}, 1500)
	res, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{NoAmounts: true})
	if err != nil {
		t.Fatal(err)
	}
	cmp := res.Choice.Comparison
	var names []string
	for _, s := range cmp.Scores {
		names = append(names, s.Name)
	}
	t.Logf("%s", cmp.Reason)
	if !slices.Contains(names, "ggompertz") || res.Choice.Name != "ggompertz" || res.Choice.Model.FitInfo().Status != clv.Converged {
		t.Errorf("compared %v, chose %s (%s)", names, res.Choice.Name, cmp.Reason)
	}
}
