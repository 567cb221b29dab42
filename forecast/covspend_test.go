package forecast_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// spendTruth: the spend of genSpendLog's customers, with effects of the
// channel and the age on the scale.
var spendTruth = gammagamma.CovParams{Params: gammagamma.Params{P: 6, Q: 4, Gamma: 15},
	Names: []string{"Channel=online", "Channel=phone", "Age"}, Spend: []float64{0.3, -0.2, -0.1}}

// genSpendLog is genCovLog with amounts from spendTruth: each customer's
// purchases (the first too) are worth values of the gamma-gamma model of
// the customer's covariates.
func genSpendLog(t *testing.T, n int, seed uint64) covLog {
	t.Helper()
	g := genCovLog(t, n, seed)
	sm, err := gammagamma.NewCovariates(spendTruth)
	if err != nil {
		t.Fatal(err)
	}
	channel := map[string]string{}
	age := map[string]float64{}
	for _, l := range strings.Split(strings.TrimSpace(g.covs), "\n")[1:] {
		f := strings.Split(l, ",")
		channel[f[0]] = f[1]
		age[f[0]], _ = strconv.ParseFloat(f[2], 64)
	}
	src := rand.NewPCG(seed, 9)
	lines := strings.Split(strings.TrimSpace(g.log), "\n")
	var out strings.Builder
	out.WriteString(lines[0] + "\n")
	// Each customer's lines are consecutive: draw the customer's values
	// for all of them at once.
	for i := 1; i < len(lines); {
		id := lines[i][:strings.IndexByte(lines[i], ',')]
		k := i
		for k < len(lines) && strings.HasPrefix(lines[k], id+",") {
			k++
		}
		z := []float64{0, 0, age[id]}
		switch channel[id] {
		case "online":
			z[0] = 1
		case "phone":
			z[1] = 1
		}
		p, err := sm.Params().At(z)
		if err != nil {
			t.Fatal(err)
		}
		vals := p.SimulateValues(src, k-i)
		for m, l := range lines[i:k] {
			f := strings.Split(l, ",")
			fmt.Fprintf(&out, "%s,%s,%.4f\n", f[0], f[1], vals[m])
		}
		i = k
	}
	g.log = out.String()
	return g
}

// TestCovariatesSpend: with covariates and amounts, the job values the
// purchases with the gamma-gamma model with the covariates: its fit is
// the library's on the job's summaries, each customer's CLV is the
// library's with the customer's own purchase and spend models, the spend
// effects are near the truth and said in the report and model.json; the
// value of a new customer per profile is predict.NewCustomerValue at the
// profile's models, with an interval holding it, in profiles.csv.
func TestCovariatesSpend(t *testing.T) {
	g := genSpendLog(t, 3000, 7)
	res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: "paretonbd-cov", Covariates: strings.NewReader(g.covs), CovariatesName: "covs.csv",
		Interval: 0.9, IntervalDraws: 100, Margin: 0.3, Discount: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	cv := res.Covariates
	if cv.Spend == nil {
		t.Fatalf("no spend model with covariates: %s", cv.SpendNote)
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
	ctx := context.Background()
	lib, err := paretonbd.FitCovariates(ctx, cs, z, paretonbd.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	glib, err := gammagamma.FitCovariates(ctx, cs, z, gammagamma.CovFitOptions{SkipNonPositive: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cv.Spend.LogLikelihood(), glib.LogLikelihood(); math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Errorf("job spend LL %.12g, library %.12g", got, want)
	}
	month := res.Horizon / 12
	opts := predict.ValueOptions{Periods: 12, PeriodLength: month, Margin: 0.3, DiscountRate: 0.01}
	for i := 0; i < len(cs); i += 7 {
		c := cs[i]
		cm, err := lib.Customer(z.Values[i])
		if err != nil {
			t.Fatal(err)
		}
		sm, err := cv.Spend.Customer(z.Values[i])
		if err != nil {
			t.Fatal(err)
		}
		v, err := predict.LifetimeValues(cm, sm, []clv.Customer{c}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Forecasts[i].CLV; math.Abs(got-v[0]) > 1e-9*math.Abs(v[0]) {
			t.Fatalf("customer %s: CLV %v, library %v with the customer's models", c.ID, got, v[0])
		}
		if got, want := res.Forecasts[i].ExpectedValue, sm.ConditionalExpectedValue(c); c.Frequency > 0 && math.Abs(got-want) > 1e-12*want {
			t.Fatalf("customer %s: expected value per purchase %v, library %v", c.ID, got, want)
		}
	}
	// Recovery: each δ within 4 standard errors of the truth.
	if len(cv.SpendEffects) != 3 {
		t.Fatalf("spend effects %v", cv.SpendEffects)
	}
	for j, e := range cv.SpendEffects {
		if e.Process != clv.SpendProcess || e.Covariate != spendTruth.Names[j] || math.Abs(e.Gamma-spendTruth.Spend[j]) > 4*e.StdErr || math.IsNaN(e.P) {
			t.Errorf("%v: δ %.3f ± %.3f, truth %.3f", e, e.Gamma, e.StdErr, spendTruth.Spend[j])
		}
	}
	if !(cv.SpendP < 1e-6) {
		t.Errorf("joint test of the spend effects: LR %v, p %v", cv.SpendLR, cv.SpendP)
	}
	s := cv.Sentences()
	t.Logf("%q", s)
	if len(s) != 3 || !strings.Contains(s[0], "and spend 1.") || !strings.Contains(s[0], "× as much per purchase [") {
		t.Errorf("sentences %q", s)
	}

	// The value of a new customer per profile: 15 distinct profiles, more
	// than 12, so the channel's levels with the age at its mean.
	if len(cv.Profiles) != 3 || cv.ProfilesModel != "paretonbd-cov" {
		t.Fatalf("profiles %+v (model %s)", cv.Profiles, cv.ProfilesModel)
	}
	total := 0
	for k, p := range cv.Profiles {
		want := []string{"shop", "online", "phone"}[k]
		if p.Label != "Channel = "+want+" (others at their mean)" || !(math.Abs(p.Z[2]-cv.Mean[2]) < 1e-15) {
			t.Errorf("profile %d: %q %v", k, p.Label, p.Z)
		}
		total += p.Customers
		t.Logf("%s: %d customers, %.3f purchases (%.3f discounted) × %.2f × 0.3 = %.2f [%.2f, %.2f]", p.Label, p.Customers, p.Purchases, p.Discounted, p.MeanSpend, p.Value, p.Interval.Low, p.Interval.High)
		cm, _ := lib.Customer(p.Z)
		sm, _ := cv.Spend.Customer(p.Z)
		v, err := predict.NewCustomerValue(cm, sm, 0, opts)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(p.Value-v) > 1e-9*v || math.Abs(p.Purchases-cm.ExpectedPurchases(res.Horizon)) > 1e-9 ||
			math.Abs(p.MeanSpend-sm.PopulationMean()) > 1e-12*p.MeanSpend || math.Abs(p.Value-0.3*p.MeanSpend*p.Discounted) > 1e-9*v {
			t.Errorf("%s: value %v (purchases %v, spend %v), library %v", p.Label, p.Value, p.Purchases, p.MeanSpend, v)
		}
		if p.Interval == nil || !(p.Interval.Low < p.Value && p.Value < p.Interval.High) {
			t.Errorf("%s: value %v, interval %+v", p.Label, p.Value, p.Interval)
		}
	}
	if total != len(cs) {
		t.Errorf("the profiles count %d customers of %d", total, len(cs))
	}
	// Online customers buy more often, stay shorter, spend more.
	if on, shop := cv.Profiles[1], cv.Profiles[0]; !(on.MeanSpend > shop.MeanSpend) {
		t.Errorf("online spend %v, shop %v", on.MeanSpend, shop.MeanSpend)
	}

	var js, csv, html strings.Builder
	if err := res.WriteModelJSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"gammagamma_covariates"`, `"new_customer_value"`, `"process": "spend"`, `"joint_p"`, `"profile": "Channel = online (others at their mean)"`} {
		if !strings.Contains(js.String(), want) {
			t.Errorf("model.json lacks %s", want)
		}
	}
	if err := res.WriteProfilesCSV(&csv); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(csv.String()), "\n")
	if len(rows) != 4 || rows[0] != "profile,customers,expected_purchases,discounted_purchases,mean_spend_per_purchase,value,value_low,value_high,Channel=online,Channel=phone,Age" {
		t.Errorf("profiles.csv:\n%s", csv.String())
	}
	if err := res.WriteReport(&html, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Value of a new customer by profile", "Channel = phone (others at their mean)", "mean spend per purchase</td>",
		"The Gamma-Gamma spend model with the same covariates"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	dir := t.TempDir()
	names, err := res.WriteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names, "profiles.csv") {
		t.Errorf("files %v lack profiles.csv", names)
	}
}

// TestCovariatesProfilesVariants: without amounts the profiles carry the
// discounted purchases (the value NaN, no spend model) with intervals
// around them; with a plain purchase model asked for, every profile has
// its purchases and the covariate spend model alone tells them apart.
func TestCovariatesProfilesVariants(t *testing.T) {
	g := genSpendLog(t, 1500, 5)
	res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: "paretonbd-cov", Covariates: strings.NewReader(g.covs), NoAmounts: true, Interval: 0.9, IntervalDraws: 60, Discount: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	cv := res.Covariates
	if cv.Spend != nil || len(cv.SpendEffects) != 0 || len(cv.Profiles) != 3 {
		t.Fatalf("no amounts: spend %v, effects %v, profiles %d", cv.Spend, cv.SpendEffects, len(cv.Profiles))
	}
	for _, p := range cv.Profiles {
		if !math.IsNaN(p.Value) || !math.IsNaN(p.MeanSpend) || !(p.Discounted > 0 && p.Discounted < p.Purchases) ||
			p.Interval == nil || !(p.Interval.Low < p.Discounted && p.Discounted < p.Interval.High) {
			t.Errorf("no amounts: %+v %+v", p, p.Interval)
		}
	}
	var csv strings.Builder
	if err := res.WriteProfilesCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if rows := strings.Split(csv.String(), "\n"); !strings.Contains(rows[1], ",,,") {
		t.Errorf("no amounts: profiles.csv row %q, want empty spend and value", rows[1])
	}

	res, err = forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: "paretonbd", Covariates: strings.NewReader(g.covs)})
	if err != nil {
		t.Fatal(err)
	}
	cv = res.Covariates
	if cv.ProfilesModel != "paretonbd" || cv.Spend == nil || len(cv.Profiles) != 3 {
		t.Fatalf("plain model: profiles from %q, spend %v, %d profiles", cv.ProfilesModel, cv.Spend, len(cv.Profiles))
	}
	for _, p := range cv.Profiles[1:] {
		if p.Purchases != cv.Profiles[0].Purchases || p.MeanSpend == cv.Profiles[0].MeanSpend {
			t.Errorf("plain model: %+v against %+v", p, cv.Profiles[0])
		}
	}
	var html strings.Builder
	if err := res.WriteReport(&html, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "the profiles differ only in their spend") {
		t.Error("the report does not say the purchase model has no covariates")
	}
}
