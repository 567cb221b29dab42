// Package rows groups customers by their summaries: the one grouping
// kernel of the library (Group, Index, Map, Sorted), on plain keys of one
// to four numbers, and on it the distinct (frequency, recency, T) rows
// with weights that the purchase models fit (Compress), with the distinct
// values of each, so that terms depending on one of them alone are
// computed once per value.
//
// A job groups its customers once by (x, t_x, T) and reuses the grouping:
// FromGroups for the fits, the groups' keys for quantities that depend on
// the summary alone (lifetime values, intervals), and Map for coarser keys
// such as (x, T), without hashing the customers again. A Grouping binds
// such a grouping to the customers it was built from (clv.Grouping), for
// the job to hand it explicitly to the functions it calls.
package rows

import (
	"errors"
	"fmt"
	"math"
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

// indexPairs fills XT, XTx and the rows' pair indices, in order of first
// appearance in the rows.
func (d *Data) indexPairs() {
	var xt, xtx Index
	last := Row{Xi: -1}
	for i := range d.Rows {
		r := &d.Rows[i]
		r.XT = xt.Add(Key{A: float64(r.Xi), B: float64(r.Ti)})
		if r.Xi != last.Xi || r.Txi != last.Txi { // rows come mostly in order of (x, t_x)
			last = *r
			last.XTx = xtx.Add(Key{A: float64(r.Xi), B: float64(r.Txi)})
		}
		r.XTx = last.XTx
	}
	d.XT, d.XTx = pairs(xt.Keys()), pairs(xtx.Keys())
}

func pairs(keys []Key) []Pair {
	ps := make([]Pair, len(keys))
	for i, k := range keys {
		ps[i] = Pair{int32(k.A), int32(k.B)}
	}
	return ps
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

// Compress merges n customers into distinct rows: key(i) returns customer
// i's frequency x, recency t_x and age T, which the caller has validated
// (clv.ValidateAll), and weights[i] its weight (1 for a nil weights), a
// finite number ≥ 0. Customers of weight 0 are left out. It is Group
// followed by FromGroups.
func Compress(n int, key func(i int) (x, tx, T float64), weights []float64) (*Data, error) {
	if n == 0 {
		return nil, errNoRows
	}
	if weights != nil && len(weights) != n {
		return nil, fmt.Errorf("%d weights for %d customers", len(weights), n)
	}
	for i, w := range weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("weights[%d] = %v, want a finite number ≥ 0", i, w)
		}
	}
	g := Group(n, func(i int) (Key, bool) {
		if weights != nil && weights[i] == 0 {
			return Key{}, false
		}
		x, tx, T := key(i)
		return Key{A: x, B: tx, C: T}, true
	})
	return FromGroups(g, weights)
}

var errNoRows = errors.New("no customers")

// FromGroups returns the fitting data of customers grouped by Key{x, t_x,
// T} (in that order: the rows' canonical order is by x, then t_x, then T, so
// that the sums over rows, and so the fit, depend neither on the order of
// the customers nor on whether they came as one slice or as a merged
// histogram), with weights as in Compress, checked by the caller. Groups
// of weight 0 are left out.
func FromGroups(g *Groups, weights []float64) (*Data, error) {
	d := &Data{}
	var ws []float64
	if weights == nil {
		ws = make([]float64, len(g.Count))
		for j, c := range g.Count {
			ws[j] = float64(c)
		}
		d.W = float64(len(g.Of))
		for _, j := range g.Of {
			if j < 0 {
				d.W--
			}
		}
	} else {
		ws = g.Sum(weights)
		for i, j := range g.Of[:min(len(g.Of), len(weights))] {
			if j >= 0 {
				d.W += weights[i]
			}
		}
	}
	if d.W == 0 {
		if len(g.Of) == 0 {
			return nil, errNoRows
		}
		return nil, errors.New("all weights are zero")
	}
	var xi, ti, txi Index
	d.Rows = make([]Row, 0, len(g.Keys))
	// The keys are in order of x, then t_x: a row's x and t_x are mostly
	// the previous row's, looked up once.
	var last Row
	var lastX, lastTx uint64 // their canonical bits
	have := false
	for j, k := range g.Keys {
		if !(ws[j] > 0) {
			continue
		}
		d.MaxT = math.Max(d.MaxT, k.C)
		x, tx := Key{A: k.A}.canon(), Key{A: k.B}.canon()
		if xb := math.Float64bits(x.A); !have || xb != lastX {
			last.Xi, lastX = xi.Add(x), xb
			last.Txi, lastTx = txi.Add(tx), math.Float64bits(tx.A)
			have = true
		} else if txb := math.Float64bits(tx.A); txb != lastTx {
			last.Txi, lastTx = txi.Add(tx), txb
		}
		d.Rows = append(d.Rows, Row{Xi: last.Xi, Ti: ti.Add(Key{A: k.C}), Txi: last.Txi, W: ws[j]})
	}
	if d.MaxT == 0 {
		return nil, errors.New("every customer has T = 0: nothing was observed")
	}
	d.Xs, d.Ts, d.Txs = values(xi.Keys()), values(ti.Keys()), values(txi.Keys())
	d.XW = make([]float64, len(d.Xs))
	for _, r := range d.Rows {
		d.XW[r.Xi] += r.W
	}
	d.indexPairs()
	return d, nil
}

func values(keys []Key) []float64 {
	vs := make([]float64, len(keys))
	for i, k := range keys {
		vs[i] = k.A
	}
	return vs
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
