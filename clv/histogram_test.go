package clv_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestHistogramFit: fitting from the merged histograms of shards gives the
// fit of the customers themselves, to 1e-9 relative, for BG/NBD and
// Pareto/NBD.
func TestHistogramFit(t *testing.T) {
	truth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	rng := rand.New(rand.NewPCG(1, 2))
	T := make([]float64, 50000)
	for i := range T {
		T[i] = float64(1+rng.IntN(365)) / 7
	}
	cs, err := truth.Simulate(rand.NewPCG(3, 4), T)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Min(math.Round(cs[i].Recency*7)/7, cs[i].T)
	}
	shards := make([]clv.Histogram, 7)
	for i, c := range cs {
		if err := shards[i%7].Add(c, 1); err != nil {
			t.Fatal(err)
		}
	}
	var h clv.Histogram
	for i := range shards {
		b, _ := shards[i].MarshalBinary() // as between machines
		var back clv.Histogram
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		h.Merge(&back)
	}
	var plain clv.Histogram
	for i := range shards {
		plain.Merge(&shards[i])
	}
	if a, b := h.Rows(), plain.Rows(); len(a) != len(b) || a[len(a)/2] != b[len(b)/2] {
		t.Error("the histogram changes through its binary encoding")
	}
	var bad clv.Histogram
	if err := bad.UnmarshalBinary([]byte{1, 2, 3}); err == nil {
		t.Error("corrupt encoding accepted")
	}
	hc, w := h.Customers()
	if h.Len() >= len(cs)/2 || len(hc) != h.Len() {
		t.Errorf("%d rows for %d customers", h.Len(), len(cs))
	}
	direct, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fromH, err := bgnbd.Fit(hc, bgnbd.FitOptions{Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range direct.Params().Vector() {
		if u := fromH.Params().Vector()[i]; math.Abs(u-v) > 1e-9*v {
			t.Errorf("BG/NBD parameter %d: %v from the histogram, %v directly", i, u, v)
		}
	}
	pd, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ph, err := paretonbd.Fit(hc, paretonbd.FitOptions{Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range pd.Params().Vector() {
		if u := ph.Params().Vector()[i]; math.Abs(u-v) > 1e-9*v {
			t.Errorf("Pareto/NBD parameter %d: %v from the histogram, %v directly", i, u, v)
		}
	}
	if err := h.Add(clv.Customer{Frequency: -1}, 1); err == nil {
		t.Error("invalid customer accepted")
	}
	t.Logf("%d customers, %d histogram rows", len(cs), h.Len())
}
