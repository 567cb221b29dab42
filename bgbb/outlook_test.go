package bgbb_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgbb"
)

// TestTransactionWithin: at one opportunity the probability is the
// expected transactions; it rises with the window and stays below
// P(alive) at the next opportunity; the quantiles are monotone and are
// the first opportunity where the probability reaches their level.
func TestTransactionWithin(t *testing.T) {
	m, err := bgbb.New(bgbb.Params{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}) // the donors, Fader, Hardie & Shang 2010
	if err != nil {
		t.Fatal(err)
	}
	ps := []float64{0.1, 0.5, 0.9}
	for _, r := range []bgbb.Row{{N: 6}, {X: 1, Recency: 1, N: 6}, {X: 3, Recency: 5, N: 6}, {X: 6, Recency: 6, N: 6}, {X: 2, Recency: 10, N: 40}} {
		if got, want := m.ProbabilityOfTransactionWithin(r, 1), m.ConditionalExpectedTransactions(r, 1); math.Abs(got-want) > 1e-12 {
			t.Errorf("%+v: within 1 %v, E[transactions in 1] %v", r, got, want)
		}
		prev := 0.0
		for k := 1; k <= 50; k++ {
			v := m.ProbabilityOfTransactionWithin(r, k)
			if !(v >= prev) || v > m.ProbabilityAlive(r, 1) {
				t.Errorf("%+v: within %d %v (previous %v, P(alive) %v)", r, k, v, prev, m.ProbabilityAlive(r, 1))
			}
			prev = v
		}
		qs := m.NextTransactionQuantiles(r, ps, 50)
		last := 0
		for i, k := range qs {
			if k == -1 {
				if m.ProbabilityOfTransactionWithin(r, 50) >= ps[i] {
					t.Errorf("%+v: no %v-quantile within 50, but P = %v", r, ps[i], m.ProbabilityOfTransactionWithin(r, 50))
				}
				continue
			}
			if k < last || m.ProbabilityOfTransactionWithin(r, k) < ps[i] || k > 1 && m.ProbabilityOfTransactionWithin(r, k-1) >= ps[i] {
				t.Errorf("%+v: %v-quantile %d", r, ps[i], k)
			}
			last = k
		}
	}
	for _, bad := range []float64{m.ProbabilityOfTransactionWithin(bgbb.Row{X: 2, Recency: 1, N: 3}, 1), m.ProbabilityOfTransactionWithin(bgbb.Row{N: 3}, -1),
		m.ProbabilityOfTransactionWithin(bgbb.Row{N: 3}, 1<<30), new(bgbb.Model).ProbabilityOfTransactionWithin(bgbb.Row{N: 3}, 1)} {
		if !math.IsNaN(bad) {
			t.Errorf("bad input: %v", bad)
		}
	}
	if qs := m.NextTransactionQuantiles(bgbb.Row{N: 3}, []float64{math.NaN(), 0, 1, 0.5}, 0); qs[0] != -1 || qs[3] != -1 {
		t.Errorf("bad input: %v", qs)
	}
}
