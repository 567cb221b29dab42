package segment

import (
	"fmt"

	"github.com/clvkit/clvkit/clv"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// Churn-risk tiers, from P(alive).
const (
	Active     = "active"
	AtRisk     = "at risk"
	LikelyLost = "likely lost"
)

// TierOptions configures Tiers. The zero value uses P(alive) thresholds
// 0.7 and 0.3, value tiers top 1%, top 10%, top 50% and the rest, and needs
// Value.PeriodLength.
type TierOptions struct {
	// Active and Lost are the P(alive) thresholds: P(alive) ≥ Active is
	// "active", P(alive) < Lost is "likely lost", between is "at risk".
	// Zero values mean 0.7 and 0.3.
	Active, Lost float64
	// TopShares are the value tiers, as ascending shares of the customers
	// ranked by CLV; nil means {0.01, 0.10, 0.50}: "top 1%", "top 10%",
	// "top 50%" and "rest".
	TopShares []float64
	// Value configures the lifetime value (see clv.ValueOptions).
	Value clv.ValueOptions
	// Actions maps value tier and churn tier to a suggested action; nil
	// means DefaultAction.
	Actions func(valueTier, churnTier string, top int) string
	// Columns maps the frame's column names.
	Columns Columns
}

// DefaultAction suggests what to do with a customer, given the value tier
// (top is its index: 0 for the most valuable tier) and the churn tier:
//
//	                     active              at risk               likely lost
//	top tiers (top 10%)  reward loyalty      retention offer       personal win-back
//	top 50%              cross-sell          reactivation campaign low-cost win-back
//	rest                 nurture             low-cost reminder     no spend
func DefaultAction(valueTier, churnTier string, top int) string {
	switch {
	case top <= 1:
		return map[string]string{Active: "reward loyalty", AtRisk: "retention offer", LikelyLost: "personal win-back"}[churnTier]
	case top == 2:
		return map[string]string{Active: "cross-sell", AtRisk: "reactivation campaign", LikelyLost: "low-cost win-back"}[churnTier]
	}
	return map[string]string{Active: "nurture", AtRisk: "low-cost reminder", LikelyLost: "no spend"}[churnTier]
}

// Tiers returns df with the columns ColPAlive, ColCLV, ColChurnTier,
// ColValueTier and ColAction added, computed with any purchase and spend
// model. Value tiers rank customers by CLV (ties keep frame order): the
// first ⌈share·n⌉ customers form each top tier.
//
// Churn tiers come from P(alive) alone. With the BG/NBD model a customer
// without repeat purchases has P(alive) = 1 however long ago the purchase
// was (dropout happens only after a repeat purchase), so one-time buyers
// always land in the "active" tier; their low CLV puts them in a low value
// tier, and the action follows from both.
func Tiers(df dataframe.DataFrame, pm clv.PurchaseModel, sm clv.SpendModel, opts TierOptions) (dataframe.DataFrame, error) {
	cs, err := ToCustomers(df, opts.Columns)
	if err != nil {
		return df, err
	}
	if pm == nil || sm == nil {
		return df, fmt.Errorf("segment: Tiers: nil model")
	}
	values, err := clv.LifetimeValues(pm, sm, cs, opts.Value)
	if err != nil {
		return df, err
	}
	pa := make([]float64, len(cs))
	for i, c := range cs {
		pa[i] = pm.ProbabilityAlive(c)
	}
	tiers, err := TierCustomers(pa, values, opts)
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
