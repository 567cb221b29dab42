package ggompertz

import (
	"context"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/rows"
)

// TestGridMatchesRows compares the likelihood of rows computed by x on
// the grid of their ends (grid.go) with the per-row quadrature (rowLik),
// and their gradients, on awkward shapes: x up to 10⁴, T up to 10⁵, b at
// 0, tiny and 3, and s large with β (a heterogeneity vanishing). The
// budget is raised so that most x take the grid here.
func TestGridMatchesRows(t *testing.T) {
	customers := func(ts []float64) []clv.Customer {
		var cs []clv.Customer
		for _, x := range []float64{0, 1, 5, 100, 1e4} {
			for i, T := range ts {
				for _, tx := range ts[:i+1] {
					if x == 0 {
						tx = 0
					}
					cs = append(cs, clv.Customer{Frequency: x, Recency: tx, T: T})
				}
			}
		}
		return cs
	}
	long := rowsOf(t, customers([]float64{0.5, 1, 7, 30, 52, 100, 1000, 1e4, 1e5}))
	short := rowsOf(t, customers([]float64{0.5, 1, 2, 3, 5, 7, 10, 15, 20, 30, 52}))
	var worst, worstG float64
	for _, p := range []inner{
		{0.55, 10.6, 0, 0.6, 11.7}, {0.55, 10.6, 1e-12, 0.6, 49.5}, {2, 0.5, 3, 1, 20}, {0.3, 50, 3, 5, 1e-3},
		{5, 2, 0.01, 0.05, 1e4}, {0.72, 12.8, 0.0126, 5e7, 1.39e9}, {0.44, 9.4, 0.0665, 1.02e4, 1.73e6},
	} {
		for j, d := range []*rows.Data{long, short} {
			st := evalState{budget: 3000}
			st.prepare(context.Background(), d, p, true)
			grids := 0
			for _, tr := range st.tree {
				if tr != nil {
					grids++
				}
			}
			t.Logf("%+v, data %d: %d of %d x on the grid", p, j, grids, len(d.Xs))
			if j == 1 && grids < 2 {
				t.Errorf("%+v: %d grids for %d x", p, grids, len(d.Xs))
			}
			for i, rw := range d.Rows {
				x, tx, T := d.Xs[rw.Xi], d.Txs[rw.Txi], d.Ts[rw.Ti]
				var g1, g2 grads
				want, _ := p.rowLik(x, tx, T, 1, &g1)
				got := st.row(d, p, i, &g2)
				dl := math.Abs(got-want) / math.Max(1, math.Abs(want))
				var dg float64
				for k := range g1 {
					dg = math.Max(dg, math.Abs(g2[k]-g1[k])/math.Max(1, math.Abs(g1[k])))
				}
				worst, worstG = math.Max(worst, dl), math.Max(worstG, dg)
				if !(dl < 1e-12 && dg < 1e-10) { // measured: 3.9e-15, 3.4e-13
					t.Errorf("%+v at (%v, %v, %v): ln L %.15g on the grid, %.15g by row; gradient %v vs %v", p, x, tx, T, got, want, g2, g1)
				}
			}
		}
	}
	t.Logf("largest relative difference: ln L %.2g, gradient %.2g", worst, worstG)
}
