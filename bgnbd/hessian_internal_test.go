package bgnbd

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
)

// TestHessian: the analytic Hessian agrees with central differences of
// the analytic gradient (mle.Hessian) to 1e-6 of the curvature's scale,
// for both variants, at the truth and away from it, on customers with
// frequencies up to the hundreds. (At whole-number arguments gonum's
// digamma, and so the differences, are off by some 1e-7: the points
// avoid them.)
func TestHessian(t *testing.T) {
	truth := Params{R: 0.6, Alpha: 3, A: 0.5, B: 4.3}
	T := make([]float64, 20_000)
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range T {
		T[i] = float64(rng.IntN(100) + 1)
	}
	cs, err := truth.Simulate(rand.NewPCG(5, 5), T)
	if err != nil {
		t.Fatal(err)
	}
	d, err := model.Compress("bgnbd", cs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range []float64{0, 1} {
		for _, p := range []Params{truth, {R: 2.2, Alpha: 0.5, A: 3.1, B: 0.7}, {R: 0.05, Alpha: 40, A: 0.1, B: 20}} {
			var s scratch
			f := family{p, sh}
			fd := mle.Hessian(func(v, g []float64) { logLik(d, family{Params{}.FromVector(v), sh}, g, &s) }, p.Vector())
			h := make([]float64, 16)
			hessian(d, f, h, &s)
			for i := range 4 {
				for j := range 4 {
					scale := math.Sqrt(math.Abs(fd.At(i, i) * fd.At(j, j)))
					if diff := math.Abs(h[4*i+j] - fd.At(i, j)); !(diff <= 1e-6*scale) {
						t.Errorf("shift %v, %v: H[%d][%d] = %.10g, central differences %.10g", sh, p, i, j, h[4*i+j], fd.At(i, j))
					}
				}
			}
		}
	}
}
