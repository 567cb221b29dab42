package predict

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// minProfileRows is the fewest rows of one profile that OutlookProfiles
// gives a model's clv.OutlookRows (whose sharing of work between rows
// costs more than it saves on a few: a numeric covariate gives a profile
// per customer), else row by row.
const minProfileRows = 32

// OutlookProfiles returns the Outlook of every customer, customer i's
// from models[profile[i]]: for a model whose customers differ in their
// parameters by a profile (a model with static covariates, each distinct
// covariate vector a plain model: bgnbd.CovModel.Customer,
// paretonbd.CovModel.Customer). The outlooks are computed once per
// distinct (profile, frequency, recency, T), on all cores, with each
// model's clv.OutlookRows where it has one (for a profile's run of 32
// rows or more); the rows are in ascending
// order of (profile, x, t_x, T). An invalid customer, a profile out of
// range, a nil model, invalid options or a customer without an outlook
// is an error naming it.
func OutlookProfiles(models []clv.NextPurchaseModel, profile []int32, cs []clv.Customer, opts clv.OutlookOptions) (*Outlooks, error) {
	for g, m := range models {
		if err := checkModels(fmt.Sprintf("OutlookProfiles: models[%d]", g), m); err != nil {
			return nil, err
		}
	}
	if !opts.Valid() {
		return nil, fmt.Errorf("%w: Window %v, Horizon %v: want finite numbers > 0", clv.ErrBadOutlookOptions, opts.Window, opts.Horizon)
	}
	if len(profile) != len(cs) {
		return nil, fmt.Errorf("predict: OutlookProfiles: %d profiles for %d customers", len(profile), len(cs))
	}
	for i, g := range profile {
		if g < 0 || int(g) >= len(models) {
			return nil, fmt.Errorf("predict: OutlookProfiles: customers[%d] (%q): profile %d of %d models", i, cs[i].ID, g, len(models))
		}
	}
	if err := clv.ValidateAll(cs); err != nil {
		return nil, err
	}
	opts.Grouping = nil
	gr := rows.Group(len(cs), func(i int) (rows.Key, bool) {
		c := &cs[i]
		return rows.Key{A: float64(profile[i]), B: c.Frequency, C: c.Recency, D: c.T}, true
	})
	n := len(gr.Keys)
	distinct := make([]clv.Customer, n)
	for j, k := range gr.Keys {
		distinct[j] = clv.Customer{Frequency: k.B, Recency: k.C, T: k.D}
	}
	out := make([]clv.Outlook, n)
	// Chunks of rows on all cores; within a chunk, the rows of one
	// profile (a run, the rows being sorted by profile first) at once.
	parallel.For(parallel.Chunks(n), func(k int) {
		lo, hi := parallel.Bounds(k, n)
		for lo < hi {
			g := gr.Keys[lo].A
			end := lo + 1
			for end < hi && gr.Keys[end].A == g {
				end++
			}
			pm := models[int(g)]
			if or, ok := pm.(clv.OutlookRows); ok && end-lo >= minProfileRows {
				or.OutlookRows(distinct[lo:end], opts, out[lo:end])
			} else {
				for j := lo; j < end; j++ {
					out[j] = pm.Outlook(distinct[j], opts)
				}
			}
			lo = end
		}
	})
	for j := range out {
		o := &out[j]
		if math.IsNaN(o.PurchaseWithin) || math.IsNaN(o.PurchaseWithinHorizon) || math.IsNaN(o.AliveAtHorizon) || math.IsNaN(o.PurchaseRate) {
			i := 0
			for gr.Of[i] != int32(j) {
				i++
			}
			return nil, fmt.Errorf("predict: customers[%d] (%q): no outlook from %v", i, cs[i].ID, models[profile[i]])
		}
	}
	return &Outlooks{rows: out, slot: gr.Of}, nil
}
