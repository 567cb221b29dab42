package rows_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/rows"
)

func compress(cs []clv.Customer, w []float64) (*rows.Data, error) {
	return rows.Compress(len(cs), func(i int) (x, tx, T float64) {
		return cs[i].Frequency, cs[i].Recency, cs[i].T
	}, w)
}

// TestCompress: identical rows merge (−0 and 0 alike) across table growth,
// weights add up, the rows come in (x, t_x, T) order, and the distinct
// values and pairs index back to the rows.
func TestCompress(t *testing.T) {
	var cs []clv.Customer
	for i := range 30000 {
		x := float64(i % 7)
		tx := float64(i%5000) / 100
		if x == 0 {
			tx = math.Copysign(0, -1)
		}
		cs = append(cs, clv.Customer{Frequency: x, Recency: tx, T: 50 + float64(i%3)})
	}
	d, err := compress(cs, nil)
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[[3]float64]float64{}
	for _, c := range cs {
		distinct[[3]float64{c.Frequency, c.Recency + 0, c.T}]++
	}
	if len(d.Rows) != len(distinct) || d.W != float64(len(cs)) || d.MaxT != 52 {
		t.Fatalf("%d rows (want %d), weight %v, max T %v", len(d.Rows), len(distinct), d.W, d.MaxT)
	}
	var prev [3]float64
	xw := make([]float64, len(d.Xs))
	for i, r := range d.Rows {
		k := [3]float64{d.Xs[r.Xi], d.Txs[r.Txi], d.Ts[r.Ti]}
		if distinct[k] != r.W {
			t.Errorf("row %v: weight %v, want %v", k, r.W, distinct[k])
		}
		if i > 0 && !(prev[0] < k[0] || prev[0] == k[0] && (prev[1] < k[1] || prev[1] == k[1] && prev[2] < k[2])) {
			t.Errorf("row %d %v after %v", i, k, prev)
		}
		if p := d.XT[r.XT]; p.Xi != r.Xi || p.Vi != r.Ti {
			t.Errorf("row %d: (x, T) pair %v, want (%d, %d)", i, p, r.Xi, r.Ti)
		}
		if p := d.XTx[r.XTx]; p.Xi != r.Xi || p.Vi != r.Txi {
			t.Errorf("row %d: (x, t_x) pair %v, want (%d, %d)", i, p, r.Xi, r.Txi)
		}
		xw[r.Xi] += r.W
		prev = k
	}
	for i := range xw {
		if xw[i] != d.XW[i] {
			t.Errorf("XW[%d] = %v, want %v", i, d.XW[i], xw[i])
		}
	}
	sub := d.Every(3)
	if len(sub.Rows) != (len(d.Rows)+2)/3 {
		t.Errorf("Every(3): %d rows of %d", len(sub.Rows), len(d.Rows))
	}
	if _, err := compress(nil, nil); err == nil {
		t.Error("no customers accepted")
	}
	if _, err := compress(cs[:2], []float64{0, 0}); err == nil {
		t.Error("zero weights accepted")
	}
	if _, err := compress(cs[:2], []float64{1}); err == nil {
		t.Error("one weight for two customers accepted")
	}
	for _, w := range []float64{-1, math.NaN(), math.Inf(1)} {
		if _, err := compress(cs[:2], []float64{1, w}); err == nil {
			t.Errorf("weight %v accepted", w)
		}
	}
	if _, err := compress([]clv.Customer{{}, {}}, nil); err == nil {
		t.Error("T = 0 for all accepted")
	}
}

// TestCompressWeights: a weighted compression equals the unweighted one of
// the customers repeated, customers of weight 0 are left out (with their
// T from MaxT), and the total weight is the sum in customer order.
func TestCompressWeights(t *testing.T) {
	cs := []clv.Customer{{Frequency: 1, Recency: 2, T: 5}, {Frequency: 0, T: 9}, {Frequency: 1, Recency: 2, T: 5}, {Frequency: 2, Recency: 1, T: 3}}
	a, b := 0.1, 0.2 // a+b is not 0.3: the sums must be in customer order
	d, err := compress(cs, []float64{a, 0, b, 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Rows) != 2 || d.MaxT != 5 || d.W != a+b+3 {
		t.Fatalf("%d rows, max T %v, weight %v; want 2, 5, %v", len(d.Rows), d.MaxT, d.W, a+b+3)
	}
	if r := d.Rows[0]; d.Xs[r.Xi] != 1 || r.W != a+b {
		t.Errorf("first row x = %v, weight %v; want 1, %v", d.Xs[r.Xi], r.W, a+b)
	}
	rep := append(append([]clv.Customer{}, cs[:1]...), cs[3], cs[3], cs[3], cs[2])
	e, err := compress(rep, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Rows) != 2 || e.Rows[1].W != 3 || e.MaxT != 5 {
		t.Errorf("repeated: %+v, max T %v", e.Rows, e.MaxT)
	}
}
