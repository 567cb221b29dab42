package paretonbd

import (
	"context"
	"math"

	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
	"gonum.org/v1/gonum/mathext"
)

// The fit of the exponential-dropout limit.
//
// With s held (the dropout limit reached, limit.go), the limit model is
// fitted on its own likelihood in closed form (expLogLik, limitexp.go),
// with parameters (r, α, μ) — carried as (r, α, s, β) with s held at
// limitShape and β = s/μ, so that the model's Params and its JSON keep
// their form and μ = s/β — rather than the general likelihood at
// s = limitShape, which differs from the limit by O(1/s). Per customer,
// with a = r+x, w₁ = μ(α+T), w₀ = μ(α+t_x), c₁ = 1 − F(a, w₁),
// h = F(a, w₀) and U = μ(T−t_x) + a ln((α+T)/(α+t_x)),
//
//	LL = ln Γ(a) − ln Γ(r) + r ln α − a ln(α+T) − μT + ln S,  S = c₁ + e^U h,
//
// and its gradient follows from ∂F/∂z = aF/z − (1 − F) (from
// F = z^a e^z Γ(1−a, z)) and ∂F/∂a, the derivative of expTail's continued
// fraction or series and recurrence carried along with them
// (expTailDA). ∂/∂β = −(μ/β) ∂/∂μ; ∂/∂s, unused with s held, is
// (1/β) ∂/∂μ.

// expTailDA returns F(a, z) (expTail) and ∂F/∂a, by the same continued
// fraction, or series and recurrence, differentiated term by term; NaN
// where expTail fails.
func expTailDA(a, z float64) (f, fa float64) {
	if z >= 1 || a >= 10 {
		return expTailCFDA(a, z)
	}
	a0 := a
	if a >= 0.5 {
		a0 = a - math.Floor(a-0.5)
	}
	f, fa = expTailSeriesDA(a0, z)
	for c := a0; c < a-0.5; c++ {
		// F(c+1) = z(1 − F(c))/c.
		f, fa = z*(1-f)/c, -z*fa/c-z*(1-f)/(c*c)
	}
	return f, fa
}

// expTailCFDA is expTailCF with the derivative in a carried along: the
// modified Lentz method on value–derivative pairs.
func expTailCFDA(a, z float64) (float64, float64) {
	const tiny = 1e-300
	f, df := z+a, 1.0
	C, dC := f, df
	D, dD := 0.0, 0.0
	for k := 1.0; k <= 2000; k++ {
		ak, dak := -k*(k-1+a), -k
		bk := z + a + 2*k // dbk = 1
		D, dD = bk+ak*D, 1+dak*D+ak*dD
		if D == 0 {
			D = tiny
		}
		C, dC = bk+ak/C, 1+dak/C-ak*dC/(C*C)
		if C == 0 {
			C = tiny
		}
		D, dD = 1/D, -dD/(D*D)
		d, dd := C*D, dC*D+C*dD
		f, df = f*d, df*d+f*dd
		if math.Abs(d-1) < 1e-15 && math.Abs(dd) <= 1e-15*math.Abs(df/f)+1e-300 {
			return z / f, -z * df / (f * f)
		}
	}
	return math.NaN(), math.NaN()
}

// expm1xD returns the derivative of expm1x(y) = (e^y − 1)/y:
// (y e^y − e^y + 1)/y², by its series near 0.
func expm1xD(y float64) float64 {
	if math.Abs(y) < 1e-3 {
		return 0.5 + y/3 + y*y/8 + y*y*y/30
	}
	return (y*math.Exp(y) - math.Expm1(y)) / (y * y)
}

// gammaM1D returns gammaM1(b) and its derivative.
func gammaM1D(b float64) (g, dg float64) {
	if math.Abs(b) >= 0.25 {
		lg, _ := math.Lgamma(1 + b)
		g = math.Expm1(lg) / b
		return g, (math.Exp(lg)*mathext.Digamma(1+b) - g) / b
	}
	var s, ds float64
	for k := len(zeta) + 1; k >= 2; k-- {
		s, ds = -b*s+zeta[k-2]/float64(k), -s-b*ds
	}
	lgb, dlgb := -eulerGamma+b*s, s+b*ds
	y, dy := b*lgb, lgb+b*dlgb
	return lgb * expm1x(y), dlgb*expm1x(y) + lgb*expm1xD(y)*dy
}

// expTailSeriesDA is expTailSeries with its derivative in a0.
func expTailSeriesDA(a0, z float64) (float64, float64) {
	b := 1 - a0 // d/da0 = −d/db
	lz := math.Log(z)
	g, dg := gammaM1D(b)
	zb := -lz * expm1x(-b*lz)
	dzb := lz * lz * expm1xD(-b*lz)
	var sum, dsum float64
	term := 1.0
	for n := 1.0; n < 60; n++ {
		term *= -z / n
		d := term / (n + b)
		sum += d
		dsum -= d / (n + b)
		if math.Abs(d) < 1e-17*math.Abs(sum) {
			break
		}
	}
	za := math.Exp(a0 * lz)
	ez := math.Exp(z)
	f := ez * (za*g + z*zb - z*sum)
	// ∂/∂a0 = za ln z g − ∂/∂b (za g... with b = 1 − a0): za's own
	// derivative is za ln z; g, zb and sum depend on b.
	fa := ez * (za*lz*g - za*dg - z*dzb + z*dsum)
	return f, fa
}

// tailTerms are F(a, w), 1 − F(a, w) and their derivatives in a and w
// for one distinct (x, τ) pair.
type tailTerms struct{ f, c, fa, fw float64 }

// tailAt returns the tailTerms at a, w.
func tailAt(a, w float64) tailTerms {
	f, fa := expTailDA(a, w)
	c := expTailC(a, w)
	return tailTerms{f: f, c: c, fa: fa, fw: a*f/w - c}
}

// limitScratch holds the per-pair terms of expLimitLogLik.
type limitScratch struct {
	ctx    context.Context
	t1, t0 []tailTerms // per (x, T) and (x, t_x) pair
	part   [][4]float64
}

// expLimitLogLik returns the log-likelihood of the rows d in the
// exponential-dropout limit at p (p.S ≥ limitShape: μ = s/β), summed with
// the weights, and its gradient in (r, α, s, β) if grad is not nil (see
// above); NaN once s.ctx is done.
func expLimitLogLik(d *rows.Data, p Params, grad []float64, s *limitScratch) float64 {
	mu := p.mu()
	r, al := p.R, p.Alpha
	if cap(s.t1) < len(d.XT) {
		s.t1 = make([]tailTerms, len(d.XT))
	}
	if cap(s.t0) < len(d.XTx) {
		s.t0 = make([]tailTerms, len(d.XTx))
	}
	t1, t0 := s.t1[:len(d.XT)], s.t0[:len(d.XTx)]
	fill := func(out []tailTerms, pairs []rows.Pair, vals []float64) {
		parallel.Map(len(pairs), func(lo, hi int) {
			done := s.ctx != nil && s.ctx.Err() != nil
			for k := lo; k < hi; k++ {
				if done {
					out[k] = tailTerms{f: math.NaN()}
					continue
				}
				pr := pairs[k]
				out[k] = tailAt(r+d.Xs[pr.Xi], mu*(al+vals[pr.Vi]))
			}
		})
	}
	fill(t1, d.XT, d.Ts)
	fill(t0, d.XTx, d.Txs)
	lgr, _ := math.Lgamma(r)
	psr := mathext.Digamma(r)
	lnAl := math.Log(al)
	n := len(d.Rows)
	chunks := parallel.Chunks(n)
	if cap(s.part) < chunks {
		s.part = make([][4]float64, chunks)
	}
	part := s.part[:chunks]
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		var acc [4]float64
		for _, rw := range d.Rows[lo:hi] {
			x, T, tx := d.Xs[rw.Xi], d.Ts[rw.Ti], d.Txs[rw.Txi]
			a := r + x
			A, H := t1[rw.XT], t0[rw.XTx]
			lga, _ := math.Lgamma(a)
			L := math.Log1p((T - tx) / (al + tx))
			U := mu*(T-tx) + a*L
			// S = c₁ + e^U h, and its derivatives, scaled by e^−U
			// where e^U would overflow.
			var S, lnS, eps, scale float64
			if U < 30 {
				eps, scale = 1, math.Exp(U)
				S = A.c + scale*H.f
				lnS = math.Log(S)
			} else {
				eps, scale = math.Exp(-U), 1
				S = A.c*eps + H.f
				lnS = U + math.Log(H.f) + math.Log1p(A.c*eps/H.f)
			}
			ll := lga - lgr + r*lnAl - a*math.Log(al+T) - mu*T + lnS
			acc[0] += rw.W * ll
			if grad == nil {
				continue
			}
			// dS/dθ (scaled) = −∂F₁/∂θ·eps + scale·(h ∂U/∂θ + ∂h/∂θ).
			dS := func(f1, uθ, hθ float64) float64 { return (-f1*eps + scale*(H.f*uθ+hθ)) / S }
			gr := mathext.Digamma(a) - psr + lnAl - math.Log(al+T) + dS(A.fa, L, H.fa)
			ga := r/al - a/(al+T) + dS(A.fw*mu, -a*(T-tx)/((al+T)*(al+tx)), H.fw*mu)
			gm := -T + dS(A.fw*(al+T), T-tx, H.fw*(al+tx))
			acc[1] += rw.W * gr
			acc[2] += rw.W * ga
			acc[3] += rw.W * gm
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
		grad[0], grad[1] = tot[1], tot[2]
		grad[2] = tot[3] / p.Beta       // ∂μ/∂s = 1/β
		grad[3] = -tot[3] * mu / p.Beta // ∂μ/∂β = −μ/β
	}
	return tot[0]
}

// limitLogLik is the RowModel's LimitLogLik: the closed form whenever a
// shape is held: the purchase shape (held[0]; with the dropout shape too,
// both limits) by poisLimitLogLik (limitpoissonfit.go), the dropout shape
// alone (held[1]) by expLimitLogLik; else nil (the general likelihood).
func limitLogLik(ctx context.Context, held []bool) func(d *rows.Data, p Params, grad []float64) float64 {
	if len(held) >= 1 && held[0] {
		return poisLimitFunc(ctx)
	}
	if len(held) < 2 || !held[1] {
		return nil
	}
	s := limitScratch{ctx: ctx}
	return func(d *rows.Data, p Params, grad []float64) float64 {
		if !p.expLimit() {
			// Not the limit model (FitRows holds s at limitShape).
			return math.NaN()
		}
		return expLimitLogLik(d, p, grad, &s)
	}
}
