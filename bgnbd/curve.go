package bgnbd

import "math"

// For one (x, T) at many horizons — the job's monthly curve over a
// horizon of up to 1,200 months asks for E[Y(t) | x, t_x, T] at every
// month's end, 1,200 values per customer, each a Gauss hypergeometric
// function whose evaluation at large t (the connection formula) costs
// some 0.1–1 µs — freshExpected is interpolated instead.
//
// As a function of L = ln(1 + t/α'), α' = α+T, freshExpected F is
// analytic with its singularities at Im L = ±π (those of ₂F₁(·; z) on
// z ∈ [1, ∞), z = t/(α'+t) = 1 − e^−L; see chebSum), and F/z has no zero
// at L = 0 (F ∝ t there). Its logarithm g(L) = ln(F/z) varies slowly —
// from ln(E'(0)·α') at L = 0 by at most the growth of F, a power of t — so
// a Chebyshev interpolant of g on [0, Lmax] converges geometrically, and
// its error is F's relative error. The interpolant is accepted only when
// its last three coefficients sum to at most curveTol (so its error is
// some curveTol relative, far below the 1e-9 that TestCurveAgrees
// asserts; the tail of coefficients adding up to at most curveTol more is
// left out of the sums); otherwise, or where a node's value is not a finite positive
// number, the curve is evaluated point by point, as below curveMin
// horizons, where the interpolant saves nothing.

// curveNodes are the interpolation sizes tried, in order.
var curveNodes = [...]int{32, 64, 128}

// curveMin is the number of horizons from which freshPlan.curve
// interpolates: below it every horizon is evaluated (the job's default
// twelve months, and every schedule of predict.ValueOptions of up to 255
// steps, stay bit for bit what they were).
const curveMin = 256

// curveTol bounds the sum of the interpolant's last three coefficients
// (absolute, in ln F: relative in F).
const curveTol = 1e-12

// curve writes freshExpected at every t of ts (t ≥ 0, finite) to out,
// by interpolation when len(ts) ≥ curveMin (see above), else point by
// point. It returns whether it interpolated.
func (fp *freshPlan) curve(ts, out []float64) bool {
	if len(ts) < curveMin || fp.a >= largeA {
		fp.points(ts, out)
		return false
	}
	tmax := 0.0
	for _, t := range ts {
		tmax = max(tmax, t)
	}
	if !(tmax > 0) || math.IsInf(tmax, 0) {
		fp.points(ts, out)
		return false
	}
	lmax := math.Log1p(tmax / fp.alpha)
	for _, n := range curveNodes {
		if 2*n > len(ts) {
			break
		}
		coef, converged, ok := fp.chebLog(n, lmax)
		if !ok {
			break
		}
		if !converged {
			continue
		}
		// The coefficients fall geometrically: those of the tail that
		// add up to at most curveTol are left out of the sums.
		end, tail := len(coef), 0.0
		for end > 1 && tail+math.Abs(coef[end-1]) <= curveTol {
			end--
			tail += math.Abs(coef[end])
		}
		coef = coef[:end]
		for i, t := range ts {
			if t == 0 {
				out[i] = 0
				continue
			}
			L := math.Log1p(t / fp.alpha)
			out[i] = t / (fp.alpha + t) * math.Exp(clenshaw(coef, 2*L/lmax-1))
		}
		return true
	}
	fp.points(ts, out)
	return false
}

// points writes freshExpected at every t of ts to out, one by one.
func (fp *freshPlan) points(ts, out []float64) {
	for i, t := range ts {
		out[i] = fp.at(t)
	}
}

// chebLog returns the n Chebyshev coefficients of g(L) = ln(F/z) on
// [0, lmax], whether they converged (the last three below curveTol), and
// whether every node's F was finite and positive (ok).
func (fp *freshPlan) chebLog(n int, lmax float64) (coef []float64, converged, ok bool) {
	g := make([]float64, n)
	for j := range g {
		// Chebyshev points of the first kind, mapped to [0, lmax].
		L := lmax / 2 * (1 + math.Cos(math.Pi*(float64(j)+0.5)/float64(n)))
		f := fp.at(fp.alpha * math.Expm1(L))
		z := -math.Expm1(-L)
		if !(f > 0) || math.IsInf(f, 0) || !(z > 0) {
			return nil, false, false
		}
		g[j] = math.Log(f / z)
	}
	coef = make([]float64, n)
	for k := range coef {
		s := 0.0
		for j, v := range g {
			s += v * math.Cos(math.Pi*float64(k)*(float64(j)+0.5)/float64(n))
		}
		coef[k] = 2 * s / float64(n)
	}
	coef[0] /= 2
	tail := math.Abs(coef[n-1]) + math.Abs(coef[n-2]) + math.Abs(coef[n-3])
	return coef, tail <= curveTol, true
}

// clenshaw returns Σ_k coef[k]·T_k(x) by Clenshaw's recurrence.
func clenshaw(coef []float64, x float64) float64 {
	var b1, b2 float64
	for k := len(coef) - 1; k >= 1; k-- {
		b1, b2 = 2*x*b1-b2+coef[k], b1
	}
	return x*b1 - b2 + coef[0]
}
