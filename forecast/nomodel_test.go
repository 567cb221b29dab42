package forecast_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/forecast"
)

// TestAutoNoModelBudget: under auto, candidates that all fail for a reason
// other than the data (a fit budget no fit can meet) give a
// *NoModelError that names each with its reason, unwraps to
// ErrFitBudget, and writes model.json's failed_fits for each.
func TestAutoNoModelBudget(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = forecast.Run(context.Background(), f, forecast.Config{FitBudget: time.Nanosecond})
	var nm *forecast.NoModelError
	if !errors.As(err, &nm) || !errors.Is(err, forecast.ErrNoModel) || !errors.Is(err, forecast.ErrFitBudget) {
		t.Fatalf("%v: want a *NoModelError wrapping ErrNoModel and ErrFitBudget", err)
	}
	if got := strings.Count(err.Error(), "\n  "); got != len(forecast.ModelNames) || len(nm.Names) != got {
		t.Errorf("%d reasons, %d names; want one per candidate (%d): %v", got, len(nm.Names), len(forecast.ModelNames), err)
	}
	var b bytes.Buffer
	if err := nm.WriteModelJSON(&b); err != nil {
		t.Fatal(err)
	}
	var mj struct {
		Failed map[string]string `json:"failed_fits"`
		Data   struct {
			Customers int `json:"customers"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b.Bytes(), &mj); err != nil {
		t.Fatal(err)
	}
	if len(mj.Failed) != len(forecast.ModelNames) || mj.Data.Customers == 0 {
		t.Errorf("model.json: %d failed fits, %d customers", len(mj.Failed), mj.Data.Customers)
	}
	for n, why := range mj.Failed {
		if !strings.Contains(why, forecast.ErrFitBudget.Error()) {
			t.Errorf("failed_fits[%s] = %q", n, why)
		}
	}
}
