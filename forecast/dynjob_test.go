package forecast_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/paretonbd"
)

// dynLog simulates a small log of n customers (purchase and dropout
// rates varying across customers) whose purchase rate doubles
// in the weeks of a shared season flag, and the file of covariates: the
// flag in rows of every customer ("*") to the end of observation, and
// each customer's constant vip flag in one own row.
func dynLog(n int) (log, covs string) {
	rng := rand.New(rand.NewPCG(7, 11))
	day0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	end := day0.AddDate(2, 0, -1) // 2021-12-31
	season := func(t time.Time) bool { return t.Month() >= 10 }
	var lb, cb strings.Builder
	lb.WriteString("id,date,amount\n")
	cb.WriteString("id,date,season,vip\n")
	for w := day0; !w.After(end); w = w.AddDate(0, 0, 7) {
		s := 0
		if season(w) {
			s = 1
		}
		fmt.Fprintf(&cb, "*,%s,%d,0\n", w.Format(time.DateOnly), s)
	}
	for i := range n {
		id := fmt.Sprintf("c%03d", i)
		first := day0.AddDate(0, 0, rng.IntN(300))
		vip := rng.IntN(2)
		fmt.Fprintf(&cb, "%s,%s,,%d\n", id, first.Format(time.DateOnly), vip)
		lam := rng.ExpFloat64() * 0.03 * (1 + float64(vip))
		mu := math.Pow(rng.NormFloat64(), 2) / 300 // a dropout rate per day, gamma(1/2)-distributed
		death := first.Add(time.Duration(math.Min(rng.ExpFloat64()/mu, 1e4) * 24 * float64(time.Hour)))
		fmt.Fprintf(&lb, "%s,%s,%.2f\n", id, first.Format(time.DateOnly), 10+rng.Float64()*40)
		for t := first.AddDate(0, 0, 1); t.Before(death) && !t.After(end); t = t.AddDate(0, 0, 1) {
			r := lam
			if season(t) {
				r *= 2
			}
			if rng.Float64() < r {
				fmt.Fprintf(&lb, "%s,%s,%.2f\n", id, t.Format(time.DateOnly), 10+rng.Float64()*40)
			}
		}
	}
	return lb.String(), cb.String()
}

// logTo returns the lines of log (header first) dated to day (the
// second field, an ISO date) at most.
func logTo(log, day string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSpace(log), "\n") {
		if f := strings.Split(l, ","); i == 0 || f[1] <= day {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// onlyReader hides a reader's other methods (a pipe: no seeking).
type onlyReader struct{ io.Reader }

// dynRef is the library's fit of the model with time-varying covariates
// on a log, apart from the job (as forecast.RunDynamic did before it was
// retired): the customers, the fit, and per customer P(alive) and the
// expected purchases over horizon along the customer's path.
type dynRef struct {
	Model            *paretonbd.DynModel
	Customers        []clv.Customer
	PAlive, Expected []float64
}

// dayTimes is a clv.Observer keeping each customer's purchase times,
// the first of each UTC day (as the summary merges them).
type dayTimes [][]time.Time

func (o *dayTimes) Observe(customers []int32, ts []clv.Transaction) {
	for k, c := range customers {
		if c < 0 {
			continue
		}
		for int(c) >= len(*o) {
			*o = append(*o, nil)
		}
		d := (*o)[c]
		if n := len(d); n > 0 && d[n-1].UTC().Truncate(24*time.Hour).Equal(ts[k].Time.UTC().Truncate(24*time.Hour)) {
			continue
		}
		(*o)[c] = append(d, ts[k].Time)
	}
}

// libraryDynamic summarizes log with cfg's options to cfg.End, builds the
// covariates of covs (ReadDynamicCovariates, DynamicCovariateFile.
// Covariates), fits paretonbd.FitDynamic (a coefficient at its bound is
// kept) and predicts over horizon along each customer's path.
func libraryDynamic(t *testing.T, log, covs string, cfg forecast.Config, horizon float64) dynRef {
	t.Helper()
	f, err := forecast.ReadDynamicCovariates(strings.NewReader(covs), "covs.csv", cfg.CSV)
	if err != nil {
		t.Fatal(err)
	}
	var obs dayTimes
	sum, err := csvio.SummarizeAnyOrder(strings.NewReader(log), cfg.CSV, clv.SummaryOptions{End: cfg.End, Unit: cfg.Unit,
		AllowNegative: cfg.AllowNegative, EndOfDay: cfg.EndOfDay, Observer: &obs})
	if err != nil {
		t.Fatal(err)
	}
	cs := sum.Customers
	obs = append(obs, make(dayTimes, max(0, len(cs)-len(obs)))...)
	z, err := f.Covariates(cs, obs[:len(cs)], cfg.Unit)
	if err != nil {
		t.Fatal(err)
	}
	m, err := paretonbd.FitDynamic(context.Background(), cs, z, paretonbd.CovFitOptions{Penalizer: cfg.Penalizer})
	if m == nil || err != nil && !errors.Is(err, clv.ErrBoundary) {
		t.Fatalf("%v: %v", m, err)
	}
	ref := dynRef{Model: m, Customers: cs}
	if ref.PAlive, err = m.ProbabilityAliveAll(cs, z.Paths); err != nil {
		t.Fatal(err)
	}
	if ref.Expected, err = m.ConditionalExpectedPurchasesAll(cs, z.Paths, horizon); err != nil {
		t.Fatal(err)
	}
	return ref
}

// checkDynamicJob runs the job with auto and the time-varying covariates
// (the log as a pipe), and checks it against libraryDynamic, the library's
// fit and predictions along the paths: the log-likelihood to 1e-9, the
// model among auto's candidates, and, when the job chose it, every
// customer's P(alive) and expected purchases to 1e-9.
func checkDynamicJob(t *testing.T, log, covs string, cfg forecast.Config) *forecast.Result {
	t.Helper()
	cfg.Model = "auto"
	cfg.DynamicCovariates, cfg.DynamicCovariatesName = strings.NewReader(covs), "covs.csv"
	res, err := forecast.Run(context.Background(), onlyReader{strings.NewReader(log)}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ref, refLog := cfg, log
	ref.DynamicCovariates = nil
	if !cfg.CalibrationEnd.IsZero() {
		// The calibration period: the log to its end.
		ref.End, ref.CalibrationEnd = cfg.CalibrationEnd, time.Time{}
		refLog = logTo(log, cfg.CalibrationEnd.Format(time.DateOnly))
	}
	want := libraryDynamic(t, refLog, covs, ref, 0)
	ch := res.Choice
	if ch.Comparison == nil {
		t.Fatal("no comparison")
	}
	var found bool
	for _, s := range ch.Comparison.Scores {
		if s.Name != forecast.DynamicModelName {
			continue
		}
		found = true
		if d := math.Abs(s.LogLikelihood - want.Model.LogLikelihood()); d > 1e-9 {
			t.Errorf("LL %.12f, the library's %.12f (Δ %g)", s.LogLikelihood, want.Model.LogLikelihood(), d)
		}
		if (s.Holdout != nil) != !cfg.CalibrationEnd.IsZero() {
			t.Errorf("holdout evaluation %v with calibration end %v", s.Holdout, cfg.CalibrationEnd)
		}
	}
	if !found {
		t.Fatalf("%s not compared: %+v", forecast.DynamicModelName, ch.Comparison.Scores)
	}
	if res.Dynamic == nil || res.Dynamic.EffectsModel != forecast.DynamicModelName || len(res.Dynamic.Effects) == 0 {
		t.Fatalf("Result.Dynamic %+v", res.Dynamic)
	}
	return res
}

// checkDynamicForecasts checks the chosen time-varying model's forecasts
// against paretonbd.DynModel's predictions along each customer's path
// (the model decoded from its JSON; the paths from the file), to 1e-9,
// the plots' frequency counts and tracking curve too,
// and against libraryDynamic's separate fit to 1e-6; and the CLV as the
// discounted purchases valued by the spend model.
func checkDynamicForecasts(t *testing.T, res *forecast.Result, log, covs string, cfg forecast.Config) {
	t.Helper()
	if res.Choice.Name != forecast.DynamicModelName {
		t.Fatalf("auto chose %s: %s", res.Choice.Name, res.Choice.Comparison.Reason)
	}
	js, err := json.Marshal(res.Choice.Model)
	if err != nil {
		t.Fatal(err)
	}
	var m paretonbd.DynModel
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	f, err := forecast.ReadDynamicCovariates(strings.NewReader(covs), "covs.csv", cfg.CSV)
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]time.Time{}
	for _, l := range strings.Split(strings.TrimSpace(log), "\n")[1:] {
		fs := strings.Split(l, ",")
		d, err := time.Parse(time.DateOnly, fs[1])
		if err != nil {
			t.Fatal(err)
		}
		if f, ok := first[fs[0]]; !ok || d.Before(f) {
			first[fs[0]] = d
		}
	}
	want := libraryDynamic(t, log, covs, cfg, res.Horizon)
	if d := math.Abs(res.Choice.Model.LogLikelihood() - want.Model.LogLikelihood()); d > 1e-9 {
		t.Errorf("whole-observation LL %.12f, the library's %.12f", res.Choice.Model.LogLikelihood(), want.Model.LogLikelihood())
	}
	if len(res.Forecasts) != len(want.Customers) {
		t.Fatalf("%d forecasts, want %d", len(res.Forecasts), len(want.Customers))
	}
	if res.Outlooks == nil || res.Outlooks.Len() != len(res.Forecasts) {
		t.Fatalf("outlooks %v for %d customers", res.Outlooks, len(res.Forecasts))
	}
	medians := 0
	defer func() {
		if medians == 0 {
			t.Errorf("no customer with a next-order median")
		}
	}()
	at := map[string]int{}
	for i, c := range want.Customers {
		at[c.ID] = i
	}
	paths := make([]clv.CovariatePath, len(res.Forecasts))
	defer func() {
		// The plots' population curves along each customer's path.
		cs := res.Summary.Customers
		counts, err := m.ExpectedFrequencyCounts(cs, paths, forecast.FrequencyBins)
		if err != nil {
			t.Fatal(err)
		}
		for n, v := range counts {
			if math.Abs(res.Frequencies.Expected[n]-v) > 1e-9*math.Max(1, v) {
				t.Errorf("expected frequency count %d: %v, DynModel along the paths: %v", n, res.Frequencies.Expected[n], v)
			}
		}
		if res.Tracking == nil {
			t.Fatal("no tracking data")
		}
		track, err := m.ExpectedCumulativeRepeats(cs, paths, res.Tracking.At)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range track {
			if math.Abs(res.Tracking.Expected[k]-v) > 1e-9*math.Max(1, v) {
				t.Errorf("tracking at %v: %v, DynModel along the paths: %v", res.Tracking.At[k], res.Tracking.Expected[k], v)
			}
		}
		last := len(track) - 1
		t.Logf("tracking: expected %.1f, actual %.0f; counts %.1f, observed %v", track[last], res.Tracking.Actual[last], counts, res.Frequencies.Observed)
	}()
	for k, fc := range res.Forecasts {
		c := res.Summary.Customers[k]
		path, err := f.Path(c.ID, first[c.ID], cfg.Unit)
		if err != nil {
			t.Fatal(err)
		}
		paths[k] = path
		pa, exp := m.ProbabilityAlive(c, path), m.ConditionalExpectedPurchases(c, path, res.Horizon)
		if math.Abs(fc.PAlive-pa) > 1e-9 || math.Abs(fc.ExpectedPurchases-exp) > 1e-9 {
			t.Fatalf("customer %s: P(alive) %v, expected %v; DynModel along the path: %v, %v", c.ID, fc.PAlive, fc.ExpectedPurchases, pa, exp)
		}
		// The answers along the path, customer by customer.
		o := res.Outlooks.At(k)
		if pw, al := m.ProbabilityOfPurchaseWithin(c, path, res.Horizon), m.ProbabilityAliveAfter(c, path, res.Horizon); math.Abs(o.PurchaseWithinHorizon-pw) > 1e-12 || math.Abs(o.AliveAtHorizon-al) > 1e-12 {
			t.Fatalf("customer %s: outlook %+v; DynModel along the path: P(Y ≥ 1) %v, P(alive at the end) %v", c.ID, o, pw, al)
		}
		if !math.IsNaN(o.NextPurchase[1]) {
			medians++
			if pw := m.ProbabilityOfPurchaseWithin(c, path, o.NextPurchase[1]); math.Abs(pw-0.5) > 1e-9 {
				t.Fatalf("customer %s: P(Y ≥ 1) by the median %v: %v", c.ID, o.NextPurchase[1], pw)
			}
		}
		i, ok := at[c.ID]
		if !ok || c != want.Customers[i] {
			t.Fatalf("customer %+v, libraryDynamic's %+v", c, want.Customers[i])
		}
		if math.Abs(fc.PAlive-want.PAlive[i]) > 1e-6 || math.Abs(fc.ExpectedPurchases-want.Expected[i]) > 1e-6*math.Max(1, want.Expected[i]) {
			t.Fatalf("customer %s: P(alive) %v, expected %v; libraryDynamic's: %v, %v", c.ID, fc.PAlive, fc.ExpectedPurchases, want.PAlive[i], want.Expected[i])
		}
		// Discounting by the month: between the undiscounted purchases
		// and their value discounted over the whole horizon.
		lo := fc.ExpectedPurchases / math.Pow(1+cfg.Discount, float64(cfg.Months))
		if fc.DiscountedPurchases > fc.ExpectedPurchases*(1+1e-12) || fc.DiscountedPurchases < lo*(1-1e-12) {
			t.Fatalf("customer %s: discounted purchases %v outside [%v, %v]", c.ID, fc.DiscountedPurchases, lo, fc.ExpectedPurchases)
		}
		if v := fc.ExpectedValue * cfg.Margin * fc.DiscountedPurchases; math.Abs(fc.CLV-v) > 1e-9*math.Max(1, v) {
			t.Fatalf("customer %s: CLV %v, value × margin × discounted purchases %v", c.ID, fc.CLV, v)
		}
	}
}

// TestDynamicJobSimulated: the job with time-varying covariates on a
// simulated log read from a pipe: auto compares the model, its
// log-likelihood and forecasts are the library's to 1e-9, the file ends
// at the end of observation so the last values are carried forward over
// the horizon; with a calibration end the model is fitted on the
// calibration period and checked on the holdout; an unusable row is an
// error, or skipped and counted with SkipInvalid.
func TestDynamicJobSimulated(t *testing.T) {
	log, covs := dynLog(200)
	end := time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)
	cfg := forecast.Config{CSV: csvio.Options{ID: "id", Amount: "amount"}, End: end, Months: 12, Unit: week, Discount: 0.01, Margin: 1}
	res := checkDynamicJob(t, log, covs, cfg)
	if !res.Dynamic.CarriedForward || !strings.Contains(res.Dynamic.Rule(), "carried forward") {
		t.Errorf("rule: %s", res.Dynamic.Rule())
	}
	// The season doubles the purchase rate: auto chooses the model by BIC.
	checkDynamicForecasts(t, res, log, covs, cfg)

	// The run's model.json: refused by LoadModels, which scores summaries
	// without covariate paths.
	dir := t.TempDir()
	if _, err := res.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	mf, err := os.Open(dir + "/model.json")
	if err != nil {
		t.Fatal(err)
	}
	defer mf.Close()
	if _, err := forecast.LoadModels(mf, forecast.ScorerOptions{}); !errors.Is(err, forecast.ErrNeedsCovariates) || !strings.Contains(err.Error(), "time-varying covariates") {
		t.Errorf("LoadModels of the run's model.json: %v, want ErrNeedsCovariates naming the time-varying covariates", err)
	}

	cal := cfg
	cal.CalibrationEnd = time.Date(2021, 6, 30, 0, 0, 0, 0, time.UTC)
	checkDynamicJob(t, log, covs, cal)

	bad := strings.Replace(covs, "c007,", "c007,not-a-date-", 1)
	cfg.Model = "auto"
	cfg.DynamicCovariates = strings.NewReader(bad)
	if _, err := forecast.Run(context.Background(), strings.NewReader(log), cfg); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("a bad row: %v", err)
	}
	cfg.CSV.SkipInvalid = true
	cfg.DynamicCovariates = strings.NewReader(bad)
	r, err := forecast.Run(context.Background(), strings.NewReader(log), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Dynamic.SkippedLines != 1 || r.Dynamic.Backfilled != 0 {
		t.Errorf("skipped %d lines, backfilled %d; want 1, 0", r.Dynamic.SkippedLines, r.Dynamic.Backfilled)
	}

	for _, c := range []forecast.Config{
		{Model: forecast.DynamicModelName},
		{Summaries: true, End: end, DynamicCovariates: strings.NewReader(covs)},
		{DynamicCovariates: strings.NewReader(covs), Covariates: strings.NewReader("id,x\n")},
	} {
		var ce *forecast.ConfigError
		if _, err := forecast.Run(context.Background(), strings.NewReader(log), c); !errors.As(err, &ce) {
			t.Errorf("%+v: %v, want a ConfigError", c, err)
		}
	}
}

// TestDynamicJobApparel: the job with CLVTools' apparel covariates (the
// estimation period, to 2006-12-31) compares the model (LL −5752.623 as
// the library's, to 1e-9), chooses it by BIC, forecasts along each
// customer's path, and reports life.High.Season at its bound; with a
// calibration end it is fitted on the calibration period.
func TestDynamicJobApparel(t *testing.T) {
	raw, err := os.ReadFile("../../shared/data/apparel_transactions.csv")
	if err != nil {
		t.Skipf("reference data absent: %v", err)
	}
	covs, err := os.ReadFile("../../shared/data/apparel_dynamic_covariates.csv")
	if err != nil {
		t.Skipf("reference data absent: %v", err)
	}
	log := logTo(string(raw), "2006-12-31")
	cfg := forecast.Config{CSV: csvio.Options{ID: "Id", Time: "Date", Amount: "Price"}, End: time.Date(2006, 12, 31, 0, 0, 0, 0, time.UTC),
		Months: 12, Unit: week, Discount: 0.01, Margin: 1}
	res := checkDynamicJob(t, log, string(covs), cfg)
	if ll := res.Choice.Model.LogLikelihood(); math.Abs(ll-(-5752.623182)) > 1e-5 {
		t.Errorf("LL %.6f, want -5752.623182", ll)
	}
	checkDynamicForecasts(t, res, log, string(covs), cfg)
	if !slices.Equal(res.Dynamic.Boundary, []string{"life.High.Season"}) || res.Dynamic.CarriedForward {
		t.Errorf("boundary %v, carried forward %v", res.Dynamic.Boundary, res.Dynamic.CarriedForward)
	}
	var atBound int
	for _, e := range res.Dynamic.Effects {
		if e.Boundary {
			atBound++
		}
	}
	if atBound != 1 {
		t.Errorf("%d effects at the bound, want 1", atBound)
	}
	dir := t.TempDir()
	if _, err := res.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	for file, wants := range map[string][]string{
		"model.json":  {`"dynamic_covariates"`, `"paretonbd_dynamic"`, `"boundary": true`, `"model": "paretonbd-dyn"`},
		"report.html": {"Pareto/NBD &#43; time-varying covariates", "(at its bound)", "cover the forecast horizon"},
	} {
		b, err := os.ReadFile(dir + "/" + file)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range wants {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %s", file, w)
			}
		}
	}
	if b, err := os.ReadFile(dir + "/forecast.csv"); err != nil || strings.Contains(string(b), forecast.NoteNoModel) {
		t.Errorf("forecast.csv: %v, or next-order answers missing (%s)", err, forecast.NoteNoModel)
	}
	if testing.Short() {
		return
	}
	cal := cfg
	cal.CalibrationEnd = time.Date(2006, 6, 30, 0, 0, 0, 0, time.UTC)
	checkDynamicJob(t, log, string(covs), cal)
}

// TestReadDynamicCovariatesSkipInvalid: unusable rows are errors naming
// the line, or with SkipInvalid skipped and counted (a repeated date: the
// later line), the rest read as without them.
func TestReadDynamicCovariatesSkipInvalid(t *testing.T) {
	const file = `id,date,x
*,2024-01-01,0
*,2024-01-08,
a,2024-01-02,x1
a,2024-01-03,1
a,2024-01-03,2
b,2024-13-01,1
b,2024-01-05,1,9
`
	if _, err := forecast.ReadDynamicCovariates(strings.NewReader(file), "f.csv", csvio.Options{}); !errors.Is(err, clv.ErrInvalidCovariates) || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("strict: %v", err)
	}
	f, err := forecast.ReadDynamicCovariates(strings.NewReader(file), "f.csv", csvio.Options{SkipInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.Rows != 2 || f.Shared != 1 || f.Customers != 1 || f.SkippedLines != 5 || len(f.FirstSkipped) != 3 || !strings.HasPrefix(f.FirstSkipped[0], "line 3,") {
		t.Errorf("%+v", f)
	}
	if !f.Last.Equal(time.Date(2024, 1, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("last row %v", f.Last)
	}
	p, err := f.Path("a", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 24*time.Hour)
	if err != nil || !slices.Equal(p.Start, []float64{0, 2}) || p.Values[1][0] != 1 {
		t.Errorf("path %+v, %v", p, err)
	}
}

// TestDynamicJobBackfill: a customer whose rows start after the first
// purchase is an error, or with SkipInvalid has the earliest values
// carried back to it (counted); a state (RunIncremental) has no purchase
// times for the model: a configuration error.
func TestDynamicJobBackfill(t *testing.T) {
	log, _ := dynLog(60)
	first := map[string]string{}
	var ids []string
	for _, l := range strings.Split(strings.TrimSpace(log), "\n")[1:] {
		f := strings.Split(l, ",")
		if _, ok := first[f[0]]; !ok {
			first[f[0]], ids = f[1], append(ids, f[0])
		}
	}
	var b strings.Builder
	b.WriteString("id,date,x\n")
	for i, id := range ids {
		d := first[id]
		if i == 0 {
			t0, _ := time.Parse(time.DateOnly, d)
			d = t0.AddDate(0, 0, 3).Format(time.DateOnly)
		}
		fmt.Fprintf(&b, "%s,%s,%d\n", id, d, i%2)
	}
	cfg := forecast.Config{CSV: csvio.Options{ID: "id", Amount: "amount"}, End: time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC),
		Model: forecast.DynamicModelName, DynamicCovariates: strings.NewReader(b.String())}
	if _, err := forecast.Run(context.Background(), strings.NewReader(log), cfg); !errors.Is(err, clv.ErrInvalidCovariates) || !strings.Contains(err.Error(), ids[0]) {
		t.Errorf("strict: %v", err)
	}
	cfg.CSV.SkipInvalid, cfg.DynamicCovariates = true, strings.NewReader(b.String())
	res, err := forecast.Run(context.Background(), strings.NewReader(log), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Dynamic.Backfilled != 1 || res.Choice.Name != forecast.DynamicModelName || !res.Dynamic.EffectsUsed {
		t.Errorf("backfilled %d, model %s, effects used %v", res.Dynamic.Backfilled, res.Choice.Name, res.Dynamic.EffectsUsed)
	}
	cfg.DynamicCovariates = strings.NewReader(b.String())
	if _, err := forecast.RunIncremental(context.Background(), &forecast.State{}, strings.NewReader(log), cfg); !errors.Is(err, forecast.ErrConfig) {
		t.Errorf("RunIncremental: %v", err)
	}
}
