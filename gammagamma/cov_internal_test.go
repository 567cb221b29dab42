package gammagamma

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestCovGradient: the analytic gradient of the covariate problem's
// log-likelihood in (p, q, γ, δ) agrees with central differences to 1e-6
// relative, and at δ = 0 the log-likelihood is the plain one's.
func TestCovGradient(t *testing.T) {
	cs := []clv.Customer{{Frequency: 1, MonetaryValue: 20}, {Frequency: 3, MonetaryValue: 35}, {Frequency: 2, MonetaryValue: 12},
		{Frequency: 5, MonetaryValue: 50}, {Frequency: 1, MonetaryValue: 8}, {Frequency: 4, MonetaryValue: 22}, {Frequency: 0}}
	z := clv.Covariates{Names: []string{"a", "b"}, Values: [][]float64{{0, 0.3}, {1, -1}, {0, 2}, {1, 0.5}, {1, 0.5}, {0, 0}, {1, 1}}}
	pr, excl, _, err := covProblem(cs, z, CovFitOptions{}, nil)
	if err != nil || excl != 1 {
		t.Fatal(err, excl)
	}
	v := []float64{3, 2.5, 11, 0.3, -0.2}
	g := make([]float64, len(v))
	pr.Eval(v, g)
	for i := range v {
		h := 1e-6 * math.Max(1, math.Abs(v[i]))
		vp, vm := append([]float64(nil), v...), append([]float64(nil), v...)
		vp[i] += h
		vm[i] -= h
		num := (pr.Eval(vp, nil) - pr.Eval(vm, nil)) / (2 * h)
		if math.Abs(num-g[i]) > 1e-6*math.Max(1, math.Abs(num)) {
			t.Errorf("∂LL/∂v[%d] = %v, central difference %v", i, g[i], num)
		}
	}
	m, err := Fit(cs, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := m.Params()
	ll0 := pr.Eval([]float64{p.P, p.Q, p.Gamma, 0, 0}, nil)
	if math.Abs(ll0-m.LogLikelihood()) > 1e-9*math.Abs(ll0) {
		t.Errorf("LL at δ = 0: %v, plain %v", ll0, m.LogLikelihood())
	}
}
