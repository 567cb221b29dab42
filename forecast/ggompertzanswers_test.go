package forecast_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/ggompertz"
)

// TestGGompertzAnswers: -model ggompertz fitted inside (b > 0) gives
// every customer's answers, which are the library's Model.Outlook of the
// model the run chose (to 1e-12) — none NoteNoModel, the percentiles
// given for some customers — fills forecast.csv's answer cells, and with
// -answer-intervals gives the answers' intervals, which hold the point
// answers for at least 97% of the customers.
func TestGGompertzAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 1,500 customers of distinct rows")
	}
	log := ggompertzLog(t, ggompertz.Params{R: 1.5, Alpha: 8, B: 0.03, S: 2, Beta: 10}, 1500)
	res, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{NoAmounts: true, Model: "ggompertz",
		Interval: 0.9, IntervalDraws: 40, AnswerIntervals: true})
	if err != nil {
		t.Fatal(err)
	}
	m, ok := res.Choice.Model.(*ggompertz.Model)
	if !ok || m.FitInfo().Status != clv.Converged {
		t.Fatalf("model %v", res.Choice.Model)
	}
	day, unit := float64(24*time.Hour), float64(res.Config.Unit)
	d := unit / day
	opts := clv.OutlookOptions{Window: float64(res.Config.Window) * day / unit, Horizon: res.Horizon}
	percentiles, inside := 0, 0
	cs := res.Summary.Customers
	for i, c := range cs {
		cf, _ := res.Customer(i)
		a, o := cf.Answers, m.Outlook(c, opts)
		if a.NextOrderNote == forecast.NoteNoModel {
			t.Fatalf("customer %s: %s", c.ID, a.NextOrderNote)
		}
		want := [][2]float64{{a.PurchaseWithinWindow, o.PurchaseWithin}, {a.ChurnWithinWindow, 1 - o.PurchaseWithin},
			{a.PurchaseWithinHorizon, o.PurchaseWithinHorizon}, {a.AliveAtHorizonEnd, o.AliveAtHorizon},
			{a.ModelDaysBetweenOrders, d / o.PurchaseRate}}
		if a.NextOrderNote != forecast.NoteUnlikely {
			for k := range 2 {
				want = append(want, [2]float64{a.NextOrderDays[k], o.NextPurchase[k] * d})
			}
			percentiles++
		}
		for k, p := range want {
			if !near(p[0], p[1], 1e-12) {
				t.Fatalf("customer %s, answer %d: job %.17g, library %.17g", c.ID, k, p[0], p[1])
			}
		}
		iv, ok := res.AnswerIntervalsAt(i)
		if !ok {
			t.Fatalf("customer %s: no answer intervals", c.ID)
		}
		if iv.PurchaseWithinWindow.Low <= a.PurchaseWithinWindow && a.PurchaseWithinWindow <= iv.PurchaseWithinWindow.High &&
			iv.AliveAtHorizonEnd.Low <= a.AliveAtHorizonEnd && a.AliveAtHorizonEnd <= iv.AliveAtHorizonEnd.High &&
			iv.ModelDaysBetweenOrders.Low <= a.ModelDaysBetweenOrders && a.ModelDaysBetweenOrders <= iv.ModelDaysBetweenOrders.High {
			inside++
		}
	}
	if percentiles == 0 || percentiles == len(cs) || inside < len(cs)*97/100 {
		t.Errorf("%d customers, %d with percentiles, %d answers inside their intervals", len(cs), percentiles, inside)
	}
	var csv strings.Builder
	if err := res.WriteForecastCSV(&csv); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	header := strings.Split(lines[0], ",")
	for _, name := range []string{"p_alive_horizon_end", "model_days_between_orders", "p_purchase_window_low", "p_alive_horizon_end_high"} {
		col := -1
		for k, h := range header {
			if h == name {
				col = k
			}
		}
		for _, l := range lines[1:] {
			if col < 0 || strings.Split(l, ",")[col] == "" {
				t.Fatalf("forecast.csv's %s (column %d) empty: %s", name, col, l)
			}
		}
	}
	t.Logf("%d customers, %d with percentiles, %d answers inside their intervals", len(cs), percentiles, inside)
}
