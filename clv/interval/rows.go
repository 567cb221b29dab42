package interval

import (
	"fmt"
	"reflect"
	"runtime"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
)

// schedule is the grid of a lifetime value (clv.ValueOptions.Schedule):
// the horizons ts and the discount applied to the purchases expected in
// each step.
type schedule struct {
	ts, disc []float64
}

// discount returns Σ (cum[i] − cum[i−1])·disc[i], cum[−1] = 0.
func (s schedule) discount(cum []float64) float64 {
	total, prev := 0.0, 0.0
	for i, v := range cum {
		total += (v - prev) * s.disc[i]
		prev = v
	}
	return total
}

// discountedPurchases returns the discounted number of purchases pm
// expects from c over the schedule, as clv.LifetimeValue computes it. cum
// is scratch of len(s.ts).
func discountedPurchases(pm clv.PurchaseModel, c clv.Customer, s schedule, cum []float64) float64 {
	if pc, ok := pm.(clv.PurchaseCurve); ok {
		pc.ConditionalExpectedPurchasesAt(c, s.ts, cum)
	} else {
		for i, t := range s.ts {
			cum[i] = pm.ConditionalExpectedPurchases(c, t)
		}
	}
	return s.discount(cum)
}

// isNil reports whether a model argument is nil or a nil pointer in an
// interface (a typed nil such as (*bgnbd.Model)(nil)), whose methods would
// dereference nil.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// checkModels returns an error wrapping clv.ErrNilModel, naming fn, if any
// of ms is nil (see isNil).
func checkModels(fn string, ms ...any) error {
	for _, m := range ms {
		if isNil(m) {
			return fmt.Errorf("interval: %s: %w (%T)", fn, clv.ErrNilModel, m)
		}
	}
	return nil
}

// distinctRows returns the distinct (frequency, recency, T) of cs, in
// order of first appearance, and each customer's index among them. Large
// inputs are counted in parts on all cores, then merged in part order.
// (A copy of clv's, until both use the grouping kernel of internal/rows.)
func distinctRows(cs []clv.Customer) (rows []clv.Customer, slot []int32) {
	type key struct{ x, tx, t float64 }
	keyOf := func(c *clv.Customer) key { return key{c.Frequency, c.Recency + 0, c.T + 0} }
	slot = make([]int32, len(cs))
	parts := 1
	if len(cs) >= 1<<17 {
		parts = runtime.GOMAXPROCS(0)
	}
	// Each part's distinct keys, in order, and its customers' local slots.
	local := make([][]key, parts)
	parallel.For(parts, func(p int) {
		lo, hi := p*len(cs)/parts, (p+1)*len(cs)/parts
		index := make(map[key]int32, min(hi-lo, 1<<16))
		for i := lo; i < hi; i++ {
			k := keyOf(&cs[i])
			j, ok := index[k]
			if !ok {
				j = int32(len(local[p]))
				index[k] = j
				local[p] = append(local[p], k)
			}
			slot[i] = j
		}
	})
	if parts == 1 {
		rows = make([]clv.Customer, len(local[0]))
		for j, k := range local[0] {
			rows[j] = clv.Customer{Frequency: k.x, Recency: k.tx, T: k.t}
		}
		return rows, slot
	}
	index := make(map[key]int32, len(local[0]))
	remap := make([][]int32, parts)
	for p, keys := range local {
		remap[p] = make([]int32, len(keys))
		for j, k := range keys {
			g, ok := index[k]
			if !ok {
				g = int32(len(rows))
				index[k] = g
				rows = append(rows, clv.Customer{Frequency: k.x, Recency: k.tx, T: k.t})
			}
			remap[p][j] = g
		}
	}
	parallel.For(parts, func(p int) {
		lo, hi := p*len(cs)/parts, (p+1)*len(cs)/parts
		for i := lo; i < hi; i++ {
			slot[i] = remap[p][slot[i]]
		}
	})
	return rows, slot
}
