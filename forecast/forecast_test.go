package forecast_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/paretonbd"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func testdataLog(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestGolden runs the job on the project's synthetic log and compares its
// tables and model.json with golden files (go test -update rewrites them).
// The outputs depend on nothing but the input: no clock, no map order.
func TestGolden(t *testing.T) {
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{
		CSV: csvio.Options{Amount: "amount"}, Name: "testdata/transactions.csv", Discount: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	for name, write := range map[string]func(io.Writer) error{
		"forecast.csv": res.WriteForecastCSV, "segments.csv": res.WriteSegmentsCSV, "model.json": res.WriteModelJSON,
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "golden_"+name)
		if *update {
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("%s differs from %s (run go test -update after checking the change)", name, path)
		}
	}
	if res.Choice.Name != "mbgnbd" || res.Choice.Comparison == nil || len(res.Forecasts) != 3000 {
		t.Errorf("chose %s, %d forecasts", res.Choice.Name, len(res.Forecasts))
	}
	var html bytes.Buffer
	figs, err := res.Figures()
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteReport(&html, figs); err != nil {
		t.Fatal(err)
	}
	// The report's sections, the last two from #21's "what to do this
	// month" and next-order date (their numbers: TestMonthPlanAndNextOrderWeeks).
	for _, want := range []string{"Choice of the purchase model", "MBG/NBD (chosen)", "data:image/png;base64,",
		"<h2>What to do this month</h2>", "<h3>Next order's expected date</h3>", "(next_order.png)"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestOutOfOrder: a log whose customers' transactions are not in time order
// is sorted when the input can be read twice, and an error naming the line
// otherwise.
func TestOutOfOrder(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(good)), "\n")
	// Reverse the records: every customer's transactions now run backwards.
	rev := []string{lines[0]}
	for i := len(lines) - 1; i > 0; i-- {
		rev = append(rev, lines[i])
	}
	log := strings.Join(rev, "\n") + "\n"
	cfg := forecast.Config{CSV: csvio.Options{Amount: "amount"}, Model: "bgnbd"}
	var progress strings.Builder
	cfg.Progress = &progress
	res, err := forecast.Run(context.Background(), strings.NewReader(log), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "not in time order") || len(res.Forecasts) != 3000 {
		t.Errorf("%d forecasts; progress:\n%s", len(res.Forecasts), progress.String())
	}
	cfg.Progress = nil
	_, err = forecast.Run(context.Background(), io.MultiReader(strings.NewReader(log)), cfg)
	var pe *clv.ParseError
	if !errors.Is(err, clv.ErrOutOfOrder) || !errors.As(err, &pe) || !strings.Contains(err.Error(), "sort it by date") {
		t.Errorf("unsortable input: %v", err)
	}
}

func TestConfigAndCancel(t *testing.T) {
	for _, cfg := range []forecast.Config{{Months: -1}, {Months: 5000}, {Discount: -1}, {Margin: 2}, {Model: "x"}, {Penalizer: -1}} {
		if _, err := forecast.Run(context.Background(), strings.NewReader(""), cfg); !errors.Is(err, forecast.ErrConfig) {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := forecast.Run(ctx, testdataLog(t), forecast.Config{CSV: csvio.Options{Amount: "amount"}}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestPeriods: the monthly forecast adds up to the expected purchases and
// revenue at the end of the last calendar month, and the per-customer table
// to the totals.
func TestPeriods(t *testing.T) {
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{
		CSV: csvio.Options{Amount: "amount"}, Model: "paretonbd", Months: 6, PeriodsByCustomer: true})
	if err != nil {
		t.Fatal(err)
	}
	// The log ends on 2024-12-30: the first month is its last day, the
	// last runs from 2025-06-01 to the horizon's end, 6 months after the
	// end of observation.
	if len(res.Periods) != 7 || !res.Periods[0].Start.Equal(res.Summary.End) || res.Periods[0].End.Format(time.DateOnly) != "2025-01-01" ||
		res.Periods[6].Start.Format(time.DateOnly) != "2025-06-01" || res.Periods[6].End.Format(time.DateOnly) != "2025-06-30" {
		t.Fatalf("periods %+v", res.Periods)
	}
	if want := 182.0 / 7; math.Abs(res.Horizon-want) > 1e-12 {
		t.Errorf("horizon %v weeks, want %v (2024-12-30 to 2025-06-30)", res.Horizon, want)
	}
	// Together the periods are the horizon of forecast.csv's expected
	// purchases.
	var wantP, wantR, gotP, gotR float64
	for _, f := range res.Forecasts {
		wantP += f.ExpectedPurchases
		wantR += f.ExpectedPurchases * f.ExpectedValue
	}
	for _, p := range res.Periods {
		if !(p.Purchases > 0 && p.Revenue > 0) {
			t.Errorf("period %+v", p)
		}
		gotP += p.Purchases
		gotR += p.Revenue
	}
	if math.Abs(gotP-wantP) > 1e-9*wantP || math.Abs(gotR-wantR) > 1e-9*wantR {
		t.Errorf("periods sum to %v purchases, %v revenue; want %v, %v", gotP, gotR, wantP, wantR)
	}
	var buf bytes.Buffer
	if err := res.WritePeriodsByCustomerCSV(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3001 || len(strings.Split(lines[0], ",")) != 8 {
		t.Fatalf("%d lines, header %s", len(lines), lines[0])
	}
	var sum float64
	for _, l := range lines[1:] {
		for _, f := range strings.Split(l, ",")[1:] {
			v, _ := strconv.ParseFloat(f, 64)
			sum += v
		}
	}
	if math.Abs(sum-wantP) > 1e-6*wantP {
		t.Errorf("per-customer table sums to %v, want %v", sum, wantP)
	}
}

// TestIntervals: with Config.Interval every customer gets intervals
// around (nearly always containing) the point forecasts, in [0, 1] for
// P(alive); the total's interval agrees with the 5th–95th percentiles of
// totals over 200 draws made independently (other seeds: Monte Carlo error
// only); each month's interval contains its point forecast and periods.csv
// and forecast.csv carry them; a second run repeats the first exactly.
func TestIntervals(t *testing.T) {
	cfg := forecast.Config{CSV: csvio.Options{Amount: "amount"}, Model: "paretonbd", Interval: 0.9}
	res, err := forecast.Run(context.Background(), testdataLog(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Intervals) != len(res.Forecasts) {
		t.Fatalf("%d intervals", len(res.Intervals))
	}
	outside := 0
	for i, iv := range res.Intervals {
		f := res.Forecasts[i]
		if !(iv.PAlive.Low >= 0 && iv.PAlive.High <= 1 && iv.PAlive.Low <= iv.PAlive.High &&
			iv.ExpectedPurchases.Low <= iv.ExpectedPurchases.High && iv.CLV.Low <= iv.CLV.High) {
			t.Fatalf("customer %d: %+v", i, iv)
		}
		if !(iv.PAlive.Low <= f.PAlive && f.PAlive <= iv.PAlive.High) ||
			!(iv.ExpectedPurchases.Low <= f.ExpectedPurchases && f.ExpectedPurchases <= iv.ExpectedPurchases.High) ||
			!(iv.CLV.Low <= f.CLV && f.CLV <= iv.CLV.High) {
			outside++
		}
	}
	if outside > len(res.Forecasts)/100 {
		t.Errorf("point forecasts outside their intervals for %d of %d customers", outside, len(res.Forecasts))
	}
	pm := res.Choice.Model.(*paretonbd.Model)
	draws, err := pm.SampleParams(rand.NewPCG(1, 2), 200)
	if err != nil {
		t.Fatal(err)
	}
	totals := make([]float64, len(draws))
	for d, p := range draws {
		m, _ := paretonbd.New(p)
		e, _ := m.ConditionalExpectedPurchasesAll(res.Summary.Customers, res.Horizon)
		for _, v := range e {
			totals[d] += v
		}
	}
	slices.Sort(totals)
	lo, hi := totals[9], totals[189]
	iv := res.TotalPurchases
	if math.Abs(iv.Low-lo) > 0.15*(hi-lo) || math.Abs(iv.High-hi) > 0.15*(hi-lo) {
		t.Errorf("total: job [%.1f, %.1f], independent draws [%.1f, %.1f]", iv.Low, iv.High, lo, hi)
	}
	if !(res.TotalCLV.Low < res.TotalCLV.High) {
		t.Errorf("total CLV interval %v", res.TotalCLV)
	}
	for _, p := range res.Periods {
		if p.Interval == nil || !(p.Interval.Purchases.Low <= p.Purchases && p.Purchases <= p.Interval.Purchases.High) ||
			!(p.Interval.Revenue.Low <= p.Revenue && p.Revenue <= p.Interval.Revenue.High) {
			t.Errorf("period %v: %v purchases, %v revenue, intervals %+v", p.End, p.Purchases, p.Revenue, p.Interval)
		}
	}
	// What each customer will actually buy: interval.Predictive's
	// counts, around the expectation.
	if len(res.Purchases) != len(res.Forecasts) {
		t.Fatalf("%d purchase intervals", len(res.Purchases))
	}
	for i := 0; i < len(res.Purchases); i += 97 {
		c, p := res.Summary.Customers[i], res.Purchases[i]
		lo, hi, err := interval.Predictive([]interval.ConditionalPMF{pm}, c, res.Horizon, 0.9)
		if err != nil || p.Low != lo || p.High != hi || float64(p.High) < res.Forecasts[i].ExpectedPurchases {
			t.Errorf("customer %d: purchases %+v, want [%d, %d] around %v (%v)", i, p, lo, hi, res.Forecasts[i].ExpectedPurchases, err)
		}
	}
	var buf bytes.Buffer
	if err := res.WriteForecastCSV(&buf); err != nil || !strings.HasSuffix(strings.SplitN(buf.String(), "\n", 2)[0], "clv_high,purchases_low,purchases_high") {
		t.Errorf("forecast.csv header: %v", err)
	}
	buf.Reset()
	if err := res.WritePeriodsCSV(&buf); err != nil || !strings.HasSuffix(strings.SplitN(buf.String(), "\n", 2)[0], "expected_revenue_high") {
		t.Errorf("periods.csv header: %q, %v", strings.SplitN(buf.String(), "\n", 2)[0], err)
	}
	again, err := forecast.Run(context.Background(), testdataLog(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Intervals, res.Intervals) || again.TotalCLV != res.TotalCLV {
		t.Error("a second run gives other intervals")
	}
	t.Logf("total expected purchases: job [%.1f, %.1f], independent draws [%.1f, %.1f]", iv.Low, iv.High, lo, hi)
}

// TestHoldoutIntervals: with a holdout period, each calibration-frequency
// group's mean predicted holdout purchases lies in its interval, and the
// report with its banded plots is written.
func TestHoldoutIntervals(t *testing.T) {
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{CSV: csvio.Options{Amount: "amount"},
		Model: "bgnbd", Interval: 0.9, CalibrationEnd: time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC), IntervalDraws: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.HoldoutIntervals) != len(res.Holdout.Groups) {
		t.Fatalf("%d holdout intervals for %d groups", len(res.HoldoutIntervals), len(res.Holdout.Groups))
	}
	for k, g := range res.Holdout.Groups {
		iv := res.HoldoutIntervals[k]
		if g.Customers > 0 && !(iv.Low <= g.Predicted && g.Predicted <= iv.High && iv.Low < iv.High) {
			t.Errorf("group %d: predicted mean %v, interval %v", k, g.Predicted, iv)
		}
	}
	dir := t.TempDir()
	if _, err := res.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil || !bytes.Contains(html, []byte("90% interval")) || !bytes.Contains(html, []byte("draws of the models' parameters")) {
		t.Errorf("report without intervals: %v", err)
	}
}

// TestSummariesInput: the job run on the per-customer summaries of the log
// (as a warehouse query would give them) gives the forecasts of the job run
// on the log itself.
func TestSummariesInput(t *testing.T) {
	cfg := forecast.Config{CSV: csvio.Options{Amount: "amount"}, Model: "bgnbd", Discount: 0.01}
	direct, err := forecast.Run(context.Background(), testdataLog(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.WriteString(strings.Join(csvio.SummaryColumns, ",") + "\n")
	for _, c := range direct.Summary.Customers {
		fmt.Fprintf(&buf, "%s,%s,%s,%s,%s\n", c.ID, strconv.FormatFloat(c.Frequency, 'g', -1, 64), strconv.FormatFloat(c.Recency, 'g', -1, 64),
			strconv.FormatFloat(c.T, 'g', -1, 64), strconv.FormatFloat(c.MonetaryValue, 'g', -1, 64))
	}
	cfg.Summaries, cfg.End = true, direct.Summary.End
	res, err := forecast.Run(context.Background(), &buf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Forecasts) != len(direct.Forecasts) || res.Choice.Model.String() != direct.Choice.Model.String() {
		t.Fatalf("%v vs %v", res.Choice.Model, direct.Choice.Model)
	}
	for i := range res.Forecasts {
		if res.Forecasts[i] != direct.Forecasts[i] || res.RFM[i] != direct.RFM[i] || res.Tiers.At(i) != direct.Tiers.At(i) {
			t.Fatalf("customer %d: %+v vs %+v", i, res.Forecasts[i], direct.Forecasts[i])
		}
	}
	figs, err := res.Figures()
	if err != nil || len(figs) != 6 { // no tracking plot, no cohorts from summaries
		t.Errorf("%d figures, %v", len(figs), err)
	}
	if _, err := forecast.Run(context.Background(), strings.NewReader(""), forecast.Config{Summaries: true}); !errors.Is(err, forecast.ErrConfig) {
		t.Errorf("summaries without End: %v", err)
	}
}
