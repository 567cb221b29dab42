package paretonbd

import (
	"context"
	"math"
	"testing"

	"github.com/clvkit/clvkit/internal/cov"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/reftest"
)

// TestCovReferenceLL: the log-likelihood at CLVTools' estimate of the
// Pareto/NBD with static covariates on the apparel data is CLVTools'
// (the parametrisation and signs are CLVTools'), and that of the model
// without covariates at its estimate with z = 0 too.
func TestCovReferenceLL(t *testing.T) {
	a := reftest.LoadApparel(t)
	pr, _, err := covProblem(context.Background(), a.Customers, a.Covariates, CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ref := a.Models["pnbd_static"]
	p := ref.Params
	v := []float64{p["r"], p["alpha"], p["s"], p["beta"], p["trans.Gender"], p["trans.Channel"], p["life.Gender"], p["life.Channel"]}
	if got, want := pr.Eval(v, nil), ref.LogLikelihood; math.Abs(got-want) > 1e-8*math.Abs(want) {
		t.Errorf("LL at the reference = %.10f, CLVTools %.10f", got, want)
	}
	ref = a.Models["pnbd_nocov"]
	p = ref.Params
	v = []float64{p["r"], p["alpha"], p["s"], p["beta"], 0, 0, 0, 0}
	if got, want := pr.Eval(v, nil), ref.LogLikelihood; math.Abs(got-want) > 1e-8*math.Abs(want) {
		t.Errorf("LL without covariates = %.10f, CLVTools %.10f", got, want)
	}
}

// TestCovGradient checks the analytic gradient of the log-likelihood with
// covariates against central differences, also with a shared coefficient
// and with coefficients held at 0.
func TestCovGradient(t *testing.T) {
	a := reftest.LoadApparel(t)
	for _, o := range []CovFitOptions{{}, {Same: []string{"Channel"}}, {NoPurchase: []string{"Gender"}, NoDropout: []string{"Channel"}}} {
		pr, _, err := covProblem(context.Background(), a.Customers, a.Covariates, o)
		if err != nil {
			t.Fatal(err)
		}
		same := o
		v := []float64{1.8, 90, 0.6, 50, 0.3, 0.6, -0.6, 0.8}
		switch {
		case o.Same != nil:
			v = v[:7]
		case o.NoPurchase != nil:
			v = []float64{1.8, 90, 0.6, 50, 0.6, -0.6}
		}
		g := make([]float64, len(v))
		pr.Eval(v, g)
		for i := range v {
			h := 1e-5 * math.Max(math.Abs(v[i]), 1)
			vp, vm := append([]float64(nil), v...), append([]float64(nil), v...)
			vp[i] += h
			vm[i] -= h
			fd := (pr.Eval(vp, nil) - pr.Eval(vm, nil)) / (2 * h)
			if math.Abs(fd-g[i]) > 1e-5*math.Max(1, math.Abs(g[i])) {
				t.Errorf("%+v: ∂LL/∂v[%d] = %.8g, differences %.8g", same, i, g[i], fd)
			}
		}
	}
}

// TestGroupLogLik: the customer-by-customer log-likelihood of small
// groups is the row-compressed one, with its gradient.
func TestGroupLogLik(t *testing.T) {
	a := reftest.LoadApparel(t)
	d, err := model.Compress("paretonbd", a.Customers, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []Params{{R: 1.8, Alpha: 90, S: 0.6, Beta: 50}, {R: 0.5, Alpha: 5, S: 3, Beta: 200}} {
		var g1, g2 [4]float64
		want := logLik(d, p, g1[:], &scratch{})
		got := groupLogLik(cov.Group{Customers: a.Customers}, p, g2[:])
		if math.Abs(got-want) > 1e-11*math.Abs(want) {
			t.Errorf("%+v: LL %.12g, rows %.12g", p, got, want)
		}
		for k := range g1 {
			if math.Abs(g2[k]-g1[k]) > 1e-9*math.Max(1, math.Abs(g1[k])) {
				t.Errorf("%+v: ∂LL/∂p[%d] %.12g, rows %.12g", p, k, g2[k], g1[k])
			}
		}
	}
}
