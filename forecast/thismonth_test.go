package forecast_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/segment"
)

// TestChurnBand: the bands' edges are 0.3 (in the middle band) and 0.7
// (in the top one), the churn tiers' thresholds.
func TestChurnBand(t *testing.T) {
	for p, want := range map[float64]string{0: forecast.BandLikely, 0.2999999: forecast.BandLikely, 0.3: forecast.BandMay,
		0.6999999: forecast.BandMay, 0.7: forecast.BandUnlikely, 1: forecast.BandUnlikely, math.NaN(): ""} {
		if got := forecast.ChurnBand(p); got != want {
			t.Errorf("ChurnBand(%v) = %q, want %q", p, got, want)
		}
	}
	if forecast.ChurnBandLow != segment.DefaultLost || forecast.ChurnBandHigh != segment.DefaultActive {
		t.Error("bands are not the churn tiers' thresholds")
	}
	if forecast.MonthAction("nonsense", 0) != "" || forecast.MonthAction(forecast.BandLikely, 3) != "nothing: they order" ||
		forecast.MonthAction(forecast.BandUnlikely, 0) != "personal check-in" {
		t.Error("MonthAction")
	}
}

// TestMonthPlanAndNextOrderWeeks: the "what to do this month" table and
// the next order's weeks are a recount of the customers' rows
// (Result.Customer: p_churn_window, value tier, CLV, expected purchases,
// next_order_days_median), on the shipped log, with and without amounts;
// the report shows them.
func TestMonthPlanAndNextOrderWeeks(t *testing.T) {
	for _, noAmounts := range []bool{false, true} {
		t.Run(fmt.Sprint("no amounts ", noAmounts), func(t *testing.T) {
			cfg := forecast.Config{CSV: csvio.Options{Amount: "amount"}, Discount: 0.01, Model: "bgnbd"}
			var res *forecast.Result
			var err error
			if noAmounts {
				cfg = forecast.Config{NoAmounts: true, Model: "bgnbd", Window: 60, Months: 6}
				res, err = forecast.Run(context.Background(), strings.NewReader(withoutAmounts(t)), cfg)
			} else {
				res, err = forecast.Run(context.Background(), testdataLog(t), cfg)
			}
			if err != nil {
				t.Fatal(err)
			}
			type key struct{ value, band string }
			want := map[key]*forecast.MonthCell{}
			n := len(res.Summary.Customers)
			weeks := make([]int, int(math.Ceil(res.Horizon*res.Config.Unit.Hours()/24/7)))
			undefined := 0
			for i := range n {
				c, _ := res.Customer(i)
				k := key{c.Tier.Value, forecast.ChurnBand(c.Answers.ChurnWithinWindow)}
				if want[k] == nil {
					want[k] = &forecast.MonthCell{}
				}
				w := want[k]
				w.Customers++
				w.CLV += c.CLV
				w.ExpectedPurchases += c.ExpectedPurchases
				w.Ordering += c.Answers.PurchaseWithinWindow
				if m := c.Answers.NextOrderDays[1]; math.IsNaN(m) {
					undefined++
					if c.Answers.NextOrderNote != forecast.NoteUnlikely {
						t.Fatalf("customer %d: no median, note %q", i, c.Answers.NextOrderNote)
					}
				} else {
					weeks[min(int(m/7), len(weeks)-1)]++
				}
			}
			plan := res.MonthPlan()
			total := 0
			for _, c := range plan {
				w := want[key{c.Value, c.Band}]
				if w == nil {
					w = &forecast.MonthCell{}
				}
				total += c.Customers
				if c.Customers != w.Customers || math.Abs(c.CLV-w.CLV) > 1e-9*math.Abs(w.CLV) ||
					math.Abs(c.ExpectedPurchases-w.ExpectedPurchases) > 1e-9*w.ExpectedPurchases || math.Abs(c.Ordering-w.Ordering) > 1e-9*w.Ordering ||
					c.Action != forecast.MonthAction(c.Band, c.Rank) || c.Action == "" {
					t.Errorf("%s × %s: %+v, recount %+v", c.Value, c.Band, c, *w)
				}
				if noAmounts && c.CLV != 0 {
					t.Errorf("%s × %s: CLV %v without amounts", c.Value, c.Band, c.CLV)
				}
			}
			if total != n || len(plan) != 4*len(forecast.ChurnBands) {
				t.Errorf("%d customers in %d cells; want %d in %d", total, len(plan), n, 4*len(forecast.ChurnBands))
			}
			gw, gu := res.NextOrderWeeks()
			if fmt.Sprint(gw) != fmt.Sprint(weeks) || gu != undefined {
				t.Errorf("weeks %v, %d without; recount %v, %d", gw, gu, weeks, undefined)
			}
			// The horizon's weeks: from the end, 2024-12-31, 12 months are
			// 365 days, 52 weeks and a part; 6 months 181 days, 25 and a part.
			if wantWeeks := map[bool]int{false: 53, true: 26}[noAmounts]; len(gw) != wantWeeks {
				t.Errorf("%d weeks over %d months, want %d", len(gw), res.Config.Months, wantWeeks)
			}
			figs, err := res.Figures()
			if err != nil {
				t.Fatal(err)
			}
			var html bytes.Buffer
			if err := res.WriteReport(&html, figs); err != nil {
				t.Fatal(err)
			}
			h := html.String()
			for _, s := range []string{"<h2>What to do this month</h2>", fmt.Sprintf("next %d days", res.Config.Window),
				fmt.Sprintf("<p>%d customers have an expected date of the next order", n-undefined), fmt.Sprintf("%d have none", undefined),
				"(next_order.png)"} {
				if !strings.Contains(h, s) {
					t.Errorf("report lacks %q", s)
				}
			}
			if strings.Contains(h, "CLV at stake") == noAmounts {
				t.Errorf("CLV column shown: %v, without amounts: %v", !noAmounts, noAmounts)
			}
		})
	}
}
