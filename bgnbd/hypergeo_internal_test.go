package bgnbd

import (
	"bufio"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// freshTol is the accuracy freshExpected promises: the rounding estimates
// of its series are held to 1e-11 to 2e-11 relative, and the posterior
// parameters r+x, b+x of up to 10⁴ carry rounding of their own.
const freshTol = 1e-10

// freshMaxTerms bounds the work of one freshExpected in the test grid
// (a, b up to 10³, x up to 10⁴, any t): measured at most some 10⁵ terms,
// where the series in z alone needs 40·t/α, 4·10¹⁰ at t/α = 10⁹.
const freshMaxTerms = 200_000

// TestFreshExpectedHighPrecision: freshExpected agrees within freshTol
// with E[X(t)] computed by mpmath at 60 digits (testdata/fresh_expected_hp.py)
// on a grid of t/α from 0.3 to 10⁹, posterior r+x and b+x with x up to 10⁴,
// a and b from 0.05 to 10³, a within 1e-9 of 1, and s = r−a+1 at and near
// integers (where the connection formula's two parts have poles), each
// within freshMaxTerms terms.
func TestFreshExpectedHighPrecision(t *testing.T) {
	f, err := os.Open("testdata/fresh_expected_hp.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		v := strings.Fields(line)
		var p [5]float64
		for i := range p {
			if p[i], err = strconv.ParseFloat(v[i], 64); err != nil {
				t.Fatal(err)
			}
		}
		wantBig, _, err := big.ParseFloat(v[5], 10, 128, big.ToNearestEven)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := wantBig.Float64()
		got, terms := freshExpectedN(p[0], p[1], p[2], p[3], p[4])
		if e := math.Abs(got/want - 1); !(e <= freshTol) {
			t.Errorf("r=%v α=%v a=%v b=%v t=%v: %.17g, want %.17g (rel. error %.2g)", p[0], p[1], p[2], p[3], p[4], got, want, e)
		}
		if terms > freshMaxTerms {
			t.Errorf("r=%v α=%v a=%v b=%v t=%v: %d terms", p[0], p[1], p[2], p[3], p[4], terms)
		}
		n++
	}
	if n < 1500 {
		t.Errorf("read %d reference values", n)
	}
}

// TestFreshExpectedAgreesWithSeries: where the series in z is affordable
// (t/α ≤ 3000) and its own rounding estimate is below 1e-12, freshExpected
// agrees with it within freshTol, on random parameters a quarter of them
// with s = r−a+1 within 5e-4 of an integer; for z ≤ 1/2 it is the series,
// bit for bit.
func TestFreshExpectedAgreesWithSeries(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	lu := func(lo, hi float64) float64 {
		return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
	}
	compared := 0
	for range 4000 {
		r0, a, b0 := lu(0.05, 50), lu(0.05, 1000), lu(0.05, 1000)
		if rng.IntN(4) == 0 {
			if a = r0 + float64(rng.IntN(5)-2) + (rng.Float64()-0.5)*1e-3; a <= 0 {
				a = 1
			}
		}
		x := math.Floor(lu(1, 2000)) - 1
		tau := lu(0.1, 3000)
		r, b := r0+x, b0+x
		got := freshExpected(r, 1, a, b, tau)
		if tau/(1+tau) <= 0.5 {
			want, _, ok := eulerSeries(r, 1, a, b, tau, maxTerms, 1e-10)
			if !ok {
				want, _ = directSeries(r, 1, a, b, tau)
			}
			if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("z ≤ 1/2, r=%v a=%v b=%v t=%v: %v, series %v", r, a, b, tau, got, want)
			}
			continue
		}
		want, _, ok := eulerSeries(r, 1, a, b, tau, maxTerms, 1e-12)
		if !ok {
			continue
		}
		compared++
		if e := math.Abs(got/want - 1); !(e <= freshTol) {
			t.Errorf("r=%v a=%v b=%v t=%v: %.17g, series %.17g (rel. %.2g)", r, a, b, tau, got, want, e)
		}
	}
	if compared < 1000 {
		t.Errorf("compared only %d", compared)
	}
}

// TestFreshExpectedBoundedWork: at the corners of the parameter grid
// (r₀ and b₀ at 0.05 and their largest, a from 0.05 to 10³, x = 0 and
// 10⁴) and every t/α from 1 to 10⁹ (four per decade), one evaluation
// sums at most freshMaxTerms terms and is finite and positive.
func TestFreshExpectedBoundedWork(t *testing.T) {
	worst := 0
	for _, r0 := range []float64{0.05, 50} {
		for _, a := range []float64{0.05, 1, 2, 30, 1000} {
			for _, b0 := range []float64{0.05, 1000} {
				for _, x := range []float64{0, 1e4} {
					for d := 0.0; d <= 9; d += 0.25 {
						tau := math.Pow(10, d)
						v, n := freshExpectedN(r0+x, 1, a, b0+x, tau)
						if !(v > 0) || math.IsInf(v, 0) || n > freshMaxTerms {
							t.Errorf("r=%v a=%v b=%v t/α=%v: %v in %d terms", r0+x, a, b0+x, tau, v, n)
						}
						worst = max(worst, n)
					}
				}
			}
		}
	}
	t.Logf("at most %d terms", worst)
}

// TestLgammaDiff: lgammaDiff against differences of math.Lgamma where
// they do not cancel (|e| ≥ 1, moderate x) and against ψ at e = 0.
func TestLgammaDiff(t *testing.T) {
	for _, x := range []float64{0.05, 0.5, 1, 3.7, 9.99, 10, 42, 1e3, 1e4} {
		for _, e := range []float64{-0.5 * x, 1.35 - x, 1, 2.5, 17, 1e3} {
			l1, _ := math.Lgamma(x + e)
			l0, _ := math.Lgamma(x)
			want := (l1 - l0) / e
			// The difference of Lgamma values is good to an ulp of each.
			tol := 1e-15 * (math.Abs(l1) + math.Abs(l0) + 1) / math.Abs(e)
			if got := lgammaDiff(x, e); !(math.Abs(got-want) <= tol) {
				t.Errorf("lgammaDiff(%v, %v) = %.17g, want %.17g", x, e, got, want)
			}
		}
	}
	const euler = 0.57721566490153286061
	for _, c := range []struct{ x, psi float64 }{
		{1, -euler}, {0.5, -euler - 2*math.Ln2}, {10, 2.2517525890667211076}, {1e4, 9.2102903711428494},
	} {
		if got := lgammaDiff(c.x, 0); !(math.Abs(got-c.psi) <= 1e-14*math.Abs(c.psi)) {
			t.Errorf("ψ(%v): %.17g, want %.17g", c.x, got, c.psi)
		}
	}
}

// TestIfAliveLongHorizon: prepared for 100 years of weeks, IfAlive
// interpolates up to L = ln 64 and falls back to freshExpected beyond, and
// agrees with it within 1e-12 relative at every horizon.
func TestIfAliveLongHorizon(t *testing.T) {
	for _, v := range []Variant{BGNBD, MBGNBD} {
		m, err := NewVariant(v, Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range []float64{0, 2, 40} {
			f := m.IfAlive(x, 0, 5200)
			for _, T := range []float64{0, 1, 39, 78} {
				for h := 1.0; h <= 5200; h *= 1.7 {
					got, want := f(T, h), m.f.series(x, T, h)
					if !(math.Abs(got-want) <= 1e-12*want) {
						t.Errorf("%v x=%v T=%v t=%v: %v, want %v", v, x, T, h, got, want)
					}
				}
			}
		}
	}
}
