package reftest

import (
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/datasets"
)

// CovModel is one model of clvtools_covariates.json (the parts used).
type CovModel struct {
	Params        map[string]float64 `json:"params"`
	StdErrors     map[string]float64 `json:"std_errors"`
	LogLikelihood float64            `json:"log_likelihood"`
	FitSeconds    float64            `json:"fit_seconds"`
	Holdout       struct {
		Weeks  float64 `json:"prediction_weeks"`
		SumCET float64 `json:"sum_CET"`
	} `json:"holdout"`
}

// Apparel is CLVTools' apparel retailer with its static covariates, as in
// clvtools_covariates_cbs.csv, and the per-customer predictions of
// clvtools_covariates_predictions.csv by column name.
type Apparel struct {
	Customers   []clv.Customer
	Covariates  clv.Covariates // Gender, Channel
	Holdout     []float64      // x_star
	Predictions map[string][]float64
	Models      map[string]CovModel
}

// LoadApparel reads the three files, skipping tb if they are absent.
func LoadApparel(tb testing.TB) *Apparel {
	tb.Helper()
	b, err := os.ReadFile(datasets.Reference(tb, "clvtools_covariates.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Models map[string]CovModel `json:"models"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		tb.Fatal(err)
	}
	a := &Apparel{Models: doc.Models, Predictions: map[string][]float64{}, Covariates: clv.Covariates{Names: []string{"Gender", "Channel"}}}
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
	recs := datasets.Records(tb, datasets.Reference(tb, "clvtools_covariates_cbs.csv"))
	// Id,x,t_x,T_cal,x_star,T_star,Gender,Channel
	for _, r := range recs[1:] {
		a.Customers = append(a.Customers, clv.Customer{ID: r[0], Frequency: num(r[1]), Recency: num(r[2]), T: num(r[3])})
		a.Holdout = append(a.Holdout, num(r[4]))
		a.Covariates.Values = append(a.Covariates.Values, []float64{num(r[6]), num(r[7])})
	}
	recs = datasets.Records(tb, datasets.Reference(tb, "clvtools_covariates_predictions.csv"))
	for i, r := range recs[1:] {
		if r[0] != a.Customers[i].ID {
			tb.Fatalf("predictions row %d: id %s, customers %s", i+1, r[0], a.Customers[i].ID)
		}
		for j, name := range recs[0] {
			a.Predictions[name] = append(a.Predictions[name], num(r[j]))
		}
	}
	return a
}
