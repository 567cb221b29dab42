package segment

import (
	"math"

	"github.com/clvkit/clvkit/clv/predict"
)

// Churn-risk tiers, from P(alive).
const (
	Active     = "active"
	AtRisk     = "at risk"
	LikelyLost = "likely lost"
)

// DefaultActive and DefaultLost are the default P(alive) thresholds of the
// churn tiers (TierOptions.Active and Lost).
const (
	DefaultActive = 0.7
	DefaultLost   = 0.3
)

// TierOptions configures TierCustomers (and segment/frame's Tiers). The
// zero value uses P(alive) thresholds 0.7 and 0.3 and value tiers top 1%,
// top 10%, top 50% and the rest; frame's Tiers, which computes the values,
// needs Value.PeriodLength.
type TierOptions struct {
	// Active and Lost are the P(alive) thresholds: P(alive) ≥ Active is
	// "active", P(alive) < Lost is "likely lost", between is "at risk".
	// Zero values mean DefaultActive and DefaultLost.
	Active, Lost float64
	// TopShares are the value tiers, as ascending shares of the customers
	// ranked by CLV; nil means {0.01, 0.10, 0.50}: "top 1%", "top 10%",
	// "top 50%" and "rest".
	TopShares []float64
	// Value configures the lifetime value (see predict.ValueOptions).
	Value predict.ValueOptions
	// Actions maps value tier and churn tier to a suggested action; nil
	// means DefaultAction.
	Actions func(valueTier, churnTier string, top int) string
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

// ChurnTier returns the churn tier of a P(alive) under o's thresholds, as
// TierCustomers assigns it: Active when pAlive ≥ o.Active, LikelyLost when
// pAlive < o.Lost, else AtRisk (zero thresholds mean DefaultActive and
// DefaultLost); "" for NaN. It does not check the thresholds.
func (o TierOptions) ChurnTier(pAlive float64) string {
	if math.IsNaN(pAlive) {
		return ""
	}
	o.defaults()
	return churnTiers[o.churn(pAlive)]
}

// churnTiers are the churn tiers in the order of TierOptions.churn.
var churnTiers = [...]string{Active, AtRisk, LikelyLost}

// defaults fills in the default thresholds of o's zero ones.
func (o *TierOptions) defaults() {
	if o.Active == 0 {
		o.Active = DefaultActive
	}
	if o.Lost == 0 {
		o.Lost = DefaultLost
	}
}

// churn returns the index in churnTiers of pAlive's tier under o's
// thresholds (defaults filled in).
func (o *TierOptions) churn(pAlive float64) int {
	switch {
	case pAlive >= o.Active:
		return 0
	case pAlive < o.Lost:
		return 2
	}
	return 1
}
