package ingest

// EngineOf returns the engine of s, a *clv.Summarizer, its options and the
// function that counts its skips, so that clv/csvio can prefault its
// memory and summarize a log in parts (see NewParts and Merge), putting the
// merged engine in its place, without clv exporting them. Package clv sets
// it when it is initialized.
var EngineOf func(s any) (e **Summarizer, opts SummaryOptions, skip func(error))
