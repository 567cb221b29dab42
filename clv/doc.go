// Package clv is the shared vocabulary of clvkit: a transaction log, the
// per-customer summary that every "buy till you die" model consumes, and the
// pipeline glue around the models.
//
// The data path is
//
//	transactions (CSV via Reader, or []Transaction)
//	  -> Summarize / Summarizer  (one pass, memory O(customers))
//	  -> []Customer {Frequency, Recency, T, MonetaryValue}
//	  -> a PurchaseModel (package bgnbd) and a SpendModel (package gammagamma)
//	  -> forecasts and lifetime value (this package)
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
// in interfaces.go, with who uses each), so the lifetime-value and
// evaluation functions here work with any of them. The uncertainty of the
// forecasts (intervals from parameter draws, predictive intervals) is in
// package clv/interval, beside it.
//
// The files follow the ideas: the summary (summary.go, period.go), one
// pass over a stream (summarizer.go, summarize_csv.go), the CSV Reader
// (csv.go, stats.go), lifetime value (value.go, schedule.go, simple.go),
// evaluation and model choice (evaluate.go, compare.go, frequency.go,
// tracking.go), shards (state.go, histogram.go, summaries.go). The
// engine under the Reader, the Summarizer and CustomerState (records and
// columns, amount and time parsers, id index and store, customer states,
// the parse-ahead pipeline, the amount sketch) is in internal/ingest; the
// holdout baseline's least squares in internal/ols.
package clv
