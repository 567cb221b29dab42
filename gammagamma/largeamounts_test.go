package gammagamma_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// TestLargeAmounts: the shipped log's spend parameters (p ≈ 6.9, q ≈ 4,
// γ ≈ 13) with every amount multiplied by 10^k, as a currency of small
// units (rupiah, rial, cents of a wholesaler's orders) gives them. The fit
// is unit-free: it must give the same p and q, and γ times 10^k. As given,
// the amounts of 10⁶ and more sent the fit to the "value does not vary
// within a customer" limit (p held at 1e10, γ toward 0), a lower
// likelihood than the interior maximum, which was not looked for in units
// of the mean amount.
func TestLargeAmounts(t *testing.T) {
	truth := gammagamma.Params{P: 6.9, Q: 4, Gamma: 13}
	base := simulateSpend(truth, 1500, 8, 11)
	ref, err := gammagamma.Fit(base, gammagamma.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rp := ref.Params()
	for k := 3; k <= 12; k++ {
		scale := math.Pow(10, float64(k))
		cs := make([]clv.Customer, len(base))
		for i, c := range base {
			c.MonetaryValue *= scale
			cs[i] = c
		}
		m, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
		if err != nil {
			t.Errorf("amounts ×1e%d: %v", k, err)
			continue
		}
		p := m.Params()
		if st := m.FitInfo().Status; st != clv.Converged ||
			math.Abs(p.P/rp.P-1) > 1e-4 || math.Abs(p.Q/rp.Q-1) > 1e-4 || math.Abs(p.Gamma/(rp.Gamma*scale)-1) > 1e-4 {
			t.Errorf("amounts ×1e%d: %v (%v), want p %.6g q %.6g γ %.6g", k, m, st, rp.P, rp.Q, rp.Gamma*scale)
		}
	}
}
