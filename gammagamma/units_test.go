package gammagamma_test

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// TestUnitSweep: spend simulated from full models (not limits) with p in
// the hundreds and amounts from 1e-6 to 1e9, so many customers' purchases
// nearly equal: every fit converges, none is judged not identified, and
// the mean value per purchase pγ/(q−1) is recovered within 20%.
// Fitted only as given, 2 of these 300 stalled "not converged" (amounts of
// 10⁶) and 7 were "not identified" (6 with γ below 1e-7 for amounts of
// 1e-6..1e-3, 1 with a flat Hessian at amounts of 100 and p = 5,600); run
// again in units of the customers' mean amount, every fit converges or
// stops at a limit, but for at most 1 in 1,000 that stalls "not
// converged" (1 of 3,000 under CLVKIT_LONG=1: p = 2,800, gradient 6.5e-7,
// where the rounding of lnΓ(px+q) − lnΓ(px) at px near 3·10⁴ hides the
// last decreases, as for the limit fits' limitGradTol). None is "not
// identified". 300 trials always, 3,000 under CLVKIT_LONG=1.
func TestUnitSweep(t *testing.T) {
	trials := 300
	if os.Getenv("CLVKIT_LONG") != "" && !testing.Short() {
		trials = 3000
	}
	rng := rand.New(rand.NewPCG(5, 5))
	status := map[clv.FitStatus]int{}
	for trial := range trials {
		scale := math.Pow(10, float64(rng.IntN(16)-6))
		p := 50 + 450*rng.Float64()
		q := 2 + 8*rng.Float64()
		truth := gammagamma.Params{P: p, Q: q, Gamma: scale * (q - 1) / p} // mean per purchase = scale
		cs := simulateSpend(truth, 200+rng.IntN(800), 1+rng.IntN(10), uint64(trial))
		m, err := gammagamma.Fit(cs, gammagamma.FitOptions{})
		if m == nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		fi := m.FitInfo()
		status[fi.Status]++
		if fi.Status == clv.Converged {
			if pm := m.PopulationMean(); math.Abs(pm/scale-1) > 0.2 {
				t.Errorf("trial %d (%+v): %v: mean %v, want %v", trial, truth, m, pm, scale)
			}
			continue
		}
		if fi.Status != clv.AtBoundary { // a sample whose maximum is at a limit is fine
			t.Logf("trial %d (%+v, %d customers): %v: %v", trial, truth, len(cs), m, err)
		}
	}
	t.Logf("statuses %v", status)
	if status[clv.NotIdentified] > 0 || status[clv.NotConverged] > trials/1000 || status[clv.Converged]+status[clv.AtBoundary]+status[clv.NotConverged] != trials {
		t.Errorf("statuses %v of %d fits", status, trials)
	}
}
