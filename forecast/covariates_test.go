package forecast_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/paretonbd"
)

// covLog is a log generated from a Pareto/NBD model with covariates: a
// categorical Channel (shop, the most frequent, online, phone) and a
// numeric Age (centred, in decades), with known effects.
type covLog struct {
	log, covs string // CSV text
	truth     paretonbd.CovParams
}

// genCovLog simulates n customers with paretonbd.CovModel.Simulate and
// writes their purchases as a log (each customer's repeat purchases spread
// evenly to the last, on distinct days) and their covariates.
func genCovLog(t testing.TB, n int, seed uint64) covLog {
	t.Helper()
	truth := paretonbd.CovParams{Params: paretonbd.Params{R: 1.2, Alpha: 12, S: 0.8, Beta: 30},
		Names: []string{"Channel=online", "Channel=phone", "Age"},
		Trans: []float64{0.6, -0.4, 0.2}, Life: []float64{0.8, 0, -0.3}}
	m, err := paretonbd.NewCovariates(truth)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	z := clv.Covariates{Names: truth.Names}
	T := make([]float64, n)
	channels := make([]string, n)
	ages := make([]float64, n)
	for i := range n {
		T[i] = float64(26 + rng.IntN(79)) // whole weeks: first purchases on the end's weekday
		ch := []string{"shop", "shop", "shop", "online", "online", "phone"}[rng.IntN(6)]
		age := float64(rng.IntN(5)-2) / 2 // −1 to 1
		channels[i], ages[i] = ch, age
		v := []float64{0, 0, age}
		switch ch {
		case "online":
			v[0] = 1
		case "phone":
			v[1] = 1
		}
		z.Values = append(z.Values, v)
	}
	cs, err := m.Simulate(rand.NewPCG(seed, 2), T, z)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	day := func(weeks float64) int { return int(math.Round(weeks * 7)) }
	var log, covs strings.Builder
	log.WriteString("customer_id,date,amount\n")
	covs.WriteString("customer_id,Channel,Age\n")
	for i, c := range cs {
		id := fmt.Sprintf("c%05d", i)
		first := end.AddDate(0, 0, -day(c.T))
		fmt.Fprintf(&log, "%s,%s,%.2f\n", id, first.Format(time.DateOnly), 20+rng.Float64()*30)
		x, last := int(c.Frequency), day(c.Recency)
		prev := 0
		for k := 1; k <= x; k++ {
			d := max(prev+1, last*k/x)
			if d > day(c.T) {
				break
			}
			prev = d
			fmt.Fprintf(&log, "%s,%s,%.2f\n", id, first.AddDate(0, 0, d).Format(time.DateOnly), 20+rng.Float64()*30)
		}
		fmt.Fprintf(&covs, "%s,%s,%g\n", id, channels[i], ages[i])
	}
	return covLog{log: log.String(), covs: covs.String(), truth: truth}
}

// zOf reads a covariates CSV of numeric columns only (as the test's files
// are) into the customers' vectors, the way the library is called by hand.
func zOf(t *testing.T, text string, cs []clv.Customer, enc func(rec []string) []float64, names []string) clv.Covariates {
	t.Helper()
	byID := map[string][]float64{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Scan() // header
	for sc.Scan() {
		rec := strings.Split(sc.Text(), ",")
		byID[rec[0]] = enc(rec[1:])
	}
	z := clv.Covariates{Names: names}
	for _, c := range cs {
		v, ok := byID[c.ID]
		if !ok {
			t.Fatalf("customer %q has no covariates", c.ID)
		}
		z.Values = append(z.Values, v)
	}
	return z
}

func numeric(rec []string) []float64 {
	out := make([]float64, len(rec))
	for j, s := range rec {
		out[j], _ = strconv.ParseFloat(s, 64)
	}
	return out
}

// TestCovariatesApparel: on CLVTools' apparel data, the job's covariate
// models are the library's fits on the job's summaries (the same
// log-likelihood to 1e-9, the same per-customer P(alive)), auto compares
// them with the plain models, and the report's sentences say the effects.
func TestCovariatesApparel(t *testing.T) {
	logPath := filepath.Join("..", "..", "shared", "data", "apparel_transactions.csv")
	covPath := filepath.Join("..", "..", "shared", "data", "apparel_static_covariates.csv")
	logText, err := os.ReadFile(logPath)
	if err != nil {
		t.Skipf("CLVTools' apparel data not available (%v): see ../shared/data/README", err)
	}
	covText, err := os.ReadFile(covPath)
	if err != nil {
		t.Skipf("CLVTools' apparel covariates not available (%v)", err)
	}
	res, err := forecast.Run(context.Background(), strings.NewReader(string(logText)), forecast.Config{
		CSV: csvio.Options{ID: "Id", Time: "Date", Amount: "Price"}, Name: "apparel",
		Covariates: strings.NewReader(string(covText)), CovariatesName: "apparel_static_covariates.csv"})
	if err != nil {
		t.Fatal(err)
	}
	cs := res.Summary.Customers
	z := zOf(t, string(covText), cs, numeric, []string{"Gender", "Channel"})
	ctx := context.Background()
	pm, err := paretonbd.FitCovariates(ctx, cs, z, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mb, err := bgnbd.FitCovariates(ctx, cs, z, bgnbd.CovFitOptions{Variant: bgnbd.MBGNBD})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{"paretonbd-cov": pm.LogLikelihood(), "mbgnbd-cov": mb.LogLikelihood()} {
		m, ok := res.Choice.Fitted[name]
		if !ok {
			t.Fatalf("%s not in the comparison (failed: %v)", name, res.Choice.Failed)
		}
		if got := m.LogLikelihood(); math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("%s: job LL %.12g, library %.12g", name, got, want)
		}
	}
	if res.Choice.Name != "paretonbd-cov" {
		t.Errorf("auto chose %s, want paretonbd-cov (lowest BIC: %s)", res.Choice.Name, res.Choice.Comparison.Reason)
	}
	for i := 0; i < len(cs); i += 37 {
		want := pm.ProbabilityAlive(cs[i], z.Values[i])
		if got := res.Forecasts[i].PAlive; math.Abs(got-want) > 1e-12 {
			t.Errorf("customer %s: P(alive) %v, library %v", cs[i].ID, got, want)
		}
	}
	cv := res.Covariates
	if cv == nil || cv.EffectsModel != "paretonbd-cov" || !cv.EffectsUsed || len(cv.Effects) != 4 {
		t.Fatalf("covariates %+v, want the 4 effects of paretonbd-cov", cv)
	}
	for _, e := range cv.Effects {
		if !(e.P >= 0 && e.P < 0.01) || !(e.Lo < e.Ratio && e.Ratio < e.Hi) {
			t.Errorf("%v: want an effect with p < 0.01 inside its interval", e)
		}
	}
	s := cv.Sentences()
	if len(s) != 2 || !strings.HasPrefix(s[1], "Customers with Channel = 1 (rather than 0) buy 1.75× as often [1.46, 2.1]") ||
		!strings.Contains(s[1], "drop out 1.74× as fast [1.18, 2.57]") {
		t.Errorf("sentences %q", s)
	}
}

// TestCovariatesGenerated: on a log simulated with known effects of a
// categorical and a numeric covariate, the job reads the file (reference
// level the most frequent), its fit is the library's on the same
// summaries, the effects are near the truth, the holdout check works for
// the covariate model, and model.json and the report carry the effects.
func TestCovariatesGenerated(t *testing.T) {
	g := genCovLog(t, 3000, 7)
	res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: "paretonbd-cov", Covariates: strings.NewReader(g.covs), CovariatesName: "covs.csv"})
	if err != nil {
		t.Fatal(err)
	}
	cv := res.Covariates
	if !slices.Equal(cv.Names, g.truth.Names) || cv.Columns[0].Reference != "shop" || !slices.Equal(cv.Columns[0].Levels, []string{"shop", "online", "phone"}) {
		t.Fatalf("covariates %v, columns %+v", cv.Names, cv.Columns)
	}
	cs := res.Summary.Customers
	enc := func(rec []string) []float64 {
		v := []float64{0, 0, 0}
		switch rec[0] {
		case "online":
			v[0] = 1
		case "phone":
			v[1] = 1
		}
		v[2], _ = strconv.ParseFloat(rec[1], 64)
		return v
	}
	z := zOf(t, g.covs, cs, enc, g.truth.Names)
	lib, err := paretonbd.FitCovariates(context.Background(), cs, z, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Choice.Model.LogLikelihood(), lib.LogLikelihood(); math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("job LL %.12g, library %.12g", got, want)
	}
	// Each customer's CLV is the library's with the customer's own model,
	// also for customers of equal (frequency, recency, T) and different
	// covariates (which predict.LifetimeValues alone would value alike).
	opts := predict.ValueOptions{Periods: 12, PeriodLength: res.Horizon / 12, Margin: 1}
	for i, c := range cs {
		cm, err := lib.Customer(z.Values[i])
		if err != nil {
			t.Fatal(err)
		}
		v, err := predict.LifetimeValues(cm, res.Spend, []clv.Customer{c}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Forecasts[i].CLV; math.Abs(got-v[0]) > 1e-9*math.Abs(v[0]) {
			t.Fatalf("customer %s: CLV %v, library %v with the customer's model", c.ID, got, v[0])
		}
	}
	// Recovery: each γ within 4 standard errors of the truth (3000
	// customers; the log's day rounding aside, the model is the truth).
	for _, e := range cv.Effects {
		j := slices.Index(g.truth.Names, e.Covariate)
		want := g.truth.Trans[j]
		if e.Process == clv.DropoutProcess {
			want = g.truth.Life[j]
		}
		if math.Abs(e.Gamma-want) > 4*e.StdErr {
			t.Errorf("%v: γ %.3f ± %.3f, truth %.3f", e, e.Gamma, e.StdErr, want)
		}
	}
	var js strings.Builder
	if err := res.WriteModelJSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"paretonbd_covariates"`, `"reference": "shop"`, `"sentences"`, `"Customers with Channel = online (rather than shop) buy `} {
		if !strings.Contains(js.String(), want) {
			t.Errorf("model.json lacks %s", want)
		}
	}
	var html strings.Builder
	if err := res.WriteReport(&html, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h3>Covariates (covs.csv)</h3>", "Channel (categorical: shop, online, phone; reference shop)", "Age (numeric)",
		"Customers with Age one unit higher buy", "likelihood-ratio p"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}

	// With a holdout period the covariate model is checked as the others.
	res, err = forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		CalibrationEnd: time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC),
		Covariates:     strings.NewReader(g.covs)})
	if err != nil {
		t.Fatal(err)
	}
	cmp := res.Choice.Comparison
	if cmp == nil || len(cmp.Scores) != 6 || cmp.Criterion != "holdout MAE" {
		t.Fatalf("comparison %+v, want the 6 models by holdout MAE", cmp)
	}
	if res.Holdout == nil || !(res.Holdout.Model.MAE > 0) {
		t.Fatalf("holdout %+v", res.Holdout)
	}
	t.Logf("with a holdout: %s", cmp.Reason)
}

// TestCovariatesErrors: a bad covariates file is an error naming its line
// and column (or the customer), and with SkipInvalid the unusable lines
// are skipped and counted, and customers without a row get the mean
// profile.
func TestCovariatesErrors(t *testing.T) {
	g := genCovLog(t, 400, 3)
	lines := strings.Split(strings.TrimSuffix(g.covs, "\n"), "\n")
	edit := func(f func(ls []string) []string) string {
		return strings.Join(f(slices.Clone(lines)), "\n") + "\n"
	}
	run := func(covs string, skip bool) (*forecast.Result, error) {
		return forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
			Model: "paretonbd-cov", CSV: csvio.Options{SkipInvalid: skip},
			Covariates: strings.NewReader(covs), CovariatesName: "covs.csv"})
	}
	for _, tc := range []struct {
		name, covs, want string
	}{
		{"empty value", edit(func(ls []string) []string { ls[3] = strings.Split(ls[3], ",")[0] + ",,0.5"; return ls }),
			`covs.csv: line 4, column "Channel": empty value`},
		{"field count", edit(func(ls []string) []string { ls[5] += ",x"; return ls }), "covs.csv: line 6: 4 fields, the header has 3"},
		{"repeated", edit(func(ls []string) []string { return append(ls, ls[2]) }), `line 402, column "customer_id": customer "c00001" again (first on line 3)`},
		{"missing customer", edit(func(ls []string) []string { return slices.Delete(ls, 10, 11) }), `1 of the log's customers have no usable row, e.g. customer "c00009"`},
		{"constant", edit(func(ls []string) []string {
			for i := 1; i < len(ls); i++ {
				ls[i] = strings.Split(ls[i], ",")[0] + ",shop,0"
			}
			return ls
		}), `column "Channel": every customer of the log has "shop"`},
		{"header only", "customer_id\n", "a header with the customer id and at least one covariate column"},
		{"name clash", edit(func(ls []string) []string {
			ls[0] += ",Channel=phone"
			for i := 1; i < len(ls); i++ {
				ls[i] += "," + strconv.Itoa(i%2)
			}
			return ls
		}), `covariate "Channel=phone" twice`},
	} {
		_, err := run(tc.covs, false)
		if !errors.Is(err, clv.ErrInvalidCovariates) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one wrapping clv.ErrInvalidCovariates with %q", tc.name, err, tc.want)
		}
	}

	// SkipInvalid: line 4 (customer c00002) has an empty value, c00009 no
	// row, and a customer not in the log is counted.
	covs := edit(func(ls []string) []string {
		ls[3] = "c00002,,0.5"
		return append(slices.Delete(ls, 10, 11), "zz-not-in-log,phone,1")
	})
	res, err := run(covs, true)
	if err != nil {
		t.Fatal(err)
	}
	cv := res.Covariates
	if cv.SkippedLines != 1 || cv.Missing != 2 || cv.NotInLog != 1 || !strings.Contains(cv.FirstSkipped[0], `line 4, column "Channel"`) {
		t.Errorf("skipped %d (%q), missing %d, not in log %d; want 1, 2, 1", cv.SkippedLines, cv.FirstSkipped, cv.Missing, cv.NotInLog)
	}
	// The mean profile: each indicator at its level's share among the 398
	// customers with a row.
	var online float64
	for _, l := range strings.Split(covs, "\n") {
		if strings.Contains(l, ",online,") {
			online++
		}
	}
	if want := online / 398; math.Abs(cv.Mean[0]-want) > 1e-12 {
		t.Errorf("mean profile %v, want Channel=online at %v", cv.Mean, want)
	}
	// Customer c00009 is scored with it.
	var cp paretonbd.CovModel
	var js strings.Builder
	if err := res.WriteModelJSON(&js); err != nil {
		t.Fatal(err)
	}
	raw := js.String()
	start := strings.Index(raw, `"paretonbd-cov": `) + len(`"paretonbd-cov": `)
	dec := raw[start:]
	depth, end := 0, 0
	for i, r := range dec {
		if r == '{' {
			depth++
		} else if r == '}' {
			if depth--; depth == 0 {
				end = i + 1
				break
			}
		}
	}
	if err := cp.UnmarshalJSON([]byte(dec[:end])); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(res.Summary.Customers, func(c clv.Customer) bool { return c.ID == "c00009" })
	if got, want := res.Forecasts[i].PAlive, cp.ProbabilityAlive(res.Summary.Customers[i], cv.Mean); math.Abs(got-want) > 1e-12 {
		t.Errorf("customer without a row: P(alive) %v, want %v at the mean profile", got, want)
	}
}

// TestCovariatesConfig: a covariate model without covariates is a
// configuration error.
func TestCovariatesConfig(t *testing.T) {
	_, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{Model: "paretonbd-cov"})
	var ce *forecast.ConfigError
	if !errors.As(err, &ce) || ce.Field != "Model" || ce.With != "Covariates" {
		t.Errorf("error %v, want a ConfigError of Model with Covariates", err)
	}
}

// TestCovariatesSummaries: with summaries as input the covariates join by
// customer id as with a log, and the fit is the same.
func TestCovariatesSummaries(t *testing.T) {
	g := genCovLog(t, 500, 9)
	res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: "paretonbd-cov", Covariates: strings.NewReader(g.covs), NoAmounts: true})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(strings.Join(csvio.SummaryColumns, ",") + "\n")
	for _, c := range res.Summary.Customers {
		fmt.Fprintf(&b, "%s,%v,%v,%v,%v\n", c.ID, c.Frequency, c.Recency, c.T, c.MonetaryValue)
	}
	sres, err := forecast.Run(context.Background(), strings.NewReader(b.String()), forecast.Config{
		Model: "paretonbd-cov", Covariates: strings.NewReader(g.covs), NoAmounts: true, Summaries: true, End: res.Summary.End})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sres.Choice.Model.LogLikelihood(), res.Choice.Model.LogLikelihood(); got != want {
		t.Errorf("from summaries LL %v, from the log %v", got, want)
	}
}

// TestCovariatesMatrixCaptions: with a covariate model chosen, the
// frequency × recency plots are of the mean profile (a customer known by
// its summary alone), and their captions say so; without one they do not.
func TestCovariatesMatrixCaptions(t *testing.T) {
	g := genCovLog(t, 1000, 11)
	for _, model := range []string{"paretonbd-cov", "paretonbd"} {
		res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
			Model: model, Covariates: strings.NewReader(g.covs)})
		if err != nil {
			t.Fatal(err)
		}
		figs, err := res.Figures()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range figs {
			if f.File != "p_alive.png" && f.File != "expected_purchases.png" {
				continue
			}
			n++
			if got, want := strings.Contains(f.Caption, "mean covariate profile"), model == "paretonbd-cov"; got != want {
				t.Errorf("%s, %s: caption %q: mentions the mean profile %v, want %v", model, f.File, f.Caption, got, want)
			}
		}
		if n != 2 {
			t.Errorf("%s: %d frequency × recency figures, want 2", model, n)
		}
	}
}

// TestCovariatesBoundaryAnyGroup: a covariate fit whose limit is reached
// by a group other than the reference customers (here BG/NBD's a and b for
// the phone customers run off toward 10⁷ while the shop customers' stay
// finite) is a boundary fit, as when the reference group reaches it; it
// was reported "not converged" and failed the job.
func TestCovariatesBoundaryAnyGroup(t *testing.T) {
	g := genCovLog(t, 300, 3)
	res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: "bgnbd-cov", Covariates: strings.NewReader(g.covs), CovariatesName: "covs.csv"})
	if err != nil {
		t.Fatal(err)
	}
	fi := res.Choice.Model.FitInfo()
	if fi.Status != clv.AtBoundary || !strings.Contains(fi.Reason, "covariates") {
		t.Errorf("status %v, reason %q: want a boundary naming the group's covariates", fi.Status, fi.Reason)
	}
}
