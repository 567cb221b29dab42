package forecast_test

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// onePriceLog returns the shipped log with every amount set to 29.90 and,
// if oneADay, only the first purchase of a customer on a day (the
// summaries add up a day's purchases): then every customer's mean spend
// is the same.
func onePriceLog(t *testing.T, oneADay bool) string {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	out := lines[:1]
	seen := map[string]bool{}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if day := f[0] + f[1][:10]; oneADay && seen[day] {
			continue
		} else {
			seen[day] = true
		}
		f[len(f)-1] = "29.90"
		out = append(out, strings.Join(f, ","))
	}
	return strings.Join(out, "\n") + "\n"
}

// TestSpendAtBoundary: on a log where every purchase is worth the same,
// the spend fit is at a boundary of the Gamma-Gamma model; the job uses
// the limit model (every expected value per purchase 29.90, so CLV is
// expected purchases at that price), and says so in the report and in
// model.json. Asked for intervals, it gives them from the limit model's
// draws (the held shapes fixed: conditional on the limit, as the report
// says): every draw values a purchase at 29.90 within 1e-6.
func TestSpendAtBoundary(t *testing.T) {
	log := onePriceLog(t, true)
	res, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{Model: "bgnbd"})
	if err != nil {
		t.Fatal(err)
	}
	if fi := res.Spend.FitInfo(); fi.Status != clv.AtBoundary || !strings.Contains(fi.Reason, "every purchase is worth the same") {
		t.Errorf("spend fit %v: %s", fi.Status, fi.Reason)
	}
	for i, f := range res.Forecasts {
		if math.Abs(f.ExpectedValue/29.9-1) > 1e-6 {
			t.Errorf("customer %d: expected value per purchase %v, want 29.90", i, f.ExpectedValue)
		}
	}
	var js, html bytes.Buffer
	if err := res.WriteModelJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := res.WriteReport(&html, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "The Gamma-Gamma fit is at a boundary of the model, whose limit it uses: every purchase is worth the same") {
		t.Error("the report does not say the spend fit is at a boundary")
	}
	if !strings.Contains(js.String(), `"reason": "every purchase is worth the same`) {
		t.Errorf("model.json does not give the spend limit:\n%.2000s", js.String())
	}

	iv, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{Model: "bgnbd", Interval: 0.9})
	if err != nil {
		t.Fatalf("with intervals: %v", err)
	}
	if tc, tp := iv.TotalCLV, iv.TotalPurchases; !(tc.Low < tc.High) || !(tp.Low < tp.High) {
		t.Errorf("total CLV interval %v, purchases %v", tc, tp)
	}
	html.Reset()
	if err := iv.WriteReport(&html, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "every purchase is worth the same") || !strings.Contains(html.String(), "Its intervals are conditional on the limit") {
		t.Error("the report does not say the intervals are conditional on the spend limit")
	}
	sps, err := iv.Spend.SampleParams(rand.NewPCG(1, 1), 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sps {
		if mu := p.P * p.Gamma / p.Q; math.Abs(mu/29.9-1) > 1e-6 || p.P != 1e10 || p.Q != 1e10 {
			t.Fatalf("a draw of the spend limit model: %+v (μ %v)", p, mu)
		}
	}
}

// TestSpendOwnMeans: on the same log with a customer's purchases of a day
// added up (so some customers' mean spend is above 29.90), each
// customer's purchases are worth the same, but the means differ: the spend
// fit is at the other boundary, and every customer with repeat purchases
// is valued at its own mean.
func TestSpendOwnMeans(t *testing.T) {
	res, err := forecast.Run(context.Background(), strings.NewReader(onePriceLog(t, false)), forecast.Config{Model: "bgnbd"})
	if err != nil {
		t.Fatal(err)
	}
	if fi := res.Spend.FitInfo(); fi.Status != clv.AtBoundary || !strings.Contains(fi.Reason, "does not vary") {
		t.Errorf("spend fit %v: %s", fi.Status, fi.Reason)
	}
	above := 0
	for i, c := range res.Summary.Customers {
		want := c.MonetaryValue
		if c.Frequency == 0 {
			want = res.Spend.PopulationMean()
		} else if c.MonetaryValue > 29.91 {
			above++
		}
		if e := res.Forecasts[i].ExpectedValue; math.Abs(e/want-1) > 1e-6 {
			t.Errorf("customer %s (x = %v, mean %v): expected value per purchase %v", c.ID, c.Frequency, c.MonetaryValue, e)
		}
	}
	if above == 0 {
		t.Error("no customer's mean above the price: the test proves nothing")
	}
}
