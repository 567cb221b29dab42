package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
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
	"github.com/clvkit/clvkit/forecast"
	"gonum.org/v1/gonum/stat/distuv"
)

var genCovariates = flag.Bool("gen-covariates", false, "write testdata/covlog.csv and testdata/covlog_covariates.csv anew")

// The generated covariate log: 500 customers of a BG/NBD model with
// covariates, a categorical Channel (shop, the most frequent, online,
// phone) and a numeric Age (−1 to 1), with known effects; amounts from a
// Gamma-Gamma model whose scale carries them (ν·exp(0.4·[online] −
// 0.2·Age), ν gamma with shape 4 and mean 30 per customer, each amount
// gamma with shape 6 around it).
const (
	covLogFile  = "testdata/covlog.csv"
	covFileName = "testdata/covlog_covariates.csv"
)

// genCovariateLog simulates the generated covariate log: the log's CSV
// text and the covariates file's.
func genCovariateLog(t testing.TB) (log, covs string) {
	t.Helper()
	truth := bgnbd.CovParams{Params: bgnbd.Params{R: 0.8, Alpha: 6, A: 0.9, B: 4},
		Names: []string{"Channel=online", "Channel=phone", "Age"},
		Trans: []float64{0.5, -0.4, 0.3}, Life: []float64{-0.3, 0.6, -0.5}}
	m, err := bgnbd.NewCovariates(bgnbd.BGNBD, truth)
	if err != nil {
		t.Fatal(err)
	}
	const n = 500
	rng := rand.New(rand.NewPCG(2024, 20))
	z := clv.Covariates{Names: truth.Names}
	T := make([]float64, n)
	channels, ages := make([]string, n), make([]float64, n)
	for i := range n {
		T[i] = float64(20 + rng.IntN(85)) // whole weeks
		channels[i] = []string{"shop", "shop", "shop", "online", "online", "phone"}[rng.IntN(6)]
		ages[i] = float64(rng.IntN(5)-2) / 2
		v := []float64{0, 0, ages[i]}
		switch channels[i] {
		case "online":
			v[0] = 1
		case "phone":
			v[1] = 1
		}
		z.Values = append(z.Values, v)
	}
	cs, err := m.Simulate(rand.NewPCG(2024, 21), T, z)
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	day := func(weeks float64) int { return int(math.Round(weeks * 7)) }
	var lb, cb strings.Builder
	lb.WriteString("customer_id,date,amount\n")
	cb.WriteString("customer_id,Channel,Age\n")
	for i, c := range cs {
		id := fmt.Sprintf("k%04d", i)
		online := 0.0
		if channels[i] == "online" {
			online = 1
		}
		nu := distuv.Gamma{Alpha: 4, Beta: 4.0 / 30, Src: rng}.Rand() * math.Exp(0.4*online-0.2*ages[i])
		amount := func() float64 { return max(0.01, nu*distuv.Gamma{Alpha: 6, Beta: 6, Src: rng}.Rand()) }
		first := end.AddDate(0, 0, -day(c.T))
		fmt.Fprintf(&lb, "%s,%s,%.2f\n", id, first.Format(time.DateOnly), amount())
		x, last, prev := int(c.Frequency), day(c.Recency), 0
		for k := 1; k <= x; k++ {
			d := max(prev+1, last*k/x)
			if d > day(c.T) {
				break
			}
			prev = d
			fmt.Fprintf(&lb, "%s,%s,%.2f\n", id, first.AddDate(0, 0, d).Format(time.DateOnly), amount())
		}
		fmt.Fprintf(&cb, "%s,%s,%g\n", id, channels[i], ages[i])
	}
	return lb.String(), cb.String()
}

// TestCovariateLogTestdata: the generated covariate log in testdata is
// genCovariateLog's (go test -run TestCovariateLogTestdata -gen-covariates
// writes it anew).
func TestCovariateLogTestdata(t *testing.T) {
	log, covs := genCovariateLog(t)
	if *genCovariates {
		for p, s := range map[string]string{covLogFile: log, covFileName: covs} {
			if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for p, s := range map[string]string{covLogFile: log, covFileName: covs} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != s {
			t.Errorf("%s is not genCovariateLog's: write it anew with -gen-covariates", p)
		}
	}
}

// covRun is a run of the job with covariates: its model.json and
// forecast.csv, its covariates file, and the customers' raw covariate
// values as a request carries them (JSON values by column).
type covRun struct {
	res       *forecast.Result
	model, fc []byte
	covs      string
	values    map[string]map[string]any
	logText   string
}

// runCovJob runs the job on the log logText (CSV options opts) with the
// covariates covs and the purchase model name, -discount 0.01, and writes
// its model.json and forecast.csv; numeric says which covariates columns
// a request gives as JSON numbers.
func runCovJob(t testing.TB, logText, covs, name string, opts csvio.Options, numeric map[string]bool) *covRun {
	t.Helper()
	res, err := forecast.Run(context.Background(), strings.NewReader(logText), forecast.Config{CSV: opts, Model: name, Discount: 0.01,
		Months: 12, Margin: 1, Covariates: strings.NewReader(covs), CovariatesName: "covariates.csv"})
	if err != nil {
		t.Fatal(err)
	}
	var m, f bytes.Buffer
	if err := res.WriteModelJSON(&m); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteForecastCSV(&f); err != nil {
		t.Fatal(err)
	}
	r := &covRun{res: res, model: m.Bytes(), fc: f.Bytes(), covs: covs, values: map[string]map[string]any{}, logText: logText}
	lines := strings.Split(strings.TrimSpace(covs), "\n")
	header := strings.Split(lines[0], ",")
	for _, l := range lines[1:] {
		rec := strings.Split(l, ",")
		row := map[string]any{}
		for j, v := range rec[1:] {
			if numeric[header[j+1]] {
				row[header[j+1]] = json.Number(v)
			} else {
				row[header[j+1]] = v
			}
		}
		r.values[rec[0]] = row
	}
	return r
}

// covServer is a server on a covRun's model.json.
func covServer(t testing.TB, r *covRun, mod func(*Config)) (*server, http.Handler, *bytes.Buffer) {
	t.Helper()
	c := defaultConfig()
	c.Model = writeFile(t, filepath.Join(t.TempDir(), "model.json"), r.model)
	if mod != nil {
		mod(&c)
	}
	var logs bytes.Buffer
	s := newServer(c, slog.New(slog.NewTextHandler(&logs, nil)))
	s.reload("test", true)
	s.reloadState("test", true)
	s.reloadCovariates("test", true)
	return s, s.routes(), &logs
}

// covRequest returns the request scoring cs, each with the covariates
// cov(id) (left out where nil).
func covRequest(cs []clv.Customer, cov func(id string) any) []byte {
	type in struct {
		ID            string  `json:"id"`
		Frequency     float64 `json:"frequency"`
		Recency       float64 `json:"recency"`
		T             float64 `json:"T"`
		MonetaryValue float64 `json:"monetary_value"`
		Covariates    any     `json:"covariates,omitempty"`
	}
	req := struct {
		Customers []in `json:"customers"`
	}{make([]in, len(cs))}
	for i, c := range cs {
		req.Customers[i] = in{c.ID, c.Frequency, c.Recency, c.T, c.MonetaryValue, cov(c.ID)}
	}
	b, err := json.Marshal(req)
	if err != nil {
		panic(err)
	}
	return b
}

// checkAgainstCSV checks that the customers of a response (or of
// lookups) give the numbers of their rows of forecast.csv, to 1e-9
// relative (forecast.csv rounds to 10 digits), null for an empty cell; it
// returns the number of cells compared.
func checkAgainstCSV(t *testing.T, fc []byte, got []map[string]json.RawMessage) int {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(fc)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	byID := map[string][]string{}
	for _, r := range rows[1:] {
		byID[r[0]] = r
	}
	n := 0
	for _, c := range got {
		var id string
		json.Unmarshal(c["id"], &id)
		row, ok := byID[id]
		if !ok {
			t.Fatalf("customer %q not in forecast.csv", id)
		}
		for j, col := range header[1:] {
			raw, ok := c[col]
			if !ok {
				continue // the RFM scores, the segments and the value tiers rank among all customers
			}
			n++
			cell := row[j+1]
			if cell == "" {
				if string(raw) != "null" && string(raw) != `""` {
					t.Fatalf("customer %q: %s %s, forecast.csv empty", id, col, raw)
				}
				continue
			}
			want, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				var s string
				if json.Unmarshal(raw, &s); s != cell {
					t.Fatalf("customer %q: %s %s, forecast.csv %q", id, col, raw, cell)
				}
				continue
			}
			var v float64
			if err := json.Unmarshal(raw, &v); err != nil || math.Abs(v-want) > 1e-9*max(math.Abs(want), 1e-3) {
				t.Fatalf("customer %q: %s %s, forecast.csv %s", id, col, raw, cell)
			}
		}
	}
	return n
}

// scoreAll posts every customer of r's run with its covariates, in
// batches of 100, and returns the response's customers.
func scoreAll(t *testing.T, h http.Handler, r *covRun) []map[string]json.RawMessage {
	t.Helper()
	cs := r.res.Summary.Customers
	var out []map[string]json.RawMessage
	for lo := 0; lo < len(cs); lo += 100 {
		w := post(h, covRequest(cs[lo:min(lo+100, len(cs))], func(id string) any { return r.values[id] }))
		if w.Code != http.StatusOK {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		var got struct {
			Model     string                       `json:"model"`
			Customers []map[string]json.RawMessage `json:"customers"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.Model != r.res.Choice.Name {
			t.Fatalf("%v: %.300s", err, w.Body)
		}
		out = append(out, got.Customers...)
	}
	if len(out) != len(cs) {
		t.Fatalf("%d customers scored of %d", len(out), len(cs))
	}
	return out
}

var covLogOpts = csvio.Options{}

// TestScoreCovariatesGenerated: on the generated covariate log, for each
// model with static covariates (and for BG/NBD without, whose purchases
// the spend model with covariates values), /v1/score with each customer's
// covariates answers the numbers of the customer's row of the job's
// forecast.csv, to 1e-9.
func TestScoreCovariatesGenerated(t *testing.T) {
	log, covs := genCovariateLog(t)
	for _, name := range []string{"bgnbd-cov", "mbgnbd-cov", "paretonbd-cov", "bgnbd"} {
		r := runCovJob(t, log, covs, name, covLogOpts, map[string]bool{"Age": true})
		if r.res.Covariates.Spend == nil {
			t.Fatalf("%s: the spend model with covariates did not fit: %s", name, r.res.Covariates.SpendNote)
		}
		_, h, logs := covServer(t, r, nil)
		n := checkAgainstCSV(t, r.fc, scoreAll(t, h, r))
		if want := 500 * (4 + 1 + 12); n != want { // the forecast, the churn tier, the answers (not the summary)
			t.Errorf("%s: compared %d cells, want %d\n%s", name, n, want, logs)
		}
	}
}

// TestScoreCovariatesApparel: on CLVTools' apparel data (numeric 0/1
// Gender and Channel), the chosen model (paretonbd-cov) and the spend
// model with covariates score every customer as the job's forecast.csv
// has it, to 1e-9.
func TestScoreCovariatesApparel(t *testing.T) {
	logText, err := os.ReadFile("../../../shared/data/apparel_transactions.csv")
	if err != nil {
		t.Skipf("CLVTools' apparel data not available (%v): see ../shared/data/README", err)
	}
	covText, err := os.ReadFile("../../../shared/data/apparel_static_covariates.csv")
	if err != nil {
		t.Skipf("CLVTools' apparel covariates not available (%v)", err)
	}
	r := runCovJob(t, string(logText), string(covText), "auto", csvio.Options{ID: "Id", Time: "Date", Amount: "Price"},
		map[string]bool{"Gender": true, "Channel": true})
	if r.res.Choice.Name != "paretonbd-cov" || r.res.Covariates.Spend == nil {
		t.Fatalf("chose %s, spend with covariates %v", r.res.Choice.Name, r.res.Covariates.Spend != nil)
	}
	_, h, _ := covServer(t, r, nil)
	if n := checkAgainstCSV(t, r.fc, scoreAll(t, h, r)); n != 600*(4+1+12) {
		t.Errorf("compared %d cells", n)
	}
}

// TestCovariateLookups: with -state (a state saved on the generated log)
// and -covariates (the job's covariates file), GET /v1/customers/{id}
// answers each customer's row of the covariate run's forecast.csv; a
// customer without a row of the file is scored with the mean profile, as
// the job scores one; without -covariates, or with a file that does not
// fit the model, lookups are 503 and /readyz is not ready.
func TestCovariateLookups(t *testing.T) {
	log, covs := genCovariateLog(t)
	r := runCovJob(t, log, covs, "bgnbd-cov", covLogOpts, map[string]bool{"Age": true})
	st := &forecast.State{}
	if _, err := forecast.RunIncremental(context.Background(), st, strings.NewReader(log), forecast.Config{Discount: 0.01, Months: 12, Margin: 1}); err != nil {
		t.Fatal(err)
	}
	var sb bytes.Buffer
	if err := st.Save(&sb); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, stateFile), sb.Bytes())
	// The file without its first customer's row: that customer is scored
	// with the mean profile.
	first := r.res.Summary.Customers[0].ID
	lines := strings.Split(covs, "\n")
	var kept []string
	for _, l := range lines {
		if !strings.HasPrefix(l, first+",") {
			kept = append(kept, l)
		}
	}
	covPath := writeFile(t, filepath.Join(dir, "covariates.csv"), []byte(strings.Join(kept, "\n")))
	_, h, logs := covServer(t, r, func(c *Config) { c.State, c.Covariates = dir, covPath })
	if w := get(h, "/readyz"); w.Code != 200 {
		t.Fatalf("readyz %d %s\n%s", w.Code, w.Body, logs)
	}
	var got []map[string]json.RawMessage
	for _, c := range r.res.Summary.Customers[1:] {
		w := get(h, customerPath(c.ID))
		var resp struct {
			From     string                     `json:"covariates_from"`
			Customer map[string]json.RawMessage `json:"customer"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &resp); w.Code != 200 || err != nil || resp.From != "file" {
			t.Fatalf("customer %s: %d %s\n%s", c.ID, w.Code, w.Body, logs)
		}
		got = append(got, resp.Customer)
	}
	if n := checkAgainstCSV(t, r.fc, got); n != 499*(4+4+1+12) { // the summary too
		t.Errorf("compared %d cells", n)
	}
	// The first customer, with the mean profile: the job's numbers for a
	// customer without a row.
	w := get(h, customerPath(first))
	var resp struct {
		From     string `json:"covariates_from"`
		Customer struct {
			PAlive float64 `json:"p_alive"`
			CLV    float64 `json:"clv"`
		} `json:"customer"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.From != "mean_profile" {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	sc, err := forecast.LoadModels(bytes.NewReader(r.model), forecast.ScorerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c0 := r.res.Summary.Customers[0]
	want, err := sc.ScoreCovariates(context.Background(), []clv.Customer{c0}, [][]float64{sc.Covariates.Mean})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Customer.PAlive != want[0].PAlive || resp.Customer.CLV != want[0].CLV {
		t.Errorf("mean profile: %+v, want %+v", resp.Customer, want[0])
	}

	// Without -covariates: 503 naming the flag, not ready.
	_, h, _ = covServer(t, r, func(c *Config) { c.State = dir })
	if w := get(h, customerPath(first)); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "-covariates") {
		t.Errorf("without -covariates: %d %s", w.Code, w.Body)
	}
	if w := get(h, "/readyz"); w.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz without -covariates: %d", w.Code)
	}
	// A covariates file with a level the run did not see: not loaded,
	// logged with the line and the level.
	bad := writeFile(t, filepath.Join(dir, "bad.csv"), []byte("customer_id,Channel,Age\nk0001,fax,0\n"))
	_, h, logs = covServer(t, r, func(c *Config) { c.State, c.Covariates = dir, bad })
	if w := get(h, customerPath(first)); w.Code != http.StatusServiceUnavailable {
		t.Errorf("bad covariates file: %d %s", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), `line 2: column \"Channel\": unknown level \"fax\"`) {
		t.Errorf("log %s", logs)
	}
	if _, err := parse([]string{"-model", "m.json", "-covariates", "c.csv"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "-state") {
		t.Errorf("-covariates without -state: %v", err)
	}
}

// TestCovariatesHostile: requests to a model with covariates whose
// covariates are missing, incomplete, of an unknown column or level, of
// the wrong JSON type, repeated or huge are 400s naming the customer and
// the field; a model without covariates checks and ignores them.
func TestCovariatesHostile(t *testing.T) {
	log, covs := genCovariateLog(t)
	r := runCovJob(t, log, covs, "bgnbd-cov", covLogOpts, map[string]bool{"Age": true})
	_, h, _ := covServer(t, r, func(c *Config) { c.MaxBody = 64 << 20 })
	c := r.res.Summary.Customers[3]
	one := func(cov string) []byte {
		s := fmt.Sprintf(`{"customers":[{"id":%q,"frequency":%v,"recency":%v,"T":%v,"monetary_value":%v`, c.ID, c.Frequency, c.Recency, c.T, c.MonetaryValue)
		if cov != "" {
			s += `,"covariates":` + cov
		}
		return []byte(s + "}]}")
	}
	var huge strings.Builder
	huge.WriteString(`{"Channel":"shop","Age":0`)
	for k := range 200_000 {
		fmt.Fprintf(&huge, `,"c%d":1`, k)
	}
	huge.WriteString("}")
	var repeated strings.Builder
	repeated.WriteString(`{"Channel":"shop"`)
	for range 200_000 {
		repeated.WriteString(`,"Age":0`)
	}
	repeated.WriteString("}")
	for _, tc := range []struct {
		name, cov, field, msg string
	}{
		{"ok", `{"Channel":"online","Age":0.5}`, "", ""},
		{"ok, level as text", `{"Channel":" phone ","Age":"-1"}`, "", ""},
		{"missing", ``, "covariates", "columns Channel, Age"},
		{"null", `null`, "covariates", "columns Channel, Age"},
		{"one missing", `{"Channel":"shop"}`, "covariates", "missing: Age"},
		{"empty object", `{}`, "covariates", "missing: Channel, Age"},
		{"unknown level", `{"Channel":"fax","Age":0}`, "covariates.Channel", `unknown level "fax": the run's levels are shop (the reference), online, phone`},
		{"case", `{"Channel":"Shop","Age":0}`, "covariates.Channel", `unknown level "Shop"`},
		{"number for a level", `{"Channel":1,"Age":0}`, "covariates.Channel", `unknown level "1"`},
		{"text for a number", `{"Channel":"shop","Age":"old"}`, "covariates.Age", "not a number"},
		{"bool", `{"Channel":"shop","Age":true}`, "covariates.Age", "JSON bool, want a string or a number"},
		{"object", `{"Channel":{"a":1},"Age":0}`, "covariates.Channel", "JSON object, want a string or a number"},
		{"array", `{"Channel":["shop"],"Age":0}`, "covariates.Channel", "JSON array"},
		{"null value", `{"Channel":null,"Age":0}`, "covariates.Channel", "JSON null"},
		{"not an object", `["shop",0]`, "covariates", "want an object"},
		{"unknown column", `{"Channel":"shop","Age":0,"Region":"north"}`, "covariates.Region", "not a column of the model's covariates (Channel, Age)"},
		{"repeated", `{"Channel":"shop","Age":0,"Age":1}`, "covariates.Age", "given twice"},
		{"huge", huge.String(), "covariates.c0", "not a column"},
		{"huge repeated", repeated.String(), "covariates.Age", "given twice"},
		{"long value", `{"Channel":"` + strings.Repeat("x", 5000) + `","Age":0}`, "covariates.Channel", "5000 bytes"},
		{"overflow", `{"Channel":"shop","Age":1e400}`, "covariates.Age", "out of float64's range"},
		{"bad JSON", `{"Channel":"shop","Age":0,}`, "covariates", "invalid JSON"},
	} {
		start := time.Now()
		w := post(h, one(tc.cov))
		if tc.field == "" {
			if w.Code != 200 {
				t.Errorf("%s: %d %s", tc.name, w.Code, w.Body)
			}
			continue
		}
		var e struct {
			Error struct {
				Message  string `json:"message"`
				Customer *int   `json:"customer"`
				Field    string `json:"field"`
			} `json:"error"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || w.Code != 400 || e.Error.Customer == nil || *e.Error.Customer != 0 ||
			!strings.HasPrefix(e.Error.Field, tc.field) || !strings.Contains(e.Error.Message, tc.msg) || len(e.Error.Message) > 1000 {
			t.Errorf("%s: %d %.500s, want a 400 about customers[0].%s saying %q", tc.name, w.Code, w.Body, tc.field, tc.msg)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s: %v", tc.name, d)
		}
	}
	// A value at which the model's parameters overflow: a 422 naming the
	// customer.
	if w := post(h, one(`{"Channel":"shop","Age":1e300}`)); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "customers[0]") {
		t.Errorf("Age 1e300: %d %s", w.Code, w.Body)
	}
	// A model without covariates: well-formed covariates are ignored,
	// others refused.
	_, h, _ = testServer(t, nil)
	j := runJob(t, "bgnbd")
	cs := j.res.Summary.Customers[:2]
	w := post(h, covRequest(cs, func(string) any { return map[string]any{"anything": "x", "n": 1} }))
	var got scored
	if err := json.Unmarshal(w.Body.Bytes(), &got); w.Code != 200 || err != nil {
		t.Fatalf("covariates to a model without: %d %s", w.Code, w.Body)
	}
	checkScores(t, got, j, 0, cs)
	w = post(h, covRequest(cs, func(string) any { return map[string]any{"a": true} }))
	if w.Code != 400 || !strings.Contains(w.Body.String(), "JSON bool") {
		t.Errorf("bool covariate to a model without: %d %s", w.Code, w.Body)
	}
	w = post(h, covRequest(cs[:1], func(string) any {
		m := map[string]any{}
		for k := range 100 {
			m[fmt.Sprint("c", k)] = 1
		}
		return m
	}))
	if w.Code != 400 || !strings.Contains(w.Body.String(), "more than 64 columns") {
		t.Errorf("100 covariates to a model without: %d %s", w.Code, w.Body)
	}
}

// FuzzDecodeCovariates: any request body to a model with covariates is
// either decoded into customers whose covariate vectors are the encoding
// of the values encoding/json reads (a string as is, a number as its
// literal), or refused with a 4xx *apiError whose customer index is in
// the request; never a panic.
func FuzzDecodeCovariates(f *testing.F) {
	ok := `{"id":"a","frequency":2,"recency":10,"T":30,"monetary_value":20,"covariates":{"Channel":"online","Age":0.5}}`
	for _, s := range []string{
		`{"customers":[` + ok + `]}`,
		`{"customers":[` + ok + `,{"id":"b","frequency":0,"recency":0,"T":3,"monetary_value":0,"covariates":{"Age":"-1","Channel":" shop"}}]}`,
		`{"customers":[{"id":"c","frequency":0,"recency":0,"T":3,"monetary_value":0,"covariates":{"Channel":"fax","Age":1}}]}`,
		`{"customers":[{"id":"d","frequency":0,"recency":0,"T":3,"monetary_value":0,"covariates":{"Channel":"phone","Age":1e400}}]}`,
		`{"customers":[{"id":"e","frequency":0,"recency":0,"T":3,"monetary_value":0,"covariates":{"Channel":"\u0070hone","Age":-0,"Age":1}}]}`,
		`{"customers":[{"id":"f","frequency":0,"recency":0,"T":3,"monetary_value":0,"covariates":null}]}`,
		`{"customers":[{"id":"g","frequency":0,"recency":0,"T":3,"monetary_value":0,"covariates":{"Channel":true}}]}`,
	} {
		f.Add([]byte(s))
	}
	log, covs := genCovariateLog(f)
	r := runCovJob(f, log, covs, "bgnbd-cov", covLogOpts, nil)
	sc, err := forecast.LoadModels(bytes.NewReader(r.model), forecast.ScorerOptions{})
	if err != nil {
		f.Fatal(err)
	}
	const maxBatch = 3
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, z, err := decodeRequestCov(b, limits(sc, maxBatch), true, sc.Covariates)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.status < 400 || ae.status >= 500 || ae.message == "" || ae.customer >= maxBatch {
				t.Fatalf("%q: %#v", b, err)
			}
			return
		}
		if !json.Valid(b) || len(z) != len(cs) {
			t.Fatalf("%q: accepted (%d vectors for %d customers)", b, len(z), len(cs))
		}
		var ref struct {
			Customers []struct {
				Covariates map[string]json.RawMessage `json:"covariates"`
			} `json:"customers"`
		}
		if err := json.Unmarshal(b, &ref); err != nil || len(ref.Customers) != len(cs) {
			t.Fatalf("%q: accepted, encoding/json: %v", b, err)
		}
		for i, c := range ref.Customers {
			row := map[string]string{}
			for k, v := range c.Covariates {
				var s string
				if json.Unmarshal(v, &s) != nil {
					s = string(v)
				}
				row[k] = s
			}
			want, err := sc.Covariates.Encode(row)
			if err != nil || !slices.Equal(want, z[i]) {
				t.Fatalf("%q: customer %d: %v, Encode %v (%v)", b, i, z[i], want, err)
			}
		}
		if _, err := sc.ScoreCovariates(context.Background(), cs, z); err != nil && !strings.Contains(err.Error(), "customers[") {
			t.Fatalf("%q: %v", b, err)
		}
	})
}

// BenchmarkScoreCovariates: requests of 1,000 customers of the generated
// covariate log with their covariates (500 customers twice), to each model
// with covariates, with the answers.
func BenchmarkScoreCovariates(b *testing.B) {
	log, covs := genCovariateLog(b)
	for _, name := range []string{"bgnbd-cov", "paretonbd-cov"} {
		b.Run(name, func(b *testing.B) {
			r := runCovJob(b, log, covs, name, covLogOpts, map[string]bool{"Age": true})
			_, h, _ := covServer(b, r, nil)
			cs := r.res.Summary.Customers
			body := covRequest(append(slices.Clone(cs), cs...), func(id string) any { return r.values[id] })
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if w := post(h, body); w.Code != 200 {
					b.Fatal(w.Code)
				}
			}
			b.ReportMetric(float64(b.N)*1000/(cpuTime()-cpu0).Seconds(), "customers/CPU-s")
		})
	}
}
