// Package predict turns fitted models into answers about customers, beside
// clv as image/draw sits beside image: lifetime value (LifetimeValue for
// one customer, LifetimeValues for a customer base, NewCustomerValue for a
// customer acquired now, the distribution of values: SummarizeValues) and,
// for a customer base, the answers in calendar terms of
// clv.NextPurchaseModel (OutlookAll).
//
// The batch functions compute what depends on a customer's (frequency,
// recency, T) alone once per distinct triple (logs of dates have far fewer
// of them than customers), grouping the customers themselves or taking a
// clv.Grouping made once per job (ValueOptions.Grouping,
// clv.OutlookOptions.Grouping); they find a model's optional capabilities
// (clv.PurchaseCurve, clv.DiscountedPurchases,
// clv.GroupedDiscountedPurchases, clv.OutlookRows) by type assertion. The
// forecasts' uncertainty is in package clv/interval.
package predict
