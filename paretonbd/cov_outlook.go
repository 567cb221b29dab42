package paretonbd

import (
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/cov"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// Outlook returns the clv.Outlook of a customer with covariate vector z:
// Model.Outlook of the customer's model, Customer(z), the plain model at
// the parameters CovParams.At(z) (r, α·exp(−γ_trans·z), s,
// β·exp(−γ_life·z)). A customer of a covariate model is that plain model,
// so every answer of a clv.NextPurchaseModel is the plain model's: the
// probabilities of a purchase within the window and the horizon, of being
// alive at the horizon's end, the percentiles of the time to the next
// purchase and the posterior mean purchase rate. An invalid customer, z or
// options give NaN in every field.
func (m *CovModel) Outlook(c clv.Customer, z []float64, opts clv.OutlookOptions) clv.Outlook {
	cm, err := m.customerOf(z)
	if err != nil {
		return nanOutlook()
	}
	return cm.Outlook(c, opts)
}

// OutlookAll returns Outlook(cs[i], z.Values[i], opts) of every customer,
// computed once per distinct (covariate vector, frequency, recency, T)
// on all cores, each vector's distinct rows with Model.OutlookRows (which
// computes the series of equal (x, T) once). An invalid customer, vector or options
// is an error naming it, as is a customer without an outlook.
func (m *CovModel) OutlookAll(cs []clv.Customer, z clv.Covariates, opts clv.OutlookOptions) ([]clv.Outlook, error) {
	if !opts.Valid() {
		return nil, fmt.Errorf("paretonbd: %w: Window %v, Horizon %v: want finite numbers > 0", clv.ErrBadOutlookOptions, opts.Window, opts.Horizon)
	}
	// The checks of the other batch methods (customers, vectors, names).
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("paretonbd: %w", clv.ErrNoCustomers)
	}
	if err := z.Check(len(cs)); err != nil {
		return nil, fmt.Errorf("paretonbd: %w", err)
	}
	if !slices.Equal(z.Names, m.p.Names) {
		return nil, fmt.Errorf("paretonbd: %w: covariates %v, the model's are %v", clv.ErrInvalidCovariates, z.Names, m.p.Names)
	}
	for i, c := range cs {
		if !valid(c) {
			return nil, fmt.Errorf("paretonbd: customers[%d]: %w", i, c.Validate())
		}
	}
	slot, models, err := cov.Models(z, m.Customer)
	if err != nil {
		return nil, fmt.Errorf("paretonbd: %w", err)
	}
	out, bad := covOutlooks(cs, slot, len(models), func(g int, rs []clv.Customer, o []clv.Outlook) {
		if len(rs) < minOutlookRows {
			for j, c := range rs {
				o[j] = models[g].Outlook(c, opts)
			}
			return
		}
		models[g].OutlookRows(rs, opts, o)
	})
	if bad >= 0 {
		return nil, fmt.Errorf("paretonbd: customers[%d] (%q): no outlook from %v", bad, cs[bad].ID, models[slot[bad]])
	}
	return out, nil
}

// minOutlookRows is the fewest rows of one covariate vector that
// OutlookAll computes with Model.OutlookRows (whose grouping of (x, T)
// costs more than it saves on a few rows: a numeric covariate gives a
// vector per customer), else row by row.
const minOutlookRows = 32

// customerOf is Customer, an error for the zero CovModel.
func (m *CovModel) customerOf(z []float64) (*Model, error) {
	if m == nil || m.p.Names == nil {
		return nil, errZeroModel
	}
	return m.Customer(z)
}

// nanOutlook is the outlook of no customer: NaN in every field.
func nanOutlook() clv.Outlook {
	nan := math.NaN()
	return clv.Outlook{PurchaseWithin: nan, PurchaseWithinHorizon: nan, AliveAtHorizon: nan,
		NextPurchase: [3]float64{nan, nan, nan}, PurchaseRate: nan}
}

// covOutlooks returns the outlook of every customer of cs, slot[i] the
// profile of customer i (0 ≤ slot[i] < profiles), computed once per
// distinct (profile, x, t_x, T), on all cores: the distinct rows, sorted
// by profile first, are a run per profile, which rowsOf(g, rows, out)
// fills (in parts of at most parallel.ChunkSize rows). It also
// returns the first customer whose outlook has a NaN probability or rate
// (−1 for none).
func covOutlooks(cs []clv.Customer, slot []int32, profiles int, rowsOf func(g int, rs []clv.Customer, out []clv.Outlook)) ([]clv.Outlook, int) {
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
