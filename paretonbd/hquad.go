package paretonbd

import "math"

// seriesTerms is the number of terms of the series of hyper and hsum
// within which seriesFits guarantees convergence. Beyond it the
// quadrature hquad, whose cost does not depend on the parameters, is
// cheaper (about 2,000 terms of the series cost as much as one
// quadrature).
const seriesTerms = 2000

// seriesFits reports whether the series of H(b, b+d, z), 1 − z = eps,
// meets its stopping test t_k ≤ 1e-17·(1−z)·Σ within seriesTerms terms.
// The terms are t_k = Π_{j<k} (b+j)z/(c+j) ≤ z^k (c/(c+k))^(c−b), since
// ln(1 − (c−b)/(c+j)) ≤ −(c−b)/(c+j) and Σ_{j<k} 1/(c+j) ≥ ln((c+k)/c);
// the sum is at least 1.
func seriesFits(b, d, eps float64) bool {
	const n = seriesTerms
	if eps >= 0.03 { // z^n ≤ 0.97^2000 < 1e-26: no logarithms on the common path
		return true
	}
	return n*math.Log1p(-eps)-d*math.Log1p(n/(b+d)) < math.Log(1e-17*eps)
}

// Quadrature panels of hquad: each spans a fall of the integrand's
// logarithm of at most about panelDrop (16-point Gauss–Legendre integrates
// e^(ax) over a panel with aW ≤ 12 to 1e-19 relative), and none reaches
// within about its own width of the real part of the integrand's
// singularities (see hquad); the integrand is cut where it is e^−cutDrop
// below its peak. maxPanels cannot be reached for parameters below 1e300
// (TestHquadPanels).
const (
	panelDrop = 12
	minWidth  = 4
	cutDrop   = 42
	maxPanels = 400
)

// hquad returns H(b, c, z) = ₂F₁(1, b; c; z) with c = b + d, as log H,
// with 1 − z = eps, and if deriv the derivatives of log H with respect to
// b, c and z, as hyper does, for b > 0, d > 0, c > 1 and 0 < eps ≤ 1,
// from the integral representation (Euler's integral of ₂F₁(b, 1; c; z)
// with t = w/(1+w), then w = e^y − 1)
//
//	H(b, c, z) = (c−1) ∫_0^∞ exp(g(y)) dy,  g(y) = (1−d)·y − b·ℓ(y),
//	ℓ(y) = ln(1 + ε(e^y − 1)),
//
// which is the Pareto/NBD tail integral of integral itself. g is strictly
// concave (g″ = −b·π(1−π) with π = 1 − ℓ′ = (1−ε)e^−y/(e^−y + ε(1−e^−y))),
// so the integrand has one peak, at y* = ln((1−ε)(1−d)/(ε(c−1))) when
// that is positive and at 0 otherwise. Written with d and ℓ, g has no
// cancellation even where b and c are 10¹² and ε 10⁻¹². The integral is
// composite 16-point Gauss–Legendre over panels laid out from the peak:
// each spans a fall of g of about panelDrop, none wider than a quarter of
// its distance from ln((1−ε)/ε), the real part of the singularities of ℓ
// (at imaginary part ±π), unless minWidth; the tails are cut where g is
// cutDrop below its peak, and beyond that they hold less than e^−cutDrop
// of the integral (concavity). log H is accurate to about 1e-13 and the
// derivatives to about 1e-11 relative whatever b, d and ε (against the
// series and 35-digit values, TestHquadVsSeries, TestHquadHighPrecision);
// its cost, about a hundred evaluations of g (5 µs),
// does not grow with them, unlike the series of hyper whose length grows
// like 1/ε when z → 1 (s, β → ∞: dropout heterogeneity vanishing). It
// returns NaN for arguments out of its domain.
func hquad(b, d, eps float64, deriv bool) (lnH, db, dc, dz float64) {
	nan := math.NaN()
	cm1 := b + d - 1
	if !(b > 0 && d > 0 && cm1 > 0 && eps > 0 && eps <= 1) || math.IsInf(cm1, 0) {
		return nan, nan, nan, nan
	}
	q := quadFn{b: b, d: d, eps: eps}
	// The peak and the singularities' real part.
	y0 := 0.0
	if d < 1 {
		if v := math.Log1p(-eps) + math.Log(1-d) - math.Log(eps) - math.Log(cm1); v > 0 {
			y0 = v
		}
	}
	q.ys = math.Log1p(-eps) - math.Log(eps)
	gmax, _, _ := q.g(y0)
	var acc quadSum
	n := 0
	// Right of the peak, then left of it down to 0.
	for _, dir := range [2]float64{1, -1} {
		y := y0
		for {
			if dir < 0 && y <= 0 {
				break
			}
			gy, g1, g2 := q.g(y)
			if gy < gmax-cutDrop {
				break
			}
			if n++; n > maxPanels {
				return nan, nan, nan, nan
			}
			w := q.width(y, dir, gy, g1, g2)
			if dir < 0 && w > y {
				w = y
			}
			lo := y
			if dir < 0 {
				lo = y - w
			}
			q.panel(lo, w, gmax, deriv, &acc)
			y += dir * w
		}
	}
	lnH = math.Log(cm1) + gmax + math.Log(acc.s0)
	if deriv {
		db = acc.sk / acc.s0
		dc = 1/cm1 - acc.sy/acc.s0
		dz = b * acc.sz / acc.s0
	}
	return lnH, db, dc, dz
}

// quadFn is the integrand of hquad.
type quadFn struct {
	b, d, eps float64
	ys        float64 // ln((1−ε)/ε), the real part of the singularities
}

// quadSum accumulates Σ w e^(g−gmax) and its products with y − ℓ, y and
// ∂ℓ/∂ε.
type quadSum struct{ s0, sk, sy, sz float64 }

// parts returns ℓ(y), y − ℓ(y) (both ≥ 0, each to a few ulps), ℓ′(y) and
// ∂ℓ/∂ε = (1 − e^−y)/D with D = e^−y + ε(1 − e^−y).
func (q *quadFn) parts(y float64) (l, yl, l1, dl float64) {
	var ey, om float64 // e^−y, 1 − e^−y
	if y > 1 {
		ey = math.Exp(-y)
		om = 1 - ey
	} else {
		em := math.Expm1(-y)
		ey, om = 1+em, -em
	}
	dd := ey + q.eps*om
	// ℓ = ln(1 + ε(e^y − 1)) = y + ln D: log1p where ε(e^y − 1) is small.
	if r := q.eps * om / ey; r < 1 { // ε(e^y − 1)
		l = math.Log1p(r)
		yl = y - l
	} else {
		yl = -math.Log(dd)
		l = y - yl
	}
	return l, yl, q.eps / dd, om / dd
}

// g returns g(y) and its first two derivatives.
func (q *quadFn) g(y float64) (g, g1, g2 float64) {
	l, _, l1, _ := q.parts(y)
	return (1-q.d)*y - q.b*l, (1 - q.d) - q.b*l1, -q.b * l1 * (1 - l1)
}

// width returns the width of the panel that starts at y and goes in the
// direction dir (±1) in which g falls, given g(y) = gy, its slope s ≤ 0
// in that direction and its curvature g2: the width over which the
// quadratic model of g falls by panelDrop, limited by the distance to the
// singularities, and halved while g itself falls by more than
// 1.5·panelDrop over it (the curvature grows toward the singularities).
func (q *quadFn) width(y, dir, gy, s, g2 float64) float64 {
	s = -math.Abs(s)
	a := -g2 / 2
	var w float64
	if a > 0 {
		w = 2 * panelDrop / (-s + math.Sqrt(s*s+4*a*panelDrop)) // root of a·w² − s·w = panelDrop
	} else {
		w = panelDrop / -s
	}
	if lim := math.Max(minWidth, math.Abs(y-q.ys)/4); !(w <= lim) {
		w = lim
	}
	for range 64 {
		if ge, _, _ := q.g(y + dir*w); gy-ge <= 1.25*panelDrop {
			break
		}
		w /= 2
	}
	return w
}

// panel adds the 16-point Gauss–Legendre sums over [lo, lo+w] to acc.
func (q *quadFn) panel(lo, w, gmax float64, deriv bool, acc *quadSum) {
	xs, ws := glNodes()
	h := w / 2
	mid := lo + h
	for i, x := range xs {
		y := mid + h*x
		l, yl, _, dl := q.parts(y)
		f := ws[i] * h * math.Exp((1-q.d)*y-q.b*l-gmax)
		acc.s0 += f
		if deriv {
			acc.sk += f * yl
			acc.sy += f * y
			acc.sz += f * dl
		}
	}
}
