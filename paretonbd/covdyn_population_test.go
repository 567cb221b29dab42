package paretonbd_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestDynamicPopulationConstant: with constant paths the population
// curves are the static model's at each customer's vector: the tracking
// curve assess.ExpectedCumulativeRepeats and the frequency counts
// ExpectedFrequencyCounts of CovModel.Customer(z), added over the two
// vectors, to 1e-9 relative.
func TestDynamicPopulationConstant(t *testing.T) {
	p := paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 0.6, Beta: 40},
		Names: []string{"season", "web"}, Trans: []float64{0.7, 0.3}, Life: []float64{-0.5, 0.4}}
	dm, err := paretonbd.NewDynamic(p)
	if err != nil {
		t.Fatal(err)
	}
	cm, err := paretonbd.NewCovariates(p)
	if err != nil {
		t.Fatal(err)
	}
	zs := [][]float64{{1, 0}, {0.3, 1}}
	var all []clv.Customer
	var paths []clv.CovariatePath
	groups := make([][]clv.Customer, len(zs))
	for i := range 300 {
		g := i % 2
		T := float64(104 - (i*37)%97)
		if i < 2 {
			T = 104 // both groups observed from the earliest first purchase
		}
		c := clv.Customer{ID: "c", T: T}
		all = append(all, c)
		groups[g] = append(groups[g], c)
		paths = append(paths, clv.CovariatePath{Start: []float64{0}, Values: [][]float64{zs[g]}})
	}
	at := []float64{0, 52, 3.5, 104, 200, 20}
	got, err := dm.ExpectedCumulativeRepeats(all, paths, at)
	if err != nil {
		t.Fatal(err)
	}
	gotF, err := dm.ExpectedFrequencyCounts(all, paths, 7)
	if err != nil {
		t.Fatal(err)
	}
	want, wantF := make([]float64, len(at)), make([]float64, 8)
	for g, z := range zs {
		sm, err := cm.Customer(z)
		if err != nil {
			t.Fatal(err)
		}
		e, err := assess.ExpectedCumulativeRepeats(sm, groups[g], at)
		if err != nil {
			t.Fatal(err)
		}
		f, err := sm.ExpectedFrequencyCounts(groups[g], 7)
		if err != nil {
			t.Fatal(err)
		}
		for k := range e {
			want[k] += e[k]
		}
		for k := range f {
			wantF[k] += f[k]
		}
	}
	for k := range at {
		if math.Abs(got[k]-want[k]) > 1e-9*math.Max(1, want[k]) {
			t.Errorf("tracking at %v: %.12g, the static model's %.12g", at[k], got[k], want[k])
		}
	}
	for n := range wantF {
		if math.Abs(gotF[n]-wantF[n]) > 1e-9*math.Max(1, wantF[n]) {
			t.Errorf("frequency count %d: %.12g, the static model's %.12g", n, gotF[n], wantF[n])
		}
	}
	t.Logf("tracking %.6g; counts %.6g", got, gotF)
	if _, err := dm.ExpectedCumulativeRepeats(all, paths[1:], at); !errors.Is(err, clv.ErrInvalidCovariates) {
		t.Errorf("paths too short: %v", err)
	}
	if _, err := dm.ExpectedCumulativeRepeats(all, paths, []float64{math.NaN()}); err == nil {
		t.Errorf("time NaN: no error")
	}
	if _, err := dm.ExpectedFrequencyCounts(all, paths, 0); err == nil {
		t.Errorf("0 bins: no error")
	}
	if _, err := (&paretonbd.DynModel{}).ExpectedFrequencyCounts(all, paths, 3); err == nil {
		t.Errorf("zero model: no error")
	}
}

// TestDynamicPopulationSimulated: 40,000 customers simulated on their own
// seasonal paths (Simulate): the repeat purchases they made by each of
// several times (since the earliest first purchase) and their numbers by
// count of repeat purchases are the model's expectations within 4
// standard errors (the customers independent: the standard error of a
// total from the sample variance of the customers' counts).
func TestDynamicPopulationSimulated(t *testing.T) {
	if testing.Short() {
		t.Skip("40,000 simulated customers")
	}
	truth, err := paretonbd.NewDynamic(dynCoverageTruth)
	if err != nil {
		t.Fatal(err)
	}
	const n = 40000
	rng := rand.New(rand.NewPCG(41, 42))
	T := make([]float64, n)
	paths := make([]clv.CovariatePath, n)
	for i := range n {
		first := rng.IntN(104)
		T[i] = float64(156 - first)
		paths[i] = calendarSeason(first, 156, float64(rng.IntN(2)))
	}
	cs, z, err := truth.Simulate(rand.NewPCG(43, 44), T, paths)
	if err != nil {
		t.Fatal(err)
	}
	at := []float64{10, 30, 45, 52, 80, 100, 130, 156}
	exp, err := truth.ExpectedCumulativeRepeats(cs, paths, at)
	if err != nil {
		t.Fatal(err)
	}
	for k, tau := range at {
		var sum, sq float64
		for i, ts := range z.Purchases {
			s := 156 - T[i]
			c := 0.0
			for _, u := range ts {
				if s+u <= tau {
					c++
				}
			}
			sum += c
			sq += c * c
		}
		se := math.Sqrt(sq - sum*sum/n)
		if math.Abs(sum-exp[k]) > 4*se {
			t.Errorf("repeat purchases by %v: %v, expected %.1f ± %.1f", tau, sum, exp[k], se)
		}
		t.Logf("by %v: %v, expected %.1f ± %.1f", tau, sum, exp[k], se)
	}
	const k = 7
	counts, err := truth.ExpectedFrequencyCounts(cs, paths, k)
	if err != nil {
		t.Fatal(err)
	}
	obs := make([]float64, k+1)
	for _, c := range cs {
		obs[min(int(c.Frequency), k)]++
	}
	total := 0.0
	for b := range obs {
		total += counts[b]
		pb := counts[b] / n
		se := math.Sqrt(n * pb * (1 - pb))
		if math.Abs(obs[b]-counts[b]) > 4*se {
			t.Errorf("customers with %d repeat purchases: %v, expected %.1f ± %.1f", b, obs[b], counts[b], se)
		}
	}
	t.Logf("counts: %v, expected %.1f", obs, counts)
	if math.Abs(total-n) > 1e-6*n {
		t.Errorf("expected counts add up to %v", total)
	}
}

// TestDynamicPopulationDeterministic: the population curves of more
// customers than a chunk (parallel.ChunkSize) are the same bits on one
// core and on many, run after run: the chunks' sums are added in chunk
// order, not in the order the chunks finish.
func TestDynamicPopulationDeterministic(t *testing.T) {
	p := paretonbd.CovParams{Params: paretonbd.Params{R: 0.8, Alpha: 10, S: 0.6, Beta: 40},
		Names: []string{"season"}, Trans: []float64{0.7}, Life: []float64{-0.5}}
	dm, err := paretonbd.NewDynamic(p)
	if err != nil {
		t.Fatal(err)
	}
	n := 3*8192 + 17
	cs := make([]clv.Customer, n)
	paths := make([]clv.CovariatePath, n)
	for i := range cs {
		cs[i] = clv.Customer{T: float64(10 + i%97)}
		paths[i] = clv.CovariatePath{Start: []float64{0, 5}, Values: [][]float64{{float64(i%7) / 7}, {float64(i%3) / 3}}}
	}
	at := []float64{3, 30, 60, 120}
	run := func(procs int) ([]float64, []float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		e, err := dm.ExpectedCumulativeRepeats(cs, paths, at)
		if err != nil {
			t.Fatal(err)
		}
		f, err := dm.ExpectedFrequencyCounts(cs, paths, 5)
		if err != nil {
			t.Fatal(err)
		}
		return e, f
	}
	e1, f1 := run(1)
	for range 6 {
		e, f := run(8)
		if !slices.Equal(e, e1) || !slices.Equal(f, f1) {
			t.Fatalf("on 8 goroutines %v, %v; on one %v, %v", e, f, e1, f1)
		}
	}
}
