package forecast_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/paretonbd"
)

// channelAge encodes a row of genCovLog's covariates file.
func channelAge(rec []string) []float64 {
	v := []float64{0, 0, 0}
	switch rec[0] {
	case "online":
		v[0] = 1
	case "phone":
		v[1] = 1
	}
	v[2], _ = strconv.ParseFloat(rec[1], 64)
	return v
}

// TestCovariateAnswers: the job's answer columns for a model with
// covariates are each customer's plain model's at the customer's
// parameters — the library's CovModel.OutlookAll with the model the run
// wrote, to 1e-12 — none of them NoteNoModel; customers of equal
// (frequency, recency, T) and different covariates get different answers;
// and forecast.csv's cells are filled.
func TestCovariateAnswers(t *testing.T) {
	g := genCovLog(t, 1500, 13)
	for _, name := range forecast.CovariateModelNames {
		res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
			Model: name, Covariates: strings.NewReader(g.covs), CovariatesName: "covs.csv"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cs := res.Summary.Customers
		z := zOf(t, g.covs, cs, channelAge, g.truth.Names)
		day := float64(24 * time.Hour)
		unit := float64(res.Config.Unit)
		opts := clv.OutlookOptions{Window: float64(res.Config.Window) * day / unit, Horizon: res.Horizon}
		var lib []clv.Outlook
		switch m := loadRun(t, res).CovPurchase.(type) {
		case *bgnbd.CovModel:
			lib, err = m.OutlookAll(cs, z, opts)
		case *paretonbd.CovModel:
			lib, err = m.OutlookAll(cs, z, opts)
		case *ggompertz.CovModel:
			lib, err = m.OutlookAll(cs, z, opts)
		default:
			t.Fatalf("%s: the scorer's model is a %T", name, m)
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d := unit / day
		seen := map[[3]float64]int{}
		differ, percentiles := 0, 0
		for i, c := range cs {
			cf, _ := res.Customer(i)
			a, o := cf.Answers, lib[i]
			if a.NextOrderNote == forecast.NoteNoModel {
				t.Fatalf("%s: customer %s: %s", name, c.ID, a.NextOrderNote)
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
					t.Fatalf("%s: customer %s, answer %d: job %.17g, library %.17g", name, c.ID, k, p[0], p[1])
				}
			}
			k := [3]float64{c.Frequency, c.Recency, c.T}
			if j, ok := seen[k]; ok && !slices.Equal(z.Values[i], z.Values[j]) {
				if b, _ := res.Customer(j); b.Answers.PurchaseWithinWindow != a.PurchaseWithinWindow {
					differ++
				}
			}
			seen[k] = i
		}
		if differ == 0 || percentiles == 0 {
			t.Errorf("%s: %d pairs of equal rows and different answers, %d customers with percentiles", name, differ, percentiles)
		}
		var csv strings.Builder
		if err := res.WriteForecastCSV(&csv); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
		col := slices.Index(strings.Split(lines[0], ","), "p_alive_horizon_end")
		for _, l := range lines[1:] {
			if col < 0 || strings.Split(l, ",")[col] == "" {
				t.Fatalf("%s: forecast.csv's p_alive_horizon_end (column %d) empty: %s", name, col, l)
			}
		}
		t.Logf("%s: %d customers, %d with percentiles, %d pairs of equal rows with different answers", name, len(cs), percentiles, differ)
	}
}

// TestCovariateAnswerIntervals: with AnswerIntervals a model with
// covariates gives the answers' intervals too, profile by profile under
// the same parameter draws: every customer has them, forecast.csv's
// interval cells are filled, the point answers lie inside them for
// nearly every customer, and customers of one (frequency, recency, T)
// with different covariates get different intervals.
func TestCovariateAnswerIntervals(t *testing.T) {
	g := genCovLog(t, 1500, 17)
	for _, name := range []string{"paretonbd-cov", "bgnbd-cov", "ggompertz-cov"} {
		res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
			Model: name, Interval: 0.9, IntervalDraws: 40, AnswerIntervals: true, Covariates: strings.NewReader(g.covs)})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cs := res.Summary.Customers
		ai := res.AnswerIntervals
		if ai == nil || ai.Len() != len(cs) {
			t.Fatalf("%s: answer intervals %v for %d customers", name, ai, len(cs))
		}
		inside, differ := 0, 0
		seen := map[[3]float64]int{}
		for i, c := range cs {
			o, p := ai.At(i), res.Outlooks.At(i)
			if !(o.PurchaseWithin.Low <= o.PurchaseWithin.High) || !(o.AliveAtHorizon.Low <= o.AliveAtHorizon.High) {
				t.Fatalf("%s: customer %s: %+v", name, c.ID, o)
			}
			if o.PurchaseWithin.Low <= p.PurchaseWithin && p.PurchaseWithin <= o.PurchaseWithin.High &&
				o.AliveAtHorizon.Low <= p.AliveAtHorizon && p.AliveAtHorizon <= o.AliveAtHorizon.High {
				inside++
			}
			k := [3]float64{c.Frequency, c.Recency, c.T}
			if j, ok := seen[k]; ok && res.Outlooks.At(j).PurchaseWithin != p.PurchaseWithin && ai.At(j).PurchaseWithin != o.PurchaseWithin {
				differ++
			}
			seen[k] = i
		}
		if share := float64(inside) / float64(len(cs)); share < 0.95 || differ == 0 {
			t.Errorf("%s: point answers inside their intervals for %.3f of the customers; %d pairs of one row with different intervals", name, share, differ)
		}
		var csv strings.Builder
		if err := res.WriteForecastCSV(&csv); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
		col := slices.Index(strings.Split(lines[0], ","), "p_purchase_window_low")
		for _, l := range lines[1:] {
			if col < 0 || strings.Split(l, ",")[col] == "" {
				t.Fatalf("%s: forecast.csv's p_purchase_window_low (column %d) empty: %s", name, col, l)
			}
		}
		t.Logf("%s: %d of %d customers' answers inside their intervals; %d pairs of one row with different intervals", name, inside, len(cs), differ)
	}
}
