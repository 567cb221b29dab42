package paretonbd

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

// This file holds the likelihood of the Pareto/NBD model with
// time-varying covariates, piecewise constant (CLVTools' pnbd with dynamic
// covariates; Bachmann, Meierer & Näf 2021, "The Role of Time-Varying
// Contextual Factors in Latent Attrition Models for Customer Base
// Analysis", Marketing Science 40(4)): one customer's log-likelihood and
// its gradient, on a path prepared as runs of equal covariate vectors.

// A dynRun is a stretch of constant covariates: the vector of index v in
// the evaluation's table, from start on (time since the customer's first
// purchase) until the next run's start.
type dynRun struct {
	start float64
	v     int32
}

// A dynRow is a customer prepared for the likelihood: x repeat purchases,
// the last at tx, observed until T, weight w, zSum = Σ_j z(t_j) the
// covariates at the repeat purchases summed, and the covariate path as
// runs (ascending, the first from 0, consecutive vectors different).
type dynRow struct {
	x, tx, T, w float64
	zSum        []float64
	runs        []dynRun
}

// dynEval is the model at one parameter point: the base parameters, the
// coefficients, and per distinct covariate vector zs[v] the factors
// a[v] = exp(γ_trans·z) on the purchase rate and b[v] = exp(γ_life·z) on
// the dropout rate.
type dynEval struct {
	p           Params
	trans, life []float64
	zs          [][]float64
	a, b        []float64
	scale       float64 // of the quadrature's pieces: 1, or finer below (tests)
}

func newDynEval(p Params, trans, life []float64, zs [][]float64) *dynEval {
	e := &dynEval{p: p, trans: trans, life: life, zs: zs, a: make([]float64, len(zs)), b: make([]float64, len(zs)), scale: 1}
	for v, z := range zs {
		e.a[v], e.b[v] = math.Exp(dot(trans, z)), math.Exp(dot(life, z))
	}
	return e
}

// glX, glW are the 8-point Gauss–Legendre nodes and weights on [−1, 1].
var glX, glW = func() ([]float64, []float64) {
	x, w := make([]float64, 8), make([]float64, 8)
	quad.Legendre{}.FixedLocations(x, w, -1, 1)
	return x, w
}()

// maxPieces bounds the pieces of one run in the quadrature.
const maxPieces = 512

// pieces returns the number of pieces into which to cut [lo, hi] of a run
// for the quadrature of an integrand c·(ca0 + ka·(u−lo))^−ea ·
// (cb0 + kb·(u−lo))^−eb · e^(−δ(u−lo)), and the piece boundary function.
// A power law's nearest singularity is where its base is 0, so 8-point
// Gauss–Legendre is accurate to some 1e-13 on a piece over which the base
// grows by a factor e^0.6 at most: the pieces are equal steps of the log
// of the base that grows most in relative terms, refined by scale < 1
// (tests), and cut further where the integrand's log changes by more than
// 8 per piece (large exponents, discounting).
func pieces(lo, hi, ca0, ka, ea, cb0, kb, eb, delta, scale float64) (int, func(q, m int) float64) {
	ra := math.Log1p(ka * (hi - lo) / ca0)
	rb := math.Log1p(kb * (hi - lo) / cb0)
	ld := delta * (hi - lo)
	D := math.Max(math.Max(ra, rb)/0.6, (ea*ra+eb*rb+ld)/8) / scale
	if !(D > 1) {
		return 1, func(q, m int) float64 {
			if q == m {
				return hi
			}
			return lo
		}
	}
	m := int(math.Min(math.Ceil(D), maxPieces))
	geo := func(c0, k, ratio float64) func(q, m int) float64 {
		return func(q, m int) float64 {
			if q == m {
				return hi
			}
			return lo + c0*math.Expm1(ratio*float64(q)/float64(m))/k
		}
	}
	switch {
	case ra >= rb && ra*ea >= ld && ka > 0:
		return m, geo(ca0, ka, ra)
	case rb*eb >= ld && kb > 0:
		return m, geo(cb0, kb, rb)
	}
	return m, func(q, m int) float64 { return lo + (hi-lo)*float64(q)/float64(m) }
}

// dynScratch is the working memory of rowLogLik for 4+2K parameters.
type dynScratch struct {
	dA, dB, gi, dlg, dt []float64
}

func newDynScratch(K int) *dynScratch {
	n := 4 + 2*K
	return &dynScratch{dA: make([]float64, K), dB: make([]float64, K), gi: make([]float64, n), dlg: make([]float64, n), dt: make([]float64, n)}
}

// dynParts are the two terms of a customer's likelihood, on the log
// scale, without the factor C = Γ(r+x)/Γ(r)·α^r β^s·exp(γ_trans·zSum):
// lnTail = ln[(α+A(T))^−(r+x) (β+B(T))^−s] (alive at T) and lnDrop =
// ln[s ∫_{t_x}^T b(ω) (α+A(ω))^−(r+x) (β+B(ω))^−(s+1) dω] (dropped out
// after t_x), −Inf when t_x = T; A(T), B(T) the exposures.
type dynParts struct {
	lnTail, lnDrop float64
	A, B           float64
}

// rowLogLik returns the log-likelihood of one customer (weight 1).
//
// With purchase rate λ·exp(γ_trans·z(t)) and dropout rate
// μ·exp(γ_life·z(t)) while alive, λ ~ Gamma(r, α), μ ~ Gamma(s, β), and
// the exposures A(t) = ∫₀ᵗ exp(γ_trans·z(u)) du, B(t) = ∫₀ᵗ
// exp(γ_life·z(u)) du,
//
//	L = Γ(r+x)/Γ(r) · α^r β^s · exp(γ_trans·zSum) ·
//	    [ (α+A(T))^−(r+x) (β+B(T))^−s
//	      + s ∫_{t_x}^{T} exp(γ_life·z(ω)) (α+A(ω))^−(r+x) (β+B(ω))^−(s+1) dω ],
//
// the first term alive at T, the second dropped out at ω. For constant z
// it is the static model's likelihood at CovParams.At(z). A and B are
// linear within a run; the integral is 8-point Gauss–Legendre on pieces
// of each run over which the integrand's log changes by about 1 at most
// (one piece for a weekly run), on the log scale. If grad is not nil
// (length 4+2K), it receives the gradient with respect to (r, α, s, β,
// γ_trans, γ_life), the integrals of the derivatives on the same nodes.
func (e *dynEval) rowLogLik(rw *dynRow, grad []float64, sc *dynScratch) (float64, dynParts) {
	p := e.p
	K := len(e.trans)
	rx, s1 := p.R+rw.x, p.S+1
	tx, T := rw.tx, rw.T
	dA, dB := sc.dA, sc.dB
	clear(dA)
	clear(dB)
	gi, dlg := sc.gi, sc.dlg
	if grad != nil {
		clear(gi)
	}
	var A, B float64
	ref := math.NaN()
	var sum float64
	for k, run := range rw.runs {
		end := T
		if k+1 < len(rw.runs) {
			end = math.Min(rw.runs[k+1].start, T)
		}
		a, b := e.a[run.v], e.b[run.v]
		z := e.zs[run.v]
		if lo := math.Max(run.start, tx); end > lo {
			lnb := math.Log(b)
			ca0, cb0 := p.Alpha+A+a*(lo-run.start), p.Beta+B+b*(lo-run.start)
			m, at := pieces(lo, end, ca0, a, rx, cb0, b, s1, 0, e.scale)
			for q := range m {
				u0, u1 := at(q, m), at(q+1, m)
				mid, half := (u0+u1)/2, (u1-u0)/2
				for i, xi := range glX {
					u := mid + half*xi
					h := u - run.start
					Au, Bu := A+a*h, B+b*h
					iA, iB := 1/(p.Alpha+Au), 1/(p.Beta+Bu)
					lA, lB := math.Log(p.Alpha+Au), math.Log(p.Beta+Bu)
					lg := lnb - rx*lA - s1*lB
					if math.IsNaN(ref) {
						ref = lg
					}
					g := half * glW[i] * math.Exp(lg-ref)
					sum += g
					if grad == nil {
						continue
					}
					dlg[0] = -lA
					dlg[1] = -rx * iA
					dlg[2] = -lB
					dlg[3] = -s1 * iB
					for j, zj := range z {
						dlg[4+j] = -rx * (dA[j] + zj*a*h) * iA
						dlg[4+K+j] = zj - s1*(dB[j]+zj*b*h)*iB
					}
					for q, d := range dlg {
						gi[q] += g * d
					}
				}
			}
		}
		w := end - run.start
		A += a * w
		B += b * w
		for j, zj := range z {
			dA[j] += zj * a * w
			dB[j] += zj * b * w
		}
		if end >= T {
			break
		}
	}
	parts := dynParts{lnTail: -rx*math.Log(p.Alpha+A) - p.S*math.Log(p.Beta+B), lnDrop: math.Inf(-1), A: A, B: B}
	if sum > 0 {
		parts.lnDrop = math.Log(p.S) + ref + math.Log(sum)
	}
	// Q = Tail + s·J = e^m·(e^(lnTail−m) + s·sum·e^(ref−m)).
	m := math.Max(parts.lnTail, parts.lnDrop)
	tail := math.Exp(parts.lnTail - m)
	scl := 0.0
	if sum > 0 {
		scl = math.Exp(ref - m) // the integral's scale relative to e^m
	}
	qq := tail + p.S*sum*scl
	ll := lgamma(rx) - lgamma(p.R) + p.R*math.Log(p.Alpha) + p.S*math.Log(p.Beta) + dot(e.trans, rw.zSum) + m + math.Log(qq)
	if grad == nil {
		return ll, parts
	}
	// ∂ln L = ∂C + (Tail·∂ln Tail + s·∫g·∂ln g + [s] J)/Q.
	dt := sc.dt
	dt[0] = -math.Log(p.Alpha + A)
	dt[1] = -rx / (p.Alpha + A)
	dt[2] = -math.Log(p.Beta + B)
	dt[3] = -p.S / (p.Beta + B)
	for j := range K {
		dt[4+j] = -rx * dA[j] / (p.Alpha + A)
		dt[4+K+j] = -p.S * dB[j] / (p.Beta + B)
	}
	for i := range grad {
		grad[i] = (tail*dt[i] + p.S*scl*gi[i]) / qq
	}
	grad[2] += sum * scl / qq
	grad[0] += mathext.Digamma(rx) - mathext.Digamma(p.R) + math.Log(p.Alpha)
	grad[1] += p.R / p.Alpha
	grad[2] += math.Log(p.Beta)
	grad[3] += p.S / p.Beta
	for j := range K {
		grad[4+j] += rw.zSum[j]
	}
	return ll, parts
}

// A dynSegment is a stretch of constant covariates: Z from Start on
// (time since the customer's first purchase), until the next segment's
// Start.
type dynSegment struct {
	Start float64
	Z     []float64
}

// dynLogLik returns rowLogLik for one customer with x repeat purchases,
// the last at t_x, observed until T, whose covariates are the segments
// segs (ascending, the first from 0; the last runs to T), and zSum =
// Σ_j z(t_j); NaN for inconsistent arguments.
func dynLogLik(p Params, trans, life []float64, x, tx, T float64, zSum []float64, segs []dynSegment, grad []float64) float64 {
	K := len(trans)
	if len(segs) == 0 || segs[0].Start != 0 || !(tx >= 0 && tx <= T) || len(life) != K || len(zSum) != K ||
		grad != nil && len(grad) != 4+2*K {
		return math.NaN()
	}
	rw := dynRow{x: x, tx: tx, T: T, w: 1, zSum: zSum}
	var zs [][]float64
	for k, sg := range segs {
		if len(sg.Z) != K || k > 0 && !(sg.Start >= segs[k-1].Start) {
			return math.NaN()
		}
		rw.runs = append(rw.runs, dynRun{start: sg.Start, v: int32(len(zs))})
		zs = append(zs, sg.Z)
	}
	ll, _ := newDynEval(p, trans, life, zs).rowLogLik(&rw, grad, newDynScratch(K))
	return ll
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func logAddExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(a, -1) {
		return a
	}
	return a + math.Log1p(math.Exp(b-a))
}
