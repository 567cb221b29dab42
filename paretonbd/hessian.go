package paretonbd

import (
	"math"
	"slices"

	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// hessian writes the Hessian of logLik at p with respect to (r, α, s, β),
// row major, into h: the standard errors of a large fit come from it with
// one pass over the rows, where central differences of the gradient take
// eight. Per customer, LL = lnΓ(r+x) − lnΓ(r) + r ln α + log(e^lnA + e^lnB)
// (see integral), whose Hessian is
//
//	∇²(lnΓ(r+x) − lnΓ(r) + r ln α) + wA ∇²lnA + wB ∇²lnB + wA wB (∇lnA − ∇lnB)(∇lnA − ∇lnB)ᵀ,
//
// wA = e^lnA/(e^lnA + e^lnB) = 1 − wB: ψ₁(r+x) − ψ₁(r) in r, 1/α in (r, α)
// and −r/α² in α for the first; the Hessians of lnA, a function of (x, T),
// and lnB, of (x, t_x), by central differences of their analytic gradients
// (relative step 1e-5, as mle.Hessian) once per distinct pair.
func hessian(d *rows.Data, p Params, h []float64, s *scratch) {
	var H [4][4]float64
	t1r := mle.Trigamma(p.R)
	for i, x := range d.Xs {
		w := d.XW[i]
		H[0][0] += w * (mle.Trigamma(p.R+x) - t1r)
		H[0][1] += w / p.Alpha
		H[1][1] -= w * p.R / (p.Alpha * p.Alpha)
	}
	// The pairs' values and gradients at p, then their Hessians.
	s.T.fill(p, d.Ts)
	s.Tx.fill(p, d.Txs)
	termsA := func(q Params, ln *[]float64, g *[][4]float64) {
		pairTerms(s.ctx, d.XT, ln, g, true, func(pr rows.Pair, g *[4]float64) float64 {
			return q.termA(d.Xs[pr.Xi], s.T.get(pr.Vi), g)
		})
	}
	termsB := func(q Params, ln *[]float64, g *[][4]float64) {
		pairTerms(s.ctx, d.XTx, ln, g, true, func(pr rows.Pair, g *[4]float64) float64 {
			return q.termB(d.Xs[pr.Xi], s.Tx.get(pr.Vi), g)
		})
	}
	termsA(p, &s.lnA, &s.gA)
	termsB(p, &s.lnB, &s.gB)
	hA, hB := make([][4][4]float64, len(d.XT)), make([][4][4]float64, len(d.XTx))
	v := p.Vector()
	var lnP, lnM []float64
	var gP, gM [][4]float64
	for j := range 4 {
		step := 1e-5 * math.Max(math.Abs(v[j]), 1e-3)
		vp, vm := slices.Clone(v), slices.Clone(v)
		vp[j], vm[j] = v[j]+step, v[j]-step
		pp, pm := Params{}.FromVector(vp), Params{}.FromVector(vm)
		for _, side := range []struct {
			vals  []float64
			terms func(Params, *[]float64, *[][4]float64)
			rt    *rowTerms
			hh    [][4][4]float64
		}{{d.Ts, termsA, &s.T, hA}, {d.Txs, termsB, &s.Tx, hB}} {
			side.rt.fill(pp, side.vals)
			side.terms(pp, &lnP, &gP)
			side.rt.fill(pm, side.vals)
			side.terms(pm, &lnM, &gM)
			for k := range side.hh {
				for i := range 4 {
					side.hh[k][i][j] = (gP[k][i] - gM[k][i]) / (2 * step)
				}
			}
		}
	}
	n := len(d.Rows)
	chunks := parallel.Chunks(n)
	part := make([][4][4]float64, chunks)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		if s.ctx != nil && s.ctx.Err() != nil {
			part[c][0][0] = math.NaN()
			return
		}
		var q [4][4]float64
		for _, rw := range d.Rows[lo:hi] {
			lnA, lnB := s.lnA[rw.XT], s.lnB[rw.XTx]
			e := math.Exp(-math.Abs(lnA - lnB))
			wA := 1 / (1 + e)
			if lnA < lnB {
				wA = e / (1 + e)
			}
			wB := 1 - wA
			gA, gB := &s.gA[rw.XT], &s.gB[rw.XTx]
			HA, HB := &hA[rw.XT], &hB[rw.XTx]
			var dg [4]float64
			for i := range 4 {
				dg[i] = gA[i] - gB[i]
			}
			w, wpp := rw.W, rw.W*wA*wB
			for i := range 4 {
				for j := i; j < 4; j++ {
					q[i][j] += w*(wA*(HA[i][j]+HA[j][i])/2+wB*(HB[i][j]+HB[j][i])/2) + wpp*dg[i]*dg[j]
				}
			}
		}
		part[c] = q
	})
	for _, q := range part {
		for i := range 4 {
			for j := i; j < 4; j++ {
				H[i][j] += q[i][j]
			}
		}
	}
	for i := range 4 {
		for j := range 4 {
			h[4*i+j] = H[min(i, j)][max(i, j)]
		}
	}
}
