package paretonbd

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// This file holds the first piece of time-varying covariates for the
// Pareto/NBD model (issue #20): the likelihood of one customer whose
// covariates change over time, piecewise constant (CLVTools' pnbd with
// dynamic covariates; Bachmann, Meierer & Näf 2021, "The Role of
// Time-Varying Contextual Factors in Latent Attrition Models for Customer
// Base Analysis", Marketing Science 40(4)). Not yet exported: the fit, its
// gradient, the data from a log and the predictions are left (see the
// issue).

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
// scale.
func dynLogLik(p Params, trans, life []float64, x, tx, T float64, zSum []float64, segs []dynSegment) float64 {
	if len(segs) == 0 || segs[0].Start != 0 || !(tx >= 0 && tx <= T) {
		return math.NaN()
	}
	rx, s1 := p.R+x, p.S+1
	lnf := func(A, B float64) float64 { return -rx*math.Log(p.Alpha+A) - s1*math.Log(p.Beta+B) }
	// The integral, scaled by exp(−ref), ref the integrand's log at t_x
	// (its largest value) without the segment's rate.
	var A, B float64 // at the current segment's start
	ref := math.NaN()
	var sum float64
	for k, sg := range segs {
		end := T
		if k+1 < len(segs) {
			end = math.Min(segs[k+1].Start, T)
		}
		if !(end >= sg.Start) {
			return math.NaN()
		}
		a, b := math.Exp(dot(trans, sg.Z)), math.Exp(dot(life, sg.Z))
		if lo := math.Max(sg.Start, tx); end > lo {
			A0, B0 := A+a*(lo-sg.Start), B+b*(lo-sg.Start)
			if math.IsNaN(ref) {
				ref = lnf(A0, B0)
			}
			f := func(u float64) float64 { return b * math.Exp(lnf(A0+a*(u-lo), B0+b*(u-lo))-ref) }
			sum += quad.Fixed(f, lo, end, 8, quad.Legendre{}, 0)
		}
		A += a * (end - sg.Start)
		B += b * (end - sg.Start)
		if end >= T {
			break
		}
	}
	lnTail := -rx*math.Log(p.Alpha+A) - p.S*math.Log(p.Beta+B)
	ln := lnTail
	if sum > 0 {
		ln = logAddExp(lnTail, math.Log(p.S)+ref+math.Log(sum))
	}
	lgrx, _ := math.Lgamma(rx)
	lgr, _ := math.Lgamma(p.R)
	return lgrx - lgr + p.R*math.Log(p.Alpha) + p.S*math.Log(p.Beta) + dot(trans, zSum) + ln
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
