package frame

import (
	"fmt"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/segment"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// Tiers returns df with the columns ColPAlive, ColCLV, ColChurnTier,
// ColValueTier and ColAction added (or replaced), computed with any
// purchase and spend model: P(alive) and the lifetime value under
// opts.Value (predict.LifetimeValues; opts.Value.PeriodLength must be set),
// then the tiers by segment.TierCustomers. Value tiers rank customers by
// CLV (ties keep frame order): the first ⌈share·n⌉ customers form each top
// tier. cols maps the frame's column names.
//
// Churn tiers come from P(alive) alone. With the BG/NBD model a customer
// without repeat purchases has P(alive) = 1 however long ago the purchase
// was (dropout happens only after a repeat purchase), so one-time buyers
// always land in the "active" tier; their low CLV puts them in a low value
// tier, and the action follows from both.
func Tiers(df dataframe.DataFrame, pm clv.PurchaseModel, sm clv.SpendModel, opts segment.TierOptions, cols Columns) (dataframe.DataFrame, error) {
	cs, err := ToCustomers(df, cols)
	if err != nil {
		return df, err
	}
	if pm == nil || sm == nil {
		return df, fmt.Errorf("segment/frame: Tiers: nil model")
	}
	values, err := predict.LifetimeValues(pm, sm, cs, opts.Value)
	if err != nil {
		return df, err
	}
	pa := make([]float64, len(cs))
	for i, c := range cs {
		pa[i] = pm.ProbabilityAlive(c)
	}
	tiers, err := segment.TierCustomers(pa, values, opts)
	if err != nil {
		return df, err
	}
	churn, valueTier, acts := make([]string, len(cs)), make([]string, len(cs)), make([]string, len(cs))
	for i, t := range tiers {
		churn[i], valueTier[i], acts[i] = t.Churn, t.Value, t.Action
	}
	return withColumns(df,
		series.New(pa, series.Float, ColPAlive),
		series.New(values, series.Float, ColCLV),
		series.New(churn, series.String, ColChurnTier),
		series.New(valueTier, series.String, ColValueTier),
		series.New(acts, series.String, ColAction))
}
