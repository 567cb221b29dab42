package bgnbd_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestExpectedFrequencyCounts checks the fit histogram three ways: against
// the per-customer sum of ProbabilityOfPurchasesUnconditional, against its
// total (every customer falls in one bin), and against the observed counts
// of customers simulated from the same parameters.
func TestExpectedFrequencyCounts(t *testing.T) {
	m := mustNew(t, cdnowParams)
	Ts := uniformT(40000, 20, 60, 7)
	for i := range Ts {
		Ts[i] = math.Round(Ts[i]*7) / 7 // whole days, in weeks: a few hundred distinct T
	}
	cs, err := cdnowParams.Simulate(rand.NewPCG(21, 22), Ts)
	if err != nil {
		t.Fatal(err)
	}
	const k = 7
	got, err := m.ExpectedFrequencyCounts(cs, k)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, k+1)
	obs := make([]float64, k+1)
	for _, c := range cs {
		tail := 1.0
		for n := range k {
			p := m.ProbabilityOfPurchasesUnconditional(n, c.T)
			want[n] += p
			tail -= p
		}
		want[k] += tail
		obs[min(int(c.Frequency), k)]++
	}
	total := 0.0
	for n := range got {
		total += got[n]
		if math.Abs(got[n]-want[n]) > 1e-9*want[n] {
			t.Errorf("bin %d: %v, per-customer sum %v", n, got[n], want[n])
		}
		// Simulated counts are within 4 standard deviations (binomial).
		if sd := math.Sqrt(got[n]); math.Abs(obs[n]-got[n]) > 4*sd+1 {
			t.Errorf("bin %d: expected %.1f, simulated %v (sd %.1f)", n, got[n], obs[n], sd)
		}
	}
	if math.Abs(total-float64(len(cs))) > 1e-8*float64(len(cs)) {
		t.Errorf("the bins add up to %v, want %d", total, len(cs))
	}

	for _, k := range []int{0, -1, 1<<16 + 1} {
		if _, err := m.ExpectedFrequencyCounts(cs, k); err == nil {
			t.Errorf("k = %d: no error", k)
		}
	}
	bad := []clv.Customer{{Frequency: 1, Recency: 5, T: 4}}
	if _, err := m.ExpectedFrequencyCounts(bad, 3); err == nil {
		t.Error("recency > T: no error")
	}
}
