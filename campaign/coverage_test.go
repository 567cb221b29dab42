package campaign_test

import (
	"math"
	"os"
	"testing"

	"github.com/clvkit/clvkit/campaign"
)

// coverageStudy measures a simulated campaign reps times and counts how
// often each 90% interval covers the effect the campaign caused.
type coverageCounts struct {
	model, did, diff, revenue, revenueDiD int
	width                                 float64 // mean width of the model's purchases interval
	contacted, expected                   float64 // mean contacted customers and their expected purchases
}

func coverageStudy(t *testing.T, reps, n int, uplift float64, oneTime bool) coverageCounts {
	t.Helper()
	const w = 13 // weeks
	var c coverageCounts
	for k := range reps {
		seed := uint64(1000 + k)
		wd := simulate(seed, n, w, uplift, oneTime)
		res, err := measure(wd, seed, w, campaign.Options{Level: 0.9, CostPerContact: 1, Margin: 0.3})
		if err != nil {
			t.Fatalf("replication %d: %v", k, err)
		}
		tot := res.Total
		for _, x := range []struct {
			e     campaign.Estimate
			truth float64
			n     *int
		}{
			{tot.Purchases.Incremental, wd.truth, &c.model},
			{tot.DiDPurchases, wd.truth, &c.did},
			{tot.DiffPurchases, wd.truth, &c.diff},
			{tot.Revenue.Incremental, wd.truthRevenue, &c.revenue},
			{tot.DiDRevenue, wd.truthRevenue, &c.revenueDiD},
		} {
			if covers(x.e, x.truth) {
				*x.n++
			}
		}
		c.width += (tot.Purchases.Incremental.High - tot.Purchases.Incremental.Low) / float64(reps)
		c.contacted += float64(tot.Contacted) / float64(reps)
		c.expected += tot.Purchases.Expected.Value / float64(reps)
	}
	return c
}

// coverBounds returns the least and the most covers out of reps that a
// 90% interval is not rejected at: the 0.1% tails of Binomial(reps, 0.9).
func coverBounds(reps int) (lo, hi int) {
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	pmf := func(k int) float64 {
		return math.Exp(lg(reps) - lg(k) - lg(reps-k) + float64(k)*math.Log(0.9) + float64(reps-k)*math.Log(0.1))
	}
	lo, hi = 0, reps
	for cum := pmf(0); cum <= 0.001; cum += pmf(lo) {
		lo++
	}
	for cum := pmf(reps); cum <= 0.001; cum += pmf(hi) {
		hi--
	}
	return lo, hi
}

func long() bool { return os.Getenv("CLVKIT_LONG") == "1" }

// TestCoverageUplift: purchase rate ×1.3 after the date for the contacted
// half of 4,000 customers; the 90% intervals of the purchases the campaign
// caused cover them at their nominal rate (200 replications with
// CLVKIT_LONG=1, 20 otherwise, 8 with -short).
func TestCoverageUplift(t *testing.T) {
	reps := 20
	if long() {
		reps = 200
	} else if testing.Short() {
		reps = 8
	}
	for _, tc := range []struct {
		name    string
		uplift  float64
		oneTime bool
		n       int
	}{
		{"uplift1.3", 0.3, false, 4000},
		{"none", 0, false, 4000},
		{"onetime-uplift1.3", 0.3, true, 4000},
		{"onetime-none", 0, true, 4000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := coverageStudy(t, reps, tc.n, tc.uplift, tc.oneTime)
			t.Logf("%d replications: model %d, DiD %d, difference %d, revenue %d, revenue DiD %d covered; mean width %.1f purchases; %.0f contacted expecting %.0f purchases",
				reps, c.model, c.did, c.diff, c.revenue, c.revenueDiD, c.width, c.contacted, c.expected)
			lo, hi := coverBounds(reps)
			for _, x := range []struct {
				name string
				got  int
			}{{"model", c.model}, {"DiD", c.did}, {"difference", c.diff}, {"revenue", c.revenue}, {"revenue DiD", c.revenueDiD}} {
				if x.got < lo || x.got > hi {
					t.Errorf("%s interval covered the truth %d times of %d, want %d to %d (90%% nominal)", x.name, x.got, reps, lo, hi)
				}
			}
		})
	}
}
