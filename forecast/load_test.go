package forecast_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// closeRel reports whether got is within rel of want, relatively (and
// absolutely below 1e-300, where a relative error means nothing).
func closeRel(got, want, rel float64) bool {
	return got == want || math.Abs(got-want) <= rel*math.Abs(want) || math.Abs(got-want) < 1e-300
}

// TestLoadModelsReproducesForecast: scoring the job's customers with the
// models read back from its model.json gives its forecasts: the numbers
// of Result.Forecasts to 1e-12 and forecast.csv's cells to 1e-9
// relative (its 10 significant digits), and the churn tiers, for each
// purchase model, with a calibration period (model.json then holds the
// chosen model refitted on the whole observation) and without amounts;
// with no options, from the settings model.json records. The answers in
// calendar terms are the job's (Result.Customer's) exactly, and
// forecast.csv's answer cells as written.
func TestLoadModelsReproducesForecast(t *testing.T) {
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		cfg  forecast.Config
	}{
		{"auto", forecast.Config{Discount: 0.01}},
		{"bgnbd", forecast.Config{Model: "bgnbd", Months: 6, Discount: 0.02, Margin: 0.3}},
		{"mbgnbd calibration", forecast.Config{Model: "mbgnbd", CalibrationEnd: end.AddDate(0, -6, 0), Months: 24}},
		{"paretonbd days", forecast.Config{Model: "paretonbd", Unit: 24 * time.Hour, Discount: 0.005, Margin: 0.5, Months: 3, Window: 7}},
		{"no amounts", forecast.Config{Model: "bgnbd", NoAmounts: true, Discount: 0.01}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var log io.Reader = testdataLog(t)
			if tc.cfg.NoAmounts {
				log = strings.NewReader(withoutAmounts(t))
			}
			res, err := forecast.Run(context.Background(), log, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var mj, fc bytes.Buffer
			if err := res.WriteModelJSON(&mj); err != nil {
				t.Fatal(err)
			}
			if err := res.WriteForecastCSV(&fc); err != nil {
				t.Fatal(err)
			}
			s, err := forecast.LoadModels(&mj, forecast.ScorerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != res.Choice.Name || s.Horizon != res.Horizon || (s.Spend == nil) != (res.Spend == nil) || !s.Recorded ||
				s.Months != res.Config.Months || s.Discount != res.Config.Discount || s.Margin != res.Config.Margin || s.Window != res.Config.Window {
				t.Fatalf("loaded %s, horizon %v, spend %v; the run: %s, %v, %v", s.Name, s.Horizon, s.Spend, res.Choice.Name, res.Horizon, res.Spend)
			}
			cs := res.Summary.Customers
			got, err := s.Score(context.Background(), cs)
			if err != nil {
				t.Fatal(err)
			}
			ans, err := s.Answers(context.Background(), cs)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(&fc).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			// The answer columns as the job formats them: 10 significant
			// digits, NaN an empty cell.
			f10 := func(v float64) string {
				if math.IsNaN(v) {
					return ""
				}
				return strconv.FormatFloat(v, 'g', 10, 64)
			}
			col := map[string]int{}
			for j, h := range rows[0] {
				col[h] = j
			}
			cell := func(i int, name string) float64 {
				v, err := strconv.ParseFloat(rows[i+1][col[name]], 64)
				if err != nil {
					t.Fatalf("row %d %s: %v", i+1, name, err)
				}
				return v
			}
			for i, g := range got {
				w := res.Forecasts[i]
				if !closeRel(g.PAlive, w.PAlive, 1e-12) || !closeRel(g.ExpectedPurchases, w.ExpectedPurchases, 1e-12) ||
					!closeRel(g.ExpectedValue, w.ExpectedValue, 1e-12) || !closeRel(g.CLV, w.CLV, 1e-12) {
					t.Fatalf("customer %d (%+v): scored %+v, the run %+v", i, cs[i], g, w)
				}
				if ct := forecast.ChurnTier(g.PAlive); ct != res.Tiers.At(i).Churn {
					t.Fatalf("customer %d: churn tier %q, the run %q", i, ct, res.Tiers.At(i).Churn)
				}
				jc, _ := res.Customer(i)
				if a, w := ans[i], jc.Answers; fmt.Sprint(a) != fmt.Sprint(w) {
					t.Fatalf("customer %d: answers %+v, the job %+v", i, a, w)
				}
				a := ans[i]
				date := ""
				if !a.NextOrderDate.IsZero() {
					date = a.NextOrderDate.Format(time.DateOnly)
				}
				for name, v := range map[string]string{"discounted_purchases": f10(g.DiscountedPurchases),
					"p_purchase_window": f10(a.PurchaseWithinWindow), "p_churn_window": f10(a.ChurnWithinWindow),
					"p_purchase_horizon": f10(a.PurchaseWithinHorizon), "p_alive_horizon_end": f10(a.AliveAtHorizonEnd),
					"next_order_days_p10": f10(a.NextOrderDays[0]), "next_order_days_median": f10(a.NextOrderDays[1]),
					"next_order_days_p90": f10(a.NextOrderDays[2]), "next_order_date": date, "next_order_note": a.NextOrderNote,
					"avg_days_between_orders": f10(a.AvgDaysBetweenOrders), "model_days_between_orders": f10(a.ModelDaysBetweenOrders)} {
					if want := rows[i+1][col[name]]; v != want {
						t.Fatalf("customer %d %s: scored %q, forecast.csv %q", i, name, v, want)
					}
				}
				if rows[i+1][0] != cs[i].ID {
					t.Fatalf("row %d: id %q, want %q", i+1, rows[i+1][0], cs[i].ID)
				}
				cols := map[string]float64{"p_alive": g.PAlive, "expected_purchases": g.ExpectedPurchases,
					"expected_avg_value": g.ExpectedValue, "clv": g.CLV}
				if tc.cfg.NoAmounts {
					if g.ExpectedValue != 0 || g.CLV != 0 {
						t.Fatalf("customer %d without amounts: %+v", i, g)
					}
					delete(cols, "expected_avg_value")
					delete(cols, "clv")
				}
				for name, v := range cols {
					if want := cell(i, name); !closeRel(v, want, 1e-9) {
						t.Fatalf("customer %d %s: scored %v, forecast.csv %v", i, name, v, want)
					}
				}
			}
		})
	}
}

// withoutAmounts returns the shipped log without its amount column.
func withoutAmounts(t *testing.T) string {
	var b strings.Builder
	buf := new(bytes.Buffer)
	if _, err := buf.ReadFrom(testdataLog(t)); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if k := strings.LastIndexByte(line, ','); k >= 0 {
			line = line[:k] + "\n"
		}
		b.WriteString(line)
	}
	return b.String()
}

// TestLoadModelsErrors: a model.json LoadModels cannot use is an error
// wrapping ErrModelFile (ErrConfig for bad options), never a panic.
func TestLoadModelsErrors(t *testing.T) {
	good := `{"purchase_model": "bgnbd", "purchase_models": {"bgnbd": {"model": "bgnbd", "params": {"r": 0.25, "alpha": 4.4, "a": 0.8, "b": 2.4}}},
"gammagamma": {"model": "gammagamma", "params": {"p": 6.25, "q": 3.74, "gamma": 15.4}},
"data": {"time_unit_hours": 168, "observation_end": "2024-12-31T00:00:00Z"}}`
	s, err := forecast.LoadModels(strings.NewReader(good), forecast.ScorerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// 12 months after 2024-12-31 is 2025-12-31: 365 days.
	if s.Months != 12 || s.Margin != 1 || s.Unit != 7*24*time.Hour || math.Abs(s.Horizon-365.0/7) > 1e-12 {
		t.Fatalf("scorer %+v", s)
	}
	for _, tc := range []struct{ name, json string }{
		{"empty", ``},
		{"not json", `{"purchase_model": `},
		{"no model", `{"data": {"time_unit_hours": 168, "observation_end": "2024-12-31T00:00:00Z"}}`},
		{"chosen missing", strings.Replace(good, `"purchase_model": "bgnbd"`, `"purchase_model": "paretonbd"`, 1)},
		{"unknown model", strings.ReplaceAll(good, `"bgnbd"`, `"sbg"`)},
		// A model with covariates needs each customer's covariates: not
		// what a Scorer scores.
		{"covariates", strings.Replace(good, `{"model": "bgnbd"`, `{"model": "bgnbd_covariates", "covariates": ["x"], "trans": [0.1], "life": [0.2]`, 1)},
		{"spend covariates", strings.Replace(good, `"purchase_model": "bgnbd"`, `"covariates": {"spend": {"used_for_forecasts": true}}, "purchase_model": "bgnbd"`, 1)},
		{"variant mismatch", strings.Replace(good, `{"model": "bgnbd"`, `{"model": "mbgnbd"`, 1)},
		{"bad params", strings.Replace(good, `"r": 0.25`, `"r": -1`, 1)},
		{"bad spend", strings.Replace(good, `"q": 3.74`, `"q": 0.5`, 1)},
		{"no unit", strings.Replace(good, `"time_unit_hours": 168, `, ``, 1)},
		{"zero unit", strings.Replace(good, `"time_unit_hours": 168`, `"time_unit_hours": 0`, 1)},
		{"no end", strings.Replace(good, `, "observation_end": "2024-12-31T00:00:00Z"`, ``, 1)},
		{"far end", strings.Replace(good, `2024-12-31`, `9999-12-31`, 1)},
	} {
		if _, err := forecast.LoadModels(strings.NewReader(tc.json), forecast.ScorerOptions{}); !errors.Is(err, forecast.ErrModelFile) {
			t.Errorf("%s: %v, want ErrModelFile", tc.name, err)
		}
	}
	// The model with time-varying covariates: refused as needing the
	// customers' covariate paths. The models with static covariates and
	// the spend model with covariates: refused without the covariates'
	// encoding (covscorer_test.go loads them with it).
	for _, name := range append([]string{forecast.DynamicModelName}, forecast.CovariateModelNames...) {
		js := strings.Replace(good, `"purchase_model": "bgnbd", "purchase_models": {"bgnbd"`, `"purchase_model": "`+name+`", "purchase_models": {"`+name+`"`, 1)
		_, err := forecast.LoadModels(strings.NewReader(js), forecast.ScorerOptions{})
		if !errors.Is(err, forecast.ErrModelFile) || errors.Is(err, forecast.ErrNeedsCovariates) != (name == forecast.DynamicModelName) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v, want ErrModelFile naming it (and ErrNeedsCovariates for %s)", name, err, forecast.DynamicModelName)
		}
	}
	spend := strings.Replace(good, `"purchase_model": "bgnbd"`, `"covariates": {"spend": {"used_for_forecasts": true}}, "purchase_model": "bgnbd"`, 1)
	if _, err := forecast.LoadModels(strings.NewReader(spend), forecast.ScorerOptions{}); !errors.Is(err, forecast.ErrModelFile) || !strings.Contains(err.Error(), "covariates") {
		t.Errorf("spend with covariates, no encoding: %v, want ErrModelFile", err)
	}
	if _, err := forecast.LoadModels(strings.NewReader(good), forecast.ScorerOptions{Margin: 2}); !errors.Is(err, forecast.ErrConfig) {
		t.Errorf("margin 2: %v, want ErrConfig", err)
	}
	if _, err := s.Score(context.Background(), []clv.Customer{{Frequency: 1, Recency: 3, T: 2}}); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("recency > T: %v", err)
	}
	var zero *forecast.Scorer
	if _, err := zero.Score(context.Background(), nil); err == nil {
		t.Error("nil Scorer scored")
	}
}

// TestLoadModelsScoring: LoadModels scores with the settings model.json
// records ("scoring"), each overridden by an option given (NoDiscount for
// a discount of 0), and without "scoring" with the options or Config's
// defaults; a "scoring" object incomplete or out of range is an error
// wrapping ErrModelFile.
func TestLoadModelsScoring(t *testing.T) {
	base := `{"purchase_model": "bgnbd", "purchase_models": {"bgnbd": {"model": "bgnbd", "params": {"r": 0.25, "alpha": 4.4, "a": 0.8, "b": 2.4}}},
"data": {"time_unit_hours": 168, "observation_end": "2024-12-31T00:00:00Z"}`
	rec := base + `, "scoring": {"horizon_months": 6, "discount": 0.02, "margin": 0.4, "window_days": 14}}`
	type want struct {
		months, window   int
		discount, margin float64
		recorded         bool
	}
	for _, tc := range []struct {
		name string
		json string
		opts forecast.ScorerOptions
		want want
	}{
		{"old file, defaults", base + "}", forecast.ScorerOptions{}, want{12, forecast.DefaultWindow, 0, 1, false}},
		{"old file, options", base + "}", forecast.ScorerOptions{Months: 3, Discount: 0.01, Margin: 0.5, Window: 7}, want{3, 7, 0.01, 0.5, false}},
		{"recorded", rec, forecast.ScorerOptions{}, want{6, 14, 0.02, 0.4, true}},
		{"recorded, months given", rec, forecast.ScorerOptions{Months: 24}, want{24, 14, 0.02, 0.4, true}},
		{"recorded, all given", rec, forecast.ScorerOptions{Months: 1, Discount: 0.03, Margin: 1, Window: 90}, want{1, 90, 0.03, 1, true}},
		{"recorded, no discount", rec, forecast.ScorerOptions{NoDiscount: true}, want{6, 14, 0, 0.4, true}},
	} {
		s, err := forecast.LoadModels(strings.NewReader(tc.json), tc.opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := want{s.Months, s.Window, s.Discount, s.Margin, s.Recorded}
		if got != tc.want {
			t.Errorf("%s: scorer %+v, want %+v", tc.name, got, tc.want)
		}
	}
	for _, bad := range []string{
		base + `, "scoring": {"horizon_months": 6}}`,
		strings.Replace(rec, `"margin": 0.4`, `"margin": 2`, 1),
		strings.Replace(rec, `"horizon_months": 6`, `"horizon_months": 0`, 1),
		strings.Replace(rec, `"window_days": 14`, `"window_days": -1`, 1),
		strings.Replace(rec, `"discount": 0.02`, `"discount": "x"`, 1),
	} {
		if _, err := forecast.LoadModels(strings.NewReader(bad), forecast.ScorerOptions{}); !errors.Is(err, forecast.ErrModelFile) {
			t.Errorf("%s: %v, want ErrModelFile", bad[len(base):], err)
		}
	}
	if _, err := forecast.LoadModels(strings.NewReader(rec), forecast.ScorerOptions{NoDiscount: true, Discount: 0.1}); !errors.Is(err, forecast.ErrConfig) {
		t.Errorf("NoDiscount with a discount: %v, want ErrConfig", err)
	}
}
