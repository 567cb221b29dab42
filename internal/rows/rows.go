// Package rows compresses customer summaries into the distinct
// (frequency, recency, T) rows with weights that the purchase models fit,
// with the distinct values of each, so that terms depending on one of them
// alone are computed once per value.
package rows

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
)

// Data is the fitting data compressed into distinct rows, with the distinct
// values of x, T and t_x so that the terms that depend on them alone are
// computed once per evaluation.
type Data struct {
	Xs, Ts, Txs []float64 // the distinct values of x, T and t_x
	XW          []float64 // total weight per distinct x
	Rows        []Row
	W           float64 // total weight
	MaxT        float64
	// XT and XTx are the distinct (x, T) and (x, t_x) pairs of the rows,
	// for terms that depend on those alone: far fewer than rows in logs
	// of dates.
	XT, XTx []Pair
}

// indexPairs fills XT, XTx and the rows' pair indices.
func (d *Data) indexPairs() {
	d.XT, d.XTx = d.XT[:0], d.XTx[:0]
	xt := map[Pair]int32{}
	xtx := map[Pair]int32{}
	idx := func(m map[Pair]int32, list *[]Pair, p Pair) int32 {
		k, ok := m[p]
		if !ok {
			k = int32(len(*list))
			m[p] = k
			*list = append(*list, p)
		}
		return k
	}
	for i := range d.Rows {
		r := &d.Rows[i]
		r.XT = idx(xt, &d.XT, Pair{r.Xi, r.Ti})
		r.XTx = idx(xtx, &d.XTx, Pair{r.Xi, r.Txi})
	}
}

// Row is one distinct (x, t_x, T): indices into Xs, Ts and Txs, and its
// total weight. XT and XTx index its (x, T) and (x, t_x) pairs in
// Data.XT and Data.XTx.
type Row struct {
	Xi, Ti, Txi int32
	XT, XTx     int32
	W           float64
}

// Pair is a distinct combination of a frequency and a time: indices into
// Xs and into Ts (or Txs).
type Pair struct{ Xi, Vi int32 }

// Compress validates the customers and merges identical rows: one map
// operation per customer; the distinct values of x, T and t_x are then
// collected from the (far fewer) rows.
func Compress(pkg string, cs []clv.Customer, weights []float64) (*Data, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("%s: %w", pkg, clv.ErrNoCustomers)
	}
	if weights != nil && len(weights) != len(cs) {
		return nil, fmt.Errorf("%s: %d weights for %d customers", pkg, len(weights), len(cs))
	}
	var tb table
	var keys []key
	var ws []float64
	d := &Data{}
	for i := range cs {
		c := &cs[i]
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("%s: customers[%d]: %w", pkg, i, err)
		}
		w := 1.0
		if weights != nil {
			w = weights[i]
			if !(w >= 0) || math.IsInf(w, 0) {
				return nil, fmt.Errorf("%s: weights[%d] = %v, want a finite number ≥ 0", pkg, i, w)
			}
			if w == 0 {
				continue
			}
		}
		k := key{c.Frequency + 0, c.Recency + 0, c.T + 0} // +0 turns −0 into 0
		r, ok := tb.find(k, keys)
		if !ok {
			r = int32(len(keys))
			tb.insert(k, r, keys)
			keys = append(keys, k)
			ws = append(ws, 0)
		}
		ws[r] += w
		d.W += w
		d.MaxT = math.Max(d.MaxT, c.T)
	}
	if d.W == 0 {
		return nil, fmt.Errorf("%s: all weights are zero", pkg)
	}
	if d.MaxT == 0 {
		return nil, fmt.Errorf("%s: every customer has T = 0: nothing was observed", pkg)
	}
	xi := map[float64]int32{}
	ti := map[float64]int32{}
	txi := map[float64]int32{}
	idx := func(m map[float64]int32, vals *[]float64, v float64) int32 {
		k, ok := m[v]
		if !ok {
			k = int32(len(*vals))
			m[v] = k
			*vals = append(*vals, v)
		}
		return k
	}
	// A canonical order, by (x, t_x, T): the sums over rows, and so the
	// fit, do not depend on the order of the customers (or on whether
	// they came as one slice or as a merged histogram).
	type kw struct {
		k key
		w float64
	}
	sorted := make([]kw, len(keys))
	for i, k := range keys {
		sorted[i] = kw{k, ws[i]}
	}
	slices.SortFunc(sorted, func(a, b kw) int {
		switch {
		case a.k.x != b.k.x:
			return cmp.Compare(a.k.x, b.k.x)
		case a.k.tx != b.k.tx:
			return cmp.Compare(a.k.tx, b.k.tx)
		}
		return cmp.Compare(a.k.t, b.k.t)
	})
	for i, e := range sorted {
		keys[i], ws[i] = e.k, e.w
	}
	d.Rows = make([]Row, len(keys))
	for i, k := range keys {
		d.Rows[i] = Row{Xi: idx(xi, &d.Xs, k.x), Ti: idx(ti, &d.Ts, k.t), Txi: idx(txi, &d.Txs, k.tx), W: ws[i]}
	}
	d.XW = make([]float64, len(d.Xs))
	for _, r := range d.Rows {
		d.XW[r.Xi] += r.W
	}
	d.indexPairs()
	return d, nil
}

// Every returns the data restricted to every k-th row (k ≥ 1), the
// weights kept: its log-likelihood estimates the full one divided by k.
func (d *Data) Every(k int) *Data {
	sub := &Data{Xs: d.Xs, Ts: d.Ts, Txs: d.Txs, MaxT: d.MaxT, XW: make([]float64, len(d.Xs))}
	for i := 0; i < len(d.Rows); i += max(k, 1) {
		r := d.Rows[i]
		sub.Rows = append(sub.Rows, r)
		sub.W += r.W
		sub.XW[r.Xi] += r.W
	}
	sub.indexPairs()
	return sub
}

type key struct{ x, tx, t float64 }

// table is an open-addressing hash index of distinct keys: slots hold
// index+1 into the caller's key slice (0 = empty), at most half full. It
// is several times faster than a Go map on a million float keys.
type table struct {
	slots []int32
	n     int
}

func (k key) hash() uint64 {
	h := math.Float64bits(k.x)*0x9E3779B97F4A7C15 ^ math.Float64bits(k.tx)*0xC2B2AE3D27D4EB4F ^
		math.Float64bits(k.t)*0x165667B19E3779F9
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>32
}

func (tb *table) find(k key, keys []key) (int32, bool) {
	if len(tb.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(tb.slots) - 1)
	for i := k.hash() & mask; ; i = (i + 1) & mask {
		s := tb.slots[i]
		if s == 0 {
			return 0, false
		}
		if keys[s-1] == k {
			return s - 1, true
		}
	}
}

func (tb *table) insert(k key, r int32, keys []key) {
	if 2*(tb.n+1) > len(tb.slots) {
		old := tb.slots
		tb.slots = make([]int32, max(1024, 2*len(old)))
		mask := uint64(len(tb.slots) - 1)
		for _, s := range old {
			if s != 0 {
				i := keys[s-1].hash() & mask
				for tb.slots[i] != 0 {
					i = (i + 1) & mask
				}
				tb.slots[i] = s
			}
		}
	}
	mask := uint64(len(tb.slots) - 1)
	i := k.hash() & mask
	for tb.slots[i] != 0 {
		i = (i + 1) & mask
	}
	tb.slots[i] = r + 1
	tb.n++
}
