// Package clv is the shared vocabulary of clvkit: a transaction log, the
// per-customer summary that every "buy till you die" model consumes, the
// capability interfaces models implement, and the summarizing of logs.
//
// The data path is
//
//	transactions (a CSV file via package clv/csvio, or []Transaction)
//	  -> Summarize / Summarizer  (one pass, memory O(customers))
//	  -> []Customer {Frequency, Recency, T, MonetaryValue}
//	  -> a PurchaseModel (package bgnbd) and a SpendModel (package gammagamma)
//	  -> lifetime value and outlooks (package clv/predict), model checks
//	     and choice (package clv/assess), uncertainty (package clv/interval)
//
// A Customer follows the conventions of the literature (Fader, Hardie & Lee
// 2005) and of the Python lifetimes package, so numbers can be compared one to
// one: Frequency is the number of repeat purchases (purchases after the first,
// with purchases in the same period merged into one), Recency the time from
// the first to the last purchase, T the time from the first purchase to the
// end of observation, and MonetaryValue the mean value of the repeat
// purchases (zero when there are none). Time is a float64 in a unit the caller
// chooses; every function that converts dates takes the unit explicitly.
//
// Package clv imports no model; models implement its interfaces (listed
// in interfaces.go, with who uses each), so the functions of the packages
// beside it work with any of them, as image/draw and image/png work with
// any image: lifetime value and the outlooks of a customer base in
// clv/predict, holdout evaluation, tracking, frequency counts and model
// choice in clv/assess, the forecasts' uncertainty (intervals from
// parameter draws, predictive intervals) in clv/interval.
//
// Reading delimited text (transaction logs, tables of summaries) is
// package clv/csvio's, beside clv as image/png beside image.
//
// The files follow the ideas: the summary (summary.go, period.go), one
// pass over a stream (summarizer.go), what was read and skipped
// (stats.go), the grouping of customers (grouping.go), fits' status,
// covariates and the answers in calendar terms (fit.go, covariates.go,
// outlook.go), shards (state.go, statearena.go, histogram.go). The engine
// under the Summarizer and CustomerState (id index and store, customer
// states, the amount sketch) is in internal/ingest.
package clv
