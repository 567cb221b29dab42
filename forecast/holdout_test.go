package forecast_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/forecast"
)

// forwardOutputs runs the job and returns its forward outputs: forecast.csv,
// periods.csv, segments.csv and the scoring models of model.json.
func forwardOutputs(t *testing.T, cfg forecast.Config) (*forecast.Result, map[string][]byte) {
	t.Helper()
	res, err := forecast.Run(context.Background(), testdataLog(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for name, write := range map[string]func(io.Writer) error{
		"forecast.csv": res.WriteForecastCSV, "periods.csv": res.WritePeriodsCSV, "segments.csv": res.WriteSegmentsCSV,
		"model.json": res.WriteModelJSON,
	} {
		var buf bytes.Buffer
		if err := write(&buf); err != nil {
			t.Fatal(err)
		}
		out[name] = buf.Bytes()
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(out["model.json"], &m); err != nil {
		t.Fatal(err)
	}
	var scoring map[string]json.RawMessage
	if err := json.Unmarshal(m["purchase_models"], &scoring); err != nil {
		t.Fatal(err)
	}
	out["purchase model"], out["gammagamma"] = scoring[res.Choice.Name], m["gammagamma"]
	delete(out, "model.json")
	return res, out
}

// TestHoldoutIsEvaluationOnly: a calibration end changes no forward number.
// With a fixed model, the job with -calibration-end writes the very
// forecast.csv, periods.csv and segments.csv (byte for byte) and scores with
// the very models as the job without it; the holdout only adds the check.
// With auto, the forward numbers are those of the chosen model run alone.
func TestHoldoutIsEvaluationOnly(t *testing.T) {
	end := time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC)
	cal := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	base := forecast.Config{CSV: csvio.Options{Amount: "amount"}, End: end, EndOfDay: true, Discount: 0.01}
	for _, model := range append([]string{"auto"}, forecast.ModelNames...) {
		t.Run(model, func(t *testing.T) {
			split := base
			split.Model, split.CalibrationEnd = model, cal
			res, got := forwardOutputs(t, split)
			plain := base
			plain.Model = res.Choice.Name
			_, want := forwardOutputs(t, plain)
			for name, w := range want {
				if !bytes.Equal(got[name], w) {
					t.Errorf("%s differs with a calibration end", name)
				}
			}
			if res.Holdout == nil || res.Calibration == nil || res.Choice.Calibration == nil {
				t.Fatal("no holdout check")
			}
			// The check is the calibration fit's: on the customers' shorter
			// histories, with other parameters.
			if nc, nw := res.Choice.Calibration.FitInfo().Customers, res.Choice.Model.FitInfo().Customers; nc != len(res.Calibration.Customers) ||
				nw != len(res.Summary.Customers) {
				t.Errorf("calibration fit on %d customers, forward fit on %d", nc, nw)
			}
			if c, w := res.Choice.Calibration.FitInfo().LogLikelihood, res.Choice.Model.FitInfo().LogLikelihood; !(c > w) {
				t.Errorf("calibration LL %v, whole LL %v: the calibration fit sees fewer purchases", c, w)
			}
			if n := len(res.Calibration.Customers) + res.Calibration.HoldoutOnly; n != len(res.Summary.Customers) {
				t.Errorf("%d customers in the calibration period and first seen after it, %d in the whole", n, len(res.Summary.Customers))
			}
			if c := res.Summary.Customers[0]; c.ID != "C00052" || c.T != 52 {
				t.Errorf("first customer %+v: want C00052 observed for 52 weeks", c)
			}
		})
	}
}

// TestAmountOutliers: an amount a thousand times the log's median is
// reported, with its line, in model.json and the report.
func TestAmountOutliers(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// Line 3 (C00107's first purchase, 21.40) becomes 214000.00.
	log := strings.Replace(string(b), "C00107,2024-01-01,21.40\n", "C00107,2024-01-01,214000.00\n", 1)
	res, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{Model: "bgnbd"})
	if err != nil {
		t.Fatal(err)
	}
	var js, html bytes.Buffer
	if err := res.WriteModelJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteReport(&html, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"largest_line": 3`) || !strings.Contains(js.String(), `"count": 1`) ||
		!strings.Contains(html.String(), "the largest, 214000, on line 3") {
		t.Errorf("model.json:\n%s", js.String())
	}
}

// TestBoundaryInReport: observed to two years after the last purchase, the
// shipped log's Pareto/NBD fit ends at the limit of exponential lifetimes;
// the job uses that model, and the report and model.json say so.
func TestBoundaryInReport(t *testing.T) {
	res, err := forecast.Run(context.Background(), testdataLog(t), forecast.Config{Model: "paretonbd",
		End: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC), EndOfDay: true})
	if err != nil {
		t.Fatal(err)
	}
	var js, html bytes.Buffer
	if err := res.WriteModelJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteReport(&html, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "is at a boundary of the model, whose limit it uses: dropout heterogeneity vanishes") ||
		!strings.Contains(js.String(), `"status": "boundary"`) {
		t.Errorf("the report or model.json does not say the fit is at a boundary")
	}
}

// TestMonthLabelsUnique: observed to a time of day on the first of a
// month, the horizon's last period is a few hours of that month; every
// period of periods.csv still has its own month.
func TestMonthLabelsUnique(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	log := string(b) + "C00052,2025-02-01T10:00:00Z,12.50\n"
	res, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{Model: "bgnbd"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.WritePeriodsCSV(&buf); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")[1:]
	for _, l := range lines {
		m := strings.Split(l, ",")[0]
		if seen[m] {
			t.Errorf("month %s twice in periods.csv:\n%s", m, buf.String())
		}
		seen[m] = true
	}
	if len(lines) != 13 || !strings.HasPrefix(lines[12], "2026-02,2026-02-01,2026-02-01,") {
		t.Errorf("%d periods, the last %q", len(lines), lines[len(lines)-1])
	}
}
