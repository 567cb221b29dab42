package plots

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// TestNthAndHistogram: nth gives the sorted slice's k-th value and
// histogram the bins plotter.NewHist gives for the values at most the cut,
// on skewed values with many ties, all-equal values, signed zeros and
// small inputs.
func TestNthAndHistogram(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var cases [][]float64
	for _, n := range []int{1, 2, 3, 17, 100, 1000, 100_000} {
		skewed := make([]float64, n)
		ties := make([]float64, n)
		for i := range skewed {
			skewed[i] = rng.ExpFloat64() * rng.ExpFloat64() * 100
			ties[i] = float64(rng.IntN(5))
		}
		cases = append(cases, skewed, ties, make([]float64, n))
	}
	cases = append(cases, []float64{0, math.Copysign(0, -1), 1, -1, 0, 2}, []float64{-3, -2, -1, 5})
	for ci, vs := range cases {
		sorted := slices.Clone(vs)
		slices.Sort(sorted)
		for _, k := range []int{0, len(vs) / 2, min(len(vs)-1, int(0.99*float64(len(vs)))), len(vs) - 1} {
			v := slices.Clone(vs)
			got := nth(v, k)
			if got != sorted[k] {
				t.Fatalf("case %d, n %d: nth(%d) = %v, sorted %v", ci, len(vs), k, got, sorted[k])
			}
			var shown plotter.Values
			for _, x := range sorted {
				if x <= got {
					shown = append(shown, x)
				}
			}
			want, err := plotter.NewHist(shown, 40)
			if err != nil {
				t.Fatal(err)
			}
			h := histogram(v, got, 40)
			if h.Width != want.Width || !slices.Equal(h.Bins, want.Bins) || !reflect.DeepEqual(h.LineStyle, want.LineStyle) || h.FillColor != want.FillColor {
				t.Fatalf("case %d, n %d, k %d: histogram %v (width %v), plotter.NewHist %v (width %v)", ci, len(vs), k, h.Bins, h.Width, want.Bins, want.Width)
			}
		}
	}
	// Where (x − min)/width rounds to the number of bins, plotter.NewHist
	// panics; histogram counts x in the last bin.
	if _, err := CLVDistribution([]float64{-3, -2, -1e300, 1e300}, ""); err != nil {
		t.Error(err)
	}
	// An organ pipe, a hard case for pivots by the median of three.
	v := make([]float64, 1<<16)
	for i := range v { // organ pipe
		v[i] = float64(min(i, len(v)-i))
	}
	sorted := slices.Sorted(slices.Values(v))
	if got := nth(slices.Clone(v), len(v)/3); got != sorted[len(v)/3] {
		t.Errorf("organ pipe: nth = %v, want %v", got, sorted[len(v)/3])
	}
}

// TestNthFinite: nthFinite gives the k-th smallest of the finite values,
// as nth of them does, leaving v as it was, on inputs above and below the
// size at which it samples: skewed values, ties, values in ascending and
// descending order (strided samples of sorted data), and NaN and ±Inf
// among them; and CLVDistribution's histogram leaves the non-finite
// values out.
func TestNthFinite(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{5, 1000, 4 * nthSample, 100_000} {
		skewed, ties, nonFinite := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range skewed {
			skewed[i] = rng.ExpFloat64() * rng.ExpFloat64() * 100
			ties[i] = float64(rng.IntN(3))
			switch nonFinite[i] = rng.NormFloat64(); rng.IntN(10) {
			case 0:
				nonFinite[i] = math.NaN()
			case 1:
				nonFinite[i] = math.Inf(1)
			case 2:
				nonFinite[i] = math.Inf(-1)
			}
		}
		asc := slices.Sorted(slices.Values(skewed))
		desc := slices.Clone(asc)
		slices.Reverse(desc)
		// Mostly zeros with a tail: the sample's bound sits on the ties.
		zeros := make([]float64, n)
		for i := range n / 50 {
			zeros[rng.IntN(n)] = float64(i + 1)
		}
		for ci, vs := range [][]float64{skewed, ties, nonFinite, asc, desc, zeros} {
			var fin []float64
			for _, x := range vs {
				if finite(x) {
					fin = append(fin, x)
				}
			}
			sorted := slices.Sorted(slices.Values(fin))
			before := slices.Clone(vs)
			for _, k := range []int{0, len(fin) / 2, min(len(fin)-1, int(0.99*float64(len(fin)))), len(fin) - 1} {
				if got := nthFinite(vs, len(fin), k); got != sorted[k] {
					t.Fatalf("case %d, n %d: nthFinite(%d) = %v, want %v", ci, n, k, got, sorted[k])
				}
			}
			for i := range vs {
				if math.Float64bits(vs[i]) != math.Float64bits(before[i]) {
					t.Fatalf("case %d, n %d: nthFinite changed v[%d]", ci, n, i)
				}
			}
			cut := sorted[min(len(fin)-1, int(0.99*float64(len(fin))))]
			h, want := histogram(vs, cut, 40), histogram(fin, cut, 40)
			if h.Width != want.Width || !slices.Equal(h.Bins, want.Bins) {
				t.Fatalf("case %d, n %d: histogram with non-finite values %v, without %v", ci, n, h.Bins, want.Bins)
			}
		}
	}
}
