package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDynamicCovariatesFlag: -dynamic-covariates with the apparel log of
// the estimation period (to 2006-12-31) on standard input (a pipe, read
// once) and CLVTools' weekly covariates: auto compares paretonbd-dyn
// (LL −5752.62) with the others, chooses it by BIC, and model.json and
// the report show its effects with life.High.Season at its bound; with
// -calibration-end it is compared on the holdout; with -summaries it is
// a usage error.
func TestDynamicCovariatesFlag(t *testing.T) {
	raw, err := os.ReadFile("../../../shared/data/apparel_transactions.csv")
	if err != nil {
		t.Skipf("reference data absent: %v", err)
	}
	covs := "../../../shared/data/apparel_dynamic_covariates.csv"
	if _, err := os.Stat(covs); err != nil {
		t.Skipf("reference data absent: %v", err)
	}
	var log strings.Builder
	for i, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if f := strings.Split(l, ","); i == 0 || f[1] <= "2006-12-31" {
			log.WriteString(l + "\n")
		}
	}
	for _, calEnd := range []string{"", "2006-06-30"} {
		c := defaultConfig()
		c.In, c.Out, c.stdin = "-", t.TempDir(), struct{ io.Reader }{strings.NewReader(log.String())}
		c.ID, c.Date, c.Amount, c.End, c.CalibrationEnd, c.DynamicCovariates = "Id", "Date", "Price", "2006-12-31", calEnd, covs
		var progress strings.Builder
		if err := Run(c, &progress); err != nil {
			t.Fatalf("%v\n%s", err, progress.String())
		}
		js, err := os.ReadFile(filepath.Join(c.Out, "model.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Choice struct {
				Scores []struct {
					Model string   `json:"model"`
					LL    float64  `json:"log_likelihood"`
					MAE   *float64 `json:"holdout_mae"`
				} `json:"scores"`
			} `json:"model_choice"`
			Dynamic struct {
				Effects struct {
					Boundary []string `json:"boundary"`
				} `json:"effects"`
			} `json:"dynamic_covariates"`
		}
		if err := json.Unmarshal(js, &doc); err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, s := range doc.Choice.Scores {
			if s.Model == "paretonbd-dyn" {
				found = true
				if calEnd == "" && !(s.LL > -5752.624 && s.LL < -5752.622) {
					t.Errorf("LL %v, want -5752.623", s.LL)
				}
				if (s.MAE != nil) != (calEnd != "") {
					t.Errorf("calibration end %q: holdout MAE %v", calEnd, s.MAE)
				}
			}
		}
		if !found || len(doc.Dynamic.Effects.Boundary) != 1 || doc.Dynamic.Effects.Boundary[0] != "life.High.Season" {
			t.Errorf("calibration end %q: scores %+v, boundary %v", calEnd, doc.Choice.Scores, doc.Dynamic.Effects.Boundary)
		}
		if b, _ := os.ReadFile(filepath.Join(c.Out, "report.html")); !strings.Contains(string(b), "(at its bound)") {
			t.Errorf("the report lacks the boundary")
		}
	}
	err = run([]string{"-summaries", "-end", "2006-12-31", "-dynamic-covariates", covs, "-out", t.TempDir()}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-dynamic-covariates") {
		t.Errorf("with -summaries: %v", err)
	}
}
