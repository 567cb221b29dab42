package cov

import (
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// RowOutlooker is a plain model whose customers' outlooks a covariate
// model's OutlookAll computes: one at a time, or many distinct rows at
// once (clv.OutlookRows).
type RowOutlooker interface {
	clv.NextPurchaseModel
	clv.OutlookRows
}

// MinOutlookRows is the fewest rows of one covariate vector that
// OutlookAll computes with OutlookRows (whose grouping of (x, T) costs
// more than it saves on a few rows: a numeric covariate gives a vector per
// customer), else row by row.
const MinOutlookRows = 32

// NaNOutlook is the outlook of no customer: NaN in every field.
func NaNOutlook() clv.Outlook {
	nan := math.NaN()
	return clv.Outlook{PurchaseWithin: nan, PurchaseWithinHorizon: nan, AliveAtHorizon: nan,
		NextPurchase: [3]float64{nan, nan, nan}, PurchaseRate: nan}
}

// OutlookAll is the OutlookAll of package pkg's covariate model with
// covariates names: the outlook of customer i is customer(z.Values[i])'s
// Outlook(cs[i], opts), computed once per distinct (covariate vector,
// frequency, recency, T) on all cores, each vector's distinct rows with
// OutlookRows. valid reports the customers the model accepts. An invalid
// customer, vector or options is an error naming it, as is a customer
// without an outlook.
func OutlookAll[M RowOutlooker](pkg string, names []string, cs []clv.Customer, z clv.Covariates, opts clv.OutlookOptions,
	valid func(clv.Customer) bool, customer func([]float64) (M, error)) ([]clv.Outlook, error) {
	if !opts.Valid() {
		return nil, fmt.Errorf("%s: %w: Window %v, Horizon %v: want finite numbers > 0", pkg, clv.ErrBadOutlookOptions, opts.Window, opts.Horizon)
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("%s: %w", pkg, clv.ErrNoCustomers)
	}
	if err := z.Check(len(cs)); err != nil {
		return nil, fmt.Errorf("%s: %w", pkg, err)
	}
	if !slices.Equal(z.Names, names) {
		return nil, fmt.Errorf("%s: %w: covariates %v, the model's are %v", pkg, clv.ErrInvalidCovariates, z.Names, names)
	}
	for i, c := range cs {
		if !valid(c) {
			return nil, fmt.Errorf("%s: customers[%d]: %w", pkg, i, c.Validate())
		}
	}
	slot, models, err := Models(z, customer)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pkg, err)
	}
	out, bad := profileOutlooks(cs, slot, func(g int, rs []clv.Customer, o []clv.Outlook) {
		if len(rs) < MinOutlookRows {
			for j, c := range rs {
				o[j] = models[g].Outlook(c, opts)
			}
			return
		}
		models[g].OutlookRows(rs, opts, o)
	})
	if bad >= 0 {
		return nil, fmt.Errorf("%s: customers[%d] (%q): no outlook from %v", pkg, bad, cs[bad].ID, models[slot[bad]])
	}
	return out, nil
}

// profileOutlooks returns the outlook of every customer of cs, slot[i]
// the profile of customer i, computed once per distinct (profile, x, t_x,
// T), on all cores: the distinct rows, sorted by profile first, are a run
// per profile, which rowsOf(g, rows, out) fills (in parts of at most
// parallel.ChunkSize rows). It also returns the first customer whose
// outlook has a NaN probability or rate (−1 for none).
func profileOutlooks(cs []clv.Customer, slot []int32, rowsOf func(g int, rs []clv.Customer, out []clv.Outlook)) ([]clv.Outlook, int) {
	gr := rows.Group(len(cs), func(i int) (rows.Key, bool) {
		c := &cs[i]
		return rows.Key{A: float64(slot[i]), B: c.Frequency, C: c.Recency, D: c.T}, true
	})
	distinct := make([]clv.Customer, len(gr.Keys))
	for j, k := range gr.Keys {
		distinct[j] = clv.Customer{Frequency: k.B, Recency: k.C, T: k.D}
	}
	n := len(distinct)
	rowOut := make([]clv.Outlook, n)
	parallel.For(parallel.Chunks(n), func(k int) {
		lo, hi := parallel.Bounds(k, n)
		for lo < hi {
			g := int(gr.Keys[lo].A)
			end := lo + 1
			for end < hi && int(gr.Keys[end].A) == g {
				end++
			}
			rowsOf(g, distinct[lo:end], rowOut[lo:end])
			lo = end
		}
	})
	out := make([]clv.Outlook, len(cs))
	bad := -1
	for i, j := range gr.Of {
		o := rowOut[j]
		out[i] = o
		if bad < 0 && (math.IsNaN(o.PurchaseWithin) || math.IsNaN(o.PurchaseWithinHorizon) || math.IsNaN(o.AliveAtHorizon) || math.IsNaN(o.PurchaseRate)) {
			bad = i
		}
	}
	return out, bad
}
