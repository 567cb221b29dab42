package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/datasets"
	"github.com/clvkit/clvkit/paretonbd"
)

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func checkOutputs(t *testing.T, dir string, customers int, holdout bool) {
	t.Helper()
	rows := readCSV(t, filepath.Join(dir, "forecast.csv"))
	if !slices.Equal(rows[0], forecast.ForecastColumns) {
		t.Errorf("forecast.csv columns %v", rows[0])
	}
	if len(rows)-1 != customers {
		t.Errorf("forecast.csv has %d rows, want %d", len(rows)-1, customers)
	}
	// 12 months from an end that is not the first of a month: 13 periods,
	// the first and the last cut short.
	if per := readCSV(t, filepath.Join(dir, "periods.csv")); len(per) != 14 || per[0][0] != "month" {
		t.Errorf("periods.csv: %d rows, header %v", len(per), per[0])
	}
	seg := readCSV(t, filepath.Join(dir, "segments.csv"))
	if seg[0][0] != "segment" || seg[0][1] != "customers" {
		t.Errorf("segments.csv header %v", seg[0])
	}
	var m map[string]json.RawMessage
	b, err := os.ReadFile(filepath.Join(dir, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil || m["purchase_model"] == nil || m["gammagamma"] == nil || m["data"] == nil ||
		m["model_choice"] == nil {
		t.Errorf("model.json: %v, keys %v", err, slices.Collect(maps.Keys(m)))
	}
	// Every fitted purchase model decodes with its package.
	var models struct {
		BG  bgnbd.Model     `json:"bgnbd"`
		MBG bgnbd.Model     `json:"mbgnbd"`
		PN  paretonbd.Model `json:"paretonbd"`
	}
	// With a holdout they were fitted on the calibration period, and the
	// chosen one refitted on the whole observation scores.
	compared := "purchase_models"
	if holdout {
		compared = "calibration_models"
	}
	if err := json.Unmarshal(m[compared], &models); err != nil || models.MBG.Variant() != bgnbd.MBGNBD ||
		models.PN.FitInfo().Customers == 0 || !holdout && models.PN.FitInfo().Customers != customers {
		t.Errorf("%s: %v", compared, err)
	}
	if holdout {
		var scoring map[string]*paretonbd.Model // the chosen model is Pareto/NBD on the test's logs
		if err := json.Unmarshal(m["purchase_models"], &scoring); err != nil || len(scoring) != 1 ||
			scoring["paretonbd"] == nil || scoring["paretonbd"].FitInfo().Customers != customers {
			t.Errorf("purchase_models with a holdout: %v, %d models", err, len(scoring))
		}
	}
	if !bytes.Contains(b, []byte(`"reason"`)) {
		t.Error("model.json does not say why the model was chosen")
	}
	pngs := []string{"frequency.png", "tracking.png", "p_alive.png", "expected_purchases.png", "clv.png", "segments.png"}
	if holdout {
		pngs = append(pngs, "holdout.png")
		if h := readCSV(t, filepath.Join(dir, "holdout.csv")); len(h) != 9 {
			t.Errorf("holdout.csv has %d rows, want 9", len(h))
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range pngs {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width < 400 || cfg.Height < 200 {
			t.Errorf("%s: %v, %dx%d", name, err, cfg.Width, cfg.Height)
		}
		if !bytes.Contains(html, []byte(name)) {
			t.Errorf("report.html does not show %s", name)
		}
	}
	for _, want := range []string{"Champions", "top 1%", "likely lost", "retention offer", "Expected by month"} {
		if !bytes.Contains(html, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if bytes.Contains(html, []byte("http://")) || bytes.Contains(html, []byte("https://")) {
		t.Error("report.html refers to the network")
	}
}

// TestDefaultRun runs the README's main job: no flags, the synthetic log.
func TestDefaultRun(t *testing.T) {
	c := defaultConfig()
	c.Out = t.TempDir()
	if err := Run(c, io.Discard); err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, c.Out, 3000, false)
}

// TestCDNOWMaster: the full CDNOW cohort with a holdout period.
func TestCDNOWMaster(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	c := defaultConfig()
	c.In = datasets.Data(t, "CDNOW_master.txt")
	c.Delim, c.Amount = "space", "dollar_value"
	c.CalibrationEnd, c.End = "1997-09-30", "1998-06-30"
	c.Out = t.TempDir()
	var log strings.Builder
	if err := Run(c, &log); err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, c.Out, 23570, true)
	if !strings.Contains(log.String(), "holdout:") || !strings.Contains(log.String(), "model choice: paretonbd has the lowest holdout MAE") {
		t.Errorf("no holdout evaluation or model choice in the progress log:\n%s", log.String())
	}
	// The forecasts cover the whole observation to 1998-06-30, when 12,054
	// customers had bought once (14,119 by the calibration end); they are no
	// longer all "active": with the chosen Pareto/NBD, P(alive) < 1 for them
	// and falls with T.
	rows := readCSV(t, filepath.Join(c.Out, "forecast.csv"))
	col := map[string]int{}
	for i, n := range rows[0] {
		col[n] = i
	}
	tiers := map[string]int{}
	n := 0
	for _, r := range rows[1:] {
		if r[col["frequency"]] == "0" {
			n++
			tiers[r[col["churn_tier"]]]++
		}
	}
	if n != 12054 || tiers["active"] == n {
		t.Errorf("%d one-time buyers, churn tiers %v", n, tiers)
	}
	t.Logf("one-time buyers by churn tier: %v", tiers)
}

// TestModelFlag: -model picks one purchase model without a comparison;
// an unknown name is an error.
func TestModelFlag(t *testing.T) {
	c := defaultConfig()
	c.Model = "paretonbd"
	c.Out = t.TempDir()
	var log strings.Builder
	if err := Run(c, &log); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(c.Out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"purchase_model": "paretonbd"`)) || bytes.Contains(b, []byte("model_choice")) {
		t.Errorf("model.json:\n%.300s", b)
	}
	c.Model = "pareto"
	if err := Run(c, io.Discard); err == nil || !strings.Contains(err.Error(), "-model") {
		t.Errorf("unknown model: %v", err)
	}
}

// TestSkipInvalid: skipped rows are counted in model.json.
func TestSkipInvalid(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "log.csv")
	good, err := os.ReadFile(defaultConfig().In)
	if err != nil {
		t.Fatal(err)
	}
	// The synthetic log (7,348 rows) with two bad rows appended.
	log := string(good) + "x,not-a-date,1\ny,2024-03-01,-5\n"
	os.WriteFile(in, []byte(log), 0o644)
	c := defaultConfig()
	c.In, c.Out, c.SkipInvalid = in, dir, true
	if err := Run(c, io.Discard); err != nil {
		t.Fatal(err)
	}
	var m struct {
		Data struct {
			Read    int            `json:"records_read"`
			Skipped int            `json:"records_skipped"`
			Reasons map[string]int `json:"skipped_by_reason"`
		} `json:"data"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "model.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Data.Read != 7350 || m.Data.Skipped != 2 || m.Data.Reasons["unparseable date"] != 1 || m.Data.Reasons["negative amount"] != 1 {
		t.Errorf("data %+v", m.Data)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "bad.csv")
	os.WriteFile(in, []byte("customer_id,date,amount\na,2024-01-01,1\nb,2024-02-30,2\n"), 0o644)
	c := defaultConfig()
	c.In, c.Out = in, dir
	err := Run(c, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("bad date: %v", err)
	}
	for _, tc := range []struct {
		mod  func(*Config)
		want string // in the message
	}{
		{func(c *Config) { c.Unit = "fortnight" }, "-unit"},
		{func(c *Config) { c.Delim = "ab" }, "-delim"},
		{func(c *Config) { c.End = "June" }, "-end"},
		{func(c *Config) { c.Amount = "price" }, "price"},
		{func(c *Config) { c.In = filepath.Join(dir, "missing.csv") }, "missing.csv"},
		{func(c *Config) { c.Margin = 0 }, "-margin 0"},
		{func(c *Config) { c.Discount = -0.01 }, "-discount"},
		{func(c *Config) { c.Periods = 1000000 }, "-horizon 1000000: want 1 to 1200"},
		{func(c *Config) { c.CalibrationEnd, c.End = "2024-06-30", "2024-06-30" }, "not before -end"},
		{func(c *Config) { c.Model = "pareto" }, "-model"},
		{func(c *Config) { c.Penalizer = -1 }, "-penalizer"},
		{func(c *Config) { c.Amount = "" }, "-amount"},
	} {
		c := defaultConfig()
		c.Out = dir
		tc.mod(&c)
		if err := Run(c, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", c, err, tc.want)
		}
	}
}

// TestGermanShop: a semicolon-delimited log with decimal commas and euro
// signs, gzip-compressed, reads as the plain one. The customers buy every
// few weeks at rates that vary from customer to customer, and drop out
// after a purchase with a probability that varies too (a BG/NBD): data
// that determine the models' parameters, fitted without a penalty.
func TestGermanShop(t *testing.T) {
	dir := t.TempDir()
	plain := "customer_id,date,amount\n"
	german := "customer_id;date;amount\n"
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 400 {
		days := []int{rng.IntN(90)}
		for rate, p := rng.ExpFloat64()/20, rng.Float64(); rng.Float64() > p; {
			if d := days[len(days)-1] + 1 + int(rng.ExpFloat64()/rate); d < 365 {
				days = append(days, d)
				continue
			}
			break
		}
		for j, d := range days {
			day := time.Date(2024, 1, 1+d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			cents := 1000 + 37*i + 1234*j
			plain += fmt.Sprintf("c%d,%s,%d.%02d\n", i, day, cents/100, cents%100)
			german += fmt.Sprintf("c%d;%s;%d,%02d €\n", i, day, cents/100, cents%100)
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(german))
	zw.Close()
	os.WriteFile(filepath.Join(dir, "plain.csv"), []byte(plain), 0o644)
	os.WriteFile(filepath.Join(dir, "german.csv.gz"), gz.Bytes(), 0o644)
	var outs [2][]byte
	for k, name := range []string{"plain.csv", "german.csv.gz"} {
		c := defaultConfig()
		c.In, c.Out = filepath.Join(dir, name), filepath.Join(dir, name+".out")
		if k == 1 {
			c.Delim, c.DecimalComma = ";", true
		}
		if err := Run(c, io.Discard); err != nil {
			t.Fatal(err)
		}
		outs[k], _ = os.ReadFile(filepath.Join(c.Out, "forecast.csv"))
	}
	if !bytes.Equal(outs[0], outs[1]) || len(outs[0]) < 1000 {
		t.Errorf("forecasts differ:\n%.300s\n%.300s", outs[0], outs[1])
	}
}

// TestDegenerateAndInjection: a log where nobody buys twice is an error
// that says the parameters are not identified, with or without a
// penalizer, and does not suggest one; customer ids that a spreadsheet
// would run as formulas are neutralized.
func TestDegenerateAndInjection(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "once.csv")
	log := "customer_id,date,amount\n"
	for i := range 60 {
		log += fmt.Sprintf("c%d,2024-01-%02d,10\n", i, 1+i%28)
	}
	os.WriteFile(in, []byte(log), 0o644)
	for _, pen := range []float64{0, 0.001} {
		c := defaultConfig()
		c.In, c.Out, c.Penalizer = in, dir, pen
		err := Run(c, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "do not identify") || strings.Contains(err.Error(), "penalizer") {
			t.Errorf("no repeat purchases, penalizer %v: %v", pen, err)
		}
	}
	c := defaultConfig()
	good, _ := os.ReadFile(c.In)
	in = filepath.Join(dir, "inject.csv")
	os.WriteFile(in, append(good, "=HYPERLINK(1),2024-03-01,5\n@SUM(A1),2024-03-02,5\n"...), 0o644)
	c.In, c.Out = in, filepath.Join(dir, "inject")
	if err := Run(c, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(c.Out, "forecast.csv"))
	if !bytes.Contains(b, []byte("\n'=HYPERLINK(1),")) || !bytes.Contains(b, []byte("\n'@SUM(A1),")) || bytes.Contains(b, []byte("\n=")) {
		t.Error("formula-like ids are not neutralized")
	}
}

// TestEndIncludesTheDay: -end names a whole day, so a date-time log's
// purchases during that day count (the synthetic log, every purchase at
// 13:00, ends on 2024-12-30).
func TestEndIncludesTheDay(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(defaultConfig().In)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(good)), "\n")
	for i := 1; i < len(lines); i++ {
		f := strings.Split(lines[i], ",")
		f[1] += "T13:00:00Z"
		lines[i] = strings.Join(f, ",")
	}
	in := filepath.Join(dir, "times.csv")
	os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	c := defaultConfig()
	c.In, c.Out, c.End = in, dir, "2024-12-30"
	if err := Run(c, io.Discard); err != nil {
		t.Fatalf("-end on the last day: %v", err)
	}
}
