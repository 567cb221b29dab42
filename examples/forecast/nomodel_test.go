package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// TestAutoNoModel: under -model auto, a log whose customers were all first
// seen on its last day fails every candidate; the error names each
// candidate with its reason (not only the last one's), and model.json
// records every reason in failed_fits, with the data read and no model,
// while an earlier run's forecast in -out is removed rather than left to
// be read as this run's.
func TestAutoNoModel(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "one.csv")
	if err := os.WriteFile(in, []byte("customer_id,date,amount\na,2024-01-01,10\nb,2024-01-01,12\nc,2024-01-01,9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(out, "forecast.csv")
	if err := os.WriteFile(stale, []byte("yesterday\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run([]string{in, "-out", out}, io.Discard, io.Discard)
	var nm *forecast.NoModelError
	if !errors.As(err, &nm) || !errors.Is(err, forecast.ErrNoModel) || !errors.Is(err, clv.ErrNotIdentified) {
		t.Fatalf("%v: want a *forecast.NoModelError wrapping ErrNoModel and clv.ErrNotIdentified", err)
	}
	if len(nm.Names) != len(forecast.ModelNames) {
		t.Errorf("%d candidates named, want %d (%v)", len(nm.Names), len(forecast.ModelNames), forecast.ModelNames)
	}
	for _, n := range forecast.ModelNames {
		if !strings.Contains(err.Error(), "\n  "+forecast.ModelTitle(n)+": ") {
			t.Errorf("the error does not name %s: %v", forecast.ModelTitle(n), err)
		}
	}
	b, rerr := os.ReadFile(filepath.Join(out, "model.json"))
	if rerr != nil {
		t.Fatal(rerr)
	}
	var mj struct {
		PurchaseModel *string           `json:"purchase_model"`
		Failed        map[string]string `json:"failed_fits"`
		Data          struct {
			Customers int `json:"customers"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &mj); err != nil {
		t.Fatal(err)
	}
	if mj.PurchaseModel == nil || *mj.PurchaseModel != "" || mj.Data.Customers != 3 {
		t.Errorf("model.json: purchase_model %v, %d customers; want \"\" and 3", mj.PurchaseModel, mj.Data.Customers)
	}
	for _, n := range forecast.ModelNames {
		if why := mj.Failed[n]; !strings.Contains(why, "T = 0") {
			t.Errorf("model.json: failed_fits[%s] = %q, want its reason", n, why)
		}
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an earlier run's forecast.csv is left beside this run's model.json (%v)", err)
	}
}
