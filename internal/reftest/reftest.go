// Package reftest loads the CDNOW data and the reference values of the
// Python lifetimes package for the models' tests.
package reftest

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
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
	MBGNBD     Purchase `json:"mbgnbd"`
	ParetoNBD  Purchase `json:"paretonbd"`
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

// Purchase is the reference of a purchase model other than BG/NBD:
// parameters, log-likelihood, standard errors (if the peer gives them),
// per-customer predictions and the unconditional expectation.
type Purchase struct {
	Params        map[string]float64 `json:"params"`
	LogLikelihood float64            `json:"log_likelihood"`
	StdErrors     map[string]float64 `json:"std_errors"`
	Predictions   []Prediction       `json:"predictions"`
	Expected      map[string]float64 `json:"expected_purchases_unconditional"`
}

// Model is what CheckPredictions needs of a purchase model.
type Model interface {
	clv.PurchaseModel
	ExpectedPurchases(t float64) float64
}

// CheckPredictions compares every prediction of ref (P(alive), E[Y(t)] at
// t = 1, 10, 39, 52, and E[X(t)]) with m's, at relative tolerance tol.
func CheckPredictions(t *testing.T, m Model, ref Purchase, tol float64) {
	t.Helper()
	check := func(what string, got, want float64) {
		t.Helper()
		if e := math.Abs(got-want) / math.Abs(want); !(e <= tol) {
			t.Errorf("%s = %.12g, reference %.12g (rel. error %.2g)", what, got, want, e)
		}
	}
	if len(ref.Predictions) < 20 || len(ref.Expected) < 4 {
		t.Fatalf("%d reference predictions, %d expectations", len(ref.Predictions), len(ref.Expected))
	}
	for _, pr := range ref.Predictions {
		c := clv.Customer{Frequency: pr.Frequency, Recency: pr.Recency, T: pr.T}
		name := "row " + strconv.Itoa(pr.Row)
		check(name+" P(alive)", m.ProbabilityAlive(c), pr.PAlive)
		for _, h := range [...]struct{ t, want float64 }{{1, pr.T1}, {10, pr.T10}, {39, pr.T39}, {52, pr.T52}} {
			check(name+" E[Y("+strconv.FormatFloat(h.t, 'g', -1, 64)+")]", m.ConditionalExpectedPurchases(c, h.t), h.want)
		}
	}
	for k, want := range ref.Expected {
		tt, _ := strconv.ParseFloat(k, 64)
		check("E[X("+k+")]", m.ExpectedPurchases(tt), want)
	}
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
	recs := datasets.Records(tb, datasets.Data(tb, "cdnow_customers_summary_with_transactions.csv"))
	var err error
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

// CheckAliveAt checks that a model's ProbabilityAliveAt (interval.AliveFactored)
// gives exactly its ProbabilityAlive, customer by customer, at T = 30 for
// several frequencies and recencies, invalid ones (NaN) included.
func CheckAliveAt(t *testing.T, name string, m interval.AliveFactored) {
	t.Helper()
	for _, x := range []float64{0, 1, 4, 30} {
		txs := []float64{0, 0.5, 10, 29.9, 30, 31, -1}
		out := make([]float64, len(txs))
		m.ProbabilityAliveAt(x, 30, txs, out)
		for i, tx := range txs {
			want := m.ProbabilityAlive(clv.Customer{Frequency: x, Recency: tx, T: 30})
			if out[i] != want && !(math.IsNaN(out[i]) && math.IsNaN(want)) {
				t.Errorf("%s x=%v tx=%v: %v, want %v", name, x, tx, out[i], want)
			}
		}
	}
}

// PenalizedFit is one fit of lifetimes_penalizer_reference.json: a model
// fitted by the lifetimes package with a penalizer_coef.
type PenalizedFit struct {
	Model     string             `json:"model"`
	Penalizer float64            `json:"penalizer_coef"`
	Params    map[string]float64 `json:"params"`
	// PAlive is P(alive) of the file's first five customers (purchase
	// models only).
	PAlive []float64 `json:"p_alive_first5"`
}

// PenalizedFits reads the fits of model ("bgnbd", "mbgnbd", "paretonbd"
// or "gammagamma") from lifetimes_penalizer_reference.json, skipping tb
// if it is absent.
func PenalizedFits(tb testing.TB, model string) []PenalizedFit {
	tb.Helper()
	b, err := os.ReadFile(datasets.Reference(tb, "lifetimes_penalizer_reference.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var r struct {
		Fits []PenalizedFit `json:"fits"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatal(err)
	}
	var out []PenalizedFit
	for _, f := range r.Fits {
		if f.Model == model {
			out = append(out, f)
		}
	}
	if len(out) < 4 {
		tb.Fatalf("%d penalized %s fits in the reference, want 4", len(out), model)
	}
	return out
}
