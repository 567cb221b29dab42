package forecast_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// TestZeroConfig: the zero Config is usable, as documented: it reads the
// columns customer_id, date and amount and gives the same forecasts as
// the Config that spells the defaults out.
func TestZeroConfig(t *testing.T) {
	zero, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{})
	if err != nil {
		t.Fatal(err)
	}
	spelled, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{
		CSV: csvio.Options{ID: "customer_id", Time: "date", Amount: "amount"}, Unit: 7 * 24 * time.Hour,
		Model: "auto", Months: 12, Margin: 1, Window: 30})
	if err != nil {
		t.Fatal(err)
	}
	if len(zero.Forecasts) != 3000 || len(spelled.Forecasts) != 3000 {
		t.Fatalf("%d and %d forecasts, want 3000", len(zero.Forecasts), len(spelled.Forecasts))
	}
	for i := range zero.Forecasts {
		if zero.Forecasts[i] != spelled.Forecasts[i] {
			t.Fatalf("customer %d: %+v with the zero Config, %+v spelled out", i, zero.Forecasts[i], spelled.Forecasts[i])
		}
	}
	if zero.Forecasts[0].CLV <= 0 || zero.Spend == nil {
		t.Errorf("the zero Config values no spend: %+v", zero.Forecasts[0])
	}
}

// TestConfigError: every invalid field is a *ConfigError naming it, which
// wraps ErrConfig and which a program can restate in its own terms.
func TestConfigError(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tc := range []struct {
		cfg   forecast.Config
		field string
		msg   string // the whole message
	}{
		{forecast.Config{Unit: time.Millisecond}, "Unit", "Unit 1ms: want at least a second"},
		{forecast.Config{Model: "pareto"}, "Model", `Model "pareto": want auto, bgnbd, mbgnbd, paretonbd, ggompertz (with covariates also bgnbd-cov, mbgnbd-cov, paretonbd-cov, ggompertz-cov; with time-varying covariates also paretonbd-dyn)`},
		{forecast.Config{Months: -1}, "Months", "Months -1: want 1 to 1200 months"},
		{forecast.Config{Months: 5000}, "Months", "Months 5000: want 1 to 1200 months"},
		{forecast.Config{Window: -30}, "Window", "Window -30: want 1 to 3650 days"},
		{forecast.Config{Window: 4000}, "Window", "Window 4000: want 1 to 3650 days"},
		{forecast.Config{Discount: -1}, "Discount", "Discount -1: want a rate per month ≥ 0"},
		{forecast.Config{Interval: 1}, "Interval", "Interval 1: want a level in (0, 1), e.g. 0.9"},
		{forecast.Config{Interval: 0.9, IntervalDraws: 1}, "IntervalDraws", "IntervalDraws 1: want 2 to 100000"},
		{forecast.Config{IntervalDraws: 500}, "IntervalDraws", "IntervalDraws 500: want none (the draws are for intervals) without Interval"},
		{forecast.Config{CSV: csvio.Options{DecimalComma: true}}, "CSV.Delimiter",
			"CSV.Delimiter ',': want another delimiter (';' or tab) for amounts like 12,50, with CSV.DecimalComma"},
		{forecast.Config{Penalizer: -1}, "Penalizer", "Penalizer -1: want a number ≥ 0"},
		{forecast.Config{Margin: 2}, "Margin", "Margin 2: want a share in (0, 1]"},
		{forecast.Config{Summaries: true}, "End", "End: want the date the summaries were observed to, with Summaries"},
		{forecast.Config{Summaries: true, End: day("2024-12-31"), CalibrationEnd: day("2024-06-30")}, "CalibrationEnd",
			"CalibrationEnd 2024-06-30: want none (summaries have no holdout period), with Summaries"},
		{forecast.Config{End: day("2024-06-30"), CalibrationEnd: day("2024-06-30")}, "CalibrationEnd",
			"CalibrationEnd 2024-06-30: want a time before End"},
	} {
		_, err := forecast.Run(context.Background(), strings.NewReader(""), tc.cfg)
		var ce *forecast.ConfigError
		if !errors.Is(err, forecast.ErrConfig) || !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%+v: %v, want a *ConfigError for %s", tc.cfg, err, tc.field)
			continue
		}
		if want := "forecast: invalid configuration: " + tc.msg; err.Error() != want {
			t.Errorf("%v, want %v", err, want)
		}
		if got := ce.Explain(strings.ToLower); !strings.HasPrefix(got, strings.ToLower(tc.field)) {
			t.Errorf("Explain: %q", got)
		}
	}
}
