package bgnbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/reftest"
)

// aliveTol is the absolute agreement of P(alive) at the two fits: their
// parameters differ by up to 1.7e-6 relative (both optimizers reach the
// same penalized objective to 1e-14; the optimum is that flat), which moves
// P(alive) by up to 3.4e-7.
const aliveTol = 1e-6

// TestPenalizerLifetimes: with Penalizer c the fits of the CDNOW sample
// are those of the Python lifetimes package with penalizer_coef c, for
// BG/NBD and MBG/NBD at c = 0, 0.001, 0.01 and 0.1 (lifetimes rescales
// time by 1/max T = 1/38.86 before fitting and penalizes its scaled α;
// the old 10/max T convention gave α = 3.37 instead of 4.43 at c = 0.01).
// Every fit is identified: without the penalty the sample determines the
// parameters.
func TestPenalizerLifetimes(t *testing.T) {
	cs := reftest.CDNOW(t)
	for _, v := range []struct {
		name    string
		variant bgnbd.Variant
	}{{"bgnbd", bgnbd.BGNBD}, {"mbgnbd", bgnbd.MBGNBD}} {
		for _, ref := range reftest.PenalizedFits(t, v.name) {
			m, err := bgnbd.Fit(cs, bgnbd.FitOptions{Penalizer: ref.Penalizer, Variant: v.variant})
			if err != nil {
				t.Errorf("%s, c = %v: %v", v.name, ref.Penalizer, err)
				continue
			}
			if info := m.FitInfo(); info.Status != clv.Converged || info.Penalizer != ref.Penalizer {
				t.Errorf("%s, c = %v: fit info %+v", v.name, ref.Penalizer, info)
			}
			p := m.Params()
			got := map[string]float64{"r": p.R, "alpha": p.Alpha, "a": p.A, "b": p.B}
			for k, want := range ref.Params {
				if e := relErr(got[k], want); !(e <= paramTol) {
					t.Errorf("%s, c = %v: %s = %.8g, lifetimes %.8g (rel. error %.2g)", v.name, ref.Penalizer, k, got[k], want, e)
				}
			}
			at, err := bgnbd.NewVariant(v.variant, bgnbd.Params{R: ref.Params["r"], Alpha: ref.Params["alpha"], A: ref.Params["a"], B: ref.Params["b"]})
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range ref.PAlive {
				if got := m.ProbabilityAlive(cs[i]); !(math.Abs(got-want) <= aliveTol) {
					t.Errorf("%s, c = %v: customer %d P(alive) %.10g, lifetimes %.10g", v.name, ref.Penalizer, i, got, want)
				}
				if got := at.ProbabilityAlive(cs[i]); !(relErr(got, want) <= predTol) {
					t.Errorf("%s, c = %v: customer %d P(alive) at lifetimes' parameters %.10g, lifetimes %.10g", v.name, ref.Penalizer, i, got, want)
				}
			}
		}
	}
}
