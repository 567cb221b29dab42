package gammagamma_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/gammagamma"
)

// TestCovSampleParams: the draws of δ have the estimate's mean and
// standard errors (to 4 standard errors of the sample mean, and 8%
// on the standard deviation, for 4000 draws), ln γ its delta-method
// spread, every draw valid; the same source gives the same draws; a model
// without a covariance and the zero model are errors.
func TestCovSampleParams(t *testing.T) {
	cs, z := covSample(t, covTruth, 3000, 21)
	m, err := gammagamma.FitCovariates(context.Background(), cs, z, gammagamma.CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	se, _ := m.StdErrors()
	p := m.Params()
	const n = 4000
	draws, err := m.SampleParams(rand.NewPCG(1, 2), n)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := m.SampleParams(rand.NewPCG(1, 2), n)
	if !slices.EqualFunc(draws, again, func(a, b gammagamma.CovParams) bool {
		return a.Params == b.Params && slices.Equal(a.Spend, b.Spend)
	}) {
		t.Error("the same source gave different draws")
	}
	moments := func(f func(gammagamma.CovParams) float64) (mean, sd float64) {
		for _, d := range draws {
			mean += f(d) / n
		}
		for _, d := range draws {
			sd += (f(d) - mean) * (f(d) - mean) / (n - 1)
		}
		return mean, math.Sqrt(sd)
	}
	check := func(name string, f func(gammagamma.CovParams) float64, want, wantSD float64) {
		mean, sd := moments(f)
		if math.Abs(mean-want) > 4*wantSD/math.Sqrt(n) || math.Abs(sd/wantSD-1) > 0.08 {
			t.Errorf("%s: draws' mean %.5g sd %.4g, want %.5g and %.4g", name, mean, sd, want, wantSD)
		}
	}
	for j, name := range p.Names {
		check("spend."+name, func(d gammagamma.CovParams) float64 { return d.Spend[j] }, p.Spend[j], se.Spend[j])
	}
	check("ln gamma", func(d gammagamma.CovParams) float64 { return math.Log(d.Gamma) }, math.Log(p.Gamma), se.Gamma/p.Gamma)
	for _, d := range draws {
		if err := d.Validate(); err != nil || !slices.Equal(d.Names, p.Names) {
			t.Fatalf("draw %+v: %v", d, err)
		}
	}
	given, _ := gammagamma.NewCovariates(p)
	if _, err := given.SampleParams(rand.NewPCG(1, 2), 3); err == nil {
		t.Error("a model without a covariance gave draws")
	}
	var zero gammagamma.CovModel
	if _, err := zero.SampleParams(rand.NewPCG(1, 2), 3); err == nil {
		t.Error("the zero model gave draws")
	}
}

// TestCovSampleParamsCoverage: over 10 replications of simulate–fit–draw,
// the 90% interval (300 draws) of the mean spend per purchase of online
// customers of size 1 covers the true one in at least 7 (a binomial(10,
// 0.9) falls below 7 with probability 0.013).
func TestCovSampleParamsCoverage(t *testing.T) {
	zq := []float64{1, 1}
	truth, _ := gammagamma.NewCovariates(covTruth)
	want := truth.PopulationMean(zq)
	covered := 0
	for rep := range 10 {
		cs, z := covSample(t, covTruth, 1500, uint64(100+rep))
		m, err := gammagamma.FitCovariates(context.Background(), cs, z, gammagamma.CovFitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		draws, err := m.SampleParams(rand.NewPCG(uint64(rep), 5), 300)
		if err != nil {
			t.Fatal(err)
		}
		means := make([]float64, len(draws))
		for d, p := range draws {
			dm, err := gammagamma.NewCovariates(p)
			if err != nil {
				t.Fatal(err)
			}
			means[d] = dm.PopulationMean(zq)
		}
		if iv := interval.FromDraws(means, 0.9); iv.Low <= want && want <= iv.High {
			covered++
		}
	}
	if covered < 7 {
		t.Errorf("the 90%% interval covered the true mean spend in %d of 10 replications", covered)
	}
}
