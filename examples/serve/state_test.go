package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clvkit/clvkit/forecast"
)

// dailyRun is one of two incremental runs on the shipped log (all but its
// last two days, then those), as the job with -state makes them: the
// state it saved, its model.json and forecast.csv.
type dailyRun struct {
	res              *forecast.Result
	state, model, fc []byte
}

var (
	dailyOnce sync.Once
	daily     [2]dailyRun
	dailyErr  error
)

// dailyRuns runs the two incremental runs once per test binary, with the
// settings of runJob.
func dailyRuns(t testing.TB) [2]dailyRun {
	t.Helper()
	dailyOnce.Do(func() {
		b, err := os.ReadFile("../../testdata/transactions.csv")
		if err != nil {
			dailyErr = err
			return
		}
		whole := string(b)
		i := strings.Index(whole, ",2024-12-30,")
		i = strings.LastIndexByte(whole[:i], '\n') + 1
		header := whole[:strings.IndexByte(whole, '\n')+1]
		st := &forecast.State{}
		for k, log := range []string{whole[:i], header + whole[i:]} {
			res, err := forecast.RunIncremental(context.Background(), st, strings.NewReader(log),
				forecast.Config{Discount: 0.01, Months: 12, Margin: 1})
			if err != nil {
				dailyErr = err
				return
			}
			var s, m, f bytes.Buffer
			if err := st.Save(&s); err != nil {
				dailyErr = err
				return
			}
			if err := res.WriteModelJSON(&m); err != nil {
				dailyErr = err
				return
			}
			if err := res.WriteForecastCSV(&f); err != nil {
				dailyErr = err
				return
			}
			daily[k] = dailyRun{res, s.Bytes(), m.Bytes(), f.Bytes()}
		}
	})
	if dailyErr != nil {
		t.Fatal(dailyErr)
	}
	return daily
}

// stateServer is a server on run k's model.json and state, not listening.
func stateServer(t testing.TB, k int) (*server, http.Handler, *bytes.Buffer) {
	t.Helper()
	d := dailyRuns(t)[k]
	dir := t.TempDir()
	c := defaultConfig()
	c.Model, c.State = writeFile(t, filepath.Join(dir, "model.json"), d.model), dir
	writeFile(t, filepath.Join(dir, stateFile), d.state)
	var logs bytes.Buffer
	s := newServer(c, slog.New(slog.NewTextHandler(&logs, nil)))
	s.reload("test", true)
	s.reloadState("test", true)
	return s, s.routes(), &logs
}

func get(h http.Handler, path string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// customerPath returns the path of GET /v1/customers/{id}.
func customerPath(id string) string { return "/v1/customers/" + url.PathEscape(id) }

// TestCustomerMatchesForecastCSV: for every customer of the state of the
// second daily run on the shipped log, GET /v1/customers/{id} answers the
// numbers of the customer's row of that run's forecast.csv, to 1e-9
// relative (forecast.csv rounds to 10 digits): the summary, the forecast,
// the churn tier and every answer column, null for an empty cell.
func TestCustomerMatchesForecastCSV(t *testing.T) {
	d := dailyRuns(t)[1]
	_, h, logs := stateServer(t, 1)
	rows, err := csv.NewReader(bytes.NewReader(d.fc)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header, rows := rows[0], rows[1:]
	if len(rows) != 3000 {
		t.Fatalf("%d rows in forecast.csv", len(rows))
	}
	compared := map[string]bool{}
	for _, row := range rows {
		id := row[0]
		w := get(h, customerPath(id))
		if w.Code != http.StatusOK {
			t.Fatalf("customer %q: %d %s\n%s", id, w.Code, w.Body, logs)
		}
		var got struct {
			Model    string                     `json:"model"`
			End      string                     `json:"observation_end"`
			StateEnd string                     `json:"state_observation_end"`
			Customer map[string]json.RawMessage `json:"customer"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("customer %q: %v: %s", id, err, w.Body)
		}
		if got.End != got.StateEnd || got.Model != d.res.Choice.Name {
			t.Fatalf("customer %q: model %s to %s, state to %s", id, got.Model, got.End, got.StateEnd)
		}
		var gid string
		if json.Unmarshal(got.Customer["id"], &gid); gid != id {
			t.Fatalf("customer %q: id %s", id, got.Customer["id"])
		}
		for j, col := range header[1:] {
			raw, ok := got.Customer[col]
			if !ok {
				continue // the RFM scores, the segments and the value tiers rank among all customers
			}
			compared[col] = true
			cell := row[j+1]
			if cell == "" {
				if string(raw) != "null" && string(raw) != `""` {
					t.Fatalf("customer %q: %s %s, forecast.csv empty", id, col, raw)
				}
				continue
			}
			want, err := strconv.ParseFloat(cell, 64)
			if err != nil { // a string column
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
	if len(compared) != 4+4+1+12 { // the summary, the forecast, the churn tier, the answers
		t.Errorf("compared %d columns: %v", len(compared), compared)
	}
}

// TestCustomerHostileIDs: ids not in the state are 404s with a JSON
// error, whatever they hold (escaped, NUL, quotes, invalid UTF-8); an empty
// id, an unescaped slash and an id over the size limit are 400s; other
// methods 405; ?answers=false leaves the answers out; without -state, 404.
func TestCustomerHostileIDs(t *testing.T) {
	_, h, _ := stateServer(t, 1)
	id0 := dailyRuns(t)[1].res.Summary.Customers[0].ID
	for _, tc := range []struct {
		path string
		code int
	}{
		{customerPath(id0), 200},
		{customerPath(id0 + "x"), 404},
		{customerPath(strings.ToLower(id0)), 404},
		{customerPath("a/b"), 404},
		{customerPath("\x00"), 404},
		{customerPath(`"}]`), 404},
		{customerPath("\xff\xfe"), 404},
		{customerPath("%2F"), 404},
		{customerPath(strings.Repeat("C", maxIDBytes)), 404},
		{customerPath(strings.Repeat("C", maxIDBytes+1)), 400},
		{customerPath(strings.Repeat("é", 1<<15)), 400},
		{"/v1/customers/", 400},
		{"/v1/customers/a/b", 400},
	} {
		w := get(h, tc.path)
		if w.Code != tc.code || w.Header().Get("Content-Type") != "application/json" || !json.Valid(w.Body.Bytes()) {
			t.Errorf("GET %.80s: %d %s %.200s, want %d with a JSON body", tc.path, w.Code, w.Header().Get("Content-Type"), w.Body, tc.code)
		}
	}
	r := httptest.NewRequest(http.MethodPost, customerPath(id0), strings.NewReader("{}"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", w.Code)
	}
	if w := get(h, customerPath(id0)+"?answers=false"); w.Code != 200 || strings.Contains(w.Body.String(), "p_purchase_window") || !strings.Contains(w.Body.String(), `"p_alive"`) {
		t.Errorf("?answers=false: %d %s", w.Code, w.Body)
	}
	_, h, _ = testServer(t, nil)
	if w := get(h, customerPath(id0)); w.Code != 404 || !strings.Contains(w.Body.String(), "-state") {
		t.Errorf("without -state: %d %s", w.Code, w.Body)
	}
}

// TestStateReload: a new state file is picked up when it is renamed over
// the old one (polled) and on SIGHUP; a corrupt one keeps the state in
// use and counts a failure; a state newer than the model is a 503 until
// the model follows; requests in flight meanwhile all succeed (but those
// 503s, which the test makes on purpose).
func TestStateReload(t *testing.T) {
	runs := dailyRuns(t)
	dir := t.TempDir()
	c := defaultConfig()
	c.Model, c.State, c.Addr, c.Poll = writeFile(t, filepath.Join(dir, "model.json"), runs[0].model), dir, "127.0.0.1:0", 10*time.Millisecond
	statePath := filepath.Join(dir, stateFile)
	writeFile(t, statePath, runs[0].state)
	hup := make(chan os.Signal)
	u, stop0 := start(t, c, hup)
	stop := sync.OnceFunc(stop0)
	defer stop()
	// A customer who bought on the last two days: p_alive differs.
	var id string
	var want [2]float64
	for i, c := range runs[1].res.Summary.Customers {
		if i < len(runs[0].res.Summary.Customers) && c.Frequency != runs[0].res.Summary.Customers[i].Frequency {
			id, want = c.ID, [2]float64{runs[0].res.Forecasts[i].PAlive, runs[1].res.Forecasts[i].PAlive}
			break
		}
	}
	if id == "" {
		t.Fatal("no customer bought on the last two days")
	}
	pAlive := func() (float64, int) {
		resp, err := http.Get(u + customerPath(id))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var got struct {
			Customer struct {
				PAlive float64 `json:"p_alive"`
			} `json:"customer"`
		}
		json.Unmarshal(b, &got)
		return got.Customer.PAlive, resp.StatusCode
	}
	waitFor := func(what string, cond func(float64, int) bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if cond(pAlive()) {
				return
			}
		}
		p, code := pAlive()
		t.Fatalf("%s: not seen in 10 s (p_alive %v, %d)", what, p, code)
	}
	waitFor("the first run's numbers", func(p float64, code int) bool { return code == 200 && p == want[0] })
	writeFile(t, statePath, runs[1].state) // newer than the model: 503 until it follows
	waitFor("a 503 for a state newer than the model", func(_ float64, code int) bool { return code == 503 })
	writeFile(t, c.Model, runs[1].model)
	waitFor("the second run's numbers", func(p float64, code int) bool { return code == 200 && p == want[1] })

	// A corrupt state: the one in use stays, and the failure is counted.
	bad := bytes.Clone(runs[0].state)
	bad[len(bad)/2] ^= 1
	writeFile(t, statePath, bad)
	time.Sleep(100 * time.Millisecond)
	if p, code := pAlive(); code != 200 || p != want[1] {
		t.Errorf("after a corrupt state file: p_alive %v, %d; want the state in use kept, %v", p, code, want[1])
	}
	// Without polling, on SIGHUP only: the first run's state and model.
	stop()
	c.Poll = 0
	writeFile(t, statePath, runs[0].state)
	writeFile(t, c.Model, runs[0].model)
	u, stop = start(t, c, hup)
	defer stop()
	writeFile(t, statePath, runs[1].state)
	writeFile(t, c.Model, runs[1].model)
	time.Sleep(50 * time.Millisecond)
	if p, code := pAlive(); code != 200 || p != want[0] {
		t.Errorf("without -poll, before SIGHUP: p_alive %v, %d; want %v", p, code, want[0])
	}
	hup <- os.Interrupt // any value
	waitFor("the second run's numbers after SIGHUP", func(p float64, code int) bool { return code == 200 && p == want[1] })
}

// BenchmarkCustomer measures GET /v1/customers/{id} through the handler,
// without the network: the lookup in the state, scoring one customer and
// its answers, the encoding.
func BenchmarkCustomer(b *testing.B) {
	_, h, _ := stateServer(b, 1)
	cs := dailyRuns(b)[1].res.Summary.Customers
	paths := make([]string, len(cs))
	for i, c := range cs {
		paths[i] = customerPath(c.ID)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if w := get(h, paths[i%len(paths)]); w.Code != 200 {
			b.Fatal(w.Code, w.Body)
		}
		i++
	}
}
