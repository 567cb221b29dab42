package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
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
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/internal/datasets"
	"github.com/clvkit/clvkit/internal/readme"
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
	if c := readCSV(t, filepath.Join(dir, "cohorts.csv")); !slices.Equal(c[0], forecast.CohortColumns) || len(c) < 2 {
		t.Errorf("cohorts.csv: %d rows, header %v", len(c), c[0])
	}
	if k := readCSV(t, filepath.Join(dir, "kpis.csv")); !slices.Equal(k[0], forecast.KPIColumns) || len(k) < 2 {
		t.Errorf("kpis.csv: %d rows, header %v", len(k), k[0])
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
	pngs := []string{"frequency.png", "tracking.png", "p_alive.png", "expected_purchases.png", "clv.png", "segments.png",
		"cohorts.png", "kpis.png", "revenue.png", "next_order.png"}
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
	err := run([]string{"-in", in, "-out", dir}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "line 3") || errors.Is(err, cli.ErrUsage) {
		t.Errorf("bad date: %v", err)
	}
	// Errors name the flag with its value as given, never a library option.
	for _, tc := range []struct {
		args []string
		want string // the message
	}{
		{[]string{"-unit", "fortnight"}, `-unit "fortnight": want day or week`},
		{[]string{"-delim", "ab"}, `-delim "ab": want one character, tab or space`},
		{[]string{"-end", "June"}, `-end "June": want a date, YYYY-MM-DD`},
		{[]string{"-margin", "0"}, "-margin 0: want a share in (0, 1]"},
		{[]string{"-margin", "1.5"}, "-margin 1.5: want a share in (0, 1]"},
		{[]string{"-discount", "-0.01"}, "-discount -0.01: want a rate per month ≥ 0"},
		{[]string{"-horizon", "1000000"}, "-horizon 1000000: want 1 to 1200 months"},
		{[]string{"-horizon", "0"}, "-horizon 0: want 1 to 1200 months"},
		{[]string{"-window", "0"}, "-window 0: want 1 to 3650 days"},
		{[]string{"-window", "-7"}, "-window -7: want 1 to 3650 days"},
		{[]string{"-calibration-end", "2024-06-30", "-end", "2024-06-30"}, "-calibration-end 2024-06-30: want a time before -end"},
		{[]string{"-model", "pareto"}, `-model pareto: want auto, bgnbd, mbgnbd, paretonbd, ggompertz (with covariates also bgnbd-cov, mbgnbd-cov, paretonbd-cov, ggompertz-cov; with time-varying covariates also paretonbd-dyn)`},
		{[]string{"-model", "paretonbd-dyn"}, `-model paretonbd-dyn: want a file of time-varying covariates with -dynamic-covariates`},
		{[]string{"-penalizer", "-1"}, "-penalizer -1: want a number ≥ 0"},
		{[]string{"-fit-budget", "-1s"}, "-fit-budget -1s: want a duration > 0, or zero for the default"},
		{[]string{"-interval", "1.5"}, "-interval 1.5: want a level in (0, 1), e.g. 0.9"},
		{[]string{"-interval", "0.9", "-interval-draws", "1"}, "-interval-draws 1: want 2 to 10000 (time and memory grow with the draws: " +
			"on CDNOW's 23,570 customers, 200 draws take 4 s and 84 MB, 2,000 take 19 s and 156 MB)"},
		{[]string{"-interval-draws", "500"}, "-interval-draws 500: want none (the draws are for intervals) without -interval"},
		{[]string{"-interval", "0.9", "-interval-draws", "20000"}, "-interval-draws 20000: want 2 to 10000 (time and memory grow with the draws: " +
			"on CDNOW's 23,570 customers, 200 draws take 4 s and 84 MB, 2,000 take 19 s and 156 MB)"},
		{[]string{"-summaries"}, "-end: want the date the summaries were observed to, with -summaries"},
		{[]string{"-summaries", "-end", "2024-12-31", "-calibration-end", "2024-06-30"},
			"-calibration-end 2024-06-30: want none (summaries have no holdout period), with -summaries"},
		{[]string{"-decimal-comma"}, `-delim ',': want another delimiter (';' or tab) for amounts like 12,50, with -decimal-comma`},
		{[]string{"-decimal-comma", "-delim", ","}, `-delim ,: want another delimiter (';' or tab) for amounts like 12,50, with -decimal-comma`},
	} {
		err := run(append(tc.args, "-out", dir), io.Discard, io.Discard)
		if err == nil || err.Error() != tc.want || !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%q: error %v, want a usage error %q", tc.args, err, tc.want)
		}
	}
	for _, tc := range []struct {
		args []string
		want string // in the message
	}{
		{[]string{"-amount", "price"}, `-amount column "price" is not in the header`},
		{[]string{"-in", filepath.Join(dir, "missing.csv")}, "missing.csv: no such file"},
		{[]string{filepath.Join(dir, "missing.csv")}, "missing.csv: no such file"},
	} {
		if err := run(append(tc.args, "-out", dir), io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one mentioning %q", tc.args, err, tc.want)
		}
	}
}

// TestArguments: the one positional argument is the input file, as -in;
// two arguments, or an argument and -in naming another file, are usage
// errors; an unknown flag is a usage error the flag package reports, -h
// prints the usage.
func TestArguments(t *testing.T) {
	dir := t.TempDir()
	// Half of the synthetic log: customers C00001 to C01500.
	good, err := os.ReadFile(defaultConfig().In)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.SplitAfter(string(good), "\n")
	lines := all[:1]
	ids := map[string]bool{}
	for _, l := range all[1:] {
		if id := strings.Split(l, ",")[0]; id != "" && id <= "C01500" {
			lines = append(lines, l)
			ids[id] = true
		}
	}
	in := filepath.Join(dir, "mine.csv")
	os.WriteFile(in, []byte(strings.Join(lines, "")), 0o644)
	for _, args := range [][]string{{in}, {"-in", in}, {"-in", in, in}, {in, "-horizon", "6"}} {
		out := filepath.Join(dir, "out")
		var progress strings.Builder
		if err := run(append([]string{"-out", out}, args...), io.Discard, &progress); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if !strings.Contains(progress.String(), "reading "+in) {
			t.Errorf("%q did not read %s:\n%s", args, in, progress.String())
		}
		if rows := readCSV(t, filepath.Join(out, "forecast.csv")); len(rows)-1 != len(ids) {
			t.Errorf("%q: %d forecasts, want the %d customers of %s", args, len(rows)-1, len(ids), in)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{in, in}, `2 arguments ("` + in + `" "` + in + `"): want one input file, or -in`},
		{[]string{"-in", in, "other.csv"}, `two input files: -in "` + in + `" and the argument "other.csv": give one`},
		{[]string{"other.csv", "-in", in}, `two input files: -in "` + in + `" and the argument "other.csv": give one`},
	} {
		err := run(tc.args, io.Discard, io.Discard)
		if err == nil || err.Error() != tc.want || !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%q: %v, want %q", tc.args, err, tc.want)
		}
		var stderr strings.Builder
		if code := cli.Status("forecast", err, &stderr); code != 2 || !strings.Contains(stderr.String(), "forecast -h") {
			t.Errorf("%q: exit status %d, %q", tc.args, code, stderr.String())
		}
	}
	var stderr strings.Builder
	err = run([]string{"-bogus"}, io.Discard, &stderr)
	if !errors.Is(err, cli.ErrUsage) || !strings.Contains(stderr.String(), "-bogus") || !strings.Contains(stderr.String(), "-interval-draws") {
		t.Errorf("-bogus: %v\n%s", err, stderr.String())
	}
	if code := cli.Status("forecast", err, io.Discard); code != 2 {
		t.Errorf("-bogus: exit status %d", code)
	}
	stderr.Reset()
	if err := run([]string{"-h"}, io.Discard, &stderr); !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "usage: forecast [flags] [input.csv]") {
		t.Errorf("-h: %v\n%s", err, stderr.String())
	}
}

// TestREADME runs every command the README shows for this program, from
// the repository's root as a user would, with the output sent to a
// temporary directory.
func TestREADME(t *testing.T) {
	cmds, err := readme.Commands("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var mine []readme.Command
	for _, c := range cmds {
		if c.Pkg == "./examples/forecast" && c.Dir == "" {
			mine = append(mine, c)
		}
	}
	if len(mine) < 3 {
		t.Fatalf("the README shows %d commands of examples/forecast, want at least 3: %v", len(mine), mine)
	}
	// The daily workflow's logs: the shipped log but its last day, and
	// that day; its -state, one directory for all its commands.
	daily := t.TempDir()
	if b, err := os.ReadFile(defaultConfig().In); err == nil {
		whole := string(b)
		i := strings.LastIndexByte(whole[:strings.Index(whole, ",2024-12-30,")], '\n') + 1
		os.WriteFile(filepath.Join(daily, "history.csv"), []byte(whole[:i]), 0o644)
		os.WriteFile(filepath.Join(daily, "today.csv"), []byte(whole[:strings.IndexByte(whole, '\n')+1]+whole[i:]), 0o644)
	}
	t.Chdir("../..")
	for _, c := range mine {
		t.Run(fmt.Sprintf("line%d", c.Line), func(t *testing.T) {
			for i, a := range c.Args {
				if strings.HasPrefix(a, "../shared/") && i > 0 && c.Args[i-1] == "-in" {
					if _, err := os.Stat(a); err != nil {
						t.Skipf("%s: %v (the public data are not here)", c, err)
					}
				}
			}
			out := t.TempDir()
			args := slices.Clone(c.Args)
			if i := slices.Index(args, "purchases.csv"); i >= 0 {
				// The log with products the README's simulate command
				// writes: a log drawn as it draws them.
				args[i] = filepath.Join(out, "purchases.csv")
				os.WriteFile(args[i], []byte(withProducts(t)), 0o644)
			}
			if i := slices.Index(args, "-state"); i >= 0 && i+1 < len(args) {
				args[i+1] = filepath.Join(daily, "state")
				for k, a := range args {
					if a == "history.csv" || a == "today.csv" {
						args[k] = filepath.Join(daily, a)
					}
				}
			}
			var stdout, stderr strings.Builder
			err := run(readme.Redirect(args, "-out", out), &stdout, &stderr)
			if slices.Contains(c.Args, "-h") {
				if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "-interval-draws") {
					t.Errorf("%s: %v\n%s", c, err, stderr.String())
				}
				return
			}
			if err != nil {
				t.Fatalf("%s: %v\n%s", c, err, stderr.String())
			}
			if _, err := os.Stat(filepath.Join(out, "report.html")); err != nil {
				t.Errorf("%s: %v", c, err)
			}
		})
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

// TestStdinAndOrder: "-in -" reads standard input; a log out of time order
// there, which cannot be read twice, is an error that says how to sort it
// or to give the file; the file itself is read twice and sorted.
func TestStdinAndOrder(t *testing.T) {
	good, err := os.ReadFile(defaultConfig().In)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(good)), "\n")
	slices.Reverse(lines[1:])
	unsorted := strings.Join(lines, "\n") + "\n"
	c := defaultConfig()
	c.In, c.Out, c.stdin = "-", t.TempDir(), strings.NewReader(string(good))
	if err := Run(c, io.Discard); err != nil {
		t.Fatalf("sorted log on standard input: %v", err)
	}
	c.stdin = struct{ io.Reader }{strings.NewReader(unsorted)} // a pipe
	err = Run(c, io.Discard)
	if !errors.Is(err, clv.ErrOutOfOrder) || !strings.Contains(err.Error(), "standard input: clv: line ") ||
		!strings.Contains(err.Error(), "sort -t, -k2,2") || !strings.Contains(err.Error(), "give the file itself, with -in or as the argument") {
		t.Errorf("unsorted log on standard input: %v", err)
	}
	in := filepath.Join(t.TempDir(), "unsorted.csv")
	os.WriteFile(in, []byte(unsorted), 0o644)
	var progress strings.Builder
	if err := run([]string{in, "-out", c.Out}, io.Discard, &progress); err != nil || !strings.Contains(progress.String(), "not in time order") {
		t.Errorf("unsorted file: %v\n%s", err, progress.String())
	}
}

// TestAfterEnd: a purchase after -end is an error that says -end includes
// its whole day and what to do.
func TestAfterEnd(t *testing.T) {
	good, err := os.ReadFile(defaultConfig().In)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct{ late, want string }{
		{"2024-12-31T08:00:00Z", "a purchase at 2024-12-31 08:00:00 is after -end 2024-12-30, which includes all of 2024-12-30, to midnight: " +
			"give a later -end (-end 2024-12-31 includes this purchase), or leave -end out to observe to the last purchase"},
		{"2025-01-02", "a purchase at 2025-01-02 is after -end 2024-12-30"},
	} {
		in := filepath.Join(dir, "late.csv")
		os.WriteFile(in, append(good, "C00001,"+tc.late+",5\n"...), 0o644)
		err := run([]string{in, "-end", "2024-12-30", "-out", dir}, io.Discard, io.Discard)
		if !errors.Is(err, clv.ErrAfterEnd) || !strings.Contains(err.Error(), in+": line 7350: "+tc.want) {
			t.Errorf("%s: %v", tc.late, err)
		}
	}
}

// TestLibraryTerms: the job's errors name flags, and customers by id.
func TestLibraryTerms(t *testing.T) {
	for in, want := range map[string]string{
		"clv: line 3, column 3 (\"amount\"): negative amount -5 (set AllowNegative to accept returns)": "clv: line 3, column 3 (\"amount\"): negative amount -5 (-allow-negative accepts returns)",
		`clv: customers[12] ("C0\"13"): lifetime value is +Inf (an infinite mean spend)`:               `clv: customer "C0\"13": lifetime value is +Inf (an infinite mean spend)`,
		"unchanged customers[x]": "unchanged customers[x]",
		`clv: unknown column: Time column "date" is not in the header ["a" "b"]`: `clv: unknown column: -date column "date" is not in the header ["a" "b"]`,
	} {
		if got := inFlags(in); got != want {
			t.Errorf("inFlags(%q) = %q, want %q", in, got, want)
		}
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "returns.csv")
	os.WriteFile(in, []byte("customer_id,date,amount\na,2024-01-01,1\na,2024-02-01,-5\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "fr.csv"), []byte("customer_id;date;amount\na;2024-01-01;1 234,50 €\n"), 0o644)
	err := run([]string{filepath.Join(dir, "fr.csv"), "-delim", ";", "-out", dir}, io.Discard, io.Discard)
	if !errors.Is(err, clv.ErrBadAmount) || !strings.HasSuffix(err.Error(), "(amounts with a decimal comma, such as 12,50 or 1 234,50: -decimal-comma)") {
		t.Errorf("a decimal comma without -decimal-comma: %v", err)
	}
	err = run([]string{in, "-out", dir}, io.Discard, io.Discard)
	if !errors.Is(err, clv.ErrNegativeAmount) || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "-allow-negative") ||
		strings.Contains(err.Error(), "AllowNegative") {
		t.Errorf("a return: %v", err)
	}
}

// TestFitBudget: a fit that runs out of -fit-budget is left out of auto
// with its reason; when every fit does, the error says so and names the
// flag.
func TestFitBudget(t *testing.T) {
	dir := t.TempDir()
	err := run([]string{"-fit-budget", "1ns", "-out", dir}, io.Discard, io.Discard)
	if !errors.Is(err, forecast.ErrFitBudget) || !strings.Contains(err.Error(), "-fit-budget") || errors.Is(err, cli.ErrUsage) {
		t.Errorf("1ns: %v", err)
	}
	if err := run([]string{"-fit-budget", "1m", "-out", dir}, io.Discard, io.Discard); err != nil {
		t.Errorf("1m: %v", err)
	}
}

// TestSpendLimit: amounts drawn alike for every customer (no
// heterogeneity in mean spend) put the spend fit at a boundary of the
// model (it was "not identified"): the run uses the limit model, every
// customer valued at the common mean, and the report says so.
func TestSpendLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	type row struct {
		day int
		s   string
	}
	var rows []row
	for c := range 300 {
		d := rng.IntN(200)
		for k := 0; k < 1+rng.IntN(6) && d < 365; k++ {
			rows = append(rows, row{d, fmt.Sprintf("K%04d,%s,%.2f\n", c, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.DateOnly), 5+2495*rng.Float64())})
			d += 1 + rng.IntN(60)
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int { return a.day - b.day })
	for _, r := range rows {
		b.WriteString(r.s)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "uniform.csv")
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-out", dir, in}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	report, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(report), "The Gamma-Gamma fit is at a boundary of the model, whose limit it uses: spend heterogeneity vanishes") {
		t.Error("the report does not give the spend model's limit")
	}
	// With intervals: the limit model's draws, q held (conditional on the
	// limit); they were refused with ErrNoIntervals.
	if err := run([]string{"-out", dir, "-model", "bgnbd", "-interval", "0.9", in}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if report, err = os.ReadFile(filepath.Join(dir, "report.html")); err != nil {
		t.Fatal(err)
	}
	if i := strings.Index(string(report), "spend heterogeneity vanishes"); i < 0 ||
		!strings.Contains(string(report[i:]), "Its intervals are conditional on the limit") || !strings.Contains(string(report), "% interval") {
		t.Error("the report gives no intervals conditional on the spend limit")
	}
}

// TestBoundaryIntervals: the shipped log observed to 2025-01-15, 16 days
// after its last purchase, puts the Pareto/NBD fit at its limit of
// exponential dropout; -interval now runs (it stopped with ErrNoIntervals)
// with the limit model's draws, s held, and the report says the intervals
// are conditional on the limit.
func TestBoundaryIntervals(t *testing.T) {
	dir := t.TempDir()
	if err := run([]string{"-end", "2025-01-15", "-model", "paretonbd", "-interval", "0.9", "-interval-draws", "50", "-out", dir}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	report, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dropout heterogeneity vanishes", "Its intervals are conditional on the limit", "% interval"} {
		if !strings.Contains(string(report), want) {
			t.Errorf("the report does not say %q", want)
		}
	}
}

// TestNoAmounts: -amount "" runs on a log without amounts: purchases,
// P(alive) and tiers, no spend model, the value cells empty and no CLV
// plot; a log with an amount column runs the same way, ignoring it.
func TestNoAmounts(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "visits.csv")
	src, err := os.ReadFile(cli.ModuleFile("testdata/transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(src), "\n") {
		if k := strings.LastIndexByte(line, ','); k >= 0 {
			line = line[:k] + "\n"
		}
		b.WriteString(line)
	}
	os.WriteFile(in, []byte(b.String()), 0o644)
	var outs [2][]byte
	for k, args := range [][]string{{"-in", in}, {}} {
		out := filepath.Join(dir, fmt.Sprint("out", k))
		var stderr bytes.Buffer
		if err := run(append(args, "-amount", "", "-model", "bgnbd", "-out", out), io.Discard, &stderr); err != nil {
			t.Fatalf("%q: %v\n%s", args, err, stderr.String())
		}
		if strings.Contains(stderr.String(), "gamma-gamma") {
			t.Errorf("%q: fitted a spend model:\n%s", args, stderr.String())
		}
		if _, err := os.Stat(filepath.Join(out, "clv.png")); err == nil {
			t.Errorf("%q: a CLV plot without amounts", args)
		}
		f, err := os.ReadFile(filepath.Join(out, "forecast.csv"))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(f)).ReadAll()
		if err != nil || len(rows) != 3001 {
			t.Fatalf("%q: %d rows, %v", args, len(rows), err)
		}
		for _, r := range rows[1:] {
			if r[7] != "" || r[8] != "" || !(r[6] > "") || r[16] == "" {
				t.Fatalf("%q: row %q: want no expected value or CLV, expected purchases and an action", args, r)
			}
		}
		outs[k] = f
	}
	// -amount "" ignores an amount column: the same forecasts.
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("forecast.csv differs between a log without amounts and one whose amounts -amount \"\" ignores")
	}
}
