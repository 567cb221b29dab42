package forecast_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/segment"
)

// TestNoAmounts: a log without an amount column runs without a spend
// model: the same purchase forecasts as with amounts, values 0 and their
// cells empty, value tiers by expected purchases, and every file written.
func TestNoAmounts(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var noAmounts strings.Builder
	for _, line := range strings.SplitAfter(string(b), "\n") {
		if k := strings.LastIndexByte(line, ','); k >= 0 {
			line = line[:k] + "\n"
		}
		noAmounts.WriteString(line)
	}
	if !strings.HasPrefix(noAmounts.String(), "customer_id,date\n") {
		t.Fatalf("log without amounts: %q", noAmounts.String()[:40])
	}
	cfg := forecast.Config{Model: "bgnbd", Interval: 0.9, IntervalDraws: 20}
	with, err := forecast.Run(context.Background(), testdataLog(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.NoAmounts = true
	res, err := forecast.Run(context.Background(), strings.NewReader(noAmounts.String()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Spend != nil || res.Totals.CLV != 0 || len(res.Forecasts) != len(with.Forecasts) {
		t.Fatalf("spend %v, total CLV %v, %d customers", res.Spend, res.Totals.CLV, len(res.Forecasts))
	}
	for i, f := range res.Forecasts {
		w := with.Forecasts[i]
		if f.PAlive != w.PAlive || f.ExpectedPurchases != w.ExpectedPurchases || f.ExpectedValue != 0 || f.CLV != 0 ||
			res.Intervals[i].ExpectedPurchases != with.Intervals[i].ExpectedPurchases {
			t.Fatalf("customer %d: %+v without amounts, %+v with", i, f, w)
		}
	}
	for j, p := range res.Periods {
		if p.Purchases != with.Periods[j].Purchases || p.Revenue != 0 {
			t.Fatalf("month %d: %+v without amounts, %+v with", j, p, with.Periods[j])
		}
	}
	// The top 1% by expected purchases: ⌈n/100⌉ customers, none expected
	// to buy less than any of the rest.
	minTop, maxRest, top := math.Inf(1), math.Inf(-1), 0
	for i := range res.Tiers.Len() {
		if res.Tiers.At(i).Rank == 0 {
			top++
			minTop = math.Min(minTop, res.Forecasts[i].ExpectedPurchases)
		} else {
			maxRest = math.Max(maxRest, res.Forecasts[i].ExpectedPurchases)
		}
	}
	if want := int(math.Ceil(float64(res.Tiers.Len()) / 100)); top != want || minTop < maxRest {
		t.Errorf("top 1%%: %d customers (want %d), expecting at least %v purchases, the rest at most %v", top, want, minTop, maxRest)
	}
	var buf bytes.Buffer
	if err := res.WriteForecastCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	for _, r := range rows[1:] {
		if r[col("expected_avg_value")] != "" || r[col("clv")] != "" || r[col("clv_low")] != "" || r[col("expected_purchases_low")] == "" {
			t.Fatalf("row %q: want empty values and intervals of purchases", r)
		}
	}
	dir := t.TempDir()
	files, err := res.WriteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(files, "clv.png") || !slices.Contains(files, "report.html") || !slices.Contains(files, "tracking.png") {
		t.Errorf("files %v: want a report without the CLV plot", files)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	for _, no := range []string{"<th>revenue</th>", "<th>mean CLV</th>", "total predicted CLV", "Gamma-Gamma"} {
		if bytes.Contains(page, []byte(no)) {
			t.Errorf("the report shows %q without amounts", no)
		}
	}
	if !bytes.Contains(page, []byte("The log has no amounts")) || !bytes.Contains(page, []byte("The purchase model is fitted")) {
		t.Error("the report does not say the log has no amounts")
	}
	js, _ := os.ReadFile(filepath.Join(dir, "model.json"))
	if bytes.Contains(js, []byte(`"gammagamma"`)) {
		t.Error("model.json has a spend model")
	}
}

// TestPlotDataInRun: Run computes what the plots draw: the customers by
// repeat purchases, observed and expected by the chosen model, and the
// tracking curve of the calibration fit on its customers, with one curve
// per parameter draw for the band.
func TestPlotDataInRun(t *testing.T) {
	cal := time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{Model: "paretonbd", CalibrationEnd: cal,
		Interval: 0.8, IntervalDraws: 30})
	if err != nil {
		t.Fatal(err)
	}
	cs := res.Summary.Customers
	fc := res.Frequencies
	if len(fc.Observed) != forecast.FrequencyBins+1 || len(fc.Expected) != len(fc.Observed) {
		t.Fatalf("frequency counts %+v", fc)
	}
	var n float64
	for k, v := range fc.Observed {
		n += v
		want := 0
		for _, c := range cs {
			if min(int(c.Frequency), forecast.FrequencyBins) == k {
				want++
			}
		}
		if v != float64(want) {
			t.Errorf("%d repeat purchases: %v customers, want %d", k, v, want)
		}
	}
	exp, err := res.Choice.Model.ExpectedFrequencyCounts(cs, forecast.FrequencyBins)
	if err != nil {
		t.Fatal(err)
	}
	if n != float64(len(cs)) || !slices.Equal(exp, fc.Expected) {
		t.Errorf("expected counts %v, the model's %v", fc.Expected, exp)
	}
	tr := res.Tracking
	if tr == nil || len(tr.At) != forecast.TrackingSteps+1 || len(tr.Draws) != 30 || !tr.First.Equal(res.Summary.First) {
		t.Fatalf("tracking %+v", tr)
	}
	want, err := assess.ExpectedCumulativeRepeats(res.Choice.Calibration, res.Calibration.Customers, tr.At)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(want, tr.Expected) {
		t.Errorf("tracking curve %v, the calibration fit's %v", tr.Expected, want)
	}
	// The band holds the curve: the draws' 10% and 90% quantiles at the
	// end bracket the fitted model's expected repeats within 10%.
	last := make([]float64, len(tr.Draws))
	for d, c := range tr.Draws {
		last[d] = c[len(c)-1]
	}
	iv := interval.FromDraws(last, 0.8)
	if e := tr.Expected[len(tr.Expected)-1]; !(iv.Low < e*1.1 && iv.High > e*0.9 && iv.Low < iv.High) {
		t.Errorf("band at the end %+v, expected %v", iv, e)
	}
	total := 0 // repeat purchases of the days over by the end
	for _, r := range res.Summary.Repeats {
		if !r.Day.Add(24 * time.Hour).After(res.Summary.End) {
			total += r.Count
		}
	}
	if a := tr.Actual[len(tr.Actual)-1]; a != float64(total) || total < 4000 {
		t.Errorf("actual repeats at the end %v, the log has %d by then", a, total)
	}
	// Totals add up the forecasts.
	var sum float64
	active := 0
	for i, f := range res.Forecasts {
		sum += f.CLV
		if res.Tiers.At(i).Churn == segment.Active {
			active++
		}
	}
	if math.Abs(res.Totals.CLV-sum) > 1e-9*sum || res.Totals.Active != active || !(res.Totals.TopShare > 0.1 && res.Totals.TopShare < 1) {
		t.Errorf("totals %+v, want CLV %v, %d active", res.Totals, sum, active)
	}
}
