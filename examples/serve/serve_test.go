package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// job is a run of the forecast job on the shipped log, with its
// model.json.
type job struct {
	res   *forecast.Result
	model []byte
}

var (
	jobsMu sync.Mutex
	jobs   = map[string]*job{}
)

// runJob runs the job on testdata/transactions.csv with the purchase
// model name, -discount 0.01 and the other defaults of examples/forecast,
// once per test binary.
func runJob(t testing.TB, name string) *job {
	t.Helper()
	jobsMu.Lock()
	defer jobsMu.Unlock()
	if j := jobs[name]; j != nil {
		return j
	}
	f, err := os.Open("../../testdata/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := forecast.Run(context.Background(), f, forecast.Config{Model: name, Discount: 0.01, Months: 12, Margin: 1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.WriteModelJSON(&b); err != nil {
		t.Fatal(err)
	}
	j := &job{res, b.Bytes()}
	jobs[name] = j
	return j
}

// writeModel writes a job's model.json into dir and returns its path.
func writeModel(t testing.TB, dir string, j *job) string {
	t.Helper()
	return writeFile(t, filepath.Join(dir, "model.json"), j.model)
}

// writeFile writes b to the file p by renaming a temporary file, so that
// a poll never sees it half written.
func writeFile(t testing.TB, p string, b []byte) string {
	t.Helper()
	if err := os.WriteFile(p+".tmp", b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".tmp", p); err != nil { // atomic, as a deployment should
		t.Fatal(err)
	}
	return p
}

// testServer is a server on a model.json of the bgnbd job, not listening:
// its handler serves httptest requests.
func testServer(t testing.TB, mod func(*Config)) (*server, http.Handler, *bytes.Buffer) {
	t.Helper()
	c := defaultConfig()
	c.Model = writeModel(t, t.TempDir(), runJob(t, "bgnbd"))
	if mod != nil {
		mod(&c)
	}
	var logs bytes.Buffer
	s := newServer(c, slog.New(slog.NewTextHandler(&logs, nil)))
	s.reload("test", true)
	return s, s.routes(), &logs
}

type scored struct {
	Model         string  `json:"model"`
	HorizonMonths int     `json:"horizon_months"`
	Horizon       float64 `json:"horizon"`
	UnitHours     float64 `json:"unit_hours"`
	Customers     []struct {
		ID                string   `json:"id"`
		PAlive            float64  `json:"p_alive"`
		ExpectedPurchases float64  `json:"expected_purchases"`
		ExpectedAvgValue  *float64 `json:"expected_avg_value"`
		CLV               *float64 `json:"clv"`
		ChurnTier         string   `json:"churn_tier"`
		answers
	} `json:"customers"`
	WindowDays int `json:"window_days"`
}

// answers are the answer fields of a response's customer, named as
// forecast.csv's columns; nil for null.
type answers struct {
	DiscountedPurchases    float64  `json:"discounted_purchases"`
	PPurchaseWindow        *float64 `json:"p_purchase_window"`
	PChurnWindow           *float64 `json:"p_churn_window"`
	PPurchaseHorizon       *float64 `json:"p_purchase_horizon"`
	PAliveHorizonEnd       *float64 `json:"p_alive_horizon_end"`
	NextOrderDaysP10       *float64 `json:"next_order_days_p10"`
	NextOrderDaysMedian    *float64 `json:"next_order_days_median"`
	NextOrderDaysP90       *float64 `json:"next_order_days_p90"`
	NextOrderDate          *string  `json:"next_order_date"`
	NextOrderNote          string   `json:"next_order_note"`
	AvgDaysBetweenOrders   *float64 `json:"avg_days_between_orders"`
	ModelDaysBetweenOrders *float64 `json:"model_days_between_orders"`
}

// answersOf returns the fields of the response that say the customer's
// forecast.Answers a, and its discounted purchases d.
func answersOf(d float64, a forecast.Answers) answers {
	p := func(v float64) *float64 {
		if math.IsNaN(v) {
			return nil
		}
		return &v
	}
	var date *string
	if !a.NextOrderDate.IsZero() {
		s := a.NextOrderDate.Format(time.DateOnly)
		date = &s
	}
	return answers{d, p(a.PurchaseWithinWindow), p(a.ChurnWithinWindow), p(a.PurchaseWithinHorizon), p(a.AliveAtHorizonEnd),
		p(a.NextOrderDays[0]), p(a.NextOrderDays[1]), p(a.NextOrderDays[2]), date, a.NextOrderNote,
		p(a.AvgDaysBetweenOrders), p(a.ModelDaysBetweenOrders)}
}

// equal reports whether a and b hold the same values.
func (a answers) equal(b answers) bool {
	f := func(x, y *float64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	s := func(x, y *string) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return a.DiscountedPurchases == b.DiscountedPurchases && f(a.PPurchaseWindow, b.PPurchaseWindow) && f(a.PChurnWindow, b.PChurnWindow) &&
		f(a.PPurchaseHorizon, b.PPurchaseHorizon) && f(a.PAliveHorizonEnd, b.PAliveHorizonEnd) &&
		f(a.NextOrderDaysP10, b.NextOrderDaysP10) && f(a.NextOrderDaysMedian, b.NextOrderDaysMedian) && f(a.NextOrderDaysP90, b.NextOrderDaysP90) &&
		s(a.NextOrderDate, b.NextOrderDate) && a.NextOrderNote == b.NextOrderNote &&
		f(a.AvgDaysBetweenOrders, b.AvgDaysBetweenOrders) && f(a.ModelDaysBetweenOrders, b.ModelDaysBetweenOrders)
}

// requestBody returns the JSON request scoring cs.
func requestBody(cs []clv.Customer) []byte {
	type in struct {
		ID            string  `json:"id"`
		Frequency     float64 `json:"frequency"`
		Recency       float64 `json:"recency"`
		T             float64 `json:"T"`
		MonetaryValue float64 `json:"monetary_value"`
	}
	req := struct {
		Customers []in `json:"customers"`
	}{make([]in, len(cs))}
	for i, c := range cs {
		req.Customers[i] = in{c.ID, c.Frequency, c.Recency, c.T, c.MonetaryValue}
	}
	b, _ := json.Marshal(req)
	return b
}

func post(h http.Handler, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/v1/score", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// checkScores checks that a response gives the job's forecasts of the
// customers cs (from index lo of the job's).
func checkScores(t *testing.T, got scored, j *job, lo int, cs []clv.Customer) {
	t.Helper()
	if len(got.Customers) != len(cs) || got.Model != j.res.Choice.Name || got.Horizon != j.res.Horizon || got.UnitHours != 168 || got.HorizonMonths != 12 ||
		got.WindowDays != j.res.Config.Window {
		t.Fatalf("response: model %s, horizon %v (%d months), unit %v h, %d customers; want %s, %v, 12, 168, %d",
			got.Model, got.Horizon, got.HorizonMonths, got.UnitHours, len(got.Customers), j.res.Choice.Name, j.res.Horizon, len(cs))
	}
	for i, g := range got.Customers {
		w := j.res.Forecasts[lo+i]
		// The job's numbers exactly: the same functions, and JSON numbers
		// in the shortest form that reads back to the same float64.
		if g.ID != cs[i].ID || g.PAlive != w.PAlive || g.ExpectedPurchases != w.ExpectedPurchases ||
			g.ExpectedAvgValue == nil || *g.ExpectedAvgValue != w.ExpectedValue || g.CLV == nil || *g.CLV != w.CLV ||
			g.ChurnTier != j.res.Tiers.At(lo+i).Churn {
			t.Fatalf("customer %d (%+v): got %+v, the job %+v %s", lo+i, cs[i], g, w, j.res.Tiers.At(lo+i).Churn)
		}
		// The answers in calendar terms are the job's too.
		jc, _ := j.res.Customer(lo + i)
		if want := answersOf(w.DiscountedPurchases, jc.Answers); !g.answers.equal(want) {
			t.Fatalf("customer %d (%+v): answers %+v, the job %+v", lo+i, cs[i], g.answers, jc.Answers)
		}
	}
}

// TestScoreMatchesJob: the service's numbers for the job's customers are
// the job's, in batches of any size.
func TestScoreMatchesJob(t *testing.T) {
	_, h, _ := testServer(t, nil)
	j := runJob(t, "bgnbd")
	cs := j.res.Summary.Customers
	for lo, size := 0, 1; lo < len(cs); lo, size = lo+size, size*3 {
		hi := min(lo+size, len(cs))
		w := post(h, requestBody(cs[lo:hi]))
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("customers %d to %d: %d %s", lo, hi, w.Code, w.Body)
		}
		var got scored
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("%v: %s", err, w.Body)
		}
		checkScores(t, got, j, lo, cs[lo:hi])
	}
}

// TestNoAmounts: a model without a spend model scores without
// monetary_value, its values null.
func TestNoAmounts(t *testing.T) {
	j := runJob(t, "bgnbd")
	var m map[string]any
	if err := json.Unmarshal(j.model, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "gammagamma")
	b, _ := json.Marshal(m)
	c := defaultConfig()
	c.Model = filepath.Join(t.TempDir(), "model.json")
	if err := os.WriteFile(c.Model, b, 0o644); err != nil {
		t.Fatal(err)
	}
	s := newServer(c, slog.New(slog.DiscardHandler))
	s.reload("test", true)
	w := post(s.routes(), []byte(`{"customers":[{"id":"a","frequency":2,"recency":10,"T":30}]}`))
	var got scored
	if err := json.Unmarshal(w.Body.Bytes(), &got); w.Code != http.StatusOK || err != nil {
		t.Fatalf("%d %v %s", w.Code, err, w.Body)
	}
	want := j.res.Choice.Model.ProbabilityAlive(clv.Customer{Frequency: 2, Recency: 10, T: 30})
	if g := got.Customers[0]; g.ExpectedAvgValue != nil || g.CLV != nil || g.PAlive != want {
		t.Fatalf("%s, want P(alive) %v and null values", w.Body, want)
	}
}

// TestErrors: every request the service does not score is answered with
// a 4xx (or 503 before a model is loaded) and a JSON error naming the
// customer's index and the field where there is one.
func TestErrors(t *testing.T) {
	_, h, _ := testServer(t, func(c *Config) { c.MaxBatch, c.MaxBody = 3, 4096 })
	ok := `{"id":"a","frequency":2,"recency":10,"T":30,"monetary_value":20}`
	two := func(second string) string { return `{"customers":[` + ok + `,` + second + `]}` }
	cases := []struct {
		name, method, ctype, body string
		code, customer            int // customer -1: none
		field                     string
	}{
		{"GET", "GET", "", "", 405, -1, ""},
		{"content type", "POST", "text/csv", two(ok), 415, -1, ""},
		{"empty body", "POST", "", "", 400, -1, ""},
		{"not JSON", "POST", "", "customers", 400, -1, ""},
		{"truncated", "POST", "", `{"customers":[` + ok, 400, -1, "customers"},
		{"two values", "POST", "", two(ok) + `{}`, 400, -1, ""},
		{"array", "POST", "", `[` + ok + `]`, 400, -1, ""},
		{"unknown top field", "POST", "", `{"customers":[` + ok + `],"extra":1}`, 400, -1, "extra"},
		{"no customers", "POST", "", `{}`, 400, -1, "customers"},
		{"null customers", "POST", "", `{"customers":null}`, 400, -1, "customers"},
		{"customers not array", "POST", "", `{"customers":{"id":"a"}}`, 400, -1, "customers"},
		{"zero customers", "POST", "", `{"customers":[]}`, 400, -1, "customers"},
		{"batch", "POST", "", `{"customers":[` + strings.Repeat(ok+",", 3) + ok + `]}`, 413, -1, "customers"},
		{"body", "POST", "", `{"customers":[` + strings.Repeat(" ", 5000) + ok + `]}`, 413, -1, ""},
		{"customer not object", "POST", "", two(`5`), 400, 1, ""},
		{"no id", "POST", "", two(`{"frequency":2,"recency":10,"T":30,"monetary_value":20}`), 400, 1, "id"},
		{"no frequency", "POST", "", two(`{"id":"b","recency":10,"T":30,"monetary_value":20}`), 400, 1, "frequency"},
		{"no recency", "POST", "", two(`{"id":"b","frequency":2,"T":30,"monetary_value":20}`), 400, 1, "recency"},
		{"no T", "POST", "", two(`{"id":"b","frequency":2,"recency":10,"monetary_value":20}`), 400, 1, "T"},
		{"no value", "POST", "", two(`{"id":"b","frequency":2,"recency":10,"T":30}`), 400, 1, "monetary_value"},
		{"null T", "POST", "", two(`{"id":"b","frequency":2,"recency":10,"T":null,"monetary_value":20}`), 400, 1, "T"},
		{"id number", "POST", "", two(`{"id":7,"frequency":2,"recency":10,"T":30,"monetary_value":20}`), 400, 1, "id"},
		{"NaN", "POST", "", two(`{"id":"b","frequency":"NaN","recency":10,"T":30,"monetary_value":20}`), 400, 1, "frequency"},
		{"NaN literal", "POST", "", two(`{"id":"b","frequency":NaN,"recency":10,"T":30,"monetary_value":20}`), 400, 1, "frequency"},
		{"bool", "POST", "", two(`{"id":"b","frequency":true,"recency":10,"T":30,"monetary_value":20}`), 400, 1, "frequency"},
		{"twice", "POST", "", two(`{"id":"b","frequency":2,"recency":10,"T":30,"T":31,"monetary_value":20}`), 400, 1, "T"},
		{"bad UTF-8", "POST", "", two("{\"id\":\"\xff\",\"frequency\":2,\"recency\":10,\"T\":30,\"monetary_value\":20}"), 400, 1, "id"},
		{"bad escape", "POST", "", two(`{"id":"\q","frequency":2,"recency":10,"T":30,"monetary_value":20}`), 400, 1, "id"},
		{"wrong case", "POST", "", two(`{"id":"b","Frequency":2,"recency":10,"T":30,"monetary_value":20}`), 400, 1, "Frequency"},
		{"overflow", "POST", "", two(`{"id":"b","frequency":2,"recency":10,"T":1e999,"monetary_value":20}`), 400, 1, "T"},
		{"value string", "POST", "", two(`{"id":"b","frequency":2,"recency":10,"T":30,"monetary_value":"20"}`), 400, 1, "monetary_value"},
		{"negative frequency", "POST", "", two(`{"id":"b","frequency":-1,"recency":10,"T":30,"monetary_value":20}`), 400, 1, "frequency"},
		{"fractional frequency", "POST", "", two(`{"id":"b","frequency":1.5,"recency":10,"T":30,"monetary_value":20}`), 400, 1, "frequency"},
		{"negative T", "POST", "", two(`{"id":"b","frequency":0,"recency":0,"T":-3,"monetary_value":0}`), 400, 1, "T"},
		{"negative recency", "POST", "", two(`{"id":"b","frequency":2,"recency":-1,"T":30,"monetary_value":20}`), 400, 1, "recency"},
		{"recency > T", "POST", "", two(`{"id":"b","frequency":2,"recency":31,"T":30,"monetary_value":20}`), 400, 1, "recency"},
		{"recency without repeats", "POST", "", two(`{"id":"b","frequency":0,"recency":3,"T":30,"monetary_value":0}`), 400, 1, "recency"},
		{"unknown field", "POST", "", two(`{"id":"b","frequency":2,"recency":10,"T":30,"monetary_value":20,"age":40}`), 400, 1, "age"},
		{"huge T", "POST", "", two(`{"id":"b","frequency":2,"recency":10,"T":1e308,"monetary_value":20}`), 400, 1, "T"},
		{"huge frequency", "POST", "", two(`{"id":"b","frequency":1e300,"recency":10,"T":30,"monetary_value":20}`), 400, 1, "frequency"},
		{"huge value", "POST", "", two(`{"id":"b","frequency":2,"recency":10,"T":30,"monetary_value":-1e300}`), 400, 1, "monetary_value"},
		{"long id", "POST", "", two(`{"id":"` + strings.Repeat("x", 1025) + `","frequency":2,"recency":10,"T":30,"monetary_value":20}`), 400, 1, "id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/v1/score", strings.NewReader(tc.body))
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			var e struct {
				Error struct {
					Message  string `json:"message"`
					Customer *int   `json:"customer"`
					Field    string `json:"field"`
				} `json:"error"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Message == "" {
				t.Fatalf("%d: not a JSON error (%v): %s", w.Code, err, w.Body)
			}
			cust := -1
			if e.Error.Customer != nil {
				cust = *e.Error.Customer
			}
			if w.Code != tc.code || cust != tc.customer || e.Error.Field != tc.field {
				t.Errorf("%d customer %d field %q, want %d %d %q: %s", w.Code, cust, e.Error.Field, tc.code, tc.customer, tc.field, w.Body)
			}
			if tc.code == 405 && w.Header().Get("Allow") != "POST" {
				t.Errorf("405 without Allow: POST")
			}
		})
	}
	// A negative mean value is the job's too (with -allow-negative): valued
	// at the population mean, as the job does.
	w := post(h, []byte(two(`{"id":"b","frequency":2,"recency":10,"T":30,"monetary_value":-5}`)))
	var got scored
	if err := json.Unmarshal(w.Body.Bytes(), &got); w.Code != 200 || err != nil {
		t.Fatalf("negative value: %d %v %s", w.Code, err, w.Body)
	}
	if pm := runJob(t, "bgnbd").res.Spend.PopulationMean(); *got.Customers[1].ExpectedAvgValue != pm {
		t.Errorf("negative value: expected value %v, want the population mean %v", *got.Customers[1].ExpectedAvgValue, pm)
	}
	// Before a model is loaded: 503 and not ready, but alive.
	c := defaultConfig()
	c.Model = filepath.Join(t.TempDir(), "absent.json")
	s := newServer(c, slog.New(slog.DiscardHandler))
	s.reload("test", true)
	for path, code := range map[string]int{"/v1/score": 503, "/readyz": 503, "/healthz": 200} {
		r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(two(ok)))
		w := httptest.NewRecorder()
		s.routes().ServeHTTP(w, r)
		if w.Code != code {
			t.Errorf("no model: %s %d, want %d: %s", path, w.Code, code, w.Body)
		}
	}
}

// TestTimeout: a request that cannot finish within -timeout is answered
// with 503.
func TestTimeout(t *testing.T) {
	_, h, _ := testServer(t, func(c *Config) { c.Timeout = time.Nanosecond })
	w := post(h, requestBody(runJob(t, "bgnbd").res.Summary.Customers[:100]))
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "-timeout") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

// scrape returns the value of a metric's series (name with its labels) in
// the exposition, checking every line's form.
func scrape(t *testing.T, h http.Handler, series string) float64 {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Fatalf("Content-Type %q", ct)
	}
	v := math.NaN()
	for _, line := range strings.Split(strings.TrimSuffix(w.Body.String(), "\n"), "\n") {
		if strings.HasPrefix(line, "# HELP ") || strings.HasPrefix(line, "# TYPE ") {
			continue
		}
		k := strings.LastIndexByte(line, ' ')
		var x float64
		if _, err := fmt.Sscan(line[k+1:], &x); k < 0 || err != nil || !strings.HasPrefix(line, "clv_serve_") {
			t.Fatalf("metrics line %q", line)
		}
		if line[:k] == series {
			v = x
		}
	}
	return v
}

// TestMetrics: the counters count what was served.
func TestMetrics(t *testing.T) {
	_, h, _ := testServer(t, nil)
	cs := runJob(t, "bgnbd").res.Summary.Customers
	post(h, requestBody(cs[:7]))
	post(h, requestBody(cs[7:12]))
	post(h, []byte(`{}`))
	for series, want := range map[string]float64{
		`clv_serve_requests_total{path="/v1/score",code="200"}`:     2,
		`clv_serve_requests_total{path="/v1/score",code="400"}`:     1,
		`clv_serve_customers_scored_total`:                          12,
		`clv_serve_request_duration_seconds_count`:                  3,
		`clv_serve_request_duration_seconds_bucket{le="+Inf"}`:      3,
		`clv_serve_model_reloads_total`:                             1,
		`clv_serve_model_reload_failures_total`:                     0,
		`clv_serve_model_loaded`:                                    1,
		`clv_serve_model_info{purchase_model="bgnbd",spend="true"}`: 1,
	} {
		if got := scrape(t, h, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if age := scrape(t, h, "clv_serve_model_age_seconds"); !(age >= 0 && age < 60) {
		t.Errorf("model age %v s", age)
	}
}

// TestReload: a new model file is picked up when it changes (polled) and
// on SIGHUP, and requests then get its numbers; a corrupt file keeps the
// model in use and counts a failure; requests in flight meanwhile all
// succeed.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	bg, pn := runJob(t, "bgnbd"), runJob(t, "paretonbd")
	c := defaultConfig()
	c.Model, c.Addr, c.Poll = writeModel(t, dir, bg), "127.0.0.1:0", 10*time.Millisecond
	url, stop := start(t, c, nil)
	defer stop()
	cs := bg.res.Summary.Customers[:50]
	body := requestBody(cs)
	score := func() (scored, int) {
		resp, err := http.Post(url+"/v1/score", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Error(err)
			return scored{}, 0
		}
		defer resp.Body.Close()
		var s scored
		if resp.StatusCode == 200 {
			if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
				t.Error(err)
			}
		}
		return s, resp.StatusCode
	}
	got, _ := score()
	t.Run("first", func(t *testing.T) { checkScores(t, got, bg, 0, cs) })

	// Load meanwhile: every request answered 200 across the reloads.
	done := make(chan struct{})
	var wg sync.WaitGroup
	var served, failed int64
	var mu sync.Mutex
	defer func() {
		select {
		case <-done:
		default:
			close(done)
			wg.Wait()
		}
	}()
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				_, code := score()
				mu.Lock()
				served++
				if code != 200 {
					failed++
				}
				mu.Unlock()
			}
		})
	}
	waitFor := func(what string, cond func(scored) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if s, code := score(); code == 200 && cond(s) {
				return
			}
		}
		t.Fatalf("%s: not seen in 10 s", what)
	}
	writeModel(t, dir, pn) // a change the poll sees
	waitFor("the new model", func(s scored) bool { return s.Model == "paretonbd" })
	got, _ = score()
	t.Run("swapped", func(t *testing.T) { checkScores(t, got, pn, 0, cs) })

	// A corrupt file: the model in use stays, the failure is counted.
	writeFile(t, c.Model, bg.model[:len(bg.model)/2])
	failures := func() float64 {
		resp, err := http.Get(url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var v float64
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "clv_serve_model_reload_failures_total ") {
				fmt.Sscan(strings.TrimPrefix(line, "clv_serve_model_reload_failures_total "), &v)
			}
		}
		return v
	}
	for deadline := time.Now().Add(10 * time.Second); failures() < 1; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the corrupt file's failure not counted in 10 s")
		}
	}
	got, _ = score()
	t.Run("corrupt kept", func(t *testing.T) { checkScores(t, got, pn, 0, cs) })
	time.Sleep(50 * time.Millisecond) // several polls: the same corrupt file is not retried
	if n := failures(); n != 1 {
		t.Errorf("%v failures counted for one corrupt file", n)
	}
	writeModel(t, dir, bg)
	waitFor("the model back", func(s scored) bool { return s.Model == "bgnbd" })
	close(done)
	wg.Wait()
	if served == 0 || failed > 0 {
		t.Errorf("during the reloads: %d of %d requests failed", failed, served)
	}
	t.Logf("%d requests during the reloads, none failed", served)
}

// TestSIGHUP: without polling, a new file is loaded on SIGHUP only.
func TestSIGHUP(t *testing.T) {
	dir := t.TempDir()
	c := defaultConfig()
	c.Model, c.Addr, c.Poll = writeModel(t, dir, runJob(t, "bgnbd")), "127.0.0.1:0", 0
	hup := make(chan os.Signal)
	url, stop := start(t, c, hup)
	defer stop()
	model := func() string {
		resp, err := http.Get(url + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r struct {
			Model string `json:"purchase_model"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 {
			t.Fatalf("/readyz: %d %v", resp.StatusCode, err)
		}
		return r.Model
	}
	writeModel(t, dir, runJob(t, "paretonbd"))
	time.Sleep(30 * time.Millisecond)
	if m := model(); m != "bgnbd" {
		t.Fatalf("without SIGHUP: %s", m)
	}
	hup <- os.Interrupt // received: the reload follows before the next select
	hup <- os.Interrupt // so it has finished by this one
	if m := model(); m != "paretonbd" {
		t.Fatalf("after SIGHUP: %s", m)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start serves c until the returned stop is called (which checks serve's
// error); it returns the server's URL.
func start(t testing.TB, c Config, hup chan os.Signal) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	logs := &syncBuffer{}
	go func() { errc <- serve(ctx, c, hup, logs, func(a net.Addr) { addr <- a }) }()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the server's log:\n%s", logs.String())
		}
	})
	select {
	case a := <-addr:
		return "http://" + a.String(), func() {
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("serve: %v", err)
			}
		}
	case err := <-errc:
		cancel()
		t.Fatalf("serve: %v", err)
	}
	return "", nil
}

// TestShutdown: on shutdown a request in flight (its body still coming)
// finishes with its answer, new connections are refused, and serve
// returns without an error once it has.
func TestShutdown(t *testing.T) {
	j := runJob(t, "bgnbd")
	c := defaultConfig()
	c.Model, c.Addr = writeModel(t, t.TempDir(), j), "127.0.0.1:0"
	url, stop := start(t, c, nil)
	body := requestBody(j.res.Summary.Customers[:20])
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/score HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	conn.Write(body[:len(body)/2])
	time.Sleep(100 * time.Millisecond) // the server reads the request: in flight
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	time.Sleep(100 * time.Millisecond) // shutdown has begun: the listener is closed
	if _, err := net.Dial("tcp", strings.TrimPrefix(url, "http://")); err == nil {
		t.Error("a new connection was accepted during shutdown")
	}
	select {
	case <-stopped:
		t.Fatal("serve returned with a request in flight")
	default:
	}
	conn.Write(body[len(body)/2:])
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s scored
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || resp.StatusCode != 200 {
		t.Fatalf("request in flight: %d %v", resp.StatusCode, err)
	}
	checkScores(t, s, j, 0, j.res.Summary.Customers[:20])
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not return after the request in flight")
	}
}

// TestBusy: with -concurrency requests being read and scored, another
// waits for a slot, and is answered 503 when none frees within -timeout;
// the request holding the slot past its own -timeout is answered 503 too,
// and the slot is free again.
func TestBusy(t *testing.T) {
	j := runJob(t, "bgnbd")
	c := defaultConfig()
	c.Model, c.Addr, c.Concurrency, c.Timeout = writeModel(t, t.TempDir(), j), "127.0.0.1:0", 1, 300*time.Millisecond
	url, stop := start(t, c, nil)
	defer stop()
	body := requestBody(j.res.Summary.Customers[:5])
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/score HTTP/1.1\r\nHost: test\r\nContent-Length: %d\r\n\r\n", len(body))
	conn.Write(body[:10]) // holds the one slot while its body comes
	time.Sleep(50 * time.Millisecond)
	resp, err := http.Post(url+"/v1/score", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(msg), "busy") {
		t.Fatalf("while busy: %d %s", resp.StatusCode, msg)
	}
	conn.Write(body[10:])
	first, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ = io.ReadAll(first.Body)
	first.Body.Close()
	if first.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(msg), "did not finish within") {
		t.Fatalf("the request holding the slot past its timeout: %d %s", first.StatusCode, msg)
	}
	resp, err = http.Post(url+"/v1/score", "application/json", bytes.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("after: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestSettingsFromModel: the service scores with the settings model.json
// records (a job run with -horizon 6 -discount 0.02 -margin 0.5 -window
// 14): its numbers are the job's forecast.csv cells (10 significant
// digits, an empty cell null); a flag given overrides its setting (-discount 0
// too), the others stay the file's; a model.json that records none is
// scored with every flag, defaults included.
func TestSettingsFromModel(t *testing.T) {
	f, err := os.Open("../../testdata/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := forecast.Run(context.Background(), f, forecast.Config{Model: "paretonbd", Months: 6, Discount: 0.02, Margin: 0.5, Window: 14})
	if err != nil {
		t.Fatal(err)
	}
	var mj, fc bytes.Buffer
	if err := res.WriteModelJSON(&mj); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteForecastCSV(&fc); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&fc).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := writeFile(t, filepath.Join(dir, "model.json"), mj.Bytes())
	cs := res.Summary.Customers[:300]
	serveWith := func(path string, args ...string) scored {
		t.Helper()
		c, err := parse(append([]string{"-model", path}, args...), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		s := newServer(c, slog.New(slog.DiscardHandler))
		s.reload("test", true)
		w := post(s.routes(), requestBody(cs))
		var got scored
		if err := json.Unmarshal(w.Body.Bytes(), &got); w.Code != http.StatusOK || err != nil {
			t.Fatalf("%v: %d %v %s", args, w.Code, err, w.Body)
		}
		return got
	}
	got := serveWith(path)
	if got.HorizonMonths != 6 || got.WindowDays != 14 || got.Horizon != res.Horizon {
		t.Fatalf("scored over %d months (%v), window %d; the job: 6 (%v), 14", got.HorizonMonths, got.Horizon, got.WindowDays, res.Horizon)
	}
	f10 := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'g', 10, 64)
	}
	col := map[string]int{}
	for k, h := range rows[0] {
		col[h] = k
	}
	for i, g := range got.Customers {
		date := ""
		if g.NextOrderDate != nil {
			date = *g.NextOrderDate
		}
		d := g.DiscountedPurchases
		for name, v := range map[string]string{"p_alive": f10(&g.PAlive), "expected_purchases": f10(&g.ExpectedPurchases),
			"expected_avg_value": f10(g.ExpectedAvgValue), "clv": f10(g.CLV), "churn_tier": g.ChurnTier,
			"discounted_purchases": f10(&d), "p_purchase_window": f10(g.PPurchaseWindow), "p_churn_window": f10(g.PChurnWindow),
			"p_purchase_horizon": f10(g.PPurchaseHorizon), "p_alive_horizon_end": f10(g.PAliveHorizonEnd),
			"next_order_days_p10": f10(g.NextOrderDaysP10), "next_order_days_median": f10(g.NextOrderDaysMedian),
			"next_order_days_p90": f10(g.NextOrderDaysP90), "next_order_date": date, "next_order_note": g.NextOrderNote,
			"avg_days_between_orders": f10(g.AvgDaysBetweenOrders), "model_days_between_orders": f10(g.ModelDaysBetweenOrders)} {
			if want := rows[i+1][col[name]]; v != want {
				t.Fatalf("customer %d (%s) %s: served %q, forecast.csv %q", i, g.ID, name, v, want)
			}
		}
	}
	// A flag given overrides its setting only.
	got2 := serveWith(path, "-horizon", "12", "-discount", "0")
	sc, err := forecast.LoadModels(bytes.NewReader(mj.Bytes()), forecast.ScorerOptions{Months: 12, NoDiscount: true})
	if err != nil {
		t.Fatal(err)
	}
	want, err := sc.Score(context.Background(), cs)
	if err != nil {
		t.Fatal(err)
	}
	g0 := got2.Customers[0]
	// Without a discount the discounted purchases are the expected ones.
	if got2.HorizonMonths != 12 || got2.WindowDays != 14 || sc.Margin != 0.5 || sc.Discount != 0 || *g0.CLV != want[0].CLV ||
		g0.DiscountedPurchases != want[0].DiscountedPurchases || math.Abs(g0.DiscountedPurchases-g0.ExpectedPurchases) > 1e-9*g0.ExpectedPurchases {
		t.Errorf("-horizon 12 -discount 0: %d months, window %d, customer 0 %+v; want 12, 14, %+v", got2.HorizonMonths, got2.WindowDays, g0, want[0])
	}
	// A model.json without "scoring": every flag, defaults included.
	var m map[string]any
	if err := json.Unmarshal(mj.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "scoring")
	old, _ := json.Marshal(m)
	got3 := serveWith(writeFile(t, filepath.Join(dir, "old.json"), old), "-window", "7")
	def := defaultConfig()
	if got3.HorizonMonths != def.Months || got3.WindowDays != 7 {
		t.Errorf("model.json without settings: %d months, window %d; want %d, 7", got3.HorizonMonths, got3.WindowDays, def.Months)
	}
}
