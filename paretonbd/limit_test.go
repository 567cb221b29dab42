package paretonbd_test

import (
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestLimitIntervalCoverage: customers simulated at the limit of
// exponential dropout (s, β → ∞ with s/β = μ = 0.05 a week: every
// lifetime exponential with mean 20 weeks; r = 0.55, α = 10.6), observed
// for 26 to 52 weeks. The fit stops at that boundary in about half the
// replications and returns the limit model, s held at 10⁶, with the
// covariance of its free parameters (r, α, β); the 90% interval of the
// total expected purchases in the next 39 weeks, from parameter draws
// (the draws' 5th and 95th percentiles), then contains the total at the
// true parameters at about the nominal rate. The total is taken over the
// first customers fitted (a function of the parameters like any other:
// predictions at s = 10⁶ cost some 25 µs a customer).
//
// Always: 20 replications of 4,000 customers, the total over 200 of them
// from 60 draws; coverage over the limit fits at least 60% (a calibrated
// interval falls below that with probability 0.2% with 10 limit fits).
// CLVKIT_LONG=1: 200 replications of 20,000 customers, the total over 500
// from 100 draws, coverage 82–97% (about 100 limit fits: ±2.5 standard
// deviations of a calibrated interval's achieved coverage). The achieved
// coverages, over the limit fits and over every fit (the procedure a
// user runs), are logged. Measured: short, 8 limit fits of 20, all
// covered; long, 95 of 200, 86.3% covered (3,163 s at load averages near
// 18). Over every fit the coverage is far lower (50% and 58.5%): the fits
// that stop inside, at a large finite s, cover the truth at the limit in
// about a third of replications — the normal approximation on ln s does
// not reach s = ∞ (left open: such intervals need the profile likelihood
// or the bootstrap).
func TestLimitIntervalCoverage(t *testing.T) {
	reps, n, scored, draws, lo := 20, 4000, 200, 60, 0.6
	if os.Getenv("CLVKIT_LONG") != "" && !testing.Short() {
		reps, n, scored, draws, lo = 200, 20000, 500, 100, 0.82
	}
	const horizon = 39.0
	truth := paretonbd.Params{R: 0.55, Alpha: 10.6, S: 1e9, Beta: 1e9 / 0.05}
	trueModel, err := paretonbd.New(truth)
	if err != nil {
		t.Fatal(err)
	}
	total := func(m *paretonbd.Model, cs []clv.Customer) float64 {
		e, err := m.ConditionalExpectedPurchasesAll(cs, horizon)
		if err != nil {
			t.Fatal(err)
		}
		var s float64
		for _, v := range e {
			s += v
		}
		return s
	}
	var limits, hitLimit, hitAll, flat int
	for rep := range reps {
		rng := rand.New(rand.NewPCG(uint64(rep), 31))
		src := rand.NewPCG(uint64(rep), 32)
		cs := make([]clv.Customer, n)
		for i := range cs {
			T := float64(26 + rng.IntN(27))
			times := truth.SimulatePurchases(src, T)
			cs[i] = clv.Customer{T: T, Frequency: float64(len(times))}
			if len(times) > 0 {
				cs[i].Recency = times[len(times)-1]
			}
		}
		m, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
		atLimit := errors.Is(err, clv.ErrBoundary)
		if errors.Is(err, clv.ErrNotIdentified) && m.Params().S > 100 {
			// Stopped short of the boundary where the likelihood is flat
			// (1 of the 20 short replications): no covariance, no
			// interval, a miss over all fits.
			t.Logf("replication %d: %v", rep, err)
			flat++
			continue
		}
		if err != nil && !atLimit {
			t.Fatalf("replication %d: %v", rep, err)
		}
		if atLimit && (m.Params().S != 1e6 || m.FitInfo().Status != clv.AtBoundary) {
			t.Fatalf("replication %d: %v, %+v: want s held at 1e6", rep, m, m.FitInfo())
		}
		ps, err := m.SampleParams(rand.NewPCG(uint64(rep), 33), draws)
		scores := cs[:scored]
		if err != nil {
			t.Fatalf("replication %d (%v): %v", rep, m, err)
		}
		totals := make([]float64, draws)
		for d, p := range ps {
			if atLimit && p.S != 1e6 {
				t.Fatalf("a draw of the limit model with s = %v", p.S)
			}
			dm, err := paretonbd.New(p)
			if err != nil {
				t.Fatal(err)
			}
			totals[d] = total(dm, scores)
		}
		slices.Sort(totals)
		want := total(trueModel, scores)
		k := draws / 20
		hit := totals[k] <= want && want <= totals[draws-1-k]
		if hit {
			hitAll++
		}
		if atLimit {
			limits++
			if hit {
				hitLimit++
			}
		}
	}
	if limits < reps/5 {
		t.Fatalf("%d of %d fits at the limit: too few to judge", limits, reps)
	}
	c := float64(hitLimit) / float64(limits)
	t.Logf("%d replications of %d customers, %d at the limit: coverage %.1f%% there, %.1f%% over all fits (%d not identified)",
		reps, n, limits, 100*c, 100*float64(hitAll)/float64(reps), flat)
	if c < lo || c > 1 {
		t.Errorf("90%% intervals of the limit model cover the truth in %.1f%% of %d replications, want %.0f%% or more", 100*c, limits, 100*lo)
	}
}
