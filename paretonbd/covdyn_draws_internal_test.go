package paretonbd

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDynSampleParams: 20,000 draws of a model with a given covariance
// (one coefficient held at its bound: a zero row and column) have the
// covariance of the log base parameters and the coefficients the delta
// method gives, within 5% of each standard deviation and 0.05 of each
// correlation; the held coefficient keeps its value; the same source
// gives the same draws; no covariance or a zero model is an error.
func TestDynSampleParams(t *testing.T) {
	p := CovParams{Params: Params{R: 0.8, Alpha: 10, S: 1.5, Beta: 30}, Names: []string{"season"}, Trans: []float64{0.6}, Life: []float64{-GammaBound}}
	sd := []float64{0.1, 1.5, 0.3, 6, 0.2, 0} // natural scale; life.season held
	corr := func(i, j int) float64 {
		switch {
		case i == j:
			return 1
		case i+j == 1 || i+j == 5 && (i == 2 || i == 3): // r–α, s–β
			return 0.6
		case i == 4 || j == 4:
			return -0.2
		}
		return 0
	}
	const n = 6
	cv := make([]float64, n*n)
	for i := range n {
		for j := range n {
			cv[i*n+j] = corr(i, j) * sd[i] * sd[j]
		}
	}
	m := &DynModel{p: p.clone(), cov: cv}
	draws, err := m.SampleParams(rand.NewPCG(3, 4), 20000)
	if err != nil {
		t.Fatal(err)
	}
	base := []float64{p.R, p.Alpha, p.S, p.Beta}
	vec := func(q CovParams) []float64 {
		return []float64{math.Log(q.R), math.Log(q.Alpha), math.Log(q.S), math.Log(q.Beta), q.Trans[0]}
	}
	mean, want := make([]float64, 5), make([]float64, 5)
	for k := range 4 {
		want[k] = sd[k] / base[k] // delta method on the log scale
	}
	want[4] = sd[4]
	for _, q := range draws {
		if q.Life[0] != -GammaBound {
			t.Fatalf("held coefficient drawn: %v", q.Life[0])
		}
		for k, v := range vec(q) {
			mean[k] += v / float64(len(draws))
		}
	}
	c := make([]float64, 25)
	for _, q := range draws {
		v := vec(q)
		for i := range 5 {
			for j := range 5 {
				c[i*5+j] += (v[i] - mean[i]) * (v[j] - mean[j]) / float64(len(draws)-1)
			}
		}
	}
	for i := range 5 {
		if got := math.Sqrt(c[i*5+i]); math.Abs(got/want[i]-1) > 0.05 {
			t.Errorf("parameter %d: SD %.4g, want %.4g", i, got, want[i])
		}
		for j := range i {
			if got := c[i*5+j] / math.Sqrt(c[i*5+i]*c[j*5+j]); math.Abs(got-corr(i, j)) > 0.05 {
				t.Errorf("parameters %d, %d: correlation %.3f, want %.3f", i, j, got, corr(i, j))
			}
		}
	}
	again, _ := m.SampleParams(rand.NewPCG(3, 4), 3)
	if again[2].R != draws[2].R || again[2].Trans[0] != draws[2].Trans[0] {
		t.Errorf("not deterministic: %+v, %+v", again[2], draws[2])
	}
	if _, err := (&DynModel{p: p.clone()}).SampleParams(rand.NewPCG(1, 1), 2); err == nil {
		t.Error("no covariance: no error")
	}
	if _, err := (*DynModel)(nil).SampleParams(rand.NewPCG(1, 1), 2); err == nil {
		t.Error("nil model: no error")
	}
}
