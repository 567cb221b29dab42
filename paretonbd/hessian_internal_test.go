package paretonbd

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
)

// TestHessian: the Hessian agrees with central differences of the
// analytic gradient of the whole log-likelihood (mle.Hessian) to 1e-6 of
// the curvature's scale, with α above and below β.
func TestHessian(t *testing.T) {
	truth := Params{R: 0.55, Alpha: 10.5, S: 0.61, Beta: 11.7}
	T := make([]float64, 20_000)
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range T {
		T[i] = float64(rng.IntN(78)+1) / 1.5
	}
	cs, err := truth.Simulate(rand.NewPCG(5, 5), T)
	if err != nil {
		t.Fatal(err)
	}
	d, err := model.Compress("paretonbd", cs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Params{truth, {R: 2.3, Alpha: 3.1, S: 0.3, Beta: 40.2}, {R: 0.2, Alpha: 60.3, S: 3.3, Beta: 5.1}} {
		var s scratch
		fd := mle.Hessian(func(v, g []float64) { logLik(d, Params{}.FromVector(v), g, &s) }, p.Vector())
		h := make([]float64, 16)
		hessian(d, p, h, &s)
		for i := range 4 {
			for j := range 4 {
				scale := math.Sqrt(math.Abs(fd.At(i, i) * fd.At(j, j)))
				if diff := math.Abs(h[4*i+j] - fd.At(i, j)); !(diff <= 1e-6*scale) {
					t.Errorf("%v: H[%d][%d] = %.10g, central differences %.10g", p, i, j, h[4*i+j], fd.At(i, j))
				}
			}
		}
	}
}
