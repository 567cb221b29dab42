package ggompertz

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// The model's integrals, ∫ exp(ℓ(τ)) dτ over [lo, hi] (hi may be +Inf),
// with
//
//	ℓ(τ) = −q·ln(α+τ) + e·b·τ − c·L(τ) − δ·τ,   L(τ) = ln(1 + ε(τ)/κ),   ε(τ) = (e^{bτ} − 1)/b,
//
// ε(τ) = τ at b = 0, are computed by 8-point Gauss–Legendre quadrature on
// pieces chosen so that the integrand is smooth on each. Writing
// ln(κ + ε(τ)) = b·τ + D(τ) + ln(1/b) for b > 0, with
// D(τ) = ln(1 + (bκ − 1)·e^{−bτ}) monotone toward 0,
//
//	ℓ(τ) = const − q·ln(α+τ) − ((c−e)·b + δ)·τ − c·D(τ),
//
// three monotone parts whose derivatives shrink in magnitude along τ. A
// piece starting at a is as long as allows each part to change by at most
// pieceChange (the derivative at a bounds it), at most half the distance
// from a to the singularity of ln(α+τ) at −α, and, while c·D is not
// negligible, at most half the distance to the singularities of D (a real
// one at ln(1 − bκ)/b < 0 for bκ < 1, complex ones π/b off the real axis).
// At b = 0 the third part is c·ln(κ+τ), treated like the first.
//
// The sum stops once what is left is negligible: for τ ≥ a every part but
// −c·D decreases, and −c·D rises by at most c·max(D(a), 0), so the rest of
// the integral is at most exp(ℓ(a) + c·max(D(a), 0)) times the smallest of
// hi − a, 1/((c−e)·b + δ) and (α+a)/(q−1) (q > 1); it stops when that is
// below e^−40 of the sum (or of floor, the other term the caller adds).
// The number of pieces is bounded by maxPieces whatever the parameters:
// in the ranges the package accepts, the pieces needed are a few dozen
// (TestQuadFinerGrid compares with pieces 20 times shorter).
const (
	pieceChange = 1.0
	maxPieces   = 1000
	tailLog     = 40.0
)

var glX, glW = legendre(8)

func legendre(n int) (x, w []float64) {
	x, w = make([]float64, n), make([]float64, n)
	quad.Legendre{}.FixedLocations(x, w, -1, 1)
	return x, w
}

// kernel is the integrand of one integral: see the comment above.
type kernel struct {
	q, alpha float64 // (α+τ)^−q; q = 0: no such factor
	b, kappa float64 // Gompertz shape b ≥ 0 and κ = β/b
	c, e     float64 // (1 + ε/κ)^−c · e^{e·bτ}
	delta    float64 // e^{−δτ}
	fine     float64 // pieces 1/fine as long (1 except in tests)
}

// eps returns ε(τ) = (e^{bτ} − 1)/b (τ at b = 0), possibly +Inf.
func eps(b, t float64) float64 {
	if b == 0 {
		return t
	}
	return math.Expm1(b*t) / b
}

// logL returns L(τ) = ln(1 + ε(τ)/κ) without overflow, and u = ε(τ)/κ
// (possibly +Inf).
func logL(b, kappa, t float64) (l, u float64) {
	u = eps(b, t) / kappa
	if !math.IsInf(u, 0) {
		return math.Log1p(u), u
	}
	// ε/κ overflows: ln(κ + ε) − ln κ with ln(κ+ε) = bτ + ln(1/b) + ln(1 + (bκ−1)e^{−bτ}).
	return b*t - math.Log(b) + math.Log1p((b*kappa-1)*math.Exp(-b*t)) - math.Log(kappa), u
}

// rho returns ρ(τ) = e^{bτ}/(bκ + e^{bτ} − 1) = 1/(1 + (bκ − 1)·e^{−bτ}),
// without overflow.
func rho(b, kappa, t float64) float64 {
	return 1 / (1 + (b*kappa-1)*math.Exp(-b*t))
}

// at returns ℓ(τ).
func (k *kernel) at(t float64) float64 {
	l, _ := logL(k.b, k.kappa, t)
	v := k.e*k.b*t - k.c*l - k.delta*t
	if k.q != 0 {
		v -= k.q * math.Log(k.alpha+t)
	}
	return v
}

// dpart returns D(a) (b > 0) and the magnitude of c·D'(a); at b = 0 the
// third part is c·ln(κ+τ), with D = 0 for the tail bound.
func (k *kernel) dpart(a float64) (d, slope float64) {
	if k.b == 0 {
		return 0, k.c / (k.kappa + a)
	}
	m := (k.b*k.kappa - 1) * math.Exp(-k.b*a)
	d = math.Log1p(m)
	// D'(τ) = −b·m/(1+m).
	return d, k.c * k.b * math.Abs(m) / (1 + m)
}

// width returns the length of the piece starting at a.
func (k *kernel) width(a float64) float64 {
	w := math.Inf(1)
	h := pieceChange / k.fine
	if k.q != 0 {
		w = math.Min(h*(k.alpha+a)/k.q, 0.5*(k.alpha+a)/k.fine)
	}
	if lin := (k.c-k.e)*k.b + k.delta; lin > 0 {
		w = math.Min(w, h/lin)
	}
	d, slope := k.dpart(a)
	if slope > 0 {
		w = math.Min(w, h/slope)
	}
	if k.b == 0 {
		w = math.Min(w, 0.5*(k.kappa+a)/k.fine)
	} else if k.c*math.Abs(d) > 1e-14 {
		dist := math.Pi / k.b
		if bk := k.b * k.kappa; bk < 1 {
			dist = math.Min(dist, a-math.Log1p(-bk)/k.b)
		}
		w = math.Min(w, 0.5*dist/k.fine)
	}
	if k.b > 0 && k.b*k.kappa > 1 {
		if wr := k.widthRising(a); wr > w {
			w = wr
		}
	}
	return w
}

// widthRising returns the length of the piece starting at a from the
// second reading of ℓ for bκ > 1 (β > 1):
//
//	ℓ(τ) = −q·ln(α+τ) + (e·b − δ)·τ − c·L(τ),   L'(τ) = b·ρ(τ),
//
// ρ rising from 1/(bκ) toward 1. There the first reading's parts
// −((c−e)·b + δ)·τ and −c·D cancel to within −c·L: with c large (a
// heterogeneity vanishing, s and β large together) each changes fast
// while their sum does not, and the first reading's pieces would be
// 1/(c·b) long. On a piece of length w, ρ grows by at most e^{bw}, which
// bounds the change of c·L; the piece is also at most half the distance
// π/b to L's complex singularities. The piece is the longer of the two
// readings' (each bounds the change of ℓ by its parts').
func (k *kernel) widthRising(a float64) float64 {
	h := pieceChange / k.fine
	w := 0.5 * math.Pi / k.b / k.fine
	if k.q != 0 {
		w = math.Min(w, math.Min(h*(k.alpha+a)/k.q, 0.5*(k.alpha+a)/k.fine))
	}
	if lin := math.Abs(k.e*k.b - k.delta); lin > 0 {
		w = math.Min(w, h/lin)
	}
	if sl := k.c * k.b; sl > 0 {
		// c·L changes by at most c·b·min(1, ρ(a)·e^{bw})·w: at most h for
		// w = h/(c·b), and for w = w₀·e^{−b·w₀}, w₀ = h/(c·b·ρ(a)).
		w0 := h / (sl * rho(k.b, k.kappa, a))
		w = math.Min(w, math.Max(h/sl, w0*math.Exp(-k.b*math.Min(w0, 0.5*math.Pi/k.b))))
	}
	return w
}

// tail bounds ln ∫_a^hi exp(ℓ) given ℓ(a).
func (k *kernel) tail(a, hi, la float64) float64 {
	d, _ := k.dpart(a)
	span := hi - a
	if lin := (k.c-k.e)*k.b + k.delta; lin > 0 {
		span = math.Min(span, 1/lin)
	}
	if k.q > 1 {
		span = math.Min(span, (k.alpha+a)/(k.q-1))
	}
	t := la + k.c*math.Max(d, 0) + math.Log(span)
	if k.b > 0 && k.b*k.kappa > 1 {
		// The second reading (widthRising): L convex, so ℓ(τ) ≤ ℓ(a) −
		// λ·(τ−a) − q·ln((α+τ)/(α+a)) with λ = c·b·ρ(a) − e·b + δ.
		if lam := k.c*k.b*rho(k.b, k.kappa, a) - k.e*k.b + k.delta; lam >= 0 {
			span := hi - a
			if lam > 0 {
				span = math.Min(span, 1/lam)
			}
			if k.q > 1 {
				span = math.Min(span, (k.alpha+a)/(k.q-1))
			}
			t = math.Min(t, la+math.Log(span))
		}
	}
	return t
}

// grads are the derivatives of ℓ with respect to (r, α, b, s, κ) for the
// likelihood's density kernel (q = r+x, e = 1, c = s+1, δ = 0).
type grads [5]float64

// atDens returns ℓ(τ), as at, and into g the derivatives of the density
// kernel's ℓ at τ, sharing ln(α+τ) and L(τ) between them: with u = ε/κ,
//
//	∂r = −ln(α+τ), ∂α = −q/(α+τ), ∂b = τ − (s+1)·∂L/∂b,
//	∂s = −L, ∂κ = (s+1)·u/(κ(1+u)),
//
// with ∂L/∂b = (τe^{bτ} − ε)/(b(κ+ε)) computed as dLdb does.
func (k *kernel) atDens(t float64, g *grads) float64 {
	l, u := logL(k.b, k.kappa, t)
	la := math.Log(k.alpha + t)
	v := k.e*k.b*t - k.c*l - k.delta*t
	if k.q != 0 {
		v -= k.q * la
	}
	g[0] = -la
	g[1] = -k.q / (k.alpha + t)
	g[2] = t - k.c*dLdb(k.b, k.kappa, t, u)
	g[3] = -l
	if math.IsInf(u, 0) {
		g[4] = k.c / k.kappa
	} else {
		g[4] = k.c * u / (k.kappa * (1 + u))
	}
	return v
}

// dLdb returns ∂L/∂b at τ, L = ln(1 + ε/κ): (∂ε/∂b)/(κ+ε), ∂ε/∂b =
// (τe^{bτ} − ε)/b, which is τ²/2·(1 + O(bτ)) for small bτ (series there).
func dLdb(b, kappa, t, u float64) float64 {
	x := b * t
	if math.Abs(x) < 1e-3 {
		// (τe^{x} − (e^x−1)/b)/b = τ²·(1/2 + x/3 + x²/8 + x³/30 + …)
		de := t * t * (0.5 + x*(1.0/3+x*(1.0/8+x*(1.0/30+x/144))))
		return de / (kappa + eps(b, t))
	}
	if !math.IsInf(u, 0) {
		e := eps(b, t)
		if num := t*math.Exp(x) - e; !math.IsInf(num, 0) {
			return num / (b * (kappa + e))
		}
	}
	// b(κ+ε) = bκ + e^x − 1 or τe^x overflows: τe^x/(b(κ+ε)) = τρ and
	// ε/(b(κ+ε)) = (1 − bκ/(bκ + e^x − 1))/b.
	return t*rho(b, kappa, t) - 1/b*(1-rhoK(b, kappa, t))
}

// rhoK returns bκ/(bκ + e^{bτ} − 1) = 1 − (e^{bτ}−1)/(bκ+e^{bτ}−1), in a form
// that does not overflow.
func rhoK(b, kappa, t float64) float64 {
	ex := math.Exp(-b * t)
	return b * kappa * ex / (1 + (b*kappa-1)*ex)
}

// integrate returns ln ∫_lo^hi exp(ℓ(τ)) dτ (−Inf for an empty
// interval) and, if g is not nil, the density kernel's derivatives
// averaged over the integrand: g[k] = ∫ e^ℓ ∂_kℓ / ∫ e^ℓ. floor is the
// logarithm of the term the caller adds to the integral (−Inf if none),
// against which the tail is judged negligible.
func (k *kernel) integrate(lo, hi, floor float64, g *grads) float64 {
	if !(hi > lo) {
		if g != nil {
			*g = grads{}
		}
		return math.Inf(-1)
	}
	if k.fine == 0 {
		k.fine = 1
	}
	m := math.Inf(-1) // scale: the largest ℓ seen
	var sum float64
	var acc grads
	var dg grads
	a := lo
	for n := 0; a < hi; n++ {
		w := k.width(a)
		if n == maxPieces-1 || !(a+w < hi) {
			w = hi - a
			if math.IsInf(w, 1) {
				w = math.Max(1, a) // the tail bound below ends the sum
			}
		}
		half := w / 2
		mid := a + half
		for i, x := range glX {
			t := mid + half*x
			var l float64
			if g != nil {
				l = k.atDens(t, &dg)
			} else {
				l = k.at(t)
			}
			if math.IsInf(l, -1) || math.IsNaN(l) {
				continue
			}
			if l > m {
				f := math.Exp(m - l)
				sum *= f
				for j := range acc {
					acc[j] *= f
				}
				m = l
			}
			v := glW[i] * half * math.Exp(l-m)
			sum += v
			if g != nil {
				for j := range acc {
					acc[j] += v * dg[j]
				}
			}
		}
		a += w
		if n == maxPieces-1 || a >= hi {
			break
		}
		if k.tail(a, hi, k.at(a)) < math.Max(m+math.Log(sum), floor)-tailLog {
			break
		}
	}
	if sum == 0 {
		if g != nil {
			*g = grads{}
		}
		return math.Inf(-1)
	}
	if g != nil {
		for j := range acc {
			g[j] = acc[j] / sum
		}
	}
	return m + math.Log(sum)
}
