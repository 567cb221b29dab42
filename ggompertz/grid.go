package ggompertz

import (
	"context"
	"math"
	"slices"

	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// The likelihood's integrals by frequency. The density kernel of a row
// (x, t_x, T) depends on x alone: the rows of one x integrate the same
// function over different intervals [t_x, T]. Logs of dates have few
// distinct times (days), so that the rows of one x share their ends: for
// such an x the integral is computed once per gap between consecutive
// distinct ends (t_x or T of its rows), on pieces chosen as quad.go
// chooses them (each gap split further by the width rule), and a row's
// integral is the sum of its gaps' integrals: a range sum in a segment
// tree over the gaps, O(log n) sums of positive terms per row, so that no
// row loses digits to a difference (as a difference of prefix sums
// would). The sums are kept in log scale, each node a scale m and sums
// relative to e^m, since (α+τ)^−(r+x) under- and overflows for large x;
// the gradient's components, signed, are summed the same way.
//
// An x takes this path at a point when its gaps need at most gridBudget
// pieces per row of that x (counted by the width rule before any
// integrand is evaluated): the per-row path needs at least one piece per
// row, and usually a few. Otherwise (continuous times, or rows too few
// for their gaps) its rows are integrated one by one (rowLik), as before.
const gridBudget = 2

// node is a sum of piece integrals in log scale: e^m·s, and e^m·a the
// sums of the integrand times the density kernel's derivatives. s = 0
// is the empty sum.
type node struct {
	m, s float64
	a    grads
}

// add adds o to n.
func (n *node) add(o *node) {
	if o.s == 0 {
		return
	}
	if n.s == 0 {
		*n = *o
		return
	}
	if o.m == n.m {
		n.s += o.s
		for j := range n.a {
			n.a[j] += o.a[j]
		}
		return
	}
	if o.m > n.m {
		f := math.Exp(n.m - o.m)
		n.s = n.s*f + o.s
		for j := range n.a {
			n.a[j] = n.a[j]*f + o.a[j]
		}
		n.m = o.m
		return
	}
	f := math.Exp(o.m - n.m)
	n.s += o.s * f
	for j := range n.a {
		n.a[j] += o.a[j] * f
	}
}

// layout is the rows' ends by x: for each distinct x the sorted distinct
// t_x and T of its rows with t_x < T, and for each row the indices of its
// t_x and T among them.
type layout struct {
	ends  [][]float64
	nrows []int
	at    [][2]int32
}

func newLayout(d *rows.Data) *layout {
	l := &layout{ends: make([][]float64, len(d.Xs)), nrows: make([]int, len(d.Xs)), at: make([][2]int32, len(d.Rows))}
	for _, rw := range d.Rows {
		tx, T := d.Txs[rw.Txi], d.Ts[rw.Ti]
		if tx < T {
			l.ends[rw.Xi] = append(l.ends[rw.Xi], tx, T)
			l.nrows[rw.Xi]++
		}
	}
	for i, e := range l.ends {
		slices.Sort(e)
		l.ends[i] = slices.Compact(e)
	}
	for i, rw := range d.Rows {
		tx, T := d.Txs[rw.Txi], d.Ts[rw.Ti]
		if tx < T {
			e := l.ends[rw.Xi]
			lo, _ := slices.BinarySearch(e, tx)
			hi, _ := slices.BinarySearch(e, T)
			l.at[i] = [2]int32{int32(lo), int32(hi)}
		}
	}
	return l
}

// evalState is a caller's scratch for logLik and limitTest: the sums of
// the chunks of rows, and the grids (segment trees over the gaps, nil for
// an x on the per-row path) of the rows d it was last used with.
type evalState struct {
	part [][6]float64
	d    *rows.Data
	lay  *layout
	tree [][]node
	// heads are the rows' heads by (x, T) pair (d.XT), for the rows on
	// the grid.
	heads []rowHead
	// budget, if not 0, replaces gridBudget (tests).
	budget int
}

// prepare computes the grids of the rows d at p.
func (st *evalState) prepare(ctx context.Context, d *rows.Data, p inner, withGrad bool) {
	if st.d != d {
		st.d, st.lay = d, newLayout(d)
		st.tree = make([][]node, len(d.Xs))
		st.heads = nil
	}
	lay := st.lay
	budget := gridBudget
	if st.budget != 0 {
		budget = st.budget
	}
	parallel.For(len(d.Xs), func(xi int) {
		if ctx != nil && ctx.Err() != nil {
			return
		}
		k := kernel{q: p.r + d.Xs[xi], alpha: p.alpha, b: p.b, kappa: p.kappa, c: p.s + 1, e: 1, fine: 1}
		st.tree[xi] = k.grid(lay.ends[xi], budget*lay.nrows[xi], withGrad, st.tree[xi])
	})
	if !slices.ContainsFunc(st.tree, func(tr []node) bool { return tr != nil }) {
		return
	}
	if st.heads == nil {
		st.heads = make([]rowHead, len(d.XT))
	}
	parallel.Map(len(d.XT), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			pr := d.XT[i]
			if st.tree[pr.Xi] != nil {
				st.heads[i] = p.head(d.Xs[pr.Xi], d.Ts[pr.Vi], withGrad)
			}
		}
	})
}

// row returns ln L of row i of d (rowLik) and its gradient into g if not
// nil, from its x's grid if it has one.
func (st *evalState) row(d *rows.Data, p inner, i int, g *grads) float64 {
	rw := &d.Rows[i]
	x, tx, T := d.Xs[rw.Xi], d.Txs[rw.Txi], d.Ts[rw.Ti]
	tr := st.tree[rw.Xi]
	if tr == nil || !(tx < T) || int(rw.XT) >= len(st.heads) {
		v, _ := p.rowLik(x, tx, T, 1, g)
		return v
	}
	h := &st.heads[rw.XT]
	at := st.lay.at[i]
	nd := query(tr, int(at[0]), int(at[1]))
	lnI := math.Inf(-1)
	var gi grads
	if nd.s > 0 {
		lnI = nd.m + math.Log(nd.s) + h.c
		if g != nil {
			for j := range gi {
				gi[j] = nd.a[j] / nd.s
			}
		}
	}
	return p.finish(h, lnI, &gi, g)
}

// query returns the sum of the leaves [lo, hi) of the segment tree tr.
func query(tr []node, lo, hi int) node {
	n := len(tr) / 2
	var l, r node // the sums from the left and from the right, in order
	for lo, hi = lo+n, hi+n; lo < hi; lo, hi = lo/2, hi/2 {
		if lo&1 == 1 {
			l.add(&tr[lo])
			lo++
		}
		if hi&1 == 1 {
			hi--
			r.add(&tr[hi])
		}
	}
	l.add(&r)
	return l
}

// grid returns the segment tree over the gaps between consecutive ends
// (leaves n..2n−1, node i the sum of nodes 2i and 2i+1), each gap
// integrated on pieces of the width rule, reusing buf; nil if the pieces
// would be more than budget.
func (k *kernel) grid(ends []float64, budget int, withGrad bool, buf []node) []node {
	n := len(ends) - 1
	if n < 1 || n > budget {
		return nil
	}
	// Count the pieces first: the width rule costs a fraction of a
	// piece's integrand.
	pieces := 0
	for i := range n {
		for a, hi := ends[i], ends[i+1]; a < hi; {
			if pieces++; pieces > budget {
				return nil
			}
			a += k.width(a)
		}
	}
	tr := slices.Grow(buf[:0], 2*n)[:2*n]
	var dg grads
	for i := range n {
		nd := &tr[n+i]
		*nd = node{m: math.Inf(-1)}
		a, hi := ends[i], ends[i+1]
		for a < hi {
			w := k.width(a)
			if !(a+w < hi) {
				w = hi - a
			}
			half := w / 2
			mid := a + half
			for j, x := range glX {
				t := mid + half*x
				var l float64
				if withGrad {
					l = k.atDens(t, &dg)
				} else {
					l = k.at(t)
				}
				if math.IsInf(l, -1) || math.IsNaN(l) {
					continue
				}
				if l > nd.m {
					f := math.Exp(nd.m - l)
					nd.s *= f
					for j := range nd.a {
						nd.a[j] *= f
					}
					nd.m = l
				}
				v := glW[j] * half * math.Exp(l-nd.m)
				nd.s += v
				if withGrad {
					for j := range nd.a {
						nd.a[j] += v * dg[j]
					}
				}
			}
			a += w
		}
	}
	// One scale for the whole tree when the leaves' scales are within
	// e^600 of the largest (the sums stay normal numbers): sums without
	// exponentials.
	top, bottom := math.Inf(-1), math.Inf(1)
	for _, nd := range tr[n:] {
		if nd.s > 0 {
			top, bottom = math.Max(top, nd.m), math.Min(bottom, nd.m)
		}
	}
	if bottom-top > -600 {
		for i := n; i < 2*n; i++ {
			if nd := &tr[i]; nd.s > 0 && nd.m != top {
				f := math.Exp(nd.m - top)
				nd.s *= f
				for j := range nd.a {
					nd.a[j] *= f
				}
				nd.m = top
			}
		}
	}
	for i := n - 1; i >= 1; i-- {
		tr[i] = tr[2*i]
		tr[i].add(&tr[2*i+1])
	}
	return tr
}
