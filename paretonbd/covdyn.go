package paretonbd

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

// This file holds the first piece of time-varying covariates for the
// Pareto/NBD model (issue #20): the likelihood of one customer whose
// covariates change over time, piecewise constant (CLVTools' pnbd with
// dynamic covariates; Bachmann, Meierer & Näf 2021, "The Role of
// Time-Varying Contextual Factors in Latent Attrition Models for Customer
// Base Analysis", Marketing Science 40(4)), with its gradient. Not yet
// exported: the fit, the data from a log (the covariates by week and at
// each repeat purchase) and the predictions, which need the covariates'
// future values, are left (see the issue).

// A dynSegment is a stretch of constant covariates: Z from Start on
// (time since the customer's first purchase), until the next segment's
// Start.
type dynSegment struct {
	Start float64
	Z     []float64
}

// dynLogLik returns the log-likelihood of one customer with x repeat
// purchases, the last at t_x, observed until T, whose covariates are the
// segments segs (ascending, the first from 0; the last runs to T), and
// zSum = Σ_j z(t_j), the covariates at the repeat purchases summed.
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
// linear within a segment; the integral is 8-point Gauss–Legendre per
// segment (the integrand is smooth and monotone within one), on the log
// scale. If grad is not nil (length 4+2K), it receives the gradient with
// respect to (r, α, s, β, γ_trans, γ_life), the integrals of the
// derivatives on the same nodes.
func dynLogLik(p Params, trans, life []float64, x, tx, T float64, zSum []float64, segs []dynSegment, grad []float64) float64 {
	K := len(trans)
	if len(segs) == 0 || segs[0].Start != 0 || !(tx >= 0 && tx <= T) || len(life) != K || len(zSum) != K ||
		grad != nil && len(grad) != 4+2*K {
		return math.NaN()
	}
	rx, s1 := p.R+x, p.S+1
	// Per quantity q of the gradient, in the layout (r, α, s, β, γ_trans,
	// γ_life): dA[j], dB[j] are ∂A/∂γ_trans,j and ∂B/∂γ_life,j at the
	// current segment's start; gi the integral of g·∂ln g, scaled as the
	// integral.
	n := 4 + 2*K
	dA, dB := make([]float64, K), make([]float64, K)
	var gi, dlg []float64
	if grad != nil {
		gi, dlg = make([]float64, n), make([]float64, n)
	}
	var xs, ws [8]float64
	var A, B float64
	ref := math.NaN()
	var sum float64
	for k, sg := range segs {
		end := T
		if k+1 < len(segs) {
			end = math.Min(segs[k+1].Start, T)
		}
		if !(end >= sg.Start) || len(sg.Z) != K {
			return math.NaN()
		}
		a, b := math.Exp(dot(trans, sg.Z)), math.Exp(dot(life, sg.Z))
		if lo := math.Max(sg.Start, tx); end > lo {
			quad.Legendre{}.FixedLocations(xs[:], ws[:], lo, end)
			for i, u := range xs {
				h := u - sg.Start
				Au, Bu := A+a*h, B+b*h
				lg := math.Log(b) - rx*math.Log(p.Alpha+Au) - s1*math.Log(p.Beta+Bu)
				if math.IsNaN(ref) {
					ref = lg
				}
				g := ws[i] * math.Exp(lg-ref)
				sum += g
				if grad == nil {
					continue
				}
				dlg[0] = -math.Log(p.Alpha + Au)
				dlg[1] = -rx / (p.Alpha + Au)
				dlg[2] = -math.Log(p.Beta + Bu)
				dlg[3] = -s1 / (p.Beta + Bu)
				for j, zj := range sg.Z {
					dlg[4+j] = -rx * (dA[j] + zj*a*h) / (p.Alpha + Au)
					dlg[4+K+j] = zj - s1*(dB[j]+zj*b*h)/(p.Beta+Bu)
				}
				for q := range gi {
					gi[q] += g * dlg[q]
				}
			}
		}
		w := end - sg.Start
		A += a * w
		B += b * w
		for j, zj := range sg.Z {
			dA[j] += zj * a * w
			dB[j] += zj * b * w
		}
		if end >= T {
			break
		}
	}
	lnTail := -rx*math.Log(p.Alpha+A) - p.S*math.Log(p.Beta+B)
	// Q = Tail + s·J = e^m·(e^(lnTail−m) + s·sum·e^(ref−m)).
	m := lnTail
	if sum > 0 {
		m = math.Max(m, math.Log(p.S)+ref+math.Log(sum))
	}
	tail := math.Exp(lnTail - m)
	sc := 0.0
	if sum > 0 {
		sc = math.Exp(ref - m) // the integral's scale relative to e^m
	}
	q := tail + p.S*sum*sc
	lgrx, lgr := lgamma(rx), lgamma(p.R)
	ll := lgrx - lgr + p.R*math.Log(p.Alpha) + p.S*math.Log(p.Beta) + dot(trans, zSum) + m + math.Log(q)
	if grad == nil {
		return ll
	}
	// ∂ln L = ∂C + (Tail·∂ln Tail + s·∫g·∂ln g + [s] J)/Q.
	dt := make([]float64, n)
	dt[0] = -math.Log(p.Alpha + A)
	dt[1] = -rx / (p.Alpha + A)
	dt[2] = -math.Log(p.Beta + B)
	dt[3] = -p.S / (p.Beta + B)
	for j := range K {
		dt[4+j] = -rx * dA[j] / (p.Alpha + A)
		dt[4+K+j] = -p.S * dB[j] / (p.Beta + B)
	}
	for i := range grad {
		grad[i] = (tail*dt[i] + p.S*sc*gi[i]) / q
	}
	grad[2] += sum * sc / q
	grad[0] += mathext.Digamma(rx) - mathext.Digamma(p.R) + math.Log(p.Alpha)
	grad[1] += p.R / p.Alpha
	grad[2] += math.Log(p.Beta)
	grad[3] += p.S / p.Beta
	for j := range K {
		grad[4+j] += zSum[j]
	}
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
	return a + math.Log1p(math.Exp(b-a))
}
