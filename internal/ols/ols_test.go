package ols

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestFitAgainstGonum: on random well-conditioned problems, Fit agrees
// with gonum's QR solve to 1e-10 relative (both backward stable; the
// residual's conditioning allows more than 1e-14).
func TestFitAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		n, k := 5+rng.IntN(500), 1+rng.IntN(4)
		x := make([]float64, n*k)
		y := make([]float64, n)
		for i := range n {
			x[i*k] = 1
			for j := 1; j < k; j++ {
				x[i*k+j] = rng.NormFloat64() * math.Pow(10, float64(j))
			}
			y[i] = rng.ExpFloat64()
		}
		got, err := Fit(x, y, k)
		if err != nil {
			t.Fatal(err)
		}
		var qr mat.QR
		qr.Factorize(mat.NewDense(n, k, x))
		var want mat.VecDense
		if err := qr.SolveVecTo(&want, false, mat.NewVecDense(n, y)); err != nil {
			t.Fatal(err)
		}
		for j := range k {
			if w := want.AtVec(j); math.Abs(got[j]-w) > 1e-10*math.Max(1, math.Abs(w)) {
				t.Errorf("trial %d (n %d, k %d): β[%d] = %v, gonum %v", trial, n, k, j, got[j], w)
			}
		}
	}
}

// TestFitExact: y = 2 + 3·x recovered to rounding; collinear columns (a
// constant second column beside the intercept, a zero column) are
// ErrRankDeficient; bad shapes are errors.
func TestFitExact(t *testing.T) {
	var x, y []float64
	for i := range 10 {
		x = append(x, 1, float64(i))
		y = append(y, 2+3*float64(i))
	}
	b, err := Fit(x, y, 2)
	if err != nil || math.Abs(b[0]-2) > 1e-13 || math.Abs(b[1]-3) > 1e-13 {
		t.Errorf("β = %v, %v; want [2 3]", b, err)
	}
	for name, col := range map[string]func(i int) float64{
		"constant": func(int) float64 { return 7 },
		"zero":     func(int) float64 { return 0 },
		"multiple": func(i int) float64 { return 3 * float64(i) },
	} {
		var x3 []float64
		for i := range 10 {
			x3 = append(x3, 1, float64(i), col(i))
		}
		if _, err := Fit(x3, y, 3); !errors.Is(err, ErrRankDeficient) {
			t.Errorf("%s third column: %v, want ErrRankDeficient", name, err)
		}
	}
	if _, err := Fit(x[:2], y[:1], 2); err == nil {
		t.Error("n < k accepted")
	}
	if _, err := Fit(nil, nil, 0); err == nil {
		t.Error("k = 0 accepted")
	}
}
