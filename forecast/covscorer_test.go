package forecast_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/ggompertz"
	"gonum.org/v1/gonum/stat/distuv"
)

// covRows reads a covariates CSV (comma-separated, the id first) into each
// customer's raw values by column, as a caller holding them would pass
// them to Encode.
func covRows(t *testing.T, text string) map[string]map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(text), "\n")
	header := strings.Split(strings.TrimSpace(lines[0]), ",")
	out := map[string]map[string]string{}
	for _, l := range lines[1:] {
		rec := strings.Split(strings.TrimSpace(l), ",")
		row := map[string]string{}
		for j, v := range rec[1:] {
			row[header[j+1]] = v
		}
		out[rec[0]] = row
	}
	return out
}

// loadRun writes res's model.json and loads it.
func loadRun(t *testing.T, res *forecast.Result) *forecast.Scorer {
	t.Helper()
	var b bytes.Buffer
	if err := res.WriteModelJSON(&b); err != nil {
		t.Fatal(err)
	}
	sc, err := forecast.LoadModels(&b, forecast.ScorerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// near says a and b agree to tol relatively (absolutely below 1), NaN
// with NaN.
func near(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol*max(1, math.Abs(b))
}

// checkCovScores scores every customer of res from the raw rows of the
// covariates file, all at once and one by one (every 17th), and compares
// with the job's forecasts and answers to 1e-9.
func checkCovScores(t *testing.T, res *forecast.Result, sc *forecast.Scorer, rows map[string]map[string]string) {
	t.Helper()
	cs := res.Summary.Customers
	z := make([][]float64, len(cs))
	for i, c := range cs {
		var err error
		if z[i], err = sc.Covariates.Encode(rows[c.ID]); err != nil {
			t.Fatalf("customer %s: %v", c.ID, err)
		}
	}
	ctx := context.Background()
	fcs, err := sc.ScoreCovariates(ctx, cs, z)
	if err != nil {
		t.Fatal(err)
	}
	ans, err := sc.AnswersCovariates(ctx, cs, z)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i := range cs {
		got, want := fcs[i], res.Forecasts[i]
		for k, pair := range [][2]float64{{got.PAlive, want.PAlive}, {got.ExpectedPurchases, want.ExpectedPurchases},
			{got.ExpectedValue, want.ExpectedValue}, {got.CLV, want.CLV}, {got.DiscountedPurchases, want.DiscountedPurchases}} {
			if !near(pair[0], pair[1], 1e-9) {
				t.Fatalf("customer %s, value %d: served %.15g, job %.15g", cs[i].ID, k, pair[0], pair[1])
			}
			if d := math.Abs(pair[0]-pair[1]) / max(1, math.Abs(pair[1])); d > worst {
				worst = d
			}
		}
		cf, _ := res.Customer(i)
		a, b := ans[i], cf.Answers
		if !near(a.PurchaseWithinWindow, b.PurchaseWithinWindow, 1e-9) || !near(a.AliveAtHorizonEnd, b.AliveAtHorizonEnd, 1e-9) ||
			!near(a.AvgDaysBetweenOrders, b.AvgDaysBetweenOrders, 1e-9) || a.NextOrderNote != b.NextOrderNote {
			t.Fatalf("customer %s: answers %+v, job %+v", cs[i].ID, a, b)
		}
	}
	t.Logf("%s: %d customers, largest relative difference %.2g", sc.Name, len(cs), worst)
	for i := 0; i < len(cs); i += 17 {
		one, err := sc.ScoreCovariates(ctx, cs[i:i+1], z[i:i+1])
		if err != nil {
			t.Fatal(err)
		}
		if !near(one[0].CLV, res.Forecasts[i].CLV, 1e-9) || !near(one[0].PAlive, res.Forecasts[i].PAlive, 1e-9) {
			t.Fatalf("customer %s alone: %+v, job %+v", cs[i].ID, one[0], res.Forecasts[i])
		}
	}
}

// TestScoreCovariatesApparel: on CLVTools' apparel data (numeric 0/1
// covariates), the loaded paretonbd-cov model and the spend model with
// covariates score every customer from the customer's raw covariate
// values as the job did, to 1e-9.
func TestScoreCovariatesApparel(t *testing.T) {
	logText, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "apparel_transactions.csv"))
	if err != nil {
		t.Skipf("CLVTools' apparel data not available (%v): see ../shared/data/README", err)
	}
	covText, err := os.ReadFile(filepath.Join("..", "..", "shared", "data", "apparel_static_covariates.csv"))
	if err != nil {
		t.Skipf("CLVTools' apparel covariates not available (%v)", err)
	}
	res, err := forecast.Run(context.Background(), bytes.NewReader(logText), forecast.Config{
		CSV: csvio.Options{ID: "Id", Time: "Date", Amount: "Price"}, Model: "paretonbd-cov", Discount: 0.01,
		Covariates: bytes.NewReader(covText), CovariatesName: "apparel_static_covariates.csv"})
	if err != nil {
		t.Fatal(err)
	}
	sc := loadRun(t, res)
	if sc.Covariates == nil || sc.CovPurchase == nil || sc.CovSpend == nil || sc.Purchase != nil || sc.Covariates.IDColumn != "Id" {
		t.Fatalf("scorer %+v: want the covariate purchase and spend models", sc)
	}
	checkCovScores(t, res, sc, covRows(t, string(covText)))
	tab, err := sc.Covariates.ReadTable(bytes.NewReader(covText), "apparel_static_covariates.csv")
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 600 {
		t.Errorf("table of %d customers, want 600", tab.Len())
	}
	if z, ok := tab.Customer("2"); !ok || len(z) != 2 || z[0] != 1 || z[1] != 0 {
		t.Errorf("customer 2: %v %v, want [1 0] (Gender 1, Channel 0)", z, ok)
	}
}

// TestScoreCovariatesGenerated: on a log simulated with a categorical and
// a numeric covariate, each BG/NBD and MBG/NBD model with covariates and
// the spend model with covariates score as the job did, to 1e-9; so does
// a run whose purchase model has no covariates but whose spend model has.
func TestScoreCovariatesGenerated(t *testing.T) {
	g := genCovLog(t, 800, 11)
	g.log = covSpendAmounts(t, g.log, g.covs)
	rows := covRows(t, g.covs)
	for _, name := range []string{"bgnbd-cov", "mbgnbd-cov", "bgnbd"} {
		res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
			Model: name, Discount: 0.01, Covariates: strings.NewReader(g.covs), CovariatesName: "covs.csv"})
		if err != nil {
			t.Fatal(err)
		}
		sc := loadRun(t, res)
		if res.Covariates.Spend == nil {
			t.Fatalf("%s: no spend model with covariates: %s", name, res.Covariates.SpendNote)
		}
		if sc.Covariates == nil || sc.CovSpend == nil || (sc.CovPurchase == nil) != (name == "bgnbd") {
			t.Fatalf("%s: scorer %+v", name, sc)
		}
		if c := sc.Covariates.Columns[0]; c.Name != "Channel" || c.Reference != "shop" || len(c.Levels) != 3 {
			t.Fatalf("%s: column %+v", name, c)
		}
		checkCovScores(t, res, sc, rows)
		if _, err := sc.Score(context.Background(), res.Summary.Customers[:1]); !errors.Is(err, forecast.ErrNeedsCovariates) {
			t.Errorf("%s: Score without covariates: %v, want ErrNeedsCovariates", name, err)
		}
	}
}

// TestEncodeErrors: Encode names the column and the value of what it
// cannot encode, and ScoreCovariates refuses vectors that are not the
// model's, without panicking.
func TestEncodeErrors(t *testing.T) {
	g := genCovLog(t, 400, 3)
	res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: "bgnbd-cov", Covariates: strings.NewReader(g.covs), CovariatesName: "covs.csv"})
	if err != nil {
		t.Fatal(err)
	}
	sc := loadRun(t, res)
	e := sc.Covariates
	z, err := e.Encode(map[string]string{"Channel": " phone ", "Age": "-0.5"})
	if err != nil || len(z) != 3 || z[0] != 0 || z[1] != 1 || z[2] != -0.5 {
		t.Fatalf("phone, -0.5: %v, %v; want [0 1 -0.5]", z, err)
	}
	if z, err := e.Encode(map[string]string{"Channel": "shop", "Age": "1e-3"}); err != nil || z[0] != 0 || z[1] != 0 || z[2] != 1e-3 {
		t.Errorf("the reference level: %v, %v", z, err)
	}
	for _, tc := range []struct {
		row          map[string]string
		column, want string
	}{
		{map[string]string{"Channel": "fax", "Age": "0"}, "Channel", `unknown level "fax"`},
		{map[string]string{"Channel": "Shop", "Age": "0"}, "Channel", `shop (the reference), online, phone`},
		{map[string]string{"Channel": "shop", "Age": "old"}, "Age", "not a number"},
		{map[string]string{"Channel": "shop", "Age": "NaN"}, "Age", "not a number"},
		{map[string]string{"Channel": "shop", "Age": " "}, "Age", "empty"},
		{map[string]string{"Channel": "shop"}, "Age", "missing: Age"},
		{map[string]string{}, "Channel", "missing: Channel, Age"},
		{nil, "Channel", "missing: Channel, Age"},
		{map[string]string{"Channel": "shop", "Age": "0", "Region": "north"}, "Region", "not a column"},
		{map[string]string{"Channel": strings.Repeat("x", 1<<20), "Age": "0"}, "Channel", "…"},
	} {
		_, err := e.Encode(tc.row)
		var ce *forecast.CovariateError
		if !errors.As(err, &ce) || ce.Column != tc.column || !errors.Is(err, clv.ErrInvalidCovariates) || !strings.Contains(err.Error(), tc.want) || len(err.Error()) > 500 {
			t.Errorf("%.60v: %.300v, want a CovariateError about %s saying %q", tc.row, err, tc.column, tc.want)
		}
	}
	ctx := context.Background()
	cs := res.Summary.Customers[:2]
	for name, zs := range map[string][][]float64{
		"short":    {{0, 1, 0}},
		"length":   {{0, 1}, {0, 0, 0}},
		"NaN":      {{0, 1, 0}, {0, math.NaN(), 0}},
		"overflow": {{0, 1, 0}, {0, 0, 1e300}},
	} {
		if _, err := sc.ScoreCovariates(ctx, cs, zs); !errors.Is(err, clv.ErrInvalidCovariates) {
			t.Errorf("%s: %v, want ErrInvalidCovariates", name, err)
		}
		if _, err := sc.AnswersCovariates(ctx, cs, zs); !errors.Is(err, clv.ErrInvalidCovariates) {
			t.Errorf("answers, %s: %v, want ErrInvalidCovariates", name, err)
		}
	}
	var none *forecast.CovariateEncoding
	if _, err := none.Encode(map[string]string{"a": "b"}); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("nil encoding: %v", err)
	}
	// ReadTable: the job's file reads; a file with an unknown level, a
	// missing or an extra column names the line and the column.
	tab, err := e.ReadTable(strings.NewReader(g.covs), "covs.csv")
	if err != nil || tab.Len() != 400 {
		t.Fatalf("ReadTable: %v, %d customers", err, tab.Len())
	}
	for text, want := range map[string]string{
		"customer_id,Channel,Age\nc1,fax,0\n":             `f.csv: line 2: column "Channel": unknown level "fax"`,
		"customer_id,Channel\nc1,shop\n":                  "no column Age",
		"customer_id,Channel,Age,Region\nc1,shop,0,n\n":   `"Region" is not a column`,
		"customer_id,Channel,Age\nc1,shop,0\nc1,shop,1\n": `customer "c1" again`,
		"customer_id,Channel,Age\nc1,shop\n":              "2 fields",
		"":                                                "empty file",
	} {
		if _, err := e.ReadTable(strings.NewReader(text), "f.csv"); !errors.Is(err, clv.ErrInvalidCovariates) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
	// A read error is wrapped, with the line it stopped at.
	errDisk := errors.New("disk gone")
	r := io.MultiReader(strings.NewReader("customer_id,Channel,Age\nc1,shop,0\n"), iotest.ErrReader(errDisk))
	if _, err := e.ReadTable(r, "f.csv"); !errors.Is(err, errDisk) || !errors.Is(err, clv.ErrInvalidCovariates) || !strings.Contains(err.Error(), "f.csv: line 3") {
		t.Errorf("a failing reader: %v, want it wrapped at line 3", err)
	}
}

// covSpendAmounts rewrites the amounts of a log of genCovLog as a
// Gamma-Gamma spend process whose scale carries the covariates: customer
// c's mean spend per purchase is ν_c·exp(0.4·[online] − 0.2·Age), ν_c
// drawn once per customer (gamma, shape 4, mean 30), each amount gamma
// with shape 6 around it.
func covSpendAmounts(t *testing.T, log, covs string) string {
	t.Helper()
	rows := covRows(t, covs)
	rng := rand.New(rand.NewPCG(5, 6))
	nu := map[string]float64{}
	var b strings.Builder
	for k, l := range strings.Split(strings.TrimSpace(log), "\n") {
		if k == 0 {
			b.WriteString(l + "\n")
			continue
		}
		rec := strings.Split(l, ",")
		id := rec[0]
		if _, ok := nu[id]; !ok {
			age, _ := strconv.ParseFloat(rows[id]["Age"], 64)
			online := 0.0
			if rows[id]["Channel"] == "online" {
				online = 1
			}
			nu[id] = distuv.Gamma{Alpha: 4, Beta: 4.0 / 30, Src: rng}.Rand() * math.Exp(0.4*online-0.2*age)
		}
		amount := nu[id] * distuv.Gamma{Alpha: 6, Beta: 6, Src: rng}.Rand()
		fmt.Fprintf(&b, "%s,%s,%.2f\n", id, rec[1], max(amount, 0.01))
	}
	return b.String()
}

// TestLoadCovariateModelFile: a model.json written before it recorded how
// the file was read loads with the defaults (the first column the id, a
// comma); one whose covariates do not match its columns, levels or models
// is refused with ErrModelFile naming what.
func TestLoadCovariateModelFile(t *testing.T) {
	good := string(covModelJSON(t, "paretonbd-cov"))
	old := good
	for _, f := range []string{`"id_column": "customer_id",`, `"delimiter": ",",`, `"decimal_comma": false,`} {
		if !strings.Contains(old, f) {
			t.Fatalf("model.json without %s", f)
		}
		old = strings.Replace(old, f, "", 1)
	}
	sc, err := forecast.LoadModels(strings.NewReader(old), forecast.ScorerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e := sc.Covariates; e.IDColumn != "" || e.Delimiter != ',' || e.DecimalComma {
		t.Errorf("defaults: %q %q %v", e.IDColumn, e.Delimiter, e.DecimalComma)
	}
	if tab, err := sc.Covariates.ReadTable(strings.NewReader("id,Age,Channel\nx,1,phone\n"), "f.csv"); err != nil || tab.Len() != 1 {
		t.Errorf("ReadTable, the id first: %v", err)
	}
	for _, tc := range []struct{ old, new, want string }{
		{`"reference": "shop"`, `"reference": "online"`, "reference"},
		{`"Channel=phone",`, `"Channel=fax",`, "covariates"},
		{`"Age"`, `"age"`, "covariates"},
		{`"delimiter": ","`, `"delimiter": ",,"`, "delimiter"},
		{`"mean_profile": [`, `"mean_profile": [1,`, "mean_profile"},
		{`"covariates": {`, `"covariates_": {`, "without"},
		{`"categorical": true`, `"categorical": false`, "numeric with levels"},
	} {
		js := strings.Replace(good, tc.old, tc.new, 1)
		if js == good {
			t.Fatalf("%s not in model.json", tc.old)
		}
		if _, err := forecast.LoadModels(strings.NewReader(js), forecast.ScorerOptions{}); !errors.Is(err, forecast.ErrModelFile) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s -> %s: %v, want ErrModelFile saying %q", tc.old, tc.new, err, tc.want)
		}
	}
}

// TestLoadGGompertzCov: a model.json of -model ggompertz-cov loads (it was
// decoded as a BG/NBD with covariates and refused) and scores as the run
// did.
func TestLoadGGompertzCov(t *testing.T) {
	g := genCovLog(t, 300, 5)
	res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: "ggompertz-cov", Covariates: strings.NewReader(g.covs), CovariatesName: "covs.csv"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.WriteModelJSON(&b); err != nil {
		t.Fatal(err)
	}
	sc, err := forecast.LoadModels(&b, forecast.ScorerOptions{})
	if err != nil {
		t.Fatalf("LoadModels: %v", err)
	}
	if _, ok := sc.CovPurchase.(*ggompertz.CovModel); !ok || sc.Name != "ggompertz-cov" {
		t.Fatalf("CovPurchase %T, name %q", sc.CovPurchase, sc.Name)
	}
	tab, err := sc.Covariates.ReadTable(strings.NewReader(g.covs), "covs.csv")
	if err != nil {
		t.Fatal(err)
	}
	cs := res.Summary.Customers
	zs := make([][]float64, len(cs))
	for i, c := range cs {
		z, ok := tab.Customer(c.ID)
		if !ok {
			z = sc.Covariates.Mean
		}
		zs[i] = z
	}
	fs, err := sc.ScoreCovariates(context.Background(), cs, zs)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range fs {
		w := res.Forecasts[i]
		if math.Abs(f.PAlive-w.PAlive) > 1e-9 || math.Abs(f.ExpectedPurchases-w.ExpectedPurchases) > 1e-9*max(1, w.ExpectedPurchases) {
			t.Fatalf("customer %d: P(alive) %v, E %v; the run's %v, %v", i, f.PAlive, f.ExpectedPurchases, w.PAlive, w.ExpectedPurchases)
		}
	}
}
