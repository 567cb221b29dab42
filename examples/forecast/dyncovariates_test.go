package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDynamicCovariatesFlag: -dynamic-covariates on the apparel log of
// the estimation period (to 2006-12-31) with CLVTools' weekly
// covariates writes paretonbd-dyn.json, with the effects and the
// boundary of life.High.Season, and each customer's predictions; with
// the log on standard input it is a usage error.
func TestDynamicCovariatesFlag(t *testing.T) {
	raw, err := os.ReadFile("../../../shared/data/apparel_transactions.csv")
	if err != nil {
		t.Skipf("reference data absent: %v", err)
	}
	covs := "../../../shared/data/apparel_dynamic_covariates.csv"
	if _, err := os.Stat(covs); err != nil {
		t.Skipf("reference data absent: %v", err)
	}
	dir := t.TempDir()
	var log strings.Builder
	for i, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if f := strings.Split(l, ","); i == 0 || f[1] <= "2006-12-31" {
			log.WriteString(l + "\n")
		}
	}
	in := filepath.Join(dir, "log.csv")
	if err := os.WriteFile(in, []byte(log.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var progress strings.Builder
	err = run([]string{"-in", in, "-id", "Id", "-date", "Date", "-amount", "Price", "-end", "2006-12-31", "-model", "paretonbd",
		"-dynamic-covariates", covs, "-out", out}, io.Discard, &progress)
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	js, err := os.ReadFile(filepath.Join(out, "paretonbd-dyn.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"paretonbd_dynamic"`, `"boundary": [`, `"life.High.Season"`, `"log_likelihood": -5752.62`, "High.Season: purchase rate ×2.05 [1.83, 2.31], p = 2.9e-31", `"lr": 1.405`} {
		if !strings.Contains(string(js), want) {
			t.Errorf("paretonbd-dyn.json lacks %s:\n%s", want, js)
		}
	}
	if !strings.Contains(progress.String(), "life.High.Season runs off toward −∞") {
		t.Errorf("progress:\n%s", progress.String())
	}
	b, err := os.ReadFile(filepath.Join(out, "paretonbd-dyn_customers.csv"))
	if err != nil || strings.Count(string(b), "\n") != 601 {
		t.Errorf("paretonbd-dyn_customers.csv: %d lines, %v", strings.Count(string(b), "\n"), err)
	}
	err = run([]string{"-in", "-", "-dynamic-covariates", covs, "-out", out}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-dynamic-covariates") {
		t.Errorf("with the log on standard input: %v", err)
	}
}
