package ingest

import (
	"errors"
	"time"
)

// Errors of the parsers and the summarizer; clv exports them under the
// same names.
var (
	ErrBadQuote       = errors.New("bad quoted field")
	ErrBadAmount      = errors.New("unparseable amount")
	ErrNonFinite      = errors.New("amount is NaN or infinite")
	ErrMissingID      = errors.New("missing customer id")
	ErrLongID         = errors.New("customer id longer than 65,535 bytes")
	ErrNegativeAmount = errors.New("negative amount")
	ErrAfterEnd       = errors.New("transaction after the observation end")
	ErrOutOfOrder     = errors.New("transaction out of time order for its customer")
	ErrBadOption      = errors.New("clv: invalid option")
	ErrEmptyLog       = errors.New("clv: empty transaction log")
)

// An AfterEndError is the transaction time a Summarizer refused as after
// the end; clv reports it with the end as a clv.AfterEndError.
type AfterEndError struct{ Time time.Time }

func (e *AfterEndError) Error() string { return ErrAfterEnd.Error() + " " + e.Time.String() }

// Unwrap returns ErrAfterEnd.
func (e *AfterEndError) Unwrap() error { return ErrAfterEnd }
