package segment

import (
	"fmt"
	"slices"

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
	if opts.Active == 0 {
		opts.Active = 0.7
	}
	if opts.Lost == 0 {
		opts.Lost = 0.3
	}
	if !(opts.Lost <= opts.Active && opts.Lost >= 0 && opts.Active <= 1) {
		return df, fmt.Errorf("segment: thresholds lost %v, active %v: want 0 ≤ lost ≤ active ≤ 1", opts.Lost, opts.Active)
	}
	shares := opts.TopShares
	if shares == nil {
		shares = []float64{0.01, 0.10, 0.50}
	}
	if !slices.IsSorted(shares) || len(shares) == 0 || shares[0] <= 0 || shares[len(shares)-1] > 1 {
		return df, fmt.Errorf("segment: top shares %v: want ascending shares in (0, 1]", shares)
	}
	action := opts.Actions
	if action == nil {
		action = DefaultAction
	}
	cs, err := ToCustomers(df, opts.Columns)
	if err != nil {
		return df, err
	}
	values, err := clv.LifetimeValues(pm, sm, cs, opts.Value)
	if err != nil {
		return df, err
	}
	n := len(cs)
	pa := make([]float64, n)
	churn := make([]string, n)
	for i, c := range cs {
		pa[i] = pm.ProbabilityAlive(c)
		switch {
		case pa[i] >= opts.Active:
			churn[i] = Active
		case pa[i] < opts.Lost:
			churn[i] = LikelyLost
		default:
			churn[i] = AtRisk
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case values[a] > values[b]:
			return -1
		case values[a] < values[b]:
			return 1
		}
		return 0
	})
	names := make([]string, len(shares)+1)
	for j, s := range shares {
		names[j] = fmt.Sprintf("top %g%%", s*100)
	}
	names[len(shares)] = "rest"
	tierIdx := make([]int, n)
	j := 0
	for rank, i := range order {
		for j < len(shares) && float64(rank) >= ceil(shares[j]*float64(n)) {
			j++
		}
		tierIdx[i] = j
	}
	valueTier := make([]string, n)
	acts := make([]string, n)
	for i := range cs {
		valueTier[i] = names[tierIdx[i]]
		acts[i] = action(valueTier[i], churn[i], tierIdx[i])
	}
	return withColumns(df,
		series.New(pa, series.Float, ColPAlive),
		series.New(values, series.Float, ColCLV),
		series.New(churn, series.String, ColChurnTier),
		series.New(valueTier, series.String, ColValueTier),
		series.New(acts, series.String, ColAction))
}

func ceil(x float64) float64 {
	c := float64(int(x))
	if c < x {
		c++
	}
	return c
}
