package forecast_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// TestAnswerIntervals: with Config.Interval, forecast.csv ends with the
// answers' intervals (AnswerIntervalColumns), whose cells are
// AnswerIntervalsAt's, contain the point answers for at least 97% of the
// customers (the median's where it is given), and leave every other cell
// as it is without them; a covariate model, which gives no answers, leaves
// them empty.
func TestAnswerIntervals(t *testing.T) {
	draws := 100
	if raceEnabled {
		draws = 40
	}
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{CSV: csvio.Options{Amount: "amount"},
		Model: "bgnbd", Interval: 0.9, IntervalDraws: draws, AnswerIntervals: true})
	if err != nil {
		t.Fatal(err)
	}
	rows := forecastRows(t, res)
	header, rows := rows[0], rows[1:]
	K := len(forecast.AnswerIntervalColumns)
	if got := strings.Join(header[len(header)-K:], ","); got != strings.Join(forecast.AnswerIntervalColumns, ",") {
		t.Fatalf("header ends %q", got)
	}
	col := func(name string) int {
		for k, h := range header {
			if h == name {
				return k
			}
		}
		t.Fatalf("no column %q", name)
		return -1
	}
	cell := func(s string) float64 {
		if s == "" {
			return math.NaN()
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	outside, given, infinite := 0, 0, 0
	for i, row := range rows {
		a, ok := res.AnswerIntervalsAt(i)
		if !ok {
			t.Fatalf("customer %d: no answer intervals", i)
		}
		ivs := []forecast.Interval{a.DiscountedPurchases, a.PurchaseWithinWindow, a.ChurnWithinWindow, a.PurchaseWithinHorizon,
			a.AliveAtHorizonEnd, a.NextOrderDaysMedian, a.ModelDaysBetweenOrders}
		for k, iv := range ivs {
			for e, v := range []float64{iv.Low, iv.High} {
				c := cell(row[len(row)-K+2*k+e])
				if math.IsInf(v, 1) && math.IsNaN(c) || math.Abs(c-v) <= 1e-9*math.Abs(v) {
					continue
				}
				t.Fatalf("customer %d: %s = %v, want %v", i, header[len(row)-K+2*k+e], c, v)
			}
			if !(iv.Low <= iv.High) {
				t.Fatalf("customer %d: interval %v", i, iv)
			}
		}
		if math.IsInf(a.NextOrderDaysMedian.High, 1) {
			infinite++
		}
		in := func(name string, iv forecast.Interval) bool {
			v := cell(row[col(name)])
			return v >= iv.Low-1e-9*math.Abs(v) && v <= iv.High+1e-9*math.Abs(v)
		}
		if !in("discounted_purchases", a.DiscountedPurchases) || !in("p_purchase_window", a.PurchaseWithinWindow) ||
			!in("p_churn_window", a.ChurnWithinWindow) || !in("p_alive_horizon_end", a.AliveAtHorizonEnd) ||
			!in("model_days_between_orders", a.ModelDaysBetweenOrders) {
			outside++
		}
		if row[col("next_order_days_median")] != "" {
			given++
			if !in("next_order_days_median", a.NextOrderDaysMedian) {
				outside++
			}
		}
	}
	if outside > len(rows)*3/100 || given == 0 || infinite == 0 {
		t.Errorf("point answers outside their 90%% intervals for %d of %d customers (%d medians given; %d reaching beyond the horizon)",
			outside, len(rows), given, infinite)
	}
	t.Logf("point answers outside their intervals: %d of %d customers; %d medians given, %d intervals reaching beyond the horizon",
		outside, len(rows), given, infinite)
	// Without them, every other cell is the same.
	res.AnswerIntervals = nil
	for i, row := range forecastRows(t, res)[1:] {
		if got, want := strings.Join(row[:len(row)-K], ","), strings.Join(rows[i][:len(row)-K], ","); got != want {
			t.Fatalf("row %d: %q, with the answers' intervals %q", i, got, want)
		}
		if strings.Join(row[len(row)-K:], "") != "" {
			t.Fatalf("row %d: answer intervals without them: %q", i, row[len(row)-K:])
		}
	}
	if _, ok := res.AnswerIntervalsAt(0); ok {
		t.Error("AnswerIntervalsAt without them: ok")
	}

	g := genCovLog(t, 300, 9)
	cov, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: "bgnbd-cov", NoAmounts: true, Interval: 0.9, IntervalDraws: 20, AnswerIntervals: true, Covariates: strings.NewReader(g.covs)})
	if err != nil {
		t.Fatal(err)
	}
	crow := forecastRows(t, cov)
	if got := strings.Join(crow[0][len(crow[0])-K:], ","); got != strings.Join(forecast.AnswerIntervalColumns, ",") {
		t.Fatalf("covariate model: header ends %q", got)
	}
	for i, row := range crow[1:] {
		// The answers' intervals, each customer's profile's (p_purchase_window_low).
		if len(row) != len(crow[0]) || row[len(row)-K+2] == "" {
			t.Fatalf("covariate model: row %d: %q", i, row)
		}
	}
}

// forecastRows returns forecast.csv's rows, the header first.
func forecastRows(t *testing.T, res *forecast.Result) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := res.WriteForecastCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
