package forecast_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
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
// chosen model refitted on the whole observation) and without amounts.
func TestLoadModelsReproducesForecast(t *testing.T) {
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		cfg  forecast.Config
	}{
		{"auto", forecast.Config{Discount: 0.01}},
		{"bgnbd", forecast.Config{Model: "bgnbd", Months: 6, Discount: 0.02, Margin: 0.3}},
		{"mbgnbd calibration", forecast.Config{Model: "mbgnbd", CalibrationEnd: end.AddDate(0, -6, 0), Months: 24}},
		{"paretonbd days", forecast.Config{Model: "paretonbd", Unit: 24 * time.Hour, Discount: 0.005, Margin: 0.5, Months: 3}},
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
			s, err := forecast.LoadModels(&mj, forecast.ScorerOptions{Months: tc.cfg.Months, Discount: tc.cfg.Discount, Margin: tc.cfg.Margin})
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != res.Choice.Name || s.Horizon != res.Horizon || (s.Spend == nil) != (res.Spend == nil) {
				t.Fatalf("loaded %s, horizon %v, spend %v; the run: %s, %v, %v", s.Name, s.Horizon, s.Spend, res.Choice.Name, res.Horizon, res.Spend)
			}
			cs := res.Summary.Customers
			got, err := s.Score(context.Background(), cs)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(&fc).ReadAll()
			if err != nil {
				t.Fatal(err)
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
				if ct := forecast.ChurnTier(g.PAlive); ct != res.Tiers[i].Churn {
					t.Fatalf("customer %d: churn tier %q, the run %q", i, ct, res.Tiers[i].Churn)
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
