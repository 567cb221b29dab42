package paretonbd

import (
	"math"
	"testing"
)

// refSeries sums the series of H(b, c, z) and of its derivatives term by
// term with compensated sums, until the terms are below 1e-19 of the sum
// times eps: the representation hyper uses where it is short, however long
// it takes.
func refSeries(b, c, z, eps float64) (lnH, db, dc, dz float64) {
	var sum, sb, sc, sz kahan
	sum.add(1)
	t := 1.0
	var pb, pc float64
	for k := 0.0; k < 1e9; k++ {
		bk, ck := b+k, c+k
		u := t * bk / ck
		t = u * z
		pb += 1 / bk
		pc += 1 / ck
		sum.add(t)
		sb.add(t * pb)
		sc.add(t * pc)
		sz.add((k + 1) * u)
		if t <= 1e-19*sum.v()*eps {
			break
		}
	}
	s := sum.v()
	return math.Log(s), sb.v() / s, -sc.v() / s, sz.v() / s
}

// kahan is a compensated (Neumaier) sum.
type kahan struct{ s, c float64 }

func (k *kahan) add(x float64) {
	t := k.s + x
	if math.Abs(k.s) >= math.Abs(x) {
		k.c += (k.s - t) + x
	} else {
		k.c += (x - t) + k.s
	}
	k.s = t
}

func (k *kahan) v() float64 { return k.s + k.c }

// quadTol is the agreement asked of hquad with the series and with
// high-precision values: log H to 1e-10 relative (to max(1, |log H|)),
// and each derivative to 1e-10 of its scale. Measured: 4e-13 and 8e-12.
const quadTol = 1e-10

// TestHquadVsSeries compares the quadrature with the series, with both
// run whatever their length, over b and c − b from 0.01 to 10⁴ and
// 1 − z from 0.5 to 1e-5 (up to 4·10⁶ terms of the series).
func TestHquadVsSeries(t *testing.T) {
	if testing.Short() {
		t.Skip("long series")
	}
	if raceEnabled {
		// One goroutine summing series of up to 10⁸ terms: nothing for the
		// race detector to see, and 10 min under it. .ci/run runs it without.
		t.Skip("a single-goroutine series check; .ci/run runs it without -race")
	}
	var worst float64
	for _, b := range []float64{0.01, 0.3, 1, 1.7, 5, 30, 1e3, 1e4} {
		for _, d := range []float64{0.02, 0.5, 1, 1.6, 3, 20, 300} {
			c := b + d
			if c <= 1 {
				continue
			}
			for _, e := range []float64{0.5, 0.1, 1e-2, 1e-3, 1e-4, 1e-5} {
				z := 1 - e
				eps := 1 - z // exact
				l0, b0, c0, z0 := refSeries(b, c, z, eps)
				l1, b1, c1, z1 := hquad(b, d, eps, true)
				el := math.Abs(l1-l0) / math.Max(1, math.Abs(l0))
				eb := math.Abs(b1-b0) / (math.Abs(b0) + 1e-3)
				ec := math.Abs(c1-c0) / (math.Abs(c0) + 1/(c-1)) // dc = 1/(c−1) − E[y]
				ez := math.Abs(z1-z0) / math.Abs(z0)
				m := max(el, eb, ec, ez)
				worst = max(worst, m)
				if !(m <= quadTol) {
					t.Errorf("b=%g c=%g eps=%g: log H series %.15g, quadrature %.15g (%.2g); db %.2g dc %.2g dz %.2g",
						b, c, eps, l0, l1, el, eb, ec, ez)
				}
			}
		}
	}
	t.Logf("worst relative difference %.3g", worst)
}

// hquadHP are log H(b, c, z) and ∂log H/∂z computed with mpmath at 35
// digits by tanh-sinh quadrature of H(b, b+d, 1−ε) = (c−1)∫_0^∞ (1+w)^−(c−b)
// (1+εw)^−b dw (in v = ln(1+w), split at the singularities' real part
// and its multiples); the first agrees with mpmath's hyp2f1 to all 20
// digits printed. They
// reach where the series would need 10¹² terms.
var hquadHP = []struct{ b, d, eps, lnH, dz float64 }{
	{1e12, 1.6, 1e-12, 26.867531083480188782, 545751911505.807},
	{1e12, 1.6, 1e-06, 13.815508957968754136, 999998.40000576},
	{1e12 + 1, 0.55, 3e-12, 26.395044640232496072, 297245884518.29},
	{1e10, 2.5, 4e-09, 19.277674126028028794, 235907091.976436},
	{1e8, 100001.5, 0.0001, 6.8134392326997581278, 909.093537180907},
	{0.6, 100001.0, 1e-09, 5.9999819940719394534e-6, 6.00005999994315e-6},
	{0.01, 1.6, 1e-12, 0.016529299886795685028, 1238.6389273641},
	{1.5, 0.51, 1e-15, 17.641292278446296864, 490000022019399.0},
	{100001.5, 0.6, 1e-11, 17.831319287638607069, 40180185667.7908},
	{30000.0, 1.3, 0.0025, 5.9745397466913440744, 393.353593535065},
	{1e12, 1e5, 0.001, 6.907655383981898503, 999.9000099992},
	{2.0, 1e9, 1e-09, 1.9999999979999999967e-9, 1.99999925002577e-9},
}

func TestHquadHighPrecision(t *testing.T) {
	for _, c := range hquadHP {
		l, _, _, dz := hquad(c.b, c.d, c.eps, true)
		el := math.Abs(l-c.lnH) / math.Max(1, math.Abs(c.lnH))
		ez := math.Abs(dz-c.dz) / math.Max(1, c.dz)
		if !(el <= quadTol && ez <= 1e-8) { // dz: the reference is a central difference
			t.Errorf("H(%g, +%g; 1−%g): log H %.17g, want %.17g (%.2g); dz %.15g, want %.15g (%.2g)", c.b, c.d, c.eps, l, c.lnH, el, dz, c.dz, ez)
		}
		// hyper switches to hquad wherever the series would be long; its
		// value is the same whatever the path.
		if lh, _, _, _ := hyper(c.b, c.d, 1-c.eps, c.eps, false); math.Abs(lh-c.lnH) > quadTol*math.Max(1, math.Abs(c.lnH)) {
			t.Errorf("hyper(%g, +%g; 1−%g) = %.17g, want %.17g", c.b, c.d, c.eps, lh, c.lnH)
		}
	}
}
