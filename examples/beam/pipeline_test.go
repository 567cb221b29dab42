package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/internal/datasets"
	"github.com/clvkit/clvkit/internal/readme"
)

func TestMain(m *testing.M) {
	beam.Init()
	os.Exit(m.Run())
}

func onPrism(ctx context.Context, p *beam.Pipeline) error {
	_, err := prism.Execute(ctx, p)
	return err
}

// TestPipelineMatchesSingleMachine runs the pipeline on Prism over the
// project's synthetic log and compares it with the single-machine path
// (csvio.Summarize, bgnbd.Fit, gammagamma.Fit, scoring): the parameters
// to 1e-9 relative, each customer's P(alive), expected purchases and CLV
// to 1e-12. (Both sum amounts exactly, so a customer's m̄ does not depend
// on how the transactions were sharded and merged, and the fits, over rows
// in a canonical order, see the same data.)
func TestPipelineMatchesSingleMachine(t *testing.T) {
	in, err := filepath.Abs("../../testdata/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC)
	compare(t, Config{Input: in, Delim: ",", Header: true, ID: 0, Date: 1, Amount: 2, End: end,
		Unit: 7 * 24 * time.Hour, Months: 12, Discount: 0.01, Margin: 1}, csvio.Options{Amount: "amount"})
}

// TestPipelineCDNOW: the same on the full CDNOW log (23,570 customers),
// with the literature's calibration period.
func TestPipelineCDNOW(t *testing.T) {
	in := datasets.Data(t, "CDNOW_master.txt")
	compare(t, Config{Input: in, Delim: "space", Header: true, ID: 0, Date: 1, Amount: 3,
		End: time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC), CalibrationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
		Unit: 7 * 24 * time.Hour, Months: 12, Discount: 0.01, Margin: 1},
		csvio.Options{Delimiter: ' ', Amount: "dollar_value"})
}

// TestREADME runs the README's command as a user would (from
// examples/beam, on the default runner, Prism), the output sent to a
// temporary directory, and checks it against the single-machine path as
// TestPipelineMatchesSingleMachine does.
func TestREADME(t *testing.T) {
	for _, c := range readme.For(t, "../../README.md", "examples/beam", ".") {
		out := t.TempDir()
		var stderr strings.Builder
		if err := run(readme.Redirect(c.Args, "-output", out), io.Discard, &stderr); err != nil {
			t.Fatalf("%s: %v\n%s", c, err, stderr.String())
		}
		checkOutput(t, out, Config{Input: "../../testdata/transactions.csv", End: time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC),
			Unit: 7 * 24 * time.Hour}, csvio.Options{Amount: "amount"})
	}
}

// TestFlags: our flags and Beam's parse together (no name is defined
// twice: Beam's worker harness has -id); bad values name the flag.
func TestFlags(t *testing.T) {
	never := func(context.Context, *beam.Pipeline) error { t.Fatal("the pipeline ran"); return nil }
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-horizon", "0"}, "-horizon 0: want 1 to 1200 months"},
		{[]string{"-end", "June"}, `-end "June": want a date, YYYY-MM-DD`},
		{[]string{"-end", "2024-06-30", "-calibration-end", "2024-06-30"}, "-calibration-end 2024-06-30: want a date before -end (2024-06-30)"},
		{[]string{"-id-column", "0"}, "-id-column 0: want a 1-based column number"},
		{[]string{"-margin", "2"}, "-margin 2: want a share in (0, 1]"},
		{[]string{"-unit", "month"}, `-unit "month": want day or week`},
		{[]string{"-shards", "0"}, "-shards 0: want 1 to 10000"},
		{[]string{"extra"}, `unexpected argument "extra": beam takes flags only`},
		{[]string{"-id", "1"}, "-id is Beam's worker harness flag: the customer id column is -id-column"},
	} {
		err := runWith(tc.args, io.Discard, never)
		if err == nil || err.Error() != tc.want || !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%q: %v, want %q", tc.args, err, tc.want)
		}
	}
	var stderr strings.Builder
	if err := runWith([]string{"-h"}, &stderr, never); !errors.Is(err, flag.ErrHelp) ||
		!strings.Contains(stderr.String(), "-runner") || !strings.Contains(stderr.String(), "-id-column") {
		t.Errorf("-h: %v\n%s", err, stderr.String())
	}
	// Beam's flags reach Beam: -job_name is set on the command line's flag set.
	ran := false
	err := runWith([]string{"-job_name", "clvkit-test", "-output", t.TempDir()}, io.Discard, func(context.Context, *beam.Pipeline) error {
		ran = true
		return nil
	})
	if f := flag.Lookup("job_name"); err != nil || !ran || f == nil || f.Value.String() != "clvkit-test" {
		t.Errorf("-job_name: %v, ran %v, flag %v", err, ran, f)
	}
}

func compare(t *testing.T, cfg Config, copts csvio.Options) {
	t.Helper()
	out := t.TempDir()
	cfg.Output = out
	if err := runPipeline(context.Background(), cfg, onPrism); err != nil {
		t.Fatal(err)
	}
	checkOutput(t, out, cfg, copts)
}

// checkOutput compares the pipeline's output in out with the
// single-machine path on cfg's input.
func checkOutput(t *testing.T, out string, cfg Config, copts csvio.Options) {
	t.Helper()
	// The single-machine path.
	f, err := os.Open(cfg.Input)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum, err := csvio.Summarize(f, copts, clv.SummaryOptions{End: cfg.End, CalibrationEnd: cfg.CalibrationEnd, Unit: cfg.Unit})
	if err != nil {
		t.Fatal(err)
	}
	pm, err := bgnbd.Fit(sum.Customers, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sm, err := gammagamma.Fit(sum.Customers, gammagamma.FitOptions{SkipNonPositive: true})
	if err != nil {
		t.Fatal(err)
	}
	var got models
	b, err := readAll(filepath.Join(out, "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for i, v := range pm.Params().Vector() {
		if u := got.BGNBD.Params().Vector()[i]; math.Abs(u-v) > 1e-9*v {
			t.Errorf("BG/NBD parameter %d: %v on Beam, %v on one machine", i, u, v)
		}
	}
	for i, v := range sm.Params().Vector() {
		if u := got.GammaGamma.Params().Vector()[i]; math.Abs(u-v) > 1e-9*v {
			t.Errorf("gamma-gamma parameter %d: %v on Beam, %v on one machine", i, u, v)
		}
	}
	if shards, _ := filepath.Glob(filepath.Join(out, "forecast-*-of-00004.csv")); len(shards) != 4 {
		t.Errorf("%d forecast shards, want 4: %v", len(shards), shards)
	}
	rows, err := readCSV(filepath.Join(out, "forecast-"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(sum.Customers) {
		t.Fatalf("%d forecasts for %d customers", len(rows), len(sum.Customers))
	}
	byID := map[string][]string{}
	for _, r := range rows {
		byID[r[0]] = r
	}
	month := predict.MonthInWeeks
	for _, c := range sum.Customers {
		r := byID[c.ID]
		if r == nil {
			t.Fatalf("customer %q missing", c.ID)
		}
		clvv, _ := predict.LifetimeValue(pm, sm, c, predict.ValueOptions{Periods: 12, PeriodLength: month, DiscountRate: 0.01, Margin: 1})
		for k, want := range map[int]float64{5: pm.ProbabilityAlive(c), 6: pm.ConditionalExpectedPurchases(c, 12*month), 7: clvv} {
			v, _ := strconv.ParseFloat(r[k], 64)
			if math.Abs(v-want) > 1e-12*math.Max(math.Abs(want), 1) {
				t.Fatalf("customer %q column %d: %v on Beam, %v on one machine", c.ID, k, v, want)
			}
		}
	}
}

// readAll reads a text output (textio may shard it: name-00000-of-00001).
func readAll(name string) ([]byte, error) {
	matches, err := filepath.Glob(name + "*")
	if err != nil || len(matches) == 0 {
		return nil, err
	}
	var b []byte
	for _, m := range matches {
		x, err := os.ReadFile(m)
		if err != nil {
			return nil, err
		}
		b = append(b, x...)
	}
	return b, nil
}

func readCSV(name string) ([][]string, error) {
	b, err := readAll(name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytesReader(b))
	r.FieldsPerRecord = -1
	all, err := r.ReadAll()
	var rows [][]string
	for _, rec := range all {
		if rec[0] != "customer_id" { // each shard's header
			rows = append(rows, rec)
		}
	}
	return rows, err
}
