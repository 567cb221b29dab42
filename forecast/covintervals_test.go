package forecast_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/forecast"
)

// TestCovariatesIntervals: -interval with a covariate model gives every
// customer intervals under draws of the covariate model's parameters,
// computed with the customer's own covariates: the point forecast of
// nearly every customer (≥ 97%) lies in its interval, also where
// customers of equal (frequency, recency, T) and different covariates
// have different forecasts; the totals' intervals hold the point totals;
// with a calibration end the holdout groups get their band.
func TestCovariatesIntervals(t *testing.T) {
	g := genCovLog(t, 2000, 9)
	draws := 100
	if raceEnabled {
		draws = 40 // 47 CPU-s with 100 under the race detector
	}
	for _, name := range []string{"paretonbd-cov", "bgnbd-cov"} {
		res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
			Model: name, Interval: 0.9, IntervalDraws: draws, Covariates: strings.NewReader(g.covs)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cs := res.Summary.Customers
		if len(res.Intervals) != len(cs) {
			t.Fatalf("%s: %d intervals for %d customers", name, len(res.Intervals), len(cs))
		}
		inside, differ := 0, 0
		var total, clvTotal float64
		seen := map[[3]float64]int{}
		for i, f := range res.Forecasts {
			iv := res.Intervals[i]
			if iv.ExpectedPurchases.Low <= f.ExpectedPurchases*(1+1e-9) && f.ExpectedPurchases <= iv.ExpectedPurchases.High*(1+1e-9) &&
				iv.PAlive.Low <= f.PAlive+1e-9 && f.PAlive <= iv.PAlive.High+1e-9 {
				inside++
			}
			total += f.ExpectedPurchases
			clvTotal += f.CLV
			c := cs[i]
			k := [3]float64{c.Frequency, c.Recency, c.T}
			if j, ok := seen[k]; ok && res.Forecasts[j].ExpectedPurchases != f.ExpectedPurchases && res.Intervals[j] != iv {
				differ++
			}
			seen[k] = i
		}
		if share := float64(inside) / float64(len(cs)); share < 0.97 {
			t.Errorf("%s: the point forecast is inside its interval for %.3f of the customers", name, share)
		}
		if differ == 0 {
			t.Errorf("%s: no customers of one (x, t_x, T) with different covariates and intervals", name)
		}
		if tp := res.TotalPurchases; !(tp.Low < total && total < tp.High) || !(tp.High-tp.Low < 0.3*total) {
			t.Errorf("%s: total purchases %v, interval %+v", name, total, tp)
		}
		if tv := res.TotalCLV; !(tv.Low < clvTotal && clvTotal < tv.High) {
			t.Errorf("%s: total CLV %v, interval %+v", name, clvTotal, tv)
		}
		for j, p := range res.Periods {
			if p.Interval == nil || !(p.Interval.Purchases.Low <= p.Interval.Purchases.High) || !(p.Interval.Purchases.High > 0) {
				t.Fatalf("%s: period %d: %+v", name, j, p.Interval)
			}
		}
		t.Logf("%s: total purchases %.1f in [%.1f, %.1f]; %d of %d customers' forecasts inside their interval", name, total,
			res.TotalPurchases.Low, res.TotalPurchases.High, inside, len(cs))
	}
	// With a calibration end: the holdout band.
	end := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: "paretonbd-cov", Interval: 0.9, IntervalDraws: 50, Covariates: strings.NewReader(g.covs),
		End: end, CalibrationEnd: end.AddDate(0, -6, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.HoldoutIntervals) == 0 || !(res.HoldoutIntervals[1].High > res.HoldoutIntervals[1].Low) {
		t.Errorf("holdout intervals %+v", res.HoldoutIntervals)
	}
}
