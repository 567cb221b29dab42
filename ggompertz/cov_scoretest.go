package ggompertz

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
	"github.com/clvkit/clvkit/paretonbd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// CovLimitScoreTest is LimitScoreTest for the GGompertz/NBD with static
// covariates: the score test of its Pareto/NBD limit b = 0 (κ = β/b and
// the coefficients held) against b > 0, at lim, the estimate of the
// Pareto/NBD with the same covariates on the same customers
// (paretonbd.FitCovariates with every coefficient free and no
// penalizer), where the GGompertz/NBD with covariates is exactly that
// model: a customer with covariate vector z has α_z = α·exp(−γ_trans·z)
// and κ_z = κ·exp(−γ_life·z), as the Pareto/NBD's α_z and β_z (CovParams;
// β_z = b·κ_z).
//
// Each distinct (z, x, t_x, T) contributes its score vector in
// θ = (r, ln α, b, ln s, ln κ, γ_trans, γ_life): the plain model's
// derivatives at the customer's parameters (as LimitScoreTest's, b = 0⁺)
// with ∂/∂ln α = α_z·∂/∂α_z, ∂/∂γ_trans,k = −z_k·α_z·∂/∂α_z and the
// same for κ and γ_life. Raw is Σ ∂ℓ/∂b; Info is the information for b
// with the other 4 + 2K parameters θ profiled out of the outer-product
// estimate O = Σ w g gᵀ (the OPG score test, as LimitScoreTest's, which
// does not depend on how the other parameters are written); Score is the
// efficient score Raw − O_bθ O_θθ⁻¹ S_θ, S_θ the summed scores of θ,
// which is Raw at the exact unpenalized estimate with every coefficient
// free (S_θ = 0) and keeps the test valid at any other lim (a penalized
// fit, or one with coefficients held); Stat and P as LimitScoreTest's.
// With every γ = 0 the Raw is LimitScoreTest's at the base parameters,
// and Info at most its Info (more parameters profiled out).
//
// It costs one pass over the distinct rows, a likelihood with its
// gradient each. Invalid customers, covariates (z.Names must be
// lim.Names) or parameters are errors; an information that is not
// positive definite wraps clv.ErrNotIdentified. Once ctx (nil: never
// done) is done it returns ctx's error.
func CovLimitScoreTest(ctx context.Context, customers []clv.Customer, z clv.Covariates, lim paretonbd.CovParams) (LimitTest, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := lim.Validate(); err != nil {
		return LimitTest{}, fmt.Errorf("ggompertz: limit: %w", err)
	}
	if len(customers) == 0 {
		return LimitTest{}, fmt.Errorf("ggompertz: %w", clv.ErrNoCustomers)
	}
	if err := z.Check(len(customers)); err != nil {
		return LimitTest{}, fmt.Errorf("ggompertz: %w", err)
	}
	if !slices.Equal(z.Names, lim.Names) {
		return LimitTest{}, fmt.Errorf("ggompertz: %w: covariates %v, the limit's are %v", clv.ErrInvalidCovariates, z.Names, lim.Names)
	}
	maxT := 0.0
	for i := range customers {
		c := &customers[i]
		if !model.ValidCustomer(c) {
			return LimitTest{}, fmt.Errorf("ggompertz: customers[%d]: %w", i, c.Validate())
		}
		maxT = max(maxT, c.T)
	}
	if !(maxT > 0) {
		return LimitTest{}, fmt.Errorf("ggompertz: %w: every customer observed for no time", clv.ErrNotIdentified)
	}
	slot, vecs := cov.Index(z)
	profs := make([]inner, len(vecs))
	for g, v := range vecs {
		p, err := lim.At(v)
		if err != nil {
			return LimitTest{}, fmt.Errorf("ggompertz: limit: customers with covariates %v: %w", v, err)
		}
		profs[g] = inner{p.R, p.Alpha, 0, p.S, p.Beta}
	}
	gr := rows.Group(len(customers), func(i int) (rows.Key, bool) {
		c := &customers[i]
		return rows.Key{A: float64(slot[i]), B: c.Frequency, C: c.Recency, D: c.T}, true
	})
	K := len(lim.Names)
	P := 5 + 2*K
	n := len(gr.Keys)
	chunks := parallel.Chunks(n)
	// Per chunk: the score (P), then the outer products (P×P, row major).
	part := make([][]float64, chunks)
	psr := mathext.Digamma(lim.R)
	parallel.For(chunks, func(c int) {
		if ctx.Err() != nil {
			return
		}
		acc := make([]float64, P+P*P)
		part[c] = acc
		lo, hi := parallel.Bounds(c, n)
		v := make([]float64, P)
		var g grads
		for j := lo; j < hi; j++ {
			k := gr.Keys[j]
			prof := int(k.A)
			p := profs[prof]
			x := k.B
			lnL, _ := p.rowLik(x, k.C, k.D, 1, &g)
			if math.IsNaN(lnL) || math.IsInf(lnL, 0) {
				acc[0] = math.NaN()
				return
			}
			g[0] += mathext.Digamma(p.r+x) - psr + math.Log(p.alpha)
			g[1] += p.r / p.alpha
			da, dk := g[1]*p.alpha, g[4]*p.kappa
			v[0], v[1], v[2], v[3], v[4] = g[0], da, g[2], g[3]*p.s, dk
			for i, zk := range vecs[prof] {
				v[5+i], v[5+K+i] = -zk*da, -zk*dk
			}
			w := float64(gr.Count[j])
			for a := range P {
				acc[a] += w * v[a]
				row := acc[P+a*P : P+(a+1)*P]
				for b := a; b < P; b++ {
					row[b] += w * v[a] * v[b]
				}
			}
		}
	})
	if err := ctx.Err(); err != nil {
		return LimitTest{}, err
	}
	sum := make([]float64, P+P*P)
	for _, pt := range part {
		for k, v := range pt {
			sum[k] += v
		}
	}
	if math.IsNaN(sum[0]) {
		return LimitTest{}, fmt.Errorf("ggompertz: %w: the likelihood at the limit is not finite", clv.ErrNotIdentified)
	}
	opg := func(a, b int) float64 { return sum[P+min(a, b)*P+max(a, b)] }
	// Info_b = O_bb − O_bθ O_θθ⁻¹ O_θb over the nuisance θ (all but b),
	// the block scaled to unit diagonal for its conditioning.
	idx := make([]int, 0, P-1)
	for a := range P {
		if a != 2 {
			idx = append(idx, a)
		}
	}
	m := len(idx)
	sc := make([]float64, m)
	for i, a := range idx {
		if d := opg(a, a); d > 0 {
			sc[i] = 1 / math.Sqrt(d)
		} else {
			return LimitTest{}, fmt.Errorf("ggompertz: %w: no information on parameter %d at the limit (a covariate without variation?)", clv.ErrNotIdentified, a)
		}
	}
	ott := mat.NewSymDense(m, nil)
	otb := mat.NewVecDense(m, nil)
	for i, a := range idx {
		otb.SetVec(i, opg(a, 2)*sc[i])
		for j := i; j < m; j++ {
			ott.SetSym(i, j, opg(a, idx[j])*sc[i]*sc[j])
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
	info := opg(2, 2) - mat.Dot(otb, &sol)
	if !(info > 1e-12*opg(2, 2)) || math.IsInf(info, 0) {
		return LimitTest{}, fmt.Errorf("ggompertz: %w: information for b %v at the limit", clv.ErrNotIdentified, info)
	}
	// The efficient score S_b − O_bθ O_θθ⁻¹ S_θ; in the scaled block
	// O_bθ O_θθ⁻¹ = solᵀ·diag(sc).
	proj := 0.0
	for i, a := range idx {
		proj += sol.AtVec(i) * sc[i] * sum[a]
	}
	t := LimitTest{Score: sum[2] - proj, Raw: sum[2], Info: info}
	zs := t.Score / math.Sqrt(info)
	if t.Score > 0 {
		t.Stat = zs * zs
	}
	t.P = distuv.UnitNormal.Survival(zs)
	return t, nil
}
