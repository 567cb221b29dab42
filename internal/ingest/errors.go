package ingest

import "errors"

// Errors of the parsers; clv exports them under the same names.
var (
	ErrBadQuote  = errors.New("bad quoted field")
	ErrBadAmount = errors.New("unparseable amount")
	ErrNonFinite = errors.New("amount is NaN or infinite")
)
