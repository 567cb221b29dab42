package paretonbd_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/paretonbd"
)

// drawTruth: two binary covariates with effects on both processes.
var drawTruth = paretonbd.CovParams{
	Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 0.7, Beta: 12},
	Names:  []string{"loyalty", "online"},
	Trans:  []float64{0.3, 0.4},
	Life:   []float64{-0.7, 0.8},
}

// totalPurchases is the expected number of purchases of cs in (T, T+t]
// under p, summed over the customers.
func totalPurchases(t *testing.T, p paretonbd.CovParams, cs []clv.Customer, z clv.Covariates, h float64) float64 {
	m, err := paretonbd.NewCovariates(p)
	if err != nil {
		t.Fatal(err)
	}
	v, err := m.ConditionalExpectedPurchasesAll(cs, z, h)
	if err != nil {
		t.Fatal(err)
	}
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// TestSampleParamsCoverage: over replications of simulate–fit–draw, the
// 90% interval (200 draws) of the customers' total expected purchases in
// the next 52 weeks covers the total under the true parameters in about
// 90% of them: at least 7 of 10 (short; a binomial(10, 0.9) falls below 7
// with probability 0.013), and in [0.85, 0.95] of 200 under CLVKIT_LONG=1.
func TestSampleParamsCoverage(t *testing.T) {
	reps, n := 10, 2000
	long := os.Getenv("CLVKIT_LONG") == "1"
	if long {
		reps = 200
	}
	covered := 0
	for rep := range reps {
		rng := rand.New(rand.NewPCG(uint64(rep), 99))
		z := clv.Covariates{Names: drawTruth.Names, Values: make([][]float64, n)}
		T := make([]float64, n)
		for i := range n {
			z.Values[i] = []float64{float64(rng.IntN(2)), float64(rng.IntN(2))}
			T[i] = 52 + float64(i%52)
		}
		sim, _ := paretonbd.NewCovariates(drawTruth)
		cs, err := sim.Simulate(rand.NewPCG(uint64(rep), 7), T, z)
		if err != nil {
			t.Fatal(err)
		}
		m, err := paretonbd.FitCovariates(context.Background(), cs, z, paretonbd.CovFitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		draws, err := m.SampleParams(rand.NewPCG(uint64(rep), 3), 200)
		if err != nil {
			t.Fatal(err)
		}
		tot := make([]float64, len(draws))
		for d, p := range draws {
			tot[d] = totalPurchases(t, p, cs, z, 52)
		}
		iv := interval.FromDraws(tot, 0.9)
		truth := totalPurchases(t, drawTruth, cs, z, 52)
		if iv.Low <= truth && truth <= iv.High {
			covered++
		}
		if rep == 0 {
			t.Logf("rep 0: truth %.1f, interval [%.1f, %.1f], estimate %.1f", truth, iv.Low, iv.High, totalPurchases(t, m.Params(), cs, z, 52))
		}
	}
	share := float64(covered) / float64(reps)
	t.Logf("covered in %d of %d replications", covered, reps)
	if long && !(share >= 0.85 && share <= 0.95) || !long && covered < 7 {
		t.Errorf("90%% intervals covered the truth in %d of %d replications", covered, reps)
	}
}

// TestSampleParams: the draws' γ have the estimate's mean and standard
// errors (to 10% on 4,000 draws), a coefficient held at 0 stays 0, a
// shared one is the same on both processes; no covariance is an error.
func TestSampleParams(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	n := 3000
	z := clv.Covariates{Names: drawTruth.Names, Values: make([][]float64, n)}
	T := make([]float64, n)
	for i := range n {
		z.Values[i] = []float64{float64(rng.IntN(2)), float64(rng.IntN(2))}
		T[i] = 52
	}
	sim, _ := paretonbd.NewCovariates(drawTruth)
	cs, _ := sim.Simulate(rand.NewPCG(1, 1), T, z)
	m, err := paretonbd.FitCovariates(context.Background(), cs, z, paretonbd.CovFitOptions{NoDropout: []string{"loyalty"}, Same: []string{"online"}})
	if err != nil {
		t.Fatal(err)
	}
	se, _ := m.StdErrors()
	draws, err := m.SampleParams(rand.NewPCG(2, 2), 4000)
	if err != nil {
		t.Fatal(err)
	}
	var g, g2, lr float64
	for _, d := range draws {
		if d.Life[0] != 0 || d.Trans[1] != d.Life[1] || !(d.Alpha > 0) {
			t.Fatalf("draw %+v", d)
		}
		g += d.Trans[0]
		g2 += d.Trans[0] * d.Trans[0]
		lr += math.Log(d.R)
	}
	N := float64(len(draws))
	mean, sd := g/N, math.Sqrt(g2/N-g*g/N/N)
	if p := m.Params(); math.Abs(mean-p.Trans[0]) > 0.1*se.Trans[0] || math.Abs(sd/se.Trans[0]-1) > 0.1 || math.Abs(lr/N-math.Log(p.R)) > 0.1*se.R/p.R {
		t.Errorf("draws of trans.loyalty: mean %v sd %v, estimate %v se %v", mean, sd, p.Trans[0], se.Trans[0])
	}
	a, _ := m.SampleParams(rand.NewPCG(9, 9), 3)
	b, _ := m.SampleParams(rand.NewPCG(9, 9), 3)
	if !slices.EqualFunc(a, b, func(x, y paretonbd.CovParams) bool { return x.Params == y.Params && slices.Equal(x.Trans, y.Trans) }) {
		t.Error("draws differ for one seed")
	}
	if _, err := sim.SampleParams(rand.NewPCG(1, 1), 3); err == nil {
		t.Error("no covariance: no error")
	}
	if _, err := m.SampleParams(nil, 3); err == nil {
		t.Error("nil source: no error")
	}
	if _, err := (&paretonbd.CovModel{}).SampleParams(rand.NewPCG(1, 1), 3); err == nil {
		t.Error("zero model: no error")
	}
}
