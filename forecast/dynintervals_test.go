package forecast_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// TestDynamicIntervals: -interval with the model with time-varying
// covariates gives every customer intervals under draws of its
// parameters along the customer's path: the point forecast of nearly
// every customer (≥ 95%) lies in its interval, the intervals have width,
// the totals' intervals hold the point totals and each month's holds
// purchases; with a calibration end the holdout groups get their band.
func TestDynamicIntervals(t *testing.T) {
	log, covs := dynLog(300)
	end := time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC)
	cfg := forecast.Config{CSV: csvio.Options{ID: "id", Amount: "amount"}, End: end, Months: 12, Unit: week, Discount: 0.01, Margin: 1,
		Model: forecast.DynamicModelName, Interval: 0.9, IntervalDraws: 100, DynamicCovariates: strings.NewReader(covs)}
	t0 := time.Now()
	res, err := forecast.Run(context.Background(), strings.NewReader(log), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("run with 100 draws: %v", time.Since(t0))
	cs := res.Summary.Customers
	if len(res.Intervals) != len(cs) {
		t.Fatalf("%d intervals for %d customers", len(res.Intervals), len(cs))
	}
	inside, wide := 0, 0
	var total, clvTotal float64
	for i, f := range res.Forecasts {
		iv := res.Intervals[i]
		if iv.ExpectedPurchases.Low <= f.ExpectedPurchases*(1+1e-9) && f.ExpectedPurchases <= iv.ExpectedPurchases.High*(1+1e-9) &&
			iv.PAlive.Low <= f.PAlive+1e-9 && f.PAlive <= iv.PAlive.High+1e-9 && iv.CLV.Low <= f.CLV*(1+1e-9) && f.CLV <= iv.CLV.High*(1+1e-9) {
			inside++
		}
		if iv.ExpectedPurchases.High > iv.ExpectedPurchases.Low*1.01 {
			wide++
		}
		total += f.ExpectedPurchases
		clvTotal += f.CLV
	}
	if share := float64(inside) / float64(len(cs)); share < 0.95 {
		t.Errorf("the point forecast is inside its interval for %.3f of the customers", share)
	}
	if wide < len(cs)*9/10 {
		t.Errorf("%d of %d customers' intervals of expected purchases wider than 1%%", wide, len(cs))
	}
	if tp := res.TotalPurchases; !(tp.Low < total && total < tp.High) || !(tp.High-tp.Low < 0.5*total) {
		t.Errorf("total purchases %v, interval %+v", total, tp)
	}
	if tv := res.TotalCLV; !(tv.Low < clvTotal && clvTotal < tv.High) {
		t.Errorf("total CLV %v, interval %+v", clvTotal, tv)
	}
	for j, p := range res.Periods {
		if p.Interval == nil || !(p.Interval.Purchases.Low < p.Purchases && p.Purchases < p.Interval.Purchases.High) {
			t.Fatalf("period %d: %v expected, interval %+v", j, p.Purchases, p.Interval)
		}
	}
	t.Logf("total purchases %.1f in [%.1f, %.1f]; %d of %d customers' forecasts inside their interval", total,
		res.TotalPurchases.Low, res.TotalPurchases.High, inside, len(cs))

	cal := cfg
	cal.CalibrationEnd, cal.DynamicCovariates = end.AddDate(0, -6, 0), strings.NewReader(covs)
	r, err := forecast.Run(context.Background(), strings.NewReader(log), cal)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.HoldoutIntervals) == 0 || !(r.HoldoutIntervals[1].High > r.HoldoutIntervals[1].Low) {
		t.Errorf("holdout intervals %+v", r.HoldoutIntervals)
	}
}
