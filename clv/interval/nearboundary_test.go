package interval_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/paretonbd"
)

// nbModel is what the near-boundary study needs of a fitted model.
type nbModel interface {
	clv.FittedModel
	ConditionalExpectedPurchasesAll(cs []clv.Customer, t float64) ([]float64, error)
}

// nbCase is one model of the near-boundary study: the truth (at the
// model's dropout limit), its fit, the fit of its limit model started
// past the boundary from the fit, and n parameter draws of a fit.
type nbCase struct {
	name     string
	simulate func(src rand.Source, T float64) []float64
	truth    nbModel
	fit      func(cs []clv.Customer) (nbModel, error)
	limit    func(m nbModel, cs []clv.Customer) (nbModel, error)
	draws    func(m nbModel, seed uint64, n int) ([]nbModel, error)
}

func nbCases(t *testing.T) []nbCase {
	pTruth := paretonbd.Params{R: 0.55, Alpha: 10.6, S: 1e9, Beta: 1e9 / 0.05}
	pm, err := paretonbd.New(pTruth)
	if err != nil {
		t.Fatal(err)
	}
	// BG/NBD at its dropout limit: every customer drops out after a
	// repeat purchase with probability p = 0.24 (a, b → ∞).
	bTruth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.24e9, B: 0.76e9}
	bm, err := bgnbd.New(bTruth)
	if err != nil {
		t.Fatal(err)
	}
	return []nbCase{{
		name: "Pareto/NBD", simulate: pTruth.SimulatePurchases, truth: pm,
		fit: func(cs []clv.Customer) (nbModel, error) {
			m, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
			if m == nil {
				return nil, err
			}
			return m, err
		},
		limit: func(m nbModel, cs []clv.Customer) (nbModel, error) {
			p := m.(*paretonbd.Model).Params()
			k := 1e5 / p.S
			start := paretonbd.Params{R: p.R, Alpha: p.Alpha, S: p.S * k, Beta: p.Beta * k}
			l, err := paretonbd.FitContext(context.Background(), cs, paretonbd.FitOptions{Start: &start})
			if errors.Is(err, clv.ErrBoundary) {
				err = nil
			}
			return l, err
		},
		draws: func(m nbModel, seed uint64, n int) ([]nbModel, error) {
			ps, err := m.(*paretonbd.Model).SampleParams(rand.NewPCG(seed, 3), n)
			out := make([]nbModel, len(ps))
			for d, p := range ps {
				if out[d], err = paretonbd.New(p); err != nil {
					return nil, err
				}
			}
			return out, err
		},
	}, {
		name: "BG/NBD", simulate: bTruth.SimulatePurchases, truth: bm,
		fit: func(cs []clv.Customer) (nbModel, error) {
			m, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
			if m == nil {
				return nil, err
			}
			return m, err
		},
		limit: func(m nbModel, cs []clv.Customer) (nbModel, error) {
			p := m.(*bgnbd.Model).Params()
			k := 1e5 / min(p.A, p.B)
			start := bgnbd.Params{R: p.R, Alpha: p.Alpha, A: p.A * k, B: p.B * k}
			l, err := bgnbd.FitContext(context.Background(), cs, bgnbd.FitOptions{Start: &start})
			if errors.Is(err, clv.ErrBoundary) {
				err = nil
			}
			return l, err
		},
		draws: func(m nbModel, seed uint64, n int) ([]nbModel, error) {
			ps, err := m.(*bgnbd.Model).SampleParams(rand.NewPCG(seed, 3), n)
			out := make([]nbModel, len(ps))
			for d, p := range ps {
				if out[d], err = bgnbd.New(p); err != nil {
					return nil, err
				}
			}
			return out, err
		},
	}}
}

// TestNearBoundaryCoverage: customers simulated at the dropout limit of
// Pareto/NBD (s, β → ∞, s/β = μ = 0.05 a week: exponential lifetimes with
// mean 20 weeks; r = 0.55, α = 10.6) and of BG/NBD (a, b → ∞ with
// a/(a+b) = p = 0.24; r = 0.25, α = 4), observed for 26 to 52 weeks. About
// half the fits stop at the limit (the limit model), half inside the
// model at a finite shape. The 90% interval of the total expected
// purchases in the next 39 weeks of the first customers, from parameter
// draws, is checked against the total at the true parameters, for the
// normal draws alone (MethodNormal) and for the method Decide picks
// (MethodAuto: the mixture of the fit's and its limit model's draws when
// the likelihood ratio does not reject the limit).
//
// Always: 16 replications of 3,000 customers per model, totals over 200
// from 60 draws (and 60 of the limit model for a mixture); the auto
// coverage over all fits of both models at least 75% (a calibrated
// interval's achieved coverage over 32 samples falls below that with
// probability 1.4%), never below the normal draws', and for Pareto/NBD
// above them (measured at these seeds: Pareto/NBD auto 93.8%, normal 75%;
// BG/NBD 87.5% both).
// CLVKIT_LONG=1: 200 replications of 20,000 customers per model, totals
// over 500 from 100 draws; auto coverage over all fits 85% or more per
// model, and for Pareto/NBD 10 points above the normal draws'. Logged:
// coverage over all fits, over the limit fits and over the interior fits,
// for both methods.
//
// Measured (seeds as below, 2-core machine). Decide's first test, at the
// intervals' own level (critical value 1.64 at 90%), covered 80.5% of the
// 200 Pareto/NBD fits (normal draws 62.0%): 96 of the 108 limit fits
// (88.9%), and of the 92 inside, 70 mixtures and 22 fits whose limit the
// test rejected, covered by their normal draws once. Those rejections
// are the test's false alarms (LR 1.7 to 5.2; 22 of 200 where the
// test's size under ½χ²₀ + ½χ²₁ is 10%), and each left draws that sit at
// the fit's finite shape, whose totals ran above the truth (the truth
// below the band in 21 of the 22). The mixture of the same fits covered
// 20 of the 22. Hence the test at size (1−level)/10 (LimitTestLevel:
// critical value 5.41): every interior fit mixes, 90.0% covered over all
// 200 fits (84 of the 92 inside, 91.3%; normal 62.0%; the CLVKIT_LONG
// run of this test, 422 s). BG/NBD, 200
// replications (270 s): 90.0% (normal 84.0%; 95 limit fits, 96
// mixtures; the fit of replication 38 fails, a flat likelihood, a miss);
// the old test covered 90.5% of replications 0 to 105 but 38, the new
// one 94.3% of them.
// At 5,000 customers (200 replications, same seeds) Pareto/NBD auto
// covered 77.0% with the old test and 85.5% with the new one (normal
// 59.0%), the rest of the misses at the limit fits (85 of 109 covered):
// their draws, conditional on the limit, give ln μ a standard error of
// 0.032 where the limit fits' estimates spread by 0.039, an asymptotic
// approximation's error that has gone at 20,000 customers (z of the
// totals' errors against the bands' half-widths: sd 1.30 at 5,000, 1.09
// at 20,000).
func TestNearBoundaryCoverage(t *testing.T) {
	reps, n, scored, draws, lo := 16, 3000, 200, 60, 0.75
	if raceEnabled {
		t.Skip("skipping a simulation study under the race detector (.ci/run runs it without)")
	}
	long := os.Getenv("CLVKIT_LONG") != "" && !testing.Short()
	if long {
		reps, n, scored, draws, lo = 200, 20000, 500, 100, 0.85
	}
	const horizon, level = 39.0, 0.9
	// total is NaN for a draw whose predictions fail (a draw of a and b
	// near 10⁻²⁴ from a fit whose log-scale standard errors are in the
	// tens): its band is then NaN, a miss, as the job would fail.
	total := func(m nbModel, cs []clv.Customer) float64 {
		e, err := m.ConditionalExpectedPurchasesAll(cs, horizon)
		if err != nil {
			return math.NaN()
		}
		var s float64
		for _, v := range e {
			s += v
		}
		return s
	}
	band := func(ms []nbModel, cs []clv.Customer, lvl float64) interval.Interval {
		tot := make([]float64, len(ms))
		for d, m := range ms {
			tot[d] = total(m, cs)
		}
		return interval.FromDraws(tot, lvl)
	}
	var allAuto, allNormal, all float64
	for ci, c := range nbCases(t) {
		t.Run(c.name, func(t *testing.T) {
			var nan, fits, limits, hitN, hitA, hitNLimit, hitNInner, hitAInner, mixed int
			for rep := range reps {
				seed := uint64(1000*ci + rep)
				rng := rand.New(rand.NewPCG(seed, 41))
				src := rand.NewPCG(seed, 42)
				cs := weekly(rng, n, func(T float64) []float64 { return c.simulate(src, T) })
				m, err := c.fit(cs)
				fits++
				if m == nil || (err != nil && !errors.Is(err, clv.ErrBoundary)) {
					// No usable fit (a flat likelihood): no interval, a miss.
					t.Logf("%s replication %d: %v", c.name, rep, err)
					continue
				}
				scores := cs[:scored]
				want := total(c.truth, scores)
				ds, err := c.draws(m, seed, draws)
				if err != nil {
					t.Logf("%s replication %d: no draws: %v", c.name, rep, err)
					continue
				}
				normal := band(ds, scores, level)
				if normal.Low != normal.Low {
					nan++
				}
				hitNormal := normal.Low <= want && want <= normal.High
				atLimit := m.FitInfo().Status == clv.AtBoundary
				var lm nbModel
				if !atLimit {
					if lm, err = c.limit(m, cs); err != nil || lm.FitInfo().Status != clv.AtBoundary {
						t.Logf("%s replication %d: no limit model (%v)", c.name, rep, err)
						lm = nil
					}
				}
				var li *clv.FitInfo
				if lm != nil {
					fi := lm.FitInfo()
					li = &fi
				}
				dec := interval.Decide(interval.MethodAuto, level, m.FitInfo(), li)
				hitAuto := hitNormal
				if dec.Method == interval.MethodMixture {
					mixed++
					ls, err := c.draws(lm, seed+1<<32, draws)
					if err != nil {
						t.Fatalf("%s replication %d: limit draws: %v", c.name, rep, err)
					}
					auto := band(append(ds, ls...), scores, interval.MixtureLevel(level))
					hitAuto = auto.Low <= want && want <= auto.High
				}
				if atLimit {
					limits++
					hitNLimit += b2i(hitNormal)
				} else {
					hitNInner += b2i(hitNormal)
					hitAInner += b2i(hitAuto)
				}
				hitN += b2i(hitNormal)
				hitA += b2i(hitAuto)
				if long && (rep+1)%25 == 0 {
					t.Logf("%s: after %d replications: %d at the limit, %d mixtures, normal %d, auto %d covered", c.name, rep+1, limits, mixed, hitN, hitA)
				}
			}
			pct := func(k, of int) float64 { return 100 * float64(k) / float64(max(of, 1)) }
			t.Logf("%s: %d fits (%d whose draws' predictions fail), %d at the limit, %d mixtures; normal %.1f%% (limit fits %.1f%%, inside %.1f%%), auto %.1f%% (inside %.1f%%)",
				c.name, fits, nan, limits, mixed, pct(hitN, fits), pct(hitNLimit, limits), pct(hitNInner, fits-limits), pct(hitA, fits), pct(hitAInner, fits-limits))
			if long && float64(hitA) < lo*float64(fits) {
				t.Errorf("%s: auto intervals cover the truth in %.1f%% of %d fits, want %.0f%% or more", c.name, pct(hitA, fits), fits, 100*lo)
			}
			if c.name == "Pareto/NBD" && long && hitA < hitN+fits/10 {
				t.Errorf("%s: auto intervals cover %d fits, normal ones %d: want 10 points more", c.name, hitA, hitN)
			}
			if c.name == "Pareto/NBD" && !long && hitA <= hitN {
				// At these seeds the mixture covers 2 fits more than the
				// normal draws (14 and 12 of 16): a method that no longer
				// mixes near the limit fails here.
				t.Errorf("%s: auto intervals cover no more often (%d) than the normal ones (%d)", c.name, hitA, hitN)
			}
			if hitA < hitN {
				t.Errorf("%s: auto intervals cover less often (%d) than the normal ones (%d)", c.name, hitA, hitN)
			}
			allAuto += float64(hitA)
			allNormal += float64(hitN)
			all += float64(fits)
		})
	}
	if all == 0 {
		return // the subtests run alone
	}
	t.Logf("over both models: normal %.1f%%, auto %.1f%%", 100*allNormal/all, 100*allAuto/all)
	if allAuto < lo*all {
		t.Errorf("auto intervals cover the truth in %.1f%% of %v fits, want %.0f%% or more", 100*allAuto/all, all, 100*lo)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
