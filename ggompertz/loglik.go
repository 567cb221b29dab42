package ggompertz

import (
	"context"
	"math"
	"slices"

	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
	"gonum.org/v1/gonum/mathext"
)

// rowLik returns, for a customer (x, t_x, T), ln of the bracket of the
// likelihood (see the package doc) in the parameters (r, α, b, s, κ),
//
//	ln[ (α+T)^−q·(1 + ε(T)/κ)^−s + (s/κ)·∫_{t_x}^T (α+τ)^−q e^{bτ} (1 + ε(τ)/κ)^−(s+1) dτ ],
//
// q = r+x (at b = 0 the integral is the Pareto/NBD's), and lnF, the
// logarithm of the first term, of a customer still alive at T: P(alive) is
// exp(lnF − lnL). If g is not nil it receives the gradient of lnL with
// respect to (r, α, b, s, κ).
func (p inner) rowLik(x, tx, T, fine float64, g *grads) (lnL, lnF float64) {
	h := p.head(x, T, g != nil)
	k := kernel{q: p.r + x, alpha: p.alpha, b: p.b, kappa: p.kappa, c: p.s + 1, e: 1, fine: fine}
	var gi grads
	var gp *grads
	if g != nil {
		gp = &gi
	}
	lnI := k.integrate(tx, T, h.lnF-h.c, gp) + h.c
	return p.finish(&h, lnI, &gi, g), h.lnF
}

// rowHead holds the terms of a row's bracket that depend on x and T
// alone: lnF, c = ln(s/κ), and with the gradient dF, the derivatives of
// lnF.
type rowHead struct {
	lnF, c float64
	dF     grads
}

func (p inner) head(x, T float64, withGrad bool) rowHead {
	q := p.r + x
	lT, u := logL(p.b, p.kappa, T)
	h := rowHead{lnF: -q*math.Log(p.alpha+T) - p.s*lT, c: math.Log(p.s / p.kappa)}
	if withGrad {
		dk := p.s * u / (p.kappa * (1 + u))
		if math.IsInf(u, 0) {
			dk = p.s / p.kappa
		}
		h.dF = grads{-math.Log(p.alpha + T), -q / (p.alpha + T), -p.s * dLdb(p.b, p.kappa, T, u), -lT, dk}
	}
	return h
}

// finish returns ln L of a row from its head h and lnI, the logarithm of
// the bracket's integral term (s/κ)·∫, and, if g is not nil, the gradient
// into g from gi, the density kernel's derivatives averaged over the
// integral (which it changes).
func (p inner) finish(h *rowHead, lnI float64, gi, g *grads) float64 {
	lnF := h.lnF
	lnL := lnF
	if !math.IsInf(lnI, -1) {
		lnL = math.Max(lnF, lnI) + math.Log1p(math.Exp(-math.Abs(lnF-lnI)))
	}
	if g != nil {
		wF := math.Exp(lnF - lnL)
		wI := 1 - wF
		if math.IsInf(lnI, -1) {
			wI = 0
		}
		dF := &h.dF
		gi[3] += 1 / p.s
		gi[4] -= 1 / p.kappa
		for j := range g {
			g[j] = wF*dF[j] + wI*gi[j]
		}
	}
	return lnL
}

// logLik returns the weighted log-likelihood of rows d at p, and its
// gradient with respect to (r, α, b, s, κ) into grad if not nil: per row
// lnΓ(r+x) − lnΓ(r) + r ln α + lnL (rowLik), the terms of x once per
// distinct x, the rows on all cores in a fixed chunking, their integrals
// by x where that is cheaper (grid.go); st keeps the scratch between
// calls. Once ctx is done it returns NaN.
func logLik(ctx context.Context, d *rows.Data, p inner, grad []float64, st *evalState) float64 {
	lg := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	lgr, lnA := lg(p.r), math.Log(p.alpha)
	var ll float64
	var g grads
	var psr float64
	if grad != nil {
		psr = mathext.Digamma(p.r)
	}
	for i, x := range d.Xs {
		w := d.XW[i]
		ll += w * (lg(p.r+x) - lgr + p.r*lnA)
		if grad != nil {
			g[0] += w * (mathext.Digamma(p.r+x) - psr + lnA)
			g[1] += w * p.r / p.alpha
		}
	}
	st.prepare(ctx, d, p, grad != nil)
	n := len(d.Rows)
	chunks := parallel.Chunks(n)
	part := &st.part
	*part = slices.Grow((*part)[:0], chunks)[:chunks]
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		if ctx != nil && ctx.Err() != nil {
			(*part)[c] = [6]float64{math.NaN()}
			return
		}
		var acc [6]float64
		var rg grads
		gp := &rg
		if grad == nil {
			gp = nil
		}
		for i := lo; i < hi; i++ {
			rw := &d.Rows[i]
			v := st.row(d, p, i, gp)
			acc[0] += rw.W * v
			if gp != nil {
				for k := range 5 {
					acc[k+1] += rw.W * rg[k]
				}
			}
		}
		(*part)[c] = acc
	})
	for _, pt := range *part {
		ll += pt[0]
		for k := range 5 {
			g[k] += pt[k+1]
		}
	}
	if grad != nil {
		copy(grad, g[:])
	}
	return ll
}
