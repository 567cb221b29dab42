package forecast_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/ggompertz"
)

// TestGGompertzCovScreenSkips: auto with covariates on a log of the
// Pareto/NBD with covariates (genCovLog) makes the score test of b = 0 at
// the Pareto/NBD + covariates fit, which does not reject: the
// GGompertz/NBD + covariates is not fitted, and the log, Choice.NotFitted
// and model.json's not_fitted say so with the p-value.
func TestGGompertzCovScreenSkips(t *testing.T) {
	g := genCovLog(t, 1500, 13)
	var prog bytes.Buffer
	res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Covariates: strings.NewReader(g.covs), CovariatesName: "covs.csv", Progress: &prog})
	if err != nil {
		t.Fatal(err)
	}
	why, ok := res.Choice.NotFitted["ggompertz-cov"]
	if !ok || !strings.HasPrefix(why, "at its Pareto/NBD + covariates limit (score test of b = 0 at the Pareto/NBD + covariates: score") ||
		!strings.Contains(prog.String(), "GGompertz/NBD + covariates: "+why) {
		t.Fatalf("not fitted %v; log:\n%s", res.Choice.NotFitted, prog.String())
	}
	if _, ok := res.Choice.Fitted["ggompertz-cov"]; ok || res.Choice.Fitted["paretonbd-cov"] == nil {
		t.Errorf("fitted %v", res.Choice.Fitted)
	}
	var mj bytes.Buffer
	if err := res.WriteModelJSON(&mj); err != nil || !strings.Contains(mj.String(), `"ggompertz-cov": "at its Pareto/NBD + covariates limit`) {
		t.Errorf("model.json without ggompertz-cov under not_fitted (%v)", err)
	}
	t.Log(why)
}

// TestGGompertzCovScreenFits: on a log of the GGompertz/NBD with
// covariates whose hazard grows with age (b = 0.05 per week), auto's
// score test at the Pareto/NBD + covariates rejects, the log says so, and
// the GGompertz/NBD + covariates is fitted inside (b > 0) and compared.
func TestGGompertzCovScreenFits(t *testing.T) {
	if testing.Short() {
		t.Skip("fits the GGompertz/NBD with covariates on 3,000 customers")
	}
	p := ggompertz.CovParams{Params: ggompertz.Params{R: 1, Alpha: 8, B: 0.05, S: 0.5, Beta: 0.2},
		Names: []string{"member"}, Trans: []float64{0.4}, Life: []float64{-0.5}}
	m, err := ggompertz.NewCovariates(p)
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	rng := rand.New(rand.NewPCG(21, 22))
	T := make([]float64, n)
	z := clv.Covariates{Names: p.Names, Values: make([][]float64, n)}
	for i := range T {
		T[i] = float64(26 + rng.IntN(79))
		z.Values[i] = []float64{float64(rng.IntN(2))}
	}
	cs, err := m.Simulate(rand.NewPCG(23, 24), T, z)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var log, covs strings.Builder
	log.WriteString("customer_id,date\n")
	covs.WriteString("customer_id,member\n")
	for i, c := range cs {
		id := fmt.Sprintf("c%05d", i)
		first := end.Add(-time.Duration(c.T * 168 * float64(time.Hour)))
		fmt.Fprintf(&log, "%s,%s\n", id, first.Format(time.DateTime))
		// x purchases evenly to the last: the summary keeps x and t_x.
		for k := 1; k <= int(c.Frequency); k++ {
			at := c.Recency * float64(k) / c.Frequency
			fmt.Fprintf(&log, "%s,%s\n", id, first.Add(time.Duration(math.Round(at*168))*time.Hour).Format(time.DateTime))
		}
		fmt.Fprintf(&covs, "%s,%g\n", id, z.Values[i][0])
	}
	var prog bytes.Buffer
	res, err := forecast.Run(context.Background(), strings.NewReader(log.String()), forecast.Config{NoAmounts: true,
		Covariates: strings.NewReader(covs.String()), CovariatesName: "covs.csv", Progress: &prog})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.Choice.NotFitted["ggompertz-cov"]; ok || !strings.Contains(prog.String(), "GGompertz/NBD + covariates: away from its Pareto/NBD + covariates limit (score test of b = 0") {
		t.Fatalf("not fitted %v; log:\n%s", res.Choice.NotFitted, prog.String())
	}
	gm := res.Choice.Fitted["ggompertz-cov"]
	if gm == nil || gm.FitInfo().Status != clv.Converged {
		t.Fatalf("GGompertz/NBD + covariates %v, failed %v", gm, res.Choice.Failed)
	}
	t.Logf("chose %s: %s", res.Choice.Name, res.Choice.Comparison.Reason)
}
