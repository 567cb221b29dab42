package bgnbd_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

// outlookCustomers is a grid of histories, from one-time buyers to
// frequent buyers long gone.
var outlookCustomers = []clv.Customer{
	{Frequency: 0, Recency: 0, T: 30},
	{Frequency: 1, Recency: 2, T: 39},
	{Frequency: 2, Recency: 30, T: 38},
	{Frequency: 5, Recency: 10, T: 78},
	{Frequency: 12, Recency: 70, T: 78},
	{Frequency: 40, Recency: 77.9, T: 78},
	{Frequency: 200, Recency: 20, T: 500},
}

func outlookModels(t *testing.T) []*bgnbd.Model {
	t.Helper()
	var ms []*bgnbd.Model
	for _, v := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
		for _, p := range []bgnbd.Params{cdnowParams, {R: 2.5, Alpha: 30, A: 3, B: 7}, {R: 0.5, Alpha: 2, A: 1e8, B: 3e9}} {
			m, err := bgnbd.NewVariant(v, p)
			if err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
	}
	return ms
}

// TestPurchaseWithinIsPMFAtZero checks the closed form of P(Y(t) ≥ 1)
// against 1 minus the model's own conditional PMF at n = 0.
func TestPurchaseWithinIsPMFAtZero(t *testing.T) {
	const tol = 1e-10 // two evaluations of the same quantity by different routes
	for _, m := range outlookModels(t) {
		for _, c := range outlookCustomers {
			for _, h := range []float64{0, 1e-6, 0.5, 4.3, 52, 1000, 1e7} {
				got := m.ProbabilityOfPurchaseWithin(c, h)
				want := 1 - m.ProbabilityOfPurchases(c, 0, h)
				if !(math.Abs(got-want) <= tol) || got < 0 || got > 1 {
					t.Errorf("%v %+v t=%v: %v, 1 − PMF(0) = %v", m, c, h, got, want)
				}
			}
		}
	}
}

// TestNextPurchaseQuantiles checks that each quantile solves the CDF, that
// they are monotone, and blank beyond the horizon.
func TestNextPurchaseQuantiles(t *testing.T) {
	ps := []float64{0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}
	for _, m := range outlookModels(t) {
		for _, c := range outlookCustomers {
			for _, h := range []float64{4.3, 52, 1e4} {
				fh := m.ProbabilityOfPurchaseWithin(c, h)
				qs := m.NextPurchaseQuantiles(c, ps, h)
				prev := 0.0
				for i, q := range qs {
					if ps[i] > fh {
						if !math.IsNaN(q) {
							t.Errorf("%v %+v h=%v: %v-quantile %v, want NaN (P within horizon %v)", m, c, h, ps[i], q, fh)
						}
						continue
					}
					if !(q >= prev && q <= h) {
						t.Errorf("%v %+v h=%v: %v-quantile %v, want in [%v, %v]", m, c, h, ps[i], q, prev, h)
					}
					prev = q
					if f := m.ProbabilityOfPurchaseWithin(c, q); math.Abs(f-ps[i]) > 1e-9 && q < h {
						t.Errorf("%v %+v: CDF at the %v-quantile %v is %v", m, c, ps[i], q, f)
					}
				}
			}
		}
	}
}

// TestAliveAfter checks P(alive at T+t) against a quadrature of
// E[(1 + p t/(α+T))^−(r+x)] over the posterior Beta distribution of p.
func TestAliveAfter(t *testing.T) {
	for _, m := range outlookModels(t) {
		p := m.Params()
		d := 0.0
		if m.Variant() == bgnbd.MBGNBD {
			d = 1
		}
		for _, c := range outlookCustomers {
			if got, want := m.ProbabilityAliveAfter(c, 0), m.ProbabilityAlive(c); got != want {
				t.Errorf("%v %+v: at t = 0 %v, P(alive) %v", m, c, got, want)
			}
			if p.A > 1e4 {
				continue // a point mass: no quadrature
			}
			// For a < 1, in v = u^a the beta density's singularity at 0
			// is gone: u^(a−1) du = dv/a.
			b := p.B + c.Frequency + d
			lnB := mathext.Lbeta(p.A, b)
			for _, h := range []float64{1, 52, 1000} {
				surv := quad.Fixed(func(v float64) float64 {
					g := func(u float64) float64 { return math.Pow(1+u*h/(p.Alpha+c.T), -(p.R + c.Frequency)) }
					if p.A >= 1 {
						return math.Exp((p.A-1)*math.Log(v)+(b-1)*math.Log1p(-v)-lnB) * g(v)
					}
					u := math.Pow(v, 1/p.A)
					return math.Exp((b-1)*math.Log1p(-u)-lnB) / p.A * g(u)
				}, 0, 1, 2000, quad.Legendre{}, 0)
				want := m.ProbabilityAlive(c) * surv
				got := m.ProbabilityAliveAfter(c, h)
				if math.Abs(got-want) > 1e-7 {
					t.Errorf("%v %+v t=%v: %v, quadrature %v", m, c, h, got, want)
				}
				if got > m.ProbabilityAlive(c) {
					t.Errorf("%v %+v t=%v: %v above P(alive) now", m, c, h, got)
				}
			}
		}
	}
}

// TestExpectedPurchaseRate checks E[λ | history] against the mixture of
// its two posteriors and its bounds.
func TestExpectedPurchaseRate(t *testing.T) {
	for _, m := range outlookModels(t) {
		p := m.Params()
		for _, c := range outlookCustomers {
			got := m.ExpectedPurchaseRate(c)
			q := p.R + c.Frequency
			lo, hi := q/(p.Alpha+c.T), q/(p.Alpha+c.Recency)
			if !(got >= lo*(1-1e-15) && got <= hi*(1+1e-15)) {
				t.Errorf("%v %+v: rate %v, want in [%v, %v]", m, c, got, lo, hi)
			}
		}
	}
}

// TestOutlookBadInput checks that bad arguments give NaN, not a panic.
func TestOutlookBadInput(t *testing.T) {
	m := outlookModels(t)[0]
	var zero bgnbd.Model
	good := outlookCustomers[2]
	bad := []clv.Customer{{Frequency: math.NaN(), T: 1}, {Frequency: 1, Recency: 2, T: 1}, {Frequency: -1, T: 1}}
	for _, h := range []float64{math.NaN(), -1, math.Inf(1)} {
		if v := m.ProbabilityOfPurchaseWithin(good, h); !math.IsNaN(v) {
			t.Errorf("t=%v: %v", h, v)
		}
		if v := m.ProbabilityAliveAfter(good, h); !math.IsNaN(v) {
			t.Errorf("t=%v: %v", h, v)
		}
		if qs := m.NextPurchaseQuantiles(good, []float64{0.5}, h); !math.IsNaN(qs[0]) {
			t.Errorf("horizon %v: %v", h, qs)
		}
	}
	for _, c := range bad {
		for _, v := range []float64{m.ProbabilityOfPurchaseWithin(c, 1), m.ProbabilityAliveAfter(c, 1), m.ExpectedPurchaseRate(c),
			m.NextPurchaseQuantiles(c, []float64{0.5}, 10)[0]} {
			if !math.IsNaN(v) {
				t.Errorf("%+v: %v", c, v)
			}
		}
	}
	for _, v := range []float64{zero.ProbabilityOfPurchaseWithin(good, 1), zero.ProbabilityAliveAfter(good, 1), zero.ExpectedPurchaseRate(good),
		zero.NextPurchaseQuantiles(good, []float64{0.5}, 10)[0]} {
		if !math.IsNaN(v) {
			t.Errorf("zero model: %v", v)
		}
	}
	for _, q := range m.NextPurchaseQuantiles(good, []float64{math.NaN(), -0.1, 0, 1, 2}, 1e6) {
		if !math.IsNaN(q) {
			t.Errorf("level outside (0, 1): %v", q)
		}
	}
}
