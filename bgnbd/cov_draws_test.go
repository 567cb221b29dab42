package bgnbd_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
)

// TestSampleParams: the draws' ln a and γ_life have the estimate's mean
// and standard errors (to 10% on 4,000 draws; ln a's by the delta method,
// σ_a/a), a coefficient held at 0 stays 0; each draw is a valid
// CovModel; a model not fitted has no draws.
func TestSampleParams(t *testing.T) {
	truth := bgnbd.CovParams{Params: bgnbd.Params{R: 0.8, Alpha: 10, A: 0.8, B: 3},
		Names: []string{"loyalty", "online"}, Trans: []float64{0.5, -0.3}, Life: []float64{-0.6, 0.5}}
	cs, z := covSimulate(t, bgnbd.BGNBD, truth, 5000, 4)
	m, err := bgnbd.FitCovariates(context.Background(), cs, z, bgnbd.CovFitOptions{NoPurchase: []string{"online"}})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	se, ok := m.StdErrors()
	if !ok {
		t.Fatal("no standard errors")
	}
	draws, err := m.SampleParams(rand.NewPCG(1, 2), 4000)
	if err != nil {
		t.Fatal(err)
	}
	var la, la2, g, g2 float64
	for _, d := range draws {
		if d.Trans[1] != 0 {
			t.Fatalf("held coefficient drawn: %+v", d)
		}
		if _, err := bgnbd.NewCovariates(bgnbd.BGNBD, d); err != nil {
			t.Fatal(err)
		}
		l := math.Log(d.A)
		la, la2 = la+l, la2+l*l
		g, g2 = g+d.Life[1], g2+d.Life[1]*d.Life[1]
	}
	N := float64(len(draws))
	sd := func(s, s2 float64) float64 { return math.Sqrt(s2/N - s*s/N/N) }
	if math.Abs(la/N-math.Log(p.A)) > 0.1*se.A/p.A || math.Abs(sd(la, la2)/(se.A/p.A)-1) > 0.1 {
		t.Errorf("ln a: mean %v sd %v, want %v sd %v", la/N, sd(la, la2), math.Log(p.A), se.A/p.A)
	}
	if math.Abs(g/N-p.Life[1]) > 0.1*se.Life[1] || math.Abs(sd(g, g2)/se.Life[1]-1) > 0.1 {
		t.Errorf("life.online: mean %v sd %v, want %v sd %v", g/N, sd(g, g2), p.Life[1], se.Life[1])
	}
	tm, _ := bgnbd.NewCovariates(bgnbd.BGNBD, truth)
	if _, err := tm.SampleParams(rand.NewPCG(1, 1), 2); err == nil {
		t.Error("a model not fitted: no error")
	}
	if _, err := (*bgnbd.CovModel)(nil).SampleParams(rand.NewPCG(1, 1), 2); err == nil {
		t.Error("nil model: no error")
	}
}
