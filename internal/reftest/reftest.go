// Package reftest loads the CDNOW data and the reference values of the
// Python lifetimes package for the models' tests.
package reftest

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/datasets"
)

// Reference is the content of cdnow_reference.json (the parts used).
type Reference struct {
	BGNBD struct {
		Params        map[string]float64 `json:"params"`
		LogLikelihood float64            `json:"log_likelihood"`
		StdErrors     map[string]float64 `json:"std_errors"`
		Predictions   []Prediction       `json:"predictions"`
		Expected      map[string]float64 `json:"expected_purchases_unconditional"`
		PMF39         map[string]float64 `json:"prob_n_purchases_t39"`
	} `json:"bgnbd"`
	GammaGamma struct {
		Params        map[string]float64 `json:"params"`
		LogLikelihood float64            `json:"log_likelihood"`
		StdErrors     map[string]float64 `json:"std_errors"`
		Customers     int                `json:"n_customers"`
		Predictions   []struct {
			ID     int     `json:"ID"`
			X      float64 `json:"x"`
			Tx     float64 `json:"t_x"`
			T      float64 `json:"T"`
			Zbar   float64 `json:"zbar"`
			Profit float64 `json:"cond_expected_avg_profit"`
			CLV    float64 `json:"clv_12m_disc0.01_freqW"`
		} `json:"predictions"`
		BGNBD map[string]float64 `json:"bgnbd_on_same_file"`
	} `json:"gammagamma"`
}

// Prediction is one row of the BG/NBD reference predictions.
type Prediction struct {
	Row       int     `json:"row"`
	Frequency float64 `json:"frequency"`
	Recency   float64 `json:"recency"`
	T         float64 `json:"T"`
	PAlive    float64 `json:"p_alive"`
	T1        float64 `json:"cond_exp_purchases_t1"`
	T10       float64 `json:"cond_exp_purchases_t10"`
	T39       float64 `json:"cond_exp_purchases_t39"`
	T52       float64 `json:"cond_exp_purchases_t52"`
}

// Load reads cdnow_reference.json, skipping tb if it is absent.
func Load(tb testing.TB) *Reference {
	tb.Helper()
	b, err := os.ReadFile(datasets.Reference(tb, "cdnow_reference.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var r Reference
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatal(err)
	}
	return &r
}

// CDNOW reads the 2,357 customers of cdnow_customers_summary_with_transactions.csv
// (x, t_x, T, zbar), skipping tb if it is absent.
func CDNOW(tb testing.TB) []clv.Customer {
	tb.Helper()
	f, err := os.Open(datasets.Data(tb, "cdnow_customers_summary_with_transactions.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	cs := make([]clv.Customer, 0, len(recs)-1)
	for _, r := range recs[1:] {
		v := make([]float64, 4)
		for i := range v {
			if v[i], err = strconv.ParseFloat(r[i+1], 64); err != nil {
				tb.Fatal(err)
			}
		}
		cs = append(cs, clv.Customer{ID: r[0], Frequency: v[0], Recency: v[1], T: v[2], MonetaryValue: v[3]})
	}
	return cs
}
