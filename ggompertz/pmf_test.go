package ggompertz_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/internal/reftest"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestPMFParetoLimit: at b = 10⁻⁹ with β = b·κ the distribution of a new
// customer's purchases is the Pareto/NBD's with β = κ (paretonbd's
// quadrature, 1e-12): to 1e-8 at every n and horizon.
func TestPMFParetoLimit(t *testing.T) {
	const b = 1e-9
	for _, q := range []paretonbd.Params{{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67}, {R: 2, Alpha: 0.5, S: 5, Beta: 3}} {
		g, err := ggompertz.New(ggompertz.Params{R: q.R, Alpha: q.Alpha, B: b, S: q.S, Beta: b * q.Beta})
		if err != nil {
			t.Fatal(err)
		}
		pm, _ := paretonbd.New(q)
		for _, h := range []float64{0.3, 5, 39, 78, 1000} {
			for n := range 12 {
				got, want := g.ProbabilityOfPurchasesUnconditional(n, h), pm.ProbabilityOfPurchasesUnconditional(n, h)
				if math.Abs(got-want) > 1e-8 {
					t.Errorf("%+v t=%v n=%d: %.12g, Pareto/NBD %.12g", q, h, n, got, want)
				}
			}
		}
	}
}

// TestPMFMoments: inside the model (b well above 0, the lifetime's
// density changing over the horizon) the probabilities sum to 1 and their
// mean is ExpectedPurchases(t) (its own quadrature), the sum to 1e-9 and
// the mean to 1e-7 relative (measured 6e-9 where the lifetime's hazard
// climbs steeply, b = 3, s = 20; 1e-14 elsewhere).
func TestPMFMoments(t *testing.T) {
	for _, p := range []ggompertz.Params{{R: 2, Alpha: 0.5, B: 0.5, S: 1, Beta: 10}, {R: 0.8, Alpha: 3, B: 0.05, S: 0.3, Beta: 0.2},
		{R: 5, Alpha: 1, B: 3, S: 20, Beta: 1000}} {
		m, err := ggompertz.New(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []float64{0.5, 4, 12} {
			var sum, mean float64
			for n := range 2000 {
				v := m.ProbabilityOfPurchasesUnconditional(n, h)
				sum += v
				mean += float64(n) * v
				if n > 100 && v < 1e-20 {
					break
				}
			}
			e := m.ExpectedPurchases(h)
			t.Logf("%+v t=%v: 1 − Σp = %.2g, mean/E[X(t)] − 1 = %.2g", p, h, 1-sum, mean/e-1)
			if math.Abs(sum-1) > 1e-9 || math.Abs(mean-e) > 1e-7*e {
				t.Errorf("%+v t=%v: Σp = %.12g, mean %.12g, E[X(t)] %.12g", p, h, sum, mean, e)
			}
		}
	}
}

// TestExpectedFrequencyCountsCDNOW: the calibration histogram of the CDNOW
// limit fit is the Pareto/NBD's (to 1e-5 customers) and sums to the
// customers.
func TestExpectedFrequencyCountsCDNOW(t *testing.T) {
	cs := reftest.CDNOW(t)
	g, _ := ggompertz.Fit(cs, ggompertz.FitOptions{})
	p, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	gc, err := g.ExpectedFrequencyCounts(cs, 7)
	if err != nil {
		t.Fatal(err)
	}
	pc, _ := p.ExpectedFrequencyCounts(cs, 7)
	var sum float64
	for n := range gc {
		sum += gc[n]
		if math.Abs(gc[n]-pc[n]) > 1e-5 {
			t.Errorf("n=%d: %.8f, Pareto/NBD %.8f", n, gc[n], pc[n])
		}
	}
	if math.Abs(sum-float64(len(cs))) > 1e-6 {
		t.Errorf("counts sum to %v, %d customers", sum, len(cs))
	}
	var zero ggompertz.Model
	if _, err := zero.ExpectedFrequencyCounts(cs, 7); err == nil || !math.IsNaN(zero.ProbabilityOfPurchasesUnconditional(0, 1)) {
		t.Error("zero Model counts")
	}
	if m, _ := ggompertz.New(ggompertz.Params{R: 1, Alpha: 1, B: 1, S: 1, Beta: 1}); !math.IsNaN(m.ProbabilityOfPurchasesUnconditional(-1, 1)) ||
		!math.IsNaN(m.ProbabilityOfPurchasesUnconditional(0, math.Inf(1))) || m.ProbabilityOfPurchasesUnconditional(0, 0) != 1 {
		t.Error("bad arguments")
	}
	_ = clv.Customer{}
}
