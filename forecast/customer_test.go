package forecast_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/clvkit/clvkit/forecast"
)

// TestCustomerIsTheCSVRow: Result.Customer(i) holds every field of
// forecast.csv's row i, with the intervals; indexes outside the customers
// report false.
func TestCustomerIsTheCSVRow(t *testing.T) {
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{Model: "bgnbd", Interval: 0.9, IntervalDraws: 20, AnswerIntervals: true,
		CalibrationEnd: time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	// Some customers' values differ from those of the others of their
	// (frequency, recency, T), in the 7th digit: forecast.csv formats their
	// own, not the cells it formats once per distinct (frequency, recency, T).
	for i := range res.Forecasts {
		f := &res.Forecasts[i]
		switch i % 7 {
		case 3:
			f.PAlive *= 1 - 1e-6
		case 5:
			f.DiscountedPurchases *= 1 + 1e-6
		}
	}
	var buf bytes.Buffer
	if err := res.WriteForecastCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(res.Forecasts)+1 || len(rows) < 1000 {
		t.Fatalf("%d rows for %d customers", len(rows), len(res.Forecasts))
	}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
	gn := func(v float64) string { // NaN: an empty cell
		if math.IsNaN(v) {
			return ""
		}
		return g(v)
	}
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	for i, row := range rows[1:] {
		c, ok := res.Customer(i)
		if !ok || c.Intervals == nil || c.Purchases == nil {
			t.Fatalf("customer %d: %v, %+v", i, ok, c)
		}
		want := []string{c.ID, g(c.Frequency), g(c.Recency), g(c.T), g(c.MonetaryValue), g(c.PAlive), g(c.ExpectedPurchases),
			g(c.ExpectedValue), g(c.CLV), strconv.Itoa(int(c.RFM.R)), strconv.Itoa(int(c.RFM.F)), strconv.Itoa(int(c.RFM.M)), c.RFM.Code(),
			c.RFM.Segment, c.Tier.Churn, c.Tier.Value, c.Tier.Action,
			g(c.DiscountedPurchases), g(c.Answers.PurchaseWithinWindow), g(c.Answers.ChurnWithinWindow), g(c.Answers.PurchaseWithinHorizon),
			g(c.Answers.AliveAtHorizonEnd), gn(c.Answers.NextOrderDays[0]), gn(c.Answers.NextOrderDays[1]), gn(c.Answers.NextOrderDays[2]),
			day(c.Answers.NextOrderDate), c.Answers.NextOrderNote, gn(c.Answers.AvgDaysBetweenOrders), g(c.Answers.ModelDaysBetweenOrders),
			g(c.Intervals.PAlive.Low), g(c.Intervals.PAlive.High), g(c.Intervals.ExpectedPurchases.Low), g(c.Intervals.ExpectedPurchases.High),
			g(c.Intervals.CLV.Low), g(c.Intervals.CLV.High), strconv.Itoa(c.Purchases.Low), strconv.Itoa(c.Purchases.High)}
		if c.AnswerIntervals == nil {
			t.Fatalf("customer %d: no answer intervals", i)
		}
		a := c.AnswerIntervals
		for _, iv := range []forecast.Interval{a.DiscountedPurchases, a.PurchaseWithinWindow, a.ChurnWithinWindow,
			a.PurchaseWithinHorizon, a.AliveAtHorizonEnd, a.NextOrderDaysMedian, a.ModelDaysBetweenOrders} {
			for _, v := range []float64{iv.Low, iv.High} {
				if math.IsInf(v, 1) {
					v = math.NaN() // beyond the horizon: an empty cell
				}
				want = append(want, gn(v))
			}
		}
		if len(row) != len(want) {
			t.Fatalf("row %d: %d fields, Customer has %d", i, len(row), len(want))
		}
		for k := range row {
			if row[k] != want[k] {
				t.Fatalf("row %d, column %s: %q in forecast.csv, %q from Customer", i, rows[0][k], row[k], want[k])
			}
		}
	}
	for _, i := range []int{-1, len(res.Forecasts), 1 << 40} {
		if c, ok := res.Customer(i); ok || c.ID != "" {
			t.Errorf("Customer(%d) = %+v, %v", i, c, ok)
		}
	}
	var none *forecast.Result
	if _, ok := none.Customer(0); ok {
		t.Error("a nil Result has a customer")
	}
}
