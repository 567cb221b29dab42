package bgnbd_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
)

// TestBootstrap: the spread of 200 bootstrap estimates matches the
// standard errors from the Hessian (within 20%), and the replicates are
// deterministic for a seed.
func TestBootstrap(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the bootstrap in short mode")
	}
	cs, err := cdnowParams.Simulate(rand.NewPCG(5, 5), uniformT(20000, 26, 52, 5))
	if err != nil {
		t.Fatal(err)
	}
	m, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	reps, err := m.Bootstrap(context.Background(), cs, bgnbd.FitOptions{}, 200, 1)
	if err != nil {
		t.Fatal(err)
	}
	se, _ := m.StdErrors()
	for k, want := range se.Vector() {
		var mean, v float64
		for _, p := range reps {
			mean += p.Vector()[k] / float64(len(reps))
		}
		for _, p := range reps {
			d := p.Vector()[k] - mean
			v += d * d / float64(len(reps)-1)
		}
		if sd := math.Sqrt(v); math.Abs(sd-want) > 0.2*want {
			t.Errorf("parameter %d: bootstrap sd %.4g, Hessian standard error %.4g", k, sd, want)
		}
	}
	again, _ := m.Bootstrap(context.Background(), cs, bgnbd.FitOptions{}, 3, 1)
	for i := range again {
		if again[i] != reps[i] {
			t.Errorf("replicate %d differs between runs", i)
		}
	}
}

// BenchmarkBootstrap1e6: 200 bootstrap replicates of the BG/NBD fit on 10⁶
// customers with times in whole days.
func BenchmarkBootstrap1e6(b *testing.B) {
	cs := benchCustomers(b, 1_000_000)
	m, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := m.Bootstrap(context.Background(), cs, bgnbd.FitOptions{}, 200, 1); err != nil {
			b.Fatal(err)
		}
	}
}
