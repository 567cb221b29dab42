// Package segment turns customer summaries and forecasts into groups a
// business can act on: RFM scores and named segments (Champions, At Risk,
// Lost, ...), churn-risk tiers from P(alive), value tiers from predicted
// lifetime value, a suggested action for each combination, and a summary
// per segment.
//
// The functions work on plain slices: ScoreCustomers on []clv.Customer,
// TierCustomers (and TierCustomersCompact, a few bytes a customer) on
// P(alive) and CLV values, SummarizeGroups on keys and customers and
// SummarizeRFM on the RFM segments without a slice of their names, with
// linear-time quantiles (Edges). The same functions over
// gota DataFrames are in the sub-package segment/frame, so that a program
// which only needs the slices (the forecast job) does not link gota.
package segment
