package paretonbd

import (
	"context"
	"math"

	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// The fit of the Poisson limit.
//
// With r held (the purchase limit reached, limit.go), the limit model is
// fitted on its own likelihood in closed form (poisLogLik, limitpoisson.go)
// with parameters (λ, s, β) — carried as (r, α, s, β) with r held at
// limitShape and α = r/λ, so that the model's Params and its JSON keep
// their form — rather than on the general likelihood at r = limitShape,
// whose terms r ln α − (r+x) ln(α+T) cancel to a few digits and left the
// fit's line search without a descent (TestPoissonLimitRecovery). Per
// customer, with w₁ = λ(β+T), w₀ = λ(β+t_x), A = F(s, w₁), c₀ = 1 − F(s, w₀)
// and U = λ(T−t_x) + s ln((β+T)/(β+t_x)),
//
//	LL = x ln λ − λT − s ln(1 + T/β) + ln S,  S = A + e^U c₀,
//
// and its gradient follows from ∂F/∂z = aF/z − (1 − F) and ∂F/∂a
// (expTailDA), as in limitfit.go: ∂U/∂λ = T−t_x, ∂U/∂s = ln((β+T)/(β+t_x)),
// ∂U/∂β = −s(T−t_x)/((β+T)(β+t_x)), ∂w/∂λ = β+τ, ∂w/∂β = λ. Then
// ∂/∂α = −(λ/α) ∂/∂λ and ∂/∂r = (1/α) ∂/∂λ (unused with r held).
//
// With s held too (both limits), with k = λ+μ, D = T−t_x and E = e^−kD,
//
//	LL = x ln λ − ln k − k t_x + ln(μ + λE),
//
// ∂/∂λ = x/λ − 1/k − t_x + E(1 − λD)/(μ + λE), ∂/∂μ = −1/k − t_x +
// (1 − λDE)/(μ + λE), and ∂/∂β = −(μ/β) ∂/∂μ.

// poisScratch holds the per-value terms of poisLimitLogLik.
type poisScratch struct {
	ctx    context.Context
	t1, t0 []tailTerms // per distinct T and t_x
	part   [][4]float64
}

// poisLimitLogLik returns the log-likelihood of the rows d in the Poisson
// limit at p (p.R ≥ limitShape: λ = r/α), or in both limits (p.S ≥
// limitShape too), summed with the weights, and its gradient in (r, α, s,
// β) if grad is not nil (see above); NaN once s.ctx is done.
func poisLimitLogLik(d *rows.Data, p Params, grad []float64, sc *poisScratch) float64 {
	if p.expLimit() {
		return bothLimitLogLik(d, p, grad, sc)
	}
	lam, s, b := p.lambda(), p.S, p.Beta
	if cap(sc.t1) < len(d.Ts) {
		sc.t1 = make([]tailTerms, len(d.Ts))
	}
	if cap(sc.t0) < len(d.Txs) {
		sc.t0 = make([]tailTerms, len(d.Txs))
	}
	t1, t0 := sc.t1[:len(d.Ts)], sc.t0[:len(d.Txs)]
	fill := func(out []tailTerms, vals []float64) {
		parallel.Map(len(vals), func(lo, hi int) {
			done := sc.ctx != nil && sc.ctx.Err() != nil
			for k := lo; k < hi; k++ {
				if done {
					// Every term NaN: a row whose other tail is whole
					// must not form a finite value from this one.
					nan := math.NaN()
					out[k] = tailTerms{f: nan, c: nan, fa: nan, fw: nan}
					continue
				}
				out[k] = tailAt(s, lam*(b+vals[k]))
			}
		})
	}
	fill(t1, d.Ts)
	fill(t0, d.Txs)
	lnLam := math.Log(lam)
	n := len(d.Rows)
	chunks := parallel.Chunks(n)
	if cap(sc.part) < chunks {
		sc.part = make([][4]float64, chunks)
	}
	part := sc.part[:chunks]
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		var acc [4]float64
		for _, rw := range d.Rows[lo:hi] {
			x, T, tx := d.Xs[rw.Xi], d.Ts[rw.Ti], d.Txs[rw.Txi]
			A, H := t1[rw.Ti], t0[rw.Txi]
			L := math.Log1p((T - tx) / (b + tx))
			U := lam*(T-tx) + s*L
			// S = A + e^U c₀, scaled by e^−U where e^U would overflow.
			// ln C + ln S, ln C + U = −λt_x − s ln(1 + t_x/β) formed
			// directly where U is large (see poisLogLik).
			lT := math.Log1p(T / b)
			var S, ll, eps, scale float64
			if U < 30 {
				eps, scale = 1, math.Exp(U)
				S = A.f + scale*H.c
				ll = -lam*T - s*lT + math.Log(S)
			} else {
				eps, scale = math.Exp(-U), 1
				S = A.f*eps + H.c
				ll = -lam*tx - s*math.Log1p(tx/b) + math.Log(H.c) + math.Log1p(A.f*eps/H.c)
			}
			var xl float64
			if x != 0 {
				xl = x * lnLam
			}
			acc[0] += rw.W * (xl + ll)
			if grad == nil {
				continue
			}
			// dS/dθ (scaled) = ∂A/∂θ·eps + scale·(c₀ ∂U/∂θ − ∂F₀/∂θ).
			dS := func(a1, uθ, f0 float64) float64 { return (a1*eps + scale*(H.c*uθ-f0)) / S }
			gl := x/lam - T + dS(A.fw*(b+T), T-tx, H.fw*(b+tx))
			gs := -lT + dS(A.fa, L, H.fa)
			gb := s*T/(b*(b+T)) + dS(A.fw*lam, -s*(T-tx)/((b+T)*(b+tx)), H.fw*lam)
			acc[1] += rw.W * gl
			acc[2] += rw.W * gs
			acc[3] += rw.W * gb
		}
		part[c] = acc
	})
	var tot [4]float64
	for _, pt := range part {
		for k := range tot {
			tot[k] += pt[k]
		}
	}
	if grad != nil {
		grad[0] = tot[1] / p.Alpha        // ∂λ/∂r = 1/α
		grad[1] = -tot[1] * lam / p.Alpha // ∂λ/∂α = −λ/α
		grad[2], grad[3] = tot[2], tot[3]
	}
	return tot[0]
}

// bothLimitLogLik is poisLimitLogLik in both limits (r and s held).
func bothLimitLogLik(d *rows.Data, p Params, grad []float64, sc *poisScratch) float64 {
	lam, mu := p.lambda(), p.mu()
	k := lam + mu
	lnLam, lnK := math.Log(lam), math.Log(k)
	n := len(d.Rows)
	chunks := parallel.Chunks(n)
	if cap(sc.part) < chunks {
		sc.part = make([][4]float64, chunks)
	}
	part := sc.part[:chunks]
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		var acc [4]float64
		if sc.ctx != nil && sc.ctx.Err() != nil {
			part[c] = [4]float64{math.NaN()}
			return
		}
		for _, rw := range d.Rows[lo:hi] {
			x, T, tx := d.Xs[rw.Xi], d.Ts[rw.Ti], d.Txs[rw.Txi]
			D := T - tx
			E := math.Exp(-k * D)
			Q := mu + lam*E
			var xl float64
			if x != 0 {
				xl = x * lnLam
			}
			acc[0] += rw.W * (xl - lnK - k*tx + math.Log(Q))
			if grad == nil {
				continue
			}
			acc[1] += rw.W * (x/lam - 1/k - tx + E*(1-lam*D)/Q)
			acc[2] += rw.W * (-1/k - tx + (1-lam*D*E)/Q)
		}
		part[c] = acc
	})
	var tot [4]float64
	for _, pt := range part {
		for k := range tot {
			tot[k] += pt[k]
		}
	}
	if grad != nil {
		grad[0] = tot[1] / p.Alpha
		grad[1] = -tot[1] * lam / p.Alpha
		grad[2] = tot[2] / p.Beta       // ∂μ/∂s = 1/β
		grad[3] = -tot[2] * mu / p.Beta // ∂μ/∂β = −μ/β
	}
	return tot[0]
}

// poisLimitFunc is limitLogLik's function with the purchase shape held.
func poisLimitFunc(ctx context.Context) func(d *rows.Data, p Params, grad []float64) float64 {
	s := poisScratch{ctx: ctx}
	return func(d *rows.Data, p Params, grad []float64) float64 {
		if !p.poissonLimit() {
			// Not the limit model (FitRows holds r at limitShape).
			return math.NaN()
		}
		return poisLimitLogLik(d, p, grad, &s)
	}
}
