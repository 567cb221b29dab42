package ggompertz

import (
	"context"
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
	"github.com/clvkit/clvkit/paretonbd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// LimitTest is the score (Lagrange multiplier) test of the Pareto/NBD
// limit b = 0 of the GGompertz/NBD against b > 0, at the Pareto/NBD's
// estimate: see LimitScoreTest.
type LimitTest struct {
	// Score is the efficient score for b at b = 0⁺,
	// Raw − O_bθ O_θθ⁻¹ S_θ, S_θ = ∂ℓ/∂θ the scores of the other
	// parameters θ at the given limit point (ℓ the weighted
	// log-likelihood) and O as in Info: Raw with its projection on the
	// nuisance scores removed. At the Pareto/NBD's unrestricted,
	// unpenalized estimate S_θ = 0 and Score is Raw; at any other point
	// (a penalized or restricted fit, or not the estimate at all) the
	// correction keeps the statistic's null distribution (Neyman's C(α)
	// test). Positive when the likelihood rises into b > 0, a dropout
	// hazard growing with age.
	Score float64
	// Raw is ∂ℓ/∂b at b = 0⁺ with the other parameters held at the
	// given point.
	Raw float64
	// Info is the information for b with r, α, s, κ profiled out,
	// O_bb − O_bθ O_θθ⁻¹ O_θb, O the outer-product (BHHH) estimate of the
	// information in (r, α, b, s, κ) at the same point: Σ_i w_i g_i g_iᵀ
	// over the distinct rows, g_i a customer's score vector.
	Info float64
	// Stat is Score²/Info, the score statistic; 0 when Score ≤ 0.
	Stat float64
	// P is the one-sided p-value, 1 − Φ(Score/√Info): b = 0 lies on the
	// boundary of b ≥ 0, so only a positive score speaks against it
	// (asymptotically the likelihood-ratio statistic is then ½χ²₀ + ½χ²₁,
	// whose tail beyond Stat is P). P ≥ ½ when Score ≤ 0.
	P float64
}

// LimitTestOptions configures LimitScoreTest.
type LimitTestOptions struct {
	// Weights gives each customer a weight, as FitOptions.Weights.
	Weights []float64
	// Grouping is the customers' grouping, as FitOptions.Grouping.
	Grouping *clv.Grouping
}

// LimitScoreTest tests whether the GGompertz/NBD's b departs from its
// Pareto/NBD limit b → 0 (β/b → κ), where the GGompertz/NBD with
// (r, α, s, κ) is exactly the Pareto/NBD with (r, α, s, β = κ): lim is
// the Pareto/NBD's estimate on the same customers (paretonbd.Fit). It
// costs one pass over the distinct rows, the gradient's, instead of a
// fit's hundreds, and tells when a fit would only
// find the limit: if the test does not reject, the GGompertz/NBD's
// likelihood-ratio test against the Pareto/NBD would not either
// (asymptotically), and neither would BIC prefer it.
//
// The raw score is the derivative in b of the log-likelihood at b = 0⁺, the
// others held, computed in the same pass as the likelihood: the kernel's
// ∂ℓ/∂b at b = 0 is τ − (s+1)·τ²/(2(κ+τ)) (the b → 0 limit of the
// package's ∂ℓ/∂b; ∂ε/∂b → τ²/2), integrated with the likelihood on its
// quadrature pieces, and the survivor term's −s·T²/(2(κ+T)). The
// information for b is profiled over the other four through the
// outer product of the customers' score vectors from the same pass (the
// OPG form of the score test, Godfrey & Wickens 1981, Econometrica
// 49:1263): the observed Hessian, by differences of the gradient, costs
// five passes more (six times the time; 0.1 CPU-s a pass on 10⁵
// customers of distinct rows) and is not positive definite far from the
// limit, where the profiled log-likelihood curves upward into b > 0.
// The test's score is the efficient one, the raw score less its
// regression on the other four scores through the same outer product,
// so that lim need not be the exact unrestricted maximum (a penalized
// fit, one with Same, NoPurchase or NoDropout, or an estimate stopped
// early): at the exact maximum the other scores vanish and it is the raw
// score. The statistic is Score²/Info with the one-sided p-value
// 1 − Φ(Score/√Info) (Rao's score test; for a parameter on the boundary
// see Silvapulle & Silvapulle 1995, JASA 90:342-349).
//
// An information that is not positive definite (the data do not
// determine the parameters at lim) gives an error wrapping
// clv.ErrNotIdentified. Once ctx (nil: never done) is done it returns
// ctx's error.
func LimitScoreTest(ctx context.Context, customers []clv.Customer, lim paretonbd.Params, opts LimitTestOptions) (LimitTest, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := lim.Validate(); err != nil {
		return LimitTest{}, fmt.Errorf("ggompertz: limit: %w", err)
	}
	d, err := model.Compress("ggompertz", customers, opts.Weights, rows.Unbox(opts.Grouping))
	if err != nil {
		return LimitTest{}, err
	}
	if !(d.MaxT > 0) {
		return LimitTest{}, fmt.Errorf("ggompertz: %w: every customer observed for no time", clv.ErrNotIdentified)
	}
	return limitTest(ctx, d, inner{lim.R, lim.Alpha, 0, lim.S, lim.Beta})
}

// limitTest is LimitScoreTest on the rows d at the limit point p (b = 0).
func limitTest(ctx context.Context, d *rows.Data, p inner) (LimitTest, error) {
	// The per-customer terms of x: ∂/∂r and ∂/∂α of lnΓ(r+x) − lnΓ(r) + r ln α.
	psr, lnA := mathext.Digamma(p.r), math.Log(p.alpha)
	xr := make([]float64, len(d.Xs))
	for i, x := range d.Xs {
		xr[i] = mathext.Digamma(p.r+x) - psr + lnA
	}
	var st evalState
	st.prepare(ctx, d, p, true)
	n := len(d.Rows)
	chunks := parallel.Chunks(n)
	// Per chunk: the score (5), then the outer products' upper triangle (15).
	part := make([][20]float64, chunks)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		if ctx.Err() != nil {
			return
		}
		acc := &part[c]
		var g grads
		for i := lo; i < hi; i++ {
			rw := &d.Rows[i]
			v := st.row(d, p, i, &g)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				acc[0] = math.NaN()
				return
			}
			g[0] += xr[rw.Xi]
			g[1] += p.r / p.alpha
			k := 5
			for a := range 5 {
				acc[a] += rw.W * g[a]
				for b := a; b < 5; b++ {
					acc[k] += rw.W * g[a] * g[b]
					k++
				}
			}
		}
	})
	if err := ctx.Err(); err != nil {
		return LimitTest{}, err
	}
	var sum [20]float64
	for _, pt := range part {
		for k := range sum {
			sum[k] += pt[k]
		}
	}
	if math.IsNaN(sum[0]) {
		return LimitTest{}, fmt.Errorf("ggompertz: %w: the likelihood at the limit is not finite", clv.ErrNotIdentified)
	}
	// The outer-product information, parameters scaled by σ (r, α, s, κ
	// themselves; 1/max T for b) for its conditioning.
	sigma := []float64{p.r, p.alpha, 1 / d.MaxT, p.s, p.kappa}
	o := mat.NewSymDense(5, nil)
	k := 5
	for a := range 5 {
		for b := a; b < 5; b++ {
			o.SetSym(a, b, sum[k]*sigma[a]*sigma[b])
			k++
		}
	}
	// Info_u = O_bb − O_bθ O_θθ⁻¹ O_θb.
	idx := []int{0, 1, 3, 4}
	ott := mat.NewSymDense(4, nil)
	otb := mat.NewVecDense(4, nil)
	for i, a := range idx {
		otb.SetVec(i, o.At(a, 2))
		for j := i; j < 4; j++ {
			ott.SetSym(i, j, o.At(a, idx[j]))
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(ott) {
		return LimitTest{}, fmt.Errorf("ggompertz: %w: the information at the limit is not positive definite", clv.ErrNotIdentified)
	}
	var sol mat.VecDense
	if err := ch.SolveVecTo(&sol, otb); err != nil {
		return LimitTest{}, fmt.Errorf("ggompertz: %w: %v", clv.ErrNotIdentified, err)
	}
	// In u_b = b·max T: Info_b = Info_u / σ_b².
	info := (o.At(2, 2) - mat.Dot(otb, &sol)) / (sigma[2] * sigma[2])
	if !(info > 0) || math.IsInf(info, 0) {
		return LimitTest{}, fmt.Errorf("ggompertz: %w: information for b %v at the limit", clv.ErrNotIdentified, info)
	}
	// The efficient score S_b − O_bθ O_θθ⁻¹ S_θ; in the scaled block
	// O_bθ O_θθ⁻¹ = solᵀ·diag(σ_θ)/σ_b.
	proj := 0.0
	for i, a := range idx {
		proj += sol.AtVec(i) * sigma[a] * sum[a]
	}
	t := LimitTest{Score: sum[2] - proj/sigma[2], Raw: sum[2], Info: info}
	z := t.Score / math.Sqrt(info)
	if t.Score > 0 {
		t.Stat = z * z
	}
	t.P = distuv.UnitNormal.Survival(z)
	return t, nil
}
