package gammagamma_test

import (
	"errors"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/reftest"
)

// TestPenalizerLifetimes: with Penalizer c the fit of the CDNOW repeat
// buyers' mean spend is that of the Python lifetimes package with
// penalizer_coef c, at c = 0, 0.001, 0.01 and 0.1 (nothing rescaled; the
// penalty c·(p² + q² + γ²) on the mean negative log-likelihood). At
// c = 0.01 and 0.1 the penalty pulls q below 1, which Fit reports with
// ErrInfiniteMean; every fit is identified.
func TestPenalizerLifetimes(t *testing.T) {
	cs := reftest.CDNOW(t)
	for _, ref := range reftest.PenalizedFits(t, "gammagamma") {
		c := ref.Penalizer
		m, err := gammagamma.Fit(cs, gammagamma.FitOptions{Penalizer: c})
		if m == nil || (err != nil && !(errors.Is(err, gammagamma.ErrInfiniteMean) && m.Params().Q <= 1)) {
			t.Errorf("c = %v: %v", c, err)
			continue
		}
		if info := m.FitInfo(); info.Status != clv.Converged || info.Penalizer != c || info.Customers != 946 {
			t.Errorf("c = %v: fit info %+v", c, info)
		}
		p := m.Params()
		got := map[string]float64{"p": p.P, "q": p.Q, "v": p.Gamma}
		for k, want := range ref.Params {
			if e := relErr(got[k], want); !(e <= 1e-6) { // both BFGS; measured 6e-8
				t.Errorf("c = %v: %s = %.8g, lifetimes %.8g (rel. error %.2g)", c, k, got[k], want, e)
			}
		}
	}
}
