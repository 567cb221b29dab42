package predict

import (
	"fmt"
	"math"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
)

// Outlooks holds the Outlook of many customers, computed once per distinct
// (frequency, recency, T): At(i) is customer i's, Row(Index(i)) the same.
// A nil *Outlooks holds no customers.
type Outlooks struct {
	rows []clv.Outlook
	slot []int32
}

// Len returns the number of customers.
func (o *Outlooks) Len() int {
	if o == nil {
		return 0
	}
	return len(o.slot)
}

// At returns the outlook of customer i, 0 ≤ i < Len(); the zero Outlook
// otherwise.
func (o *Outlooks) At(i int) clv.Outlook {
	if i < 0 || i >= o.Len() {
		return clv.Outlook{}
	}
	return o.rows[o.slot[i]]
}

// Distinct returns the number of distinct (frequency, recency, T) among
// the customers: the number of outlooks computed.
func (o *Outlooks) Distinct() int {
	if o == nil {
		return 0
	}
	return len(o.rows)
}

// Index returns the distinct row of customer i (0 ≤ i < Len()), the rows
// in ascending order of (x, t_x, T) (internal/rows' canonical order); −1
// otherwise. Callers that derive something from
// an outlook (a formatted cell) can do it once per row.
func (o *Outlooks) Index(i int) int {
	if i < 0 || i >= o.Len() {
		return -1
	}
	return int(o.slot[i])
}

// Row returns the outlook of distinct row j, 0 ≤ j < Distinct(); the zero
// Outlook otherwise.
func (o *Outlooks) Row(j int) clv.Outlook {
	if j < 0 || j >= o.Distinct() {
		return clv.Outlook{}
	}
	return o.rows[j]
}

// OutlookAll returns the Outlook of every customer, computed once per
// distinct (frequency, recency, T) on all cores (logs of dates have far
// fewer distinct rows than customers: 10⁶ customers with times in days
// have some 180,000), so pm's predictions must depend on them alone (not a
// model with per-customer covariates). An invalid customer is an error
// naming it; opts.Grouping of other customers an error wrapping
// clv.ErrGroupingMismatch.
func OutlookAll(pm clv.NextPurchaseModel, cs []clv.Customer, opts clv.OutlookOptions) (*Outlooks, error) {
	if err := checkModels("OutlookAll", pm); err != nil {
		return nil, err
	}
	if !opts.Valid() {
		return nil, fmt.Errorf("%w: Window %v, Horizon %v: want finite numbers > 0", clv.ErrBadOutlookOptions, opts.Window, opts.Horizon)
	}
	g, err := groupsOf(opts.Grouping, "OutlookAll", cs)
	if err != nil {
		return nil, err
	}
	if err := validate(cs, g); err != nil {
		return nil, err
	}
	distinct, slot := distinctRows(cs, g)
	opts.Grouping = nil // of cs, not of the distinct rows the model sees
	rows := make([]clv.Outlook, len(distinct))
	if or, ok := pm.(clv.OutlookRows); ok {
		or.OutlookRows(distinct, opts, rows)
	} else {
		parallel.Map(len(distinct), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				rows[i] = pm.Outlook(distinct[i], opts)
			}
		})
	}
	for j := range rows {
		o := &rows[j]
		if math.IsNaN(o.PurchaseWithin) || math.IsNaN(o.PurchaseWithinHorizon) || math.IsNaN(o.AliveAtHorizon) || math.IsNaN(o.PurchaseRate) {
			i := 0
			for slot[i] != int32(j) {
				i++
			}
			return nil, fmt.Errorf("predict: customers[%d] (%q): no outlook from %v", i, cs[i].ID, pm)
		}
	}
	return &Outlooks{rows: rows, slot: slot}, nil
}

// OutlooksOf returns Outlooks of one row per customer, customer i's
// outlook rows[i] (Distinct() = Len(), Index(i) = i): for models whose
// outlooks depend on more than frequency, recency and T (a covariate path
// per customer), computed customer by customer. rows is used, not copied.
func OutlooksOf(rows []clv.Outlook) *Outlooks {
	slot := make([]int32, len(rows))
	for i := range slot {
		slot[i] = int32(i)
	}
	return &Outlooks{rows: rows, slot: slot}
}
