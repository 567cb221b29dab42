// Package csvio reads transaction logs and tables of customer summaries
// from delimited text into the vocabulary of package clv, as image/png
// reads images into package image's.
//
// A Reader reads a log record by record into clv.Transaction values, with the
// options of the common exports (Options: delimiters, header names or
// column numbers, date layouts, decimal commas, bounded line lengths,
// skipping unusable records with their reasons counted in clv.Stats).
// Summarize reads and summarizes a log in one pass, with memory
// O(customers), parsing beside summarizing on two cores and summarizing
// in parts on more; SummarizeAnyOrder does the same for a log in any
// order. ReadSummaries reads the per-customer table a warehouse query
// produces (SummaryColumns), checking every row.
//
// Every error that concerns a record is a *clv.ParseError naming the line
// and the column; the sentinel errors callers branch on
// (clv.ErrUnknownColumn, clv.ErrEmptyLog, clv.ErrOutOfOrder, …) are clv's.
// The engine under the Reader (records and fields, amount and time
// parsers, the parse-ahead pipeline, the parts) is in internal/ingest.
package csvio
