package forecast_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// TestTinyLogEdgesAndMerges: a log of two customers, one line repeated.
// The BG/NBD fit sits at the r/α limit and on a further edge (a/(a+b) →
// 1): the report and model.json name both, with a and b; and the
// repeated line, merged into its customer's purchase that day, is
// counted in the report and in model.json's data.records_merged.
func TestTinyLogEdgesAndMerges(t *testing.T) {
	const log = "customer_id,date,amount\nA,2024-01-01,10\nA,2024-01-02,12\nA,2024-01-02,12\nB,2024-03-15,9\n"
	res, err := forecast.Run(context.Background(), strings.NewReader(log), forecast.Config{
		CSV: clv.CSVOptions{Amount: "amount"}, Name: "tiny.csv", Model: "bgnbd"})
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := res.WriteModelJSON(&js); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Data struct {
			RecordsMerged int `json:"records_merged"`
		} `json:"data"`
		Models map[string]struct {
			Fit clv.FitInfo `json:"fit"`
		} `json:"purchase_models"`
	}
	if err := json.Unmarshal(js.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	fit := out.Models["bgnbd"].Fit
	if out.Data.RecordsMerged != 1 {
		t.Errorf("data.records_merged = %d, want 1", out.Data.RecordsMerged)
	}
	want := []string{"purchase heterogeneity vanishes", "dropout becomes certain: a/(a+b) → 1", "a = ", "b = "}
	if fit.Status != clv.AtBoundary {
		t.Errorf("model.json: fit status %v, want %v", fit.Status, clv.AtBoundary)
	}
	figs, err := res.Figures()
	if err != nil {
		t.Fatal(err)
	}
	var rep bytes.Buffer
	if err := res.WriteReport(&rep, figs); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(rep.String())
	for _, w := range want {
		if !strings.Contains(fit.Reason, w) {
			t.Errorf("model.json's reason %q does not say %q", fit.Reason, w)
		}
		if !strings.Contains(page, w) {
			t.Errorf("the report does not say %q", w)
		}
	}
	if w := "1 line merged into an earlier purchase of the same customer on the same day"; !strings.Contains(page, w) {
		t.Errorf("the report does not say %q", w)
	}
}
