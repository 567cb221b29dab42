package bgnbd

import (
	"context"
	"math"
	"testing"

	"github.com/clvkit/clvkit/internal/cov"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/reftest"
)

// TestCovReferenceLL: the log-likelihood at CLVTools' estimates of the
// BG/NBD with static covariates on the apparel data, and without them
// (z = 0), is CLVTools' (the parametrisation and signs are CLVTools').
func TestCovReferenceLL(t *testing.T) {
	a := reftest.LoadApparel(t)
	pr, _, err := covProblem(context.Background(), a.Customers, a.Covariates, CovFitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ref := a.Models["bgnbd_static"]
	p := ref.Params
	v := []float64{p["r"], p["alpha"], p["a"], p["b"], p["trans.Gender"], p["trans.Channel"], p["life.Gender"], p["life.Channel"]}
	if got, want := pr.Eval(v, nil), ref.LogLikelihood; math.Abs(got-want) > 1e-8*math.Abs(want) {
		t.Errorf("LL at the reference = %.10f, CLVTools %.10f", got, want)
	}
	ref = a.Models["bgnbd_nocov"]
	p = ref.Params
	v = []float64{p["r"], p["alpha"], p["a"], p["b"], 0, 0, 0, 0}
	if got, want := pr.Eval(v, nil), ref.LogLikelihood; math.Abs(got-want) > 1e-8*math.Abs(want) {
		t.Errorf("LL without covariates = %.10f, CLVTools %.10f", got, want)
	}
}

// TestCovGradient checks the analytic gradient of the log-likelihood with
// covariates against central differences, for both variants, with a
// shared coefficient and with coefficients held at 0.
func TestCovGradient(t *testing.T) {
	a := reftest.LoadApparel(t)
	for _, v := range []Variant{BGNBD, MBGNBD} {
		for _, o := range []CovFitOptions{{}, {Same: []string{"Channel"}}, {NoPurchase: []string{"Gender"}, NoDropout: []string{"Channel"}}} {
			o.Variant = v
			same := o
			pr, _, err := covProblem(context.Background(), a.Customers, a.Covariates, o)
			if err != nil {
				t.Fatal(err)
			}
			x := []float64{0.7, 30, 1.5, 9, 0.4, 0.6, -0.6, 0.8}
			switch {
			case o.Same != nil:
				x = x[:7]
			case o.NoPurchase != nil:
				x = []float64{0.7, 30, 1.5, 9, 0.6, -0.6}
			}
			g := make([]float64, len(x))
			pr.Eval(x, g)
			for i := range x {
				h := 1e-5 * math.Max(math.Abs(x[i]), 1)
				xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
				xp[i] += h
				xm[i] -= h
				fd := (pr.Eval(xp, nil) - pr.Eval(xm, nil)) / (2 * h)
				if math.Abs(fd-g[i]) > 1e-5*math.Max(1, math.Abs(g[i])) {
					t.Errorf("%v %+v: ∂LL/∂x[%d] = %.8g, differences %.8g", v, same, i, g[i], fd)
				}
			}
		}
	}
}

// TestGroupLogLik: the customer-by-customer log-likelihood of small
// groups is the row-compressed one, with its gradient, for both variants
// and at a limit-sized shape.
func TestGroupLogLik(t *testing.T) {
	a := reftest.LoadApparel(t)
	d, err := model.Compress("bgnbd", a.Customers, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []Variant{BGNBD, MBGNBD} {
		for _, p := range []Params{{R: 0.7, Alpha: 30, A: 1.5, B: 9}, {R: 2e3, Alpha: 5e4, A: 3e5, B: 2e6}} {
			f := family{p, v.shift()}
			var g1, g2 [4]float64
			want := logLik(d, f, g1[:], &scratch{})
			got := groupLogLik(cov.Group{Customers: a.Customers}, f, g2[:])
			if math.Abs(got-want) > 1e-11*math.Abs(want) {
				t.Errorf("%v %+v: LL %.12g, rows %.12g", v, p, got, want)
			}
			for k := range g1 {
				if math.Abs(g2[k]-g1[k]) > 1e-9*math.Max(1, math.Abs(g1[k])) {
					t.Errorf("%v %+v: ∂LL/∂p[%d] %.12g, rows %.12g", v, p, k, g2[k], g1[k])
				}
			}
		}
	}
}
