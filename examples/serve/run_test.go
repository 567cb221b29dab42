package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/internal/readme"
)

// TestREADME runs the serve command the README shows, on the model.json
// of the job the README runs before it (examples/forecast's defaults),
// and sends it the README's curl request: the answer is the customer's
// forecast.csv row.
func TestREADME(t *testing.T) {
	cmds := readme.For(t, "../../README.md", "", "./examples/serve")
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// curl -d sends Content-Type application/x-www-form-urlencoded unless
	// -H says otherwise: the server wants JSON.
	body, ctype := "", "application/x-www-form-urlencoded"
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "curl ") && strings.Contains(line, "/v1/score") {
			_, rest, _ := strings.Cut(line, " -d '")
			body, _, _ = strings.Cut(rest, "'")
			if _, h, ok := strings.Cut(line, " -H 'Content-Type: "); ok {
				ctype, _, _ = strings.Cut(h, "'")
			}
		}
	}
	if body == "" {
		t.Fatal("the README shows no curl request to /v1/score")
	}
	f, err := os.Open("../../testdata/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := forecast.Run(context.Background(), f, forecast.Config{Discount: 0.01}) // examples/forecast's defaults
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if _, err := res.WriteFiles(out); err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		args := readme.Redirect(c.Args, "-model", filepath.Join(out, "model.json"))
		args = readme.Redirect(args, "-addr", "127.0.0.1:0")
		if slices.Contains(args, "-state") {
			args = readme.Redirect(args, "-state", stateDir(t, res))
		}
		cfg, err := parse(args, io.Discard)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		url, stop := start(t, cfg, nil)
		if cfg.State != "" {
			// The README's customer, looked up in the state.
			id := res.Summary.Customers[0].ID
			resp, err := http.Get(url + customerPath(id))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(b), `"p_alive":`+strconv.FormatFloat(res.Forecasts[0].PAlive, 'g', -1, 64)) {
				t.Fatalf("%s: GET /v1/customers/%s: %d %s", c, id, resp.StatusCode, b)
			}
		}
		resp, err := http.Post(url+"/v1/score", ctype, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var got scored
		err = json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		stop()
		if err != nil || resp.StatusCode != 200 || len(got.Customers) != 1 {
			t.Fatalf("%s: %d %v %+v", c, resp.StatusCode, err, got)
		}
		i := -1
		for k, cu := range res.Summary.Customers {
			if cu.ID == got.Customers[0].ID {
				i = k
			}
		}
		if i < 0 {
			t.Fatalf("customer %q of the README is not in the shipped log", got.Customers[0].ID)
		}
		checkScores(t, got, &job{res: res}, i, res.Summary.Customers[i:i+1])
	}
}

// stateDir returns a directory holding the state of the job on the
// shipped log (examples/forecast -state's, with its defaults), whose
// model is res's.
func stateDir(t *testing.T, res *forecast.Result) string {
	t.Helper()
	f, err := os.Open("../../testdata/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st := &forecast.State{}
	inc, err := forecast.RunIncremental(context.Background(), st, f, forecast.Config{Discount: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if inc.Choice.Name != res.Choice.Name || !inc.Summary.End.Equal(res.Summary.End) {
		t.Fatalf("the incremental run: %s to %v; the job %s to %v", inc.Choice.Name, inc.Summary.End, res.Choice.Name, res.Summary.End)
	}
	dir := t.TempDir()
	var b bytes.Buffer
	if err := st.Save(&b); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, stateFile), b.Bytes())
	return dir
}

// TestUsage: bad flags are usage errors naming the flag.
func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{}, {"-model", "m.json", "extra"}, {"-model", "m.json", "-margin", "2"}, {"-model", "m.json", "-horizon", "0"},
		{"-model", "m.json", "-discount", "-1"}, {"-model", "m.json", "-max-batch", "0"}, {"-model", "m.json", "-max-body", "10"},
		{"-model", "m.json", "-timeout", "0s"}, {"-model", "m.json", "-poll", "-1s"}, {"-nope"},
	} {
		err := run(args, io.Discard, io.Discard)
		if !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	var stderr bytes.Buffer
	if err := run([]string{"-h"}, io.Discard, &stderr); !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "-max-batch") {
		t.Errorf("-h: %v\n%s", err, stderr.String())
	}
	if err := run([]string{"-model", "m.json", "-addr", "256.0.0.1:-5"}, io.Discard, io.Discard); err == nil {
		t.Error("a bad address served")
	}
}

// TestScoreMissingFromJob: an id absent from the job is scored from its
// summary alone, as the job would score it.
func TestScoreMissingFromJob(t *testing.T) {
	_, h, _ := testServer(t, nil)
	j := runJob(t, "bgnbd")
	c := clv.Customer{ID: "new", Frequency: 4, Recency: 40, T: 41.5, MonetaryValue: 33}
	w := post(h, requestBody([]clv.Customer{c}))
	var got scored
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 {
		t.Fatalf("%d %v %s", w.Code, err, w.Body)
	}
	if pa := j.res.Choice.Model.ProbabilityAlive(c); got.Customers[0].PAlive != pa {
		t.Errorf("P(alive) %v, want %v", got.Customers[0].PAlive, pa)
	}
	if e := j.res.Choice.Model.ConditionalExpectedPurchases(c, j.res.Horizon); math.Abs(got.Customers[0].ExpectedPurchases-e) > 1e-12*e {
		t.Errorf("expected purchases %v, want %v", got.Customers[0].ExpectedPurchases, e)
	}
}

// waitLog waits until the log holds s, for at most 10 s.
func waitLog(t *testing.T, log *syncBuffer, s string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if l := log.String(); strings.Contains(l, s) {
			return l
		}
	}
	t.Fatalf("%q not logged in 10 s:\n%s", s, log.String())
	return ""
}
