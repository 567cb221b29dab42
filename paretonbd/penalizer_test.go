package paretonbd_test

import (
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/reftest"
	"github.com/clvkit/clvkit/paretonbd"
)

// Tolerances of TestPenalizerLifetimes: lifetimes' Nelder-Mead search
// stops short of the penalized optimum (TestPenalizedReferenceStoppedEarly),
// at up to 1.04e-4 relative in β (c = 0.01) and so 6.4e-5 in P(alive).
const (
	penParamTol = 1.5e-4 // β at c = 0.01; the others agree to 1e-4
	penAliveTol = 1e-4   // relative, P(alive) at our estimate
)

// TestPenalizerLifetimes: with Penalizer c the fits of the CDNOW sample
// are those of the Python lifetimes package with penalizer_coef c, at
// c = 0, 0.001, 0.01 and 0.1: time rescaled by 1/max T (38.86) and the
// penalty on the summed negative log-likelihood. The agreement is that of
// lifetimes' early stop; at the reference's parameters P(alive) agrees to
// 1e-7. Every fit is identified.
func TestPenalizerLifetimes(t *testing.T) {
	cs := reftest.CDNOW(t)
	for _, ref := range reftest.PenalizedFits(t, "paretonbd") {
		c := ref.Penalizer
		m, err := paretonbd.Fit(cs, paretonbd.FitOptions{Penalizer: c})
		if err != nil {
			t.Errorf("c = %v: %v", c, err)
			continue
		}
		if info := m.FitInfo(); info.Status != clv.Converged || info.Penalizer != c {
			t.Errorf("c = %v: fit info %+v", c, info)
		}
		p := m.Params()
		got := map[string]float64{"r": p.R, "alpha": p.Alpha, "s": p.S, "beta": p.Beta}
		for k, want := range ref.Params {
			tol := paramTol
			if k == "beta" {
				tol = penParamTol
			}
			if e := relErr(got[k], want); !(e <= tol) {
				t.Errorf("c = %v: %s = %.8g, lifetimes %.8g (rel. error %.2g)", c, k, got[k], want, e)
			}
		}
		at, err := paretonbd.New(paretonbd.Params{R: ref.Params["r"], Alpha: ref.Params["alpha"], S: ref.Params["s"], Beta: ref.Params["beta"]})
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range ref.PAlive {
			if got := m.ProbabilityAlive(cs[i]); !(relErr(got, want) <= penAliveTol) {
				t.Errorf("c = %v: customer %d P(alive) %.10g, lifetimes %.10g", c, i, got, want)
			}
			if got := at.ProbabilityAlive(cs[i]); !(relErr(got, want) <= predTol) {
				t.Errorf("c = %v: customer %d P(alive) at lifetimes' parameters %.10g, lifetimes %.10g", c, i, got, want)
			}
		}
	}
}
