package forecast

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// failRefits makes the fits of the named models fail on the customers
// that whole tells apart (the whole observation) with
// clv.ErrNotIdentified, until the test ends.
func failRefits(t *testing.T, whole func([]clv.Customer) bool, names ...string) {
	t.Helper()
	saved := append([]purchaseModel(nil), purchaseModels...)
	t.Cleanup(func() { copy(purchaseModels, saved) })
	for i := range purchaseModels {
		pm := &purchaseModels[i]
		if !strings.Contains(strings.Join(names, " "), pm.name) {
			continue
		}
		fit, name := pm.fit, pm.name
		pm.fit = func(ctx context.Context, cs []clv.Customer, g *clv.Grouping, pen float64, start []float64) (PurchaseModel, error) {
			if whole(cs) {
				return nil, fmt.Errorf("%s: %w (stub)", name, clv.ErrNotIdentified)
			}
			return fit(ctx, cs, g, pen, start)
		}
	}
}

func runLog(t *testing.T, cfg Config) (*Result, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Run(context.Background(), f, cfg)
}

// TestRefitFallback: under auto with a calibration end, when the chosen
// model cannot be refitted on the whole observation, the next model by the
// comparison's criterion is used, as if asked for, and the report and
// model.json say so; when none can, or one model was asked for, the run
// fails saying why.
func TestRefitFallback(t *testing.T) {
	cfg := Config{CalibrationEnd: time.Date(2024, 9, 1, 0, 0, 0, 0, time.UTC), Discount: 0.01}
	base, err := runLog(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The first customer of the whole observation is observed for
	// longer than in the calibration period.
	wholeT, calT := base.Summary.Customers[0].T, base.Calibration.Customers[0].T
	if base.Summary.Customers[0].ID != base.Calibration.Customers[0].ID || !(wholeT > calT) {
		t.Fatalf("T %v on the whole observation, %v in the calibration: the stub cannot tell the refit", wholeT, calT)
	}
	whole := func(cs []clv.Customer) bool { return len(cs) > 0 && cs[0].T == wholeT }
	order := ranked(base.Choice.Comparison)
	chosen, next := order[0], order[1]
	if base.Choice.Name != chosen || base.Choice.Fallback != "" || len(order) != 3 {
		t.Fatalf("chose %s (ranking %v), fallback %q", base.Choice.Name, order, base.Choice.Fallback)
	}
	t.Run("next", func(t *testing.T) {
		failRefits(t, whole, chosen)
		res, err := runLog(t, cfg)
		if err != nil {
			t.Fatal(err)
		}
		ch := res.Choice
		if ch.Name != next || ch.Calibration != ch.Fitted[next] || ch.Comparison.Scores[ch.Comparison.Chosen].Name != chosen ||
			!strings.Contains(ch.Fallback, ModelTitle(chosen)+", chosen on the calibration period, could not be refitted") ||
			!strings.Contains(ch.Fallback, ModelTitle(next)+", the next by holdout MAE, is used instead") {
			t.Fatalf("used %s (calibration fit %v), fallback %q", ch.Name, ch.Calibration, ch.Fallback)
		}
		// The forward numbers and the holdout check are those of the next
		// model asked for by name.
		alone, err := runLog(t, Config{CalibrationEnd: cfg.CalibrationEnd, Discount: cfg.Discount, Model: next})
		if err != nil {
			t.Fatal(err)
		}
		for i := range res.Forecasts {
			if res.Forecasts[i] != alone.Forecasts[i] {
				t.Fatalf("customer %d: %+v after the fallback, %+v with -model %s", i, res.Forecasts[i], alone.Forecasts[i], next)
			}
		}
		if res.Holdout.Model != alone.Holdout.Model {
			t.Errorf("holdout %+v, with -model %s %+v", res.Holdout.Model, next, alone.Holdout.Model)
		}
		var js bytes.Buffer
		if err := res.WriteModelJSON(&js); err != nil {
			t.Fatal(err)
		}
		var m struct {
			PurchaseModel string `json:"purchase_model"`
			Choice        struct {
				Chosen, Fallback string
			} `json:"model_choice"`
		}
		if err := json.Unmarshal(js.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		if m.PurchaseModel != next || m.Choice.Chosen != next || m.Choice.Fallback != ch.Fallback {
			t.Errorf("model.json: %+v", m)
		}
		var page bytes.Buffer
		if err := res.WriteReport(&page, nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page.String(), "Model used instead of the comparison's choice:") {
			t.Error("the report does not say the model used is not the comparison's choice")
		}
	})
	t.Run("none", func(t *testing.T) {
		failRefits(t, whole, ModelNames...)
		_, err := runLog(t, cfg)
		if !errors.Is(err, clv.ErrNotIdentified) || !strings.HasPrefix(err.Error(), "no purchase model could be refitted on the whole observation: ") {
			t.Errorf("%v, want every refit's failure", err)
		}
	})
	t.Run("asked for", func(t *testing.T) {
		failRefits(t, whole, chosen)
		_, err := runLog(t, Config{CalibrationEnd: cfg.CalibrationEnd, Model: chosen})
		if !errors.Is(err, clv.ErrNotIdentified) || !strings.HasPrefix(err.Error(), ModelTitle(chosen)+" on the whole observation: ") {
			t.Errorf("%v, want the refit's failure", err)
		}
	})
}
