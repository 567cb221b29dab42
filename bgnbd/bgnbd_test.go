package bgnbd_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/reftest"
)

var cdnowParams = bgnbd.Params{R: 0.2425929282798216, Alpha: 4.4135322652718125, A: 0.7928859664406493, B: 2.42575238262571}

func mustNew(t testing.TB, p bgnbd.Params) *bgnbd.Model {
	m, err := bgnbd.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var propCustomers = []clv.Customer{
	{Frequency: 0, Recency: 0, T: 38.86},
	{Frequency: 2, Recency: 30.43, T: 38.86},
	{Frequency: 1, Recency: 1.71, T: 38.86},
	{Frequency: 7, Recency: 38, T: 38.5},
	{Frequency: 29, Recency: 35.2, T: 38.86},
	{Frequency: 3, Recency: 3, T: 3},
}

// TestPMFProperties: the conditional PMF sums to 1 over n and its mean is
// ConditionalExpectedPurchases; the same for the unconditional PMF and
// ExpectedPurchases.
func TestPMFProperties(t *testing.T) {
	const tol = 1e-6
	for i, p := range []bgnbd.Params{cdnowParams, {R: 2, Alpha: 3, A: 1.5, B: 4}, {R: 0.8, Alpha: 10, A: 0.4, B: 0.9},
		{R: 0.52, Alpha: 6.2, A: 0.89, B: 1.6}, {R: 2, Alpha: 3, A: 1.5, B: 4}} {
		v := bgnbd.BGNBD
		if i >= 3 {
			v = bgnbd.MBGNBD
		}
		m, err := bgnbd.NewVariant(v, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []float64{1, 10, 39, 52} {
			sum, mean := 0.0, 0.0
			for n := range 3000 {
				v := m.ProbabilityOfPurchasesUnconditional(n, tt)
				if !(v >= 0 && v <= 1) {
					t.Fatalf("%+v: P(X(%v)=%d) = %v", p, tt, n, v)
				}
				sum += v
				mean += float64(n) * v
			}
			if math.Abs(sum-1) > tol || relErr(mean, m.ExpectedPurchases(tt)) > tol {
				t.Errorf("%+v t=%v: Σ P = %.9f, mean %.9f, E[X(t)] %.9f", p, tt, sum, mean, m.ExpectedPurchases(tt))
			}
			for _, c := range propCustomers {
				sum, mean := 0.0, 0.0
				for n := range 3000 {
					v := m.ProbabilityOfPurchases(c, n, tt)
					if !(v >= 0 && v <= 1) {
						t.Fatalf("%+v %+v: P(Y(%v)=%d) = %v", p, c, tt, n, v)
					}
					sum += v
					mean += float64(n) * v
				}
				want := m.ConditionalExpectedPurchases(c, tt)
				if math.Abs(sum-1) > tol || relErr(mean, want) > tol {
					t.Errorf("%+v %+v t=%v: Σ P = %.9f, mean %.9f, E[Y(t)] %.9f", p, c, tt, sum, mean, want)
				}
			}
		}
	}
}

func TestMonotoneAndBounds(t *testing.T) {
	m := mustNew(t, cdnowParams)
	for _, c := range propCustomers {
		pa := m.ProbabilityAlive(c)
		if !(pa > 0 && pa <= 1) || (c.Frequency == 0 && pa != 1) {
			t.Errorf("%+v: P(alive) = %v", c, pa)
		}
		prev := 0.0
		for _, tt := range []float64{0, 0.5, 1, 5, 10, 39, 100, 1000, 10000} {
			e := m.ConditionalExpectedPurchases(c, tt)
			if !(e >= prev) || (tt == 0 && e != 0) {
				t.Errorf("%+v: E[Y(%v)] = %v after %v: not increasing", c, tt, e, prev)
			}
			prev = e
		}
	}
	// P(alive) decreases as the time since the last purchase grows.
	prev := 1.0
	for T := 10.0; T <= 100; T += 10 {
		pa := m.ProbabilityAlive(clv.Customer{Frequency: 3, Recency: 10, T: T})
		if !(pa < prev) {
			t.Errorf("P(alive) at T=%v = %v, not below %v", T, pa, prev)
		}
		prev = pa
	}
}

func TestExtremeInputs(t *testing.T) {
	m := mustNew(t, cdnowParams)
	for _, c := range []clv.Customer{
		{Frequency: 10000, Recency: 10000, T: 10000},
		{Frequency: 10000, Recency: 1, T: 10000},
		{Frequency: 1, Recency: 0, T: 10000},
		{Frequency: 0, Recency: 0, T: 0},
		{Frequency: 1e6, Recency: 1e6, T: 1e6},
	} {
		for _, tt := range []float64{0, 1e-9, 1, 1e4} {
			pa, e := m.ProbabilityAlive(c), m.ConditionalExpectedPurchases(c, tt)
			if math.IsNaN(pa) || math.IsInf(pa, 0) || math.IsNaN(e) || math.IsInf(e, 0) || e < 0 {
				t.Errorf("%+v t=%v: P(alive) %v, E %v", c, tt, pa, e)
			}
			for _, n := range []int{0, 1, 10000} {
				if v := m.ProbabilityOfPurchases(c, n, tt); !(v >= 0 && v <= 1) {
					t.Errorf("%+v: P(Y(%v)=%d) = %v", c, tt, n, v)
				}
			}
		}
	}
	// Invalid input gives NaN, not a number that looks right.
	for _, c := range []clv.Customer{{Frequency: 1, Recency: 5, T: 4}, {Frequency: -1, T: 2}, {Frequency: 0, Recency: 1, T: 2}, {Frequency: 1.5, Recency: 1, T: 2}} {
		if v := m.ProbabilityAlive(c); !math.IsNaN(v) {
			t.Errorf("%+v: P(alive) = %v, want NaN", c, v)
		}
		if v := m.ConditionalExpectedPurchases(c, 1); !math.IsNaN(v) {
			t.Errorf("%+v: E = %v, want NaN", c, v)
		}
	}
	for _, tt := range []float64{-1, math.NaN(), math.Inf(1)} {
		if v := m.ExpectedPurchases(tt); !math.IsNaN(v) {
			t.Errorf("E[X(%v)] = %v, want NaN", tt, v)
		}
	}
	if _, err := m.ConditionalExpectedPurchasesAll(propCustomers, -1); err == nil {
		t.Error("negative horizon accepted")
	}
	if _, err := m.ProbabilityAliveAll([]clv.Customer{{Frequency: 1, Recency: 5, T: 4}}); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("invalid customer: %v", err)
	}
}

func TestBatchMatchesSingle(t *testing.T) {
	cs, err := cdnowParams.Simulate(rand.NewPCG(3, 4), uniformT(50000, 20, 60, 5))
	if err != nil {
		t.Fatal(err)
	}
	m := mustNew(t, cdnowParams)
	pa, err := m.ProbabilityAliveAll(cs)
	if err != nil {
		t.Fatal(err)
	}
	ce, err := m.ConditionalExpectedPurchasesAll(cs, 39)
	if err != nil {
		t.Fatal(err)
	}
	ts := []float64{1, 4.345, 39, 52}
	curve := make([]float64, len(ts))
	for i, c := range cs {
		if pa[i] != m.ProbabilityAlive(c) || ce[i] != m.ConditionalExpectedPurchases(c, 39) {
			t.Fatalf("customer %d: batch differs from single", i)
		}
		m.ConditionalExpectedPurchasesAt(c, ts, curve)
		for k, tt := range ts {
			if curve[k] != m.ConditionalExpectedPurchases(c, tt) {
				t.Fatalf("customer %d, t=%v: curve %v, single %v", i, tt, curve[k], m.ConditionalExpectedPurchases(c, tt))
			}
		}
	}
}

func TestProbabilityAliveHistory(t *testing.T) {
	m := mustNew(t, cdnowParams)
	purchases := []float64{10, 12, 20} // first purchase at 10
	got, err := m.ProbabilityAliveHistory(purchases, []float64{5, 10, 11, 12, 15, 20, 30})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{
		math.NaN(), 1, 1,
		m.ProbabilityAlive(clv.Customer{Frequency: 1, Recency: 2, T: 2}),
		m.ProbabilityAlive(clv.Customer{Frequency: 1, Recency: 2, T: 5}),
		m.ProbabilityAlive(clv.Customer{Frequency: 2, Recency: 10, T: 10}),
		m.ProbabilityAlive(clv.Customer{Frequency: 2, Recency: 10, T: 20}),
	}
	for i := range want {
		if !(got[i] == want[i] || math.IsNaN(got[i]) && math.IsNaN(want[i])) {
			t.Errorf("at %d: %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := m.ProbabilityAliveHistory(nil, []float64{1}); err == nil {
		t.Error("no purchases accepted")
	}
}

func TestNewValidates(t *testing.T) {
	for _, p := range []bgnbd.Params{{}, {R: -1, Alpha: 1, A: 1, B: 1}, {R: 1, Alpha: math.NaN(), A: 1, B: 1}, {R: 1, Alpha: 1, A: math.Inf(1), B: 1}} {
		if _, err := bgnbd.New(p); !errors.Is(err, bgnbd.ErrInvalidParams) {
			t.Errorf("New(%+v): %v", p, err)
		}
	}
}

func TestFitErrors(t *testing.T) {
	good := []clv.Customer{{Frequency: 1, Recency: 1, T: 2}}
	tests := []struct {
		name string
		cs   []clv.Customer
		opts bgnbd.FitOptions
	}{
		{"empty", nil, bgnbd.FitOptions{}},
		{"recency > T", []clv.Customer{{Frequency: 1, Recency: 3, T: 2}}, bgnbd.FitOptions{}},
		{"NaN", []clv.Customer{{Frequency: math.NaN(), T: 2}}, bgnbd.FitOptions{}},
		{"all T zero", []clv.Customer{{}}, bgnbd.FitOptions{}},
		{"weights length", good, bgnbd.FitOptions{Weights: []float64{1, 2}}},
		{"negative weight", good, bgnbd.FitOptions{Weights: []float64{-1}}},
		{"negative penalizer", good, bgnbd.FitOptions{Penalizer: -1}},
		{"bad start", good, bgnbd.FitOptions{Start: &bgnbd.Params{}}},
	}
	for _, tt := range tests {
		if m, err := bgnbd.Fit(tt.cs, tt.opts); err == nil {
			t.Errorf("%s: no error (model %v)", tt.name, m)
		}
	}
	// A fit that cannot converge in 2 iterations says so and returns its
	// best point.
	cs, _ := cdnowParams.Simulate(rand.NewPCG(1, 1), uniformT(2000, 30, 40, 0))
	m, err := bgnbd.Fit(cs, bgnbd.FitOptions{MaxIter: 2})
	if !errors.Is(err, bgnbd.ErrNotConverged) || m == nil || m.FitInfo().Status == clv.Converged {
		t.Errorf("MaxIter 2: err %v, model %v", err, m)
	}
}

// TestWeightsAndCompression: duplicating customers and weighting them give
// the same fit.
func TestWeightsAndCompression(t *testing.T) {
	cs, _ := cdnowParams.Simulate(rand.NewPCG(5, 6), uniformT(3000, 30, 40, 0))
	w := make([]float64, len(cs))
	var dup []clv.Customer
	for i := range cs {
		w[i] = float64(1 + i%3)
		for range 1 + i%3 {
			dup = append(dup, cs[i])
		}
	}
	a, err := bgnbd.Fit(cs, bgnbd.FitOptions{Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	b, err := bgnbd.Fit(dup, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pa, pb := a.Params(), b.Params()
	if relErr(pa.R, pb.R) > 1e-6 || relErr(pa.B, pb.B) > 1e-6 || relErr(a.LogLikelihood(), b.LogLikelihood()) > 1e-9 {
		t.Errorf("weighted %v vs duplicated %v", a, b)
	}
}

// TestPenalizer: a penalty shrinks the parameters and leaves a lower
// likelihood.
func TestPenalizer(t *testing.T) {
	cs, _ := cdnowParams.Simulate(rand.NewPCG(7, 8), uniformT(5000, 30, 40, 0))
	free, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pen, err := bgnbd.Fit(cs, bgnbd.FitOptions{Penalizer: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if !(pen.LogLikelihood() < free.LogLikelihood()) || !(pen.Params().B < free.Params().B) {
		t.Errorf("penalized %v, free %v", pen, free)
	}
}

func TestDeterministicAcrossProcs(t *testing.T) {
	cs, _ := cdnowParams.Simulate(rand.NewPCG(9, 10), uniformT(40000, 20, 60, 3))
	old := runtime.GOMAXPROCS(1)
	one, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	runtime.GOMAXPROCS(4)
	four, err2 := bgnbd.Fit(cs, bgnbd.FitOptions{})
	runtime.GOMAXPROCS(old)
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	if one.Params() != four.Params() || one.LogLikelihood() != four.LogLikelihood() {
		t.Errorf("GOMAXPROCS 1: %v, 4: %v", one, four)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	cs, _ := cdnowParams.Simulate(rand.NewPCG(11, 12), uniformT(3000, 30, 40, 0))
	m, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back bgnbd.Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	se1, _ := m.StdErrors()
	se2, ok := back.StdErrors()
	if back.Params() != m.Params() || back.LogLikelihood() != m.LogLikelihood() || se1 != se2 || !ok ||
		back.FitInfo().Customers != 3000 || back.FitInfo() != m.FitInfo() {
		t.Errorf("round trip: %s", b)
	}
	c := clv.Customer{Frequency: 2, Recency: 5, T: 30}
	if back.ConditionalExpectedPurchases(c, 10) != m.ConditionalExpectedPurchases(c, 10) {
		t.Error("scores differ after the round trip")
	}
	for _, bad := range []string{`{"model":"gammagamma","params":{"r":1,"alpha":1,"a":1,"b":1}}`, `{"model":"bgnbd","params":{"r":-1,"alpha":1,"a":1,"b":1}}`, `{"model":`} {
		var x bgnbd.Model
		if err := json.Unmarshal([]byte(bad), &x); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

// uniformT returns n observation lengths from lo to hi, rounded to whole
// days of a weekly unit when days > 0 (as summaries of real logs are).
func uniformT(n int, lo, hi float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 99))
	T := make([]float64, n)
	for i := range T {
		T[i] = lo + (hi-lo)*rng.Float64()
	}
	return T
}

// TestWarmStartAgrees: above 50,000 distinct rows Fit starts from a
// subsample and Newton steps; the result must agree with a cold fit, and
// so must the standard errors, which the warm fit takes from the analytic
// Hessian and the cold one (given a Start) from central differences.
func TestWarmStartAgrees(t *testing.T) {
	cs, _ := cdnowParams.Simulate(rand.NewPCG(13, 14), uniformT(60000, 20, 60, 4))
	warm, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cold, err := bgnbd.Fit(cs, bgnbd.FitOptions{Start: &bgnbd.Params{R: 1, Alpha: 6, A: 1, B: 1}})
	if err != nil {
		t.Fatal(err)
	}
	w, c := warm.Params(), cold.Params()
	if warm.FitInfo().Rows <= 50000 {
		t.Fatalf("%d rows: the warm start was not used", warm.FitInfo().Rows)
	}
	if relErr(w.R, c.R) > 1e-5 || relErr(w.Alpha, c.Alpha) > 1e-5 || relErr(w.A, c.A) > 1e-4 || relErr(w.B, c.B) > 1e-4 ||
		math.Abs(warm.LogLikelihood()-cold.LogLikelihood()) > 1e-5 {
		t.Errorf("warm %v, cold %v", warm, cold)
	}
	sw, okw := warm.StdErrors()
	sc, okc := cold.StdErrors()
	if !okw || !okc || relErr(sw.R, sc.R) > 1e-3 || relErr(sw.Alpha, sc.Alpha) > 1e-3 || relErr(sw.A, sc.A) > 1e-3 || relErr(sw.B, sc.B) > 1e-3 {
		t.Errorf("standard errors: warm %+v, cold %+v", sw, sc)
	}
}

// TestBatchTableMatchesSingle: with times in whole days, the batch method
// evaluates the series once per distinct (x, T); results must equal the
// per-customer method bit for bit.
func TestBatchTableMatchesSingle(t *testing.T) {
	T := uniformT(30000, 20, 60, 8)
	for i := range T {
		T[i] = math.Round(T[i]*7) / 7
	}
	cs, err := cdnowParams.Simulate(rand.NewPCG(15, 16), T)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Min(math.Round(cs[i].Recency*7)/7, cs[i].T)
	}
	m := mustNew(t, cdnowParams)
	got, err := m.ConditionalExpectedPurchasesAll(cs, 26)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		if want := m.ConditionalExpectedPurchases(c, 26); got[i] != want {
			t.Fatalf("customer %d %+v: batch %v, single %v", i, c, got[i], want)
		}
	}
	ts := []float64{4.345, 26, 52.14}
	curves, err := m.ConditionalExpectedPurchasesAtAll(cs, ts)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		for j, tt := range ts {
			if want := m.ConditionalExpectedPurchases(c, tt); curves[i*len(ts)+j] != want {
				t.Fatalf("customer %d, t=%v: curves %v, single %v", i, tt, curves[i*len(ts)+j], want)
			}
		}
	}
	// Discounted purchases: P(alive)·Σ w_j (f_j − f_{j−1}) from the table,
	// against the sum of per-customer expectations. The two round
	// differently, hence 1e-12 relative.
	w := []float64{0.99, 0.9, 0.8}
	disc, err := m.DiscountedPurchasesAll(cs, ts, w)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		want, prev := 0.0, 0.0
		for j, tt := range ts {
			cum := m.ConditionalExpectedPurchases(c, tt)
			want += w[j] * (cum - prev)
			prev = cum
		}
		if math.Abs(disc[i]-want) > 1e-12*math.Abs(want) {
			t.Fatalf("customer %d: discounted %v, want %v", i, disc[i], want)
		}
	}
	if _, err := m.DiscountedPurchasesAll(cs, ts, w[:2]); err == nil {
		t.Error("weights of the wrong length accepted")
	}
	cs[20000].Recency = cs[20000].T + 1
	if _, err := m.DiscountedPurchasesAll(cs, ts, w); err == nil || !strings.Contains(err.Error(), "customers[20000]") {
		t.Errorf("invalid customer (discounted): %v", err)
	}
	if _, err := m.ConditionalExpectedPurchasesAtAll(cs, ts); err == nil || !strings.Contains(err.Error(), "customers[20000]") {
		t.Errorf("invalid customer (curves): %v", err)
	}
	if _, err := m.ConditionalExpectedPurchasesAll(cs, 26); err == nil || !strings.Contains(err.Error(), "customers[20000]") {
		t.Errorf("invalid customer: %v", err)
	}
}

// TestConcurrentUse: one model scored from many goroutines (run with -race
// in CI) gives the serial results.
func TestConcurrentUse(t *testing.T) {
	m := mustNew(t, cdnowParams)
	cs, _ := cdnowParams.Simulate(rand.NewPCG(17, 18), uniformT(2000, 20, 60, 9))
	want := make([]float64, len(cs))
	for i, c := range cs {
		want[i] = m.ConditionalExpectedPurchases(c, 39) + m.ProbabilityAlive(c)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < len(cs); i += 8 {
				if v := m.ConditionalExpectedPurchases(cs[i], 39) + m.ProbabilityAlive(cs[i]); v != want[i] {
					errs <- fmt.Sprintf("customer %d: %v, serial %v", i, v, want[i])
					return
				}
			}
			if _, err := m.ProbabilityAliveAll(cs); err != nil {
				errs <- err.Error()
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestProbabilityAliveAt: the per-(x, T) form gives exactly
// ProbabilityAlive for both variants; invalid recencies give NaN.
func TestProbabilityAliveAt(t *testing.T) {
	for _, v := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
		m, err := bgnbd.NewVariant(v, bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259})
		if err != nil {
			t.Fatal(err)
		}
		reftest.CheckAliveAt(t, v.String(), m)
	}
}
