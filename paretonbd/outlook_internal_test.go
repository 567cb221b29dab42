package paretonbd

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"gonum.org/v1/gonum/integrate/quad"
)

var outlookCustomers = []clv.Customer{
	{Frequency: 0, Recency: 0, T: 30},
	{Frequency: 1, Recency: 2, T: 39},
	{Frequency: 2, Recency: 30, T: 38},
	{Frequency: 5, Recency: 10, T: 78},
	{Frequency: 12, Recency: 70, T: 78},
	{Frequency: 40, Recency: 77.9, T: 78},
}

var outlookParams = []Params{
	{R: 0.5533, Alpha: 10.5777, S: 0.6062, Beta: 11.6687}, // CDNOW
	{R: 2.5, Alpha: 30, S: 1.5, Beta: 40},
	{R: 0.8, Alpha: 5, S: 3, Beta: 200},
}

// lik returns the likelihood of (x, t_x, T) up to the factor α^r β^s
// Γ(r+x)/Γ(r) and, with k = 1, that of λ times it divided by r+x: the
// alive part (α+T)^−q (β+T)^−s and the dropout at τ in (t_x, T],
// ∫ (α+τ)^−q s (β+τ)^−(s+1) dτ, q = r+x+k, by quadrature: an independent
// evaluation of what ProbabilityAlive's hypergeometric terms give.
func (p Params) lik(x, tx, T, k float64) float64 {
	q := p.R + x + k
	alive := math.Pow(p.Alpha+T, -q) * math.Pow(p.Beta+T, -p.S)
	if T == tx {
		return alive
	}
	return alive + quad.Fixed(func(tau float64) float64 {
		return math.Pow(p.Alpha+tau, -q) * p.S * math.Pow(p.Beta+tau, -p.S-1)
	}, tx, T, 400, quad.Legendre{}, 0)
}

func TestOutlookByQuadrature(t *testing.T) {
	const tol = 1e-10 // the quadrature and the series agree to a few ulps on these smooth integrands
	for _, p := range outlookParams {
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range outlookCustomers {
			x, tx, T := c.Frequency, c.Recency, c.T
			l0 := p.lik(x, tx, T, 0)
			for _, h := range []float64{0, 1e-6, 0.5, 4.3, 52, 1000} {
				got := m.ProbabilityOfPurchaseWithin(c, h)
				pmf := 1 - m.ProbabilityOfPurchases(c, 0, h)
				ratio := 1 - p.lik(x, tx, T+h, 0)/l0
				if !(math.Abs(got-pmf) <= tol && math.Abs(got-ratio) <= tol) {
					t.Errorf("%v %+v t=%v: %v, 1 − PMF(0) %v, 1 − L(T+t)/L(T) %v", p, c, h, got, pmf, ratio)
				}
			}
			rate := (p.R + x) * p.lik(x, tx, T, 1) / l0
			if got := m.ExpectedPurchaseRate(c); math.Abs(got-rate) > tol*rate {
				t.Errorf("%v %+v: rate %v, quadrature %v", p, c, got, rate)
			}
		}
	}
}

func TestNextPurchaseQuantilesPareto(t *testing.T) {
	ps := []float64{0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}
	grid := append([]Params{{R: 1e6, Alpha: 1e7, S: 1e-3, Beta: 1e3}, {R: 0.05, Alpha: 1e-3, S: 1e6, Beta: 1e12}}, outlookParams...)
	cs := append([]clv.Customer{{Frequency: 1e4, Recency: 5e3, T: 1e4}, {Frequency: 3, Recency: 1e-3, T: 1e5}}, outlookCustomers...)
	worst := 0
	for _, p := range grid {
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			for _, h := range []float64{4.3, 52, 1e4, 1e8} {
				fh := m.ProbabilityOfPurchaseWithin(c, h)
				qs := m.NextPurchaseQuantiles(c, ps, h)
				out := make([]float64, len(ps))
				for i := range out {
					out[i] = math.NaN()
				}
				worst = max(worst, p.quantiles(c.Frequency, c.Recency, c.T, ps, h, out))
				prev := 0.0
				for i, q := range qs {
					if ps[i] > fh {
						if !math.IsNaN(q) {
							t.Errorf("%v %+v h=%v: %v-quantile %v, want NaN (P within horizon %v)", p, c, h, ps[i], q, fh)
						}
						continue
					}
					if !(q >= prev && q <= h) {
						t.Errorf("%v %+v h=%v: %v-quantile %v, want in [%v, %v]", p, c, h, ps[i], q, prev, h)
						continue
					}
					prev = q
					// The CDF at the root, to its slope times the root's accuracy.
					f := m.ProbabilityOfPurchaseWithin(c, q)
					if q < h && math.Abs(f-ps[i]) > 1e-9 {
						t.Errorf("%v %+v h=%v: CDF at the %v-quantile %v is %v", p, c, h, ps[i], q, f)
					}
				}
			}
		}
	}
	if worst > 8*len(ps) { // some 6 Halley steps a quantile
		t.Errorf("a search took %d evaluations of the CDF", worst)
	}
	t.Logf("at most %d evaluations of the CDF for %d quantiles", worst, len(ps))
}

func TestOutlookBadInputPareto(t *testing.T) {
	m, _ := New(outlookParams[0])
	var zero Model
	good := outlookCustomers[2]
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
	for _, c := range []clv.Customer{{Frequency: math.NaN(), T: 1}, {Frequency: 1, Recency: 2, T: 1}, {Frequency: -1, T: 1}} {
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
	if got, want := m.ProbabilityAliveAfter(good, 0), m.ProbabilityAlive(good); got != want {
		t.Errorf("P(alive) after 0: %v, now %v", got, want)
	}
	// A customer surely gone: finite rate, no purchase.
	gone := clv.Customer{Frequency: 3000, Recency: 1, T: 1e5}
	if v := m.ExpectedPurchaseRate(gone); !(v > 0) || math.IsInf(v, 0) {
		t.Errorf("rate of %+v: %v", gone, v)
	}
	if v := m.ProbabilityOfPurchaseWithin(gone, 10); v != 0 {
		t.Errorf("P(purchase) of %+v: %v", gone, v)
	}
}
