package assess_test

import (
	"math"
	"os"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/internal/datasets"
)

// TestEvaluateHoldoutCDNOW: the holdout table of Fader, Hardie & Lee (2005,
// figure 4) on the CDNOW sample: the model tracks the mean holdout
// purchases by calibration frequency, and beats the regression baseline in
// total.
func TestEvaluateHoldoutCDNOW(t *testing.T) {
	f, err := os.Open(datasets.Data(t, "CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum, err := csvio.Summarize(f, csvio.Options{Delimiter: ' ', NoHeader: true, ID: "2", Time: "3", Amount: "5"},
		clv.SummaryOptions{Unit: 7 * 24 * time.Hour, CalibrationEnd: date(1997, 9, 30), End: date(1998, 6, 30)})
	if err != nil {
		t.Fatal(err)
	}
	m, err := bgnbd.Fit(sum.Customers, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := assess.EvaluateHoldout(m, sum.Customers, sum.Holdout, 7)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, g := range ev.Groups {
		n += g.Customers
		t.Logf("x=%d: n=%4d actual %.3f predicted %.3f", g.Frequency, g.Customers, g.Actual, g.Predicted)
	}
	if n != 2357 || ev.Groups[0].Customers != 1411 {
		t.Errorf("groups hold %d customers (x=0: %d), want 2357 (1411)", n, ev.Groups[0].Customers)
	}
	// The model tracks the means by frequency: within 0.4 purchases below
	// x = 7 (the BG/NBD underpredicts x = 1, 2 on CDNOW by up to 0.35, as
	// FHL 2005 show)
	// and within 5% in total.
	for _, g := range ev.Groups {
		if math.Abs(g.Actual-g.Predicted) > 0.4 && g.Frequency < 7 {
			t.Errorf("x=%d: actual %.3f, predicted %.3f", g.Frequency, g.Actual, g.Predicted)
		}
	}
	if math.Abs(ev.Model.TotalPredicted-ev.TotalActual) > 0.15*ev.TotalActual {
		t.Errorf("total predicted %.1f, actual %.1f", ev.Model.TotalPredicted, ev.TotalActual)
	}
	// Per customer the model beats the regression baseline. (An in-sample
	// OLS with an intercept reproduces the actual total by construction, so
	// totals say nothing about it.)
	if !(ev.Model.MAE < ev.Baseline.MAE && ev.Model.RMSE < ev.Baseline.RMSE) || math.Abs(ev.Baseline.TotalPredicted-ev.TotalActual) > 1e-6*ev.TotalActual {
		t.Errorf("model %+v, baseline %+v, actual total %.1f", ev.Model, ev.Baseline, ev.TotalActual)
	}
	t.Logf("total actual %.0f; model %+v; baseline %+v", ev.TotalActual, ev.Model, ev.Baseline)
	if _, err := assess.EvaluateHoldout(m, sum.Customers, sum.Holdout[1:], 7); err == nil {
		t.Error("mismatched lengths accepted")
	}
}
