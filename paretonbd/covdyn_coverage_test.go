package paretonbd_test

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// dynCoverageTruth is the model of the coverage studies: a calendar
// season (weeks 40–51) and a static covariate, as TestFitDynamicRecovery.
var dynCoverageTruth = paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 0.6, Beta: 40},
	Names: []string{"season", "web"}, Trans: []float64{0.7, 0.3}, Life: []float64{-0.5, 0.4}}

// dynCoverageHold is the holdout of the coverage studies, in weeks.
const dynCoverageHold = 26

// dynCoverageNames name the quantities of dynCoverage's hits.
var dynCoverageNames = []string{"r", "alpha", "s", "beta", "trans.season", "trans.web", "life.season", "life.web", "total"}

// dynCoverage runs reps replications of a simulation study of the
// intervals of the model with time-varying covariates: n customers who
// joined in the first two years, each on the season calendar and web
// or not, observed until week 156, simulated under dynCoverageTruth and
// fitted with FitDynamic; then draws pdraws ≥ draws parameter sets
// (SampleParams). A 90% interval is between the draws' 5th and 95th
// percentiles (interpolated, as interval.FromDraws). hits counts the
// replications whose interval contains the true value, for each
// parameter (r, α, s, β, γ_trans, γ_life) from the pdraws draws, and for
// the customers' total expected purchases in the 26 weeks after 156,
// along their paths (DynModel at the true parameters against the first
// draws draws'); share[rep] is the share of customers whose interval of
// expected holdout purchases contains the value at the true parameters.
//
// The parameters' intervals take more draws because they cost nothing:
// the interpolated 5th–95th percentiles of 100 normal draws contain an
// independent value of the same normal distribution with probability
// 88.3%, not 90% (40,000 simulated trials), and their Monte Carlo noise
// costs more when the estimate's error is wider than its standard error
// by chance (86.2% for a z-score of standard deviation 1.06); with 1,000
// draws 90.0% and 87.6%.
func dynCoverage(t *testing.T, reps, n, draws, pdraws int, seed uint64) (hits []int, share []float64) {
	t.Helper()
	truth, err := paretonbd.NewDynamic(dynCoverageTruth)
	if err != nil {
		t.Fatal(err)
	}
	hits = make([]int, len(dynCoverageNames))
	tv := append(dynCoverageTruth.Vector(), append(slices.Clone(dynCoverageTruth.Trans), dynCoverageTruth.Life...)...)
	for rep := range reps {
		rng := rand.New(rand.NewPCG(seed, uint64(rep)))
		T := make([]float64, n)
		paths := make([]clv.CovariatePath, n)
		for i := range n {
			first := rng.IntN(104)
			T[i] = float64(156 - first)
			paths[i] = calendarSeason(first, 156+dynCoverageHold, float64(rng.IntN(2)))
		}
		cs, z, err := truth.Simulate(rand.NewPCG(seed+1, uint64(rep)), T, paths)
		if err != nil {
			t.Fatal(err)
		}
		m, err := paretonbd.FitDynamic(context.Background(), cs, z, paretonbd.CovFitOptions{})
		if err != nil {
			t.Fatalf("replication %d: %v", rep, err)
		}
		ps, err := m.SampleParams(rand.NewPCG(seed+2, uint64(rep)), max(draws, pdraws))
		if err != nil {
			t.Fatal(err)
		}
		want, err := truth.ConditionalExpectedPurchasesAll(cs, paths, dynCoverageHold)
		if err != nil {
			t.Fatal(err)
		}
		per := make([][]float64, n) // per customer, the draws' expectations
		for i := range per {
			per[i] = make([]float64, draws)
		}
		pv := make([][]float64, len(tv))
		for k := range pv {
			pv[k] = make([]float64, len(ps))
		}
		for d, p := range ps {
			v := append(p.Vector(), append(slices.Clone(p.Trans), p.Life...)...)
			for k := range tv {
				pv[k][d] = v[k]
			}
		}
		tot := make([]float64, draws)
		for d, p := range ps[:draws] {
			dm, err := paretonbd.NewDynamic(p)
			if err != nil {
				t.Fatal(err)
			}
			ex, err := dm.ConditionalExpectedPurchasesAll(cs, paths, dynCoverageHold)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range ex {
				per[i][d] = e
				tot[d] += e
			}
		}
		in := func(xs []float64, v float64) bool {
			slices.Sort(xs)
			return quantile(xs, 0.05) <= v && v <= quantile(xs, 0.95)
		}
		for k, v := range tv {
			if in(pv[k], v) {
				hits[k]++
			}
		}
		var wantTot float64
		inside := 0
		for i, w := range want {
			wantTot += w
			if in(per[i], w) {
				inside++
			}
		}
		if in(tot, wantTot) {
			hits[len(tv)]++
		}
		share = append(share, float64(inside)/float64(n))
	}
	return hits, share
}

// quantile is the p-quantile of sorted xs, interpolated between order
// statistics (the definition of interval.FromDraws).
func quantile(xs []float64, p float64) float64 {
	h := p * float64(len(xs)-1)
	k := int(h)
	if k+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[k] + (h-float64(k))*(xs[k+1]-xs[k])
}

// TestDynamicCoverage is the small version of TestDynamicCoverageStudy
// that runs with the other tests: 12 replications of 1,500 customers, 50
// draws. Over the nine quantities (108 intervals, correlated within a
// replication) a calibrated 90% interval covers about 90%; the band
// asserted, 78–98%, fails for draws half as wide as they should be
// (coverage about 59%) or shifted by one standard error (about 74%). The
// per-customer intervals of expected holdout purchases: the mean share
// over the replications covering the value at the true parameters,
// asserted in 70–99% (it moves with the replication: all customers'
// intervals shift together).
func TestDynamicCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("12 fits of 1,500 customers")
	}
	if raceEnabled {
		t.Skip("a simulation study under the race detector")
	}
	const reps = 12
	t0 := time.Now()
	hits, share := dynCoverage(t, reps, 1500, 50, 50, 31)
	sum := 0
	for k, h := range hits {
		sum += h
		t.Logf("%s: %d of %d", dynCoverageNames[k], h, reps)
	}
	c := float64(sum) / float64(reps*len(hits))
	var ms float64
	for _, s := range share {
		ms += s / float64(len(share))
	}
	t.Logf("all quantities: %.1f%%; customers' expected holdout purchases: mean share %.1f%% (%v)", 100*c, 100*ms, time.Since(t0))
	if c < 0.78 || c > 0.98 {
		t.Errorf("90%% intervals cover %.1f%% of %d true values", 100*c, reps*len(hits))
	}
	if ms < 0.70 || ms > 0.99 {
		t.Errorf("per-customer 90%% intervals of expected holdout purchases cover the value at the truth for %.1f%% of customers", 100*ms)
	}
}

// TestDynamicCoverageStudy (CLVKIT_LONG=1): over 200 replications of
// 3,000 simulated customers on their seasonal paths, the 90% intervals
// from the draws contain the truth in about 90% of the replications, for
// every parameter (1,000 draws) and for the customers' total expected
// purchases over a 26-week holdout (100 draws). With 200 replications a
// calibrated interval's coverage has a standard deviation of 2.1 points;
// the band asserted, 84–96%, is ±2.8 sd (as TestIntervalCoverage in
// clv/interval). The per-customer intervals' mean share covering the
// value at the true parameters is logged and asserted in 80–98%.
//
// Measured with 100 draws for the parameters too (375 CPU-s): r 90.0%,
// α 91.0%, s 91.5%, β 88.0%, trans.season 81.5%, trans.web 92.0%,
// life.season 89.5%, life.web 88.0%, the total 89.5%; per customer a mean
// share of 88.6% (replications from 36.5% to 100%, median 96.5%: all
// customers' intervals move together). The season's purchase effect was
// under-covered (issue #20), and its band had been lowered to 75–96%.
// Its Laplace standard error is not short: on the same 200 fits (seeds
// reproduced outside this test) the forward-difference Hessian's standard
// errors equal the central-difference one's to 1e-6 (TestDynHessian), the
// sandwich standard error from the customers' scores is 0.998 times the
// Hessian's, every fit's gradient is below 1e-4, and (γ̂ − γ)/SE has mean
// −0.08, standard deviation 1.061 (±0.053; skewness 0.18, no excess
// kurtosis) and falls within ±1.645 in 87.0% of the fits, the Wald
// interval's coverage, 1.4 sd below 90%. The rest was the interval from
// 100 draws: its interpolated 5th–95th percentiles cover 88.3% for a
// calibrated estimate and 86.2% at a z-score of standard deviation 1.06
// (see dynCoverage), and these draws gave 81.5%. With 1,000 draws for the
// parameters (this test since, some 400 CPU-s; the first 100 draws the
// same, so the total and the per-customer shares are unchanged): r 92.0%, α 93.0%, s 92.5%, β 90.0%, trans.season
// 85.5%, trans.web 92.0%, life.season 91.5%, life.web 88.5%. On 200 other
// replications (seed 5000) trans.season's z-score has standard deviation
// 1.038 and its interval covers 89.0% with 100 draws as with 1,000, while
// α's has 1.106 and trans.web's interval covers 84.5% with 100 draws:
// over 400 fits trans.season's z-score standard deviation is 1.048
// (±0.037), the spread of the eight parameters' (0.92–1.11) around 1.
func TestDynamicCoverageStudy(t *testing.T) {
	if testing.Short() || os.Getenv("CLVKIT_LONG") == "" {
		t.Skip("skipping a 200-replication simulation study (set CLVKIT_LONG=1 to run it)")
	}
	if raceEnabled {
		t.Skip("a simulation study under the race detector")
	}
	const reps = 200
	t0 := time.Now()
	hits, share := dynCoverage(t, reps, 3000, 100, 1000, 1000)
	for k, h := range hits {
		c := float64(h) / reps
		if c < 0.84 || c > 0.96 {
			t.Errorf("%s: 90%% intervals cover the truth in %.1f%% of %d replications", dynCoverageNames[k], 100*c, reps)
		} else {
			t.Logf("%s: coverage %.1f%%", dynCoverageNames[k], 100*c)
		}
	}
	slices.Sort(share)
	var ms float64
	for _, s := range share {
		ms += s / float64(len(share))
	}
	t.Logf("customers' expected holdout purchases: mean share %.1f%% (replications: min %.1f%%, median %.1f%%, max %.1f%%); %v",
		100*ms, 100*share[0], 100*share[len(share)/2], 100*share[len(share)-1], time.Since(t0))
	if ms < 0.80 || ms > 0.98 {
		t.Errorf("per-customer 90%% intervals of expected holdout purchases cover the value at the truth for %.1f%% of customers", 100*ms)
	}
}
