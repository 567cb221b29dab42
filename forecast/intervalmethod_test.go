package forecast_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/paretonbd"
)

func TestIntervalMethodConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  forecast.Config
		want string
	}{
		{forecast.Config{IntervalMethod: interval.MethodNormal}, "IntervalMethod normal: want auto (the method of the intervals) without Interval"},
		{forecast.Config{Interval: 0.9, IntervalMethod: 5}, "IntervalMethod Method(5): want auto, normal or mixture"},
	} {
		_, err := forecast.Run(context.Background(), strings.NewReader(""), c.cfg)
		var ce *forecast.ConfigError
		if !errors.As(err, &ce) || ce.Field != "IntervalMethod" || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("%+v: %v, want a ConfigError %q", c.cfg.IntervalMethod, err, c.want)
		}
	}
}

// nearLimitSummaries returns per-customer summaries of n customers
// simulated at Pareto/NBD's exponential-dropout limit (every lifetime
// exponential with mean 200 days; r = 0.55, α = 10.6), observed for 182
// to 364 days, as a summaries CSV.
func nearLimitSummaries(seed uint64, n int) string {
	truth := paretonbd.Params{R: 0.55, Alpha: 10.6, S: 1e9, Beta: 1e9 * 200}
	rng := rand.New(rand.NewPCG(seed, 1))
	src := rand.NewPCG(seed, 2)
	var b strings.Builder
	b.WriteString(strings.Join(csvio.SummaryColumns, ",") + "\n")
	for i := range n {
		T := float64(182 + rng.IntN(183))
		times := truth.SimulatePurchases(src, T)
		x, tx, m := len(times), 0.0, 0.0
		if x > 0 {
			tx, m = times[x-1], 20+float64(rng.IntN(30))
		}
		fmt.Fprintf(&b, "c%d,%d,%g,%g,%g\n", i, x, tx, T, m)
	}
	return b.String()
}

// TestIntervalMethod: on customers simulated at Pareto/NBD's dropout
// limit whose fit stops inside the model (s ≈ 10), auto tests the limit
// model, does not reject it and mixes the draws: the report's and
// model.json's method is mixture, with the likelihood ratio below the
// critical value; the total's interval is wider and holds the normal
// one (within 1%, the noise of the extreme draws); forcing normal gives the normal
// draws, forcing mixture the mixture; model.json says so.
func TestIntervalMethod(t *testing.T) {
	if raceEnabled {
		t.Skip("skipping three Pareto/NBD interval runs under the race detector (.ci/run runs them without)")
	}
	log := nearLimitSummaries(5, 3000)
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	run := func(m interval.Method) *forecast.Result {
		t.Helper()
		res, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{
			Summaries: true, End: end, Model: "paretonbd", Interval: 0.9, IntervalDraws: 60, IntervalMethod: m})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	auto := run(interval.MethodAuto)
	im := auto.IntervalMethod
	t.Logf("%v; %s", auto.Choice.Model, im.Reason)
	if auto.Choice.Model.FitInfo().Status != clv.Converged {
		t.Fatalf("the fit is %v: want one inside the model for this test", auto.Choice.Model.FitInfo().Status)
	}
	if im == nil || im.Method != interval.MethodMixture || im.Limit == nil || im.LR == nil || !(*im.LR < *im.Critical) ||
		im.Limit.FitInfo().Status != clv.AtBoundary {
		t.Fatalf("auto: %+v, want a mixture with a limit model not rejected", im)
	}
	normal := run(interval.MethodNormal)
	if n := normal.IntervalMethod; n.Method != interval.MethodNormal || !strings.Contains(n.Reason, "asked for") {
		t.Errorf("normal: %+v", n)
	}
	a, n := auto.TotalPurchases, normal.TotalPurchases
	if !(a.High-a.Low > n.High-n.Low) || !(a.Low <= n.Low*1.01) || !(a.High >= n.High*0.99) {
		t.Errorf("total purchases: auto %+v, normal %+v: want the mixture's wider, holding the normal one (within 1%%: the draws' noise)", a, n)
	}
	if forced := run(interval.MethodMixture); forced.TotalPurchases != a || !strings.Contains(forced.IntervalMethod.Reason, "asked for") {
		t.Errorf("mixture asked: %+v, %s; auto %+v", forced.TotalPurchases, forced.IntervalMethod.Reason, a)
	}
	var buf bytes.Buffer
	if err := auto.WriteModelJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Intervals struct {
			Method      string `json:"method"`
			DrawsMethod struct {
				Method, Asked, Reason string
				LR                    float64 `json:"likelihood_ratio"`
				Limit                 struct {
					Fit struct{ Status string } `json:"fit"`
				} `json:"limit_model"`
			} `json:"draws_method"`
		} `json:"intervals"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	dm := doc.Intervals.DrawsMethod
	if dm.Method != "mixture" || dm.Asked != "auto" || dm.LR != *im.LR || dm.Limit.Fit.Status != "boundary" ||
		!strings.Contains(doc.Intervals.Method, "limit model") {
		t.Errorf("model.json intervals: %+v", doc.Intervals)
	}
}
