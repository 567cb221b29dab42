package bgnbd

import (
	"math"
	"slices"

	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// hessian writes the Hessian of logLik at f with respect to (r, α, a, b),
// row major, into h: the standard errors of a large fit come from it in
// one pass over the rows, where central differences of the gradient take
// eight. With A1 … A4 as in logLik and p4 = e^A4/(e^A3 + e^A4), p3 = 1 − p4
// the posterior weights of the two terms, each customer contributes
//
//	∇²(A1 + A2) + p3 ∇²A3 + p4 ∇²A4 + p3 p4 (∇A4 − ∇A3)(∇A4 − ∇A3)ᵀ,
//
// whose gamma terms are trigamma functions of x alone:
//
//	∂²A1/∂r² = ψ₁(r+x) − ψ₁(r),  ∂²A2/∂a² = ∂²A2/∂a∂b = ψ₁(a+b) − ψ₁(a+b+x),
//	∂²A2/∂b² = ∂²A2/∂a² + ψ₁(b+x) − ψ₁(b),
//
// and of the others ∂²A3/∂r∂α = 1/α − 1/(α+T), ∂²A3/∂α² = (r+x)/(α+T)² − r/α²
// (likewise A4 with t_x), ∂²A4/∂a² = −1/a², ∂²A4/∂b² = 1/(b+x−1)² (with
// MBG/NBD's shift of x as in logLik).
func hessian(d *rows.Data, f family, h []float64, s *scratch) {
	r, al, a, b, sh := f.R, f.Alpha, f.A, f.B, f.d
	s.T = fillTerms(s.T, r, al, d.Ts)
	s.Tx = fillTerms(s.Tx, r, al, d.Txs)
	s.lnab, s.inb = model.Resize(s.lnab, len(d.Xs)), model.Resize(s.inb, len(d.Xs))
	var H [4][4]float64
	t1r, t1b, t1ab := mle.Trigamma(r), mle.Trigamma(b), mle.Trigamma(a+b)
	for i, x := range d.Xs {
		w := d.XW[i]
		xs := x + sh
		H[0][0] += w * (mle.Trigamma(r+x) - t1r)
		dab := t1ab - mle.Trigamma(a+b+xs)
		H[2][2] += w * dab
		H[2][3] += w * dab
		H[3][3] += w * (dab + mle.Trigamma(b+xs) - t1b)
		if xs > 0 {
			s.lnab[i] = math.Log(a / (b + xs - 1))
			s.inb[i] = 1 / (b + xs - 1)
		}
	}
	n := len(d.Rows)
	chunks := parallel.Chunks(n)
	type acc struct{ rr, ra, aa, rA, rB, aA, aB, AA, AB, BB float64 } // r, α (a), a (A), b (B)
	part := slices.Grow([]acc(nil), chunks)[:chunks]
	T, Tx := s.T, s.Tx
	ia2, ia := 1/(al*al), 1/a
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		var q acc
		if s.ctx != nil && s.ctx.Err() != nil {
			part[c] = acc{rr: math.NaN()}
			return
		}
		for _, rw := range d.Rows[lo:hi] {
			x := d.Xs[rw.Xi]
			tT := &T[rw.Ti]
			dT := r*tT.j - x*tT.inv
			hT := (r+x)*tT.inv*tT.inv - r*ia2
			if x+sh == 0 {
				q.ra += rw.W * tT.j
				q.aa += rw.W * hT
				continue
			}
			tX := &Tx[rw.Txi]
			A3 := -x*tT.ln - r*tT.l
			A4 := s.lnab[rw.Xi] - x*tX.ln - r*tX.l
			e := math.Exp(-math.Abs(A4 - A3))
			p4 := 1 / (1 + e)
			if A4 < A3 {
				p4 = e / (1 + e)
			}
			p3 := 1 - p4
			dX := r*tX.j - x*tX.inv
			hX := (r+x)*tX.inv*tX.inv - r*ia2
			inb := s.inb[rw.Xi]
			v0, v1, v2, v3 := tT.l-tX.l, dX-dT, ia, -inb
			w, wpp := rw.W, rw.W*p3*p4
			q.rr += wpp * v0 * v0
			q.ra += w*(p3*tT.j+p4*tX.j) + wpp*v0*v1
			q.aa += w*(p3*hT+p4*hX) + wpp*v1*v1
			q.rA += wpp * v0 * v2
			q.rB += wpp * v0 * v3
			q.aA += wpp * v1 * v2
			q.aB += wpp * v1 * v3
			q.AA += wpp*v2*v2 - w*p4*ia*ia
			q.AB += wpp * v2 * v3
			q.BB += wpp*v3*v3 + w*p4*inb*inb
		}
		part[c] = q
	})
	for _, q := range part {
		H[0][0] += q.rr
		H[0][1] += q.ra
		H[1][1] += q.aa
		H[0][2] += q.rA
		H[0][3] += q.rB
		H[1][2] += q.aA
		H[1][3] += q.aB
		H[2][2] += q.AA
		H[2][3] += q.AB
		H[3][3] += q.BB
	}
	for i := range 4 {
		for j := range 4 {
			h[4*i+j] = H[min(i, j)][max(i, j)]
		}
	}
}
