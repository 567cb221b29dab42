package forecast_test

import (
	"bytes"
	"context"
	"html"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// TestDynamicAnswerIntervals: AnswerIntervals with the model with
// time-varying covariates gives every customer the answers' intervals,
// along the customer's own path under each draw: the point answers (and
// discounted purchases) lie inside their 90% intervals for at least 95%
// of the customers, forecast.csv's interval cells are filled, and
// neither the progress output nor the report says they are not computed
// (TestDynamicAnswerIntervalsAlongPaths checks the intervals themselves).
func TestDynamicAnswerIntervals(t *testing.T) {
	log, covs := dynLog(120)
	var progress bytes.Buffer
	cfg := forecast.Config{CSV: csvio.Options{ID: "id", Amount: "amount"}, End: time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC),
		Months: 6, Unit: week, Model: forecast.DynamicModelName, Interval: 0.9, IntervalDraws: 40, AnswerIntervals: true,
		DynamicCovariates: strings.NewReader(covs), Progress: &progress}
	res, err := forecast.Run(context.Background(), strings.NewReader(log), cfg)
	if err != nil {
		t.Fatal(err)
	}
	cs := res.Summary.Customers
	if res.AnswerIntervals == nil || res.AnswerIntervals.Len() != len(cs) {
		t.Fatalf("answer intervals %v for %d customers", res.AnswerIntervals, len(cs))
	}
	in := func(v float64, iv forecast.Interval) bool {
		return v >= iv.Low-1e-12*math.Abs(v) && v <= iv.High+1e-12*math.Abs(v)
	}
	inside, differ := 0, 0
	seen := map[[3]float64]int{}
	for i, c := range cs {
		cf, _ := res.Customer(i)
		a, iv := cf.Answers, cf.AnswerIntervals
		if iv == nil {
			t.Fatalf("customer %s: no answer intervals", c.ID)
		}
		if !(iv.PurchaseWithinWindow.Low <= iv.PurchaseWithinWindow.High) || !(iv.AliveAtHorizonEnd.Low <= iv.AliveAtHorizonEnd.High) {
			t.Fatalf("customer %s: %+v", c.ID, *iv)
		}
		if in(a.PurchaseWithinWindow, iv.PurchaseWithinWindow) && in(a.PurchaseWithinHorizon, iv.PurchaseWithinHorizon) &&
			in(a.AliveAtHorizonEnd, iv.AliveAtHorizonEnd) && in(a.ModelDaysBetweenOrders, iv.ModelDaysBetweenOrders) &&
			in(res.Forecasts[i].DiscountedPurchases, iv.DiscountedPurchases) &&
			(math.IsNaN(a.NextOrderDays[1]) || in(a.NextOrderDays[1], iv.NextOrderDaysMedian)) {
			inside++
		}
		k := [3]float64{c.Frequency, c.Recency, c.T}
		if j, ok := seen[k]; ok {
			if b, _ := res.Customer(j); *b.AnswerIntervals != *iv {
				differ++
			}
		}
		seen[k] = i
	}
	if inside < len(cs)*95/100 {
		t.Errorf("%d customers: %d answers inside their intervals, %d pairs of one row with different intervals", len(cs), inside, differ)
	}
	rows := forecastRows(t, res)
	header := rows[0]
	for _, name := range []string{"p_purchase_window_low", "p_alive_horizon_end_high", "model_days_between_orders_low", "discounted_purchases_high"} {
		col := slices.Index(header, name)
		for _, r := range rows[1:] {
			if col < 0 || r[col] == "" {
				t.Fatalf("forecast.csv's %s (column %d) empty: %v", name, col, r)
			}
		}
	}
	figs, err := res.Figures()
	if err != nil {
		t.Fatal(err)
	}
	var rep bytes.Buffer
	if err := res.WriteReport(&rep, figs); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{progress.String(), html.UnescapeString(rep.String())} {
		if strings.Contains(s, "not computed") {
			t.Errorf("says the answers' intervals are not computed:\n%s", s)
		}
	}
	t.Logf("%d customers: %d answers inside their intervals, %d pairs of one row with different intervals", len(cs), inside, differ)
}
