package bgbb_test

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/clvkit/clvkit/bgbb"
	"github.com/clvkit/clvkit/internal/datasets"
)

func relErr(a, b float64) float64 { return math.Abs(a-b) / math.Abs(b) }

func donations(t *testing.T) []bgbb.Row {
	t.Helper()
	recs := datasets.Records(t, datasets.Data(t, "donations.csv"))
	var rows []bgbb.Row
	for _, r := range recs[1:] {
		v := make([]float64, 4)
		for i := range v {
			v[i], _ = strconv.ParseFloat(r[i], 64)
		}
		rows = append(rows, bgbb.Row{X: int(v[0]), Recency: int(v[1]), N: int(v[2]), Count: v[3]})
	}
	return rows
}

// TestDonations fits the 11,104 donors of Fader, Hardie & Shang (2010)
// (published α=1.204 β=0.750 γ=0.657 δ=2.783, LL −33,225.6) and checks
// every reference prediction at the reference parameters to 1e-7.
func TestDonations(t *testing.T) {
	b, err := os.ReadFile(datasets.Reference(t, "contractual_discrete_reference.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		BGBB struct {
			Params      map[string]float64 `json:"params"`
			Predictions []struct {
				Frequency, Recency, Periods int
				Weight                      float64
				PAlive                      float64 `json:"p_alive_next"`
				E5                          float64 `json:"cond_exp_purchases_5"`
				E10                         float64 `json:"cond_exp_purchases_10"`
			} `json:"predictions"`
			PMF map[string]float64 `json:"pmf_first_6_expected_customers"`
		} `json:"bgbb_donations"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	rows := donations(t)
	m, err := bgbb.Fit(rows, bgbb.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	got := map[string]float64{"alpha": p.Alpha, "beta": p.Beta, "gamma": p.Gamma, "delta": p.Delta}
	for k, want := range ref.BGBB.Params {
		if relErr(got[k], want) > 1e-4 {
			t.Errorf("%s = %.7g, reference %.7g", k, got[k], want)
		}
	}
	for k, want := range map[string]float64{"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783} {
		if math.Abs(got[k]-want) > 5e-4 {
			t.Errorf("%s = %.4f, published %.3f", k, got[k], want)
		}
	}
	if math.Abs(m.LogLikelihood()-(-33225.6)) > 0.05 || m.FitInfo().Customers != 11104 {
		t.Errorf("%v, fit %+v; published LL −33,225.6", m, m.FitInfo())
	}
	rp := ref.BGBB.Params
	at, _ := bgbb.New(bgbb.Params{Alpha: rp["alpha"], Beta: rp["beta"], Gamma: rp["gamma"], Delta: rp["delta"]})
	check := func(what string, got, want float64) {
		t.Helper()
		if e := relErr(got, want); !(e <= 1e-7) {
			t.Errorf("%s = %.12g, reference %.12g (rel. error %.2g)", what, got, want, e)
		}
	}
	for _, pr := range ref.BGBB.Predictions {
		r := bgbb.Row{X: pr.Frequency, Recency: pr.Recency, N: pr.Periods}
		name := strconv.Itoa(pr.Frequency) + "/" + strconv.Itoa(pr.Recency)
		check(name+" P(alive)", at.ProbabilityAlive(r, 1), pr.PAlive)
		check(name+" E[5]", at.ConditionalExpectedTransactions(r, 5), pr.E5)
		check(name+" E[10]", at.ConditionalExpectedTransactions(r, 10), pr.E10)
	}
	counts, err := at.ExpectedCounts(11104, 6)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range ref.BGBB.PMF {
		x, _ := strconv.Atoi(k)
		check("expected customers with x="+k, counts[x], want)
	}
	t.Logf("%v", m)
}
