package clv

import (
	"errors"
	"fmt"
	"time"

	"github.com/clvkit/clvkit/internal/ingest"
)

// Errors that callers may test for with errors.Is. Errors returned by this
// package wrap one of these with the line, column or customer at fault.
var (
	ErrEmptyLog        = ingest.ErrEmptyLog // "clv: empty transaction log"
	ErrNoCustomers     = errors.New("clv: no customers")
	ErrInvalidCustomer = ingest.ErrInvalidCustomer // "clv: invalid customer summary"
	ErrNilModel        = errors.New("nil model")
	ErrFieldCount      = ingest.ErrFieldCount // "wrong number of fields"
	ErrMissingID       = ingest.ErrMissingID  // "missing customer id"
	ErrLongID          = ingest.ErrLongID     // "customer id longer than 65,535 bytes"
	ErrDuplicateID     = errors.New("duplicate customer id")
	ErrBadTime         = errors.New("unparseable date")
	ErrBadAmount       = ingest.ErrBadAmount      // "unparseable amount"
	ErrNonFinite       = ingest.ErrNonFinite      // "amount is NaN or infinite"
	ErrNegativeAmount  = ingest.ErrNegativeAmount // "negative amount"
	ErrAfterEnd        = ingest.ErrAfterEnd       // "transaction after the observation end"
	ErrOutOfOrder      = ingest.ErrOutOfOrder     // "transaction out of time order for its customer"
	ErrUnknownColumn   = errors.New("clv: unknown column")
	ErrBadOption       = ingest.ErrBadOption // "clv: invalid option"
	ErrBadQuote        = ingest.ErrBadQuote  // "bad quoted field"
	ErrLongLine        = ingest.ErrLongLine  // "line too long"
	ErrRead            = ingest.ErrRead      // "clv: cannot read the input"
)

// A ParseError reports a record of a transaction log that could not be used.
// Line is 1-based; Column is the 1-based field number, or 0 when the error
// concerns the whole record. Name is the column's header name, if known.
type ParseError struct {
	Line   int
	Column int
	Name   string
	Err    error
}

// Error returns "clv: line L, column C (\"name\"): reason".
func (e *ParseError) Error() string {
	switch {
	case e.Column > 0 && e.Name != "":
		return fmt.Sprintf("clv: line %d, column %d (%q): %v", e.Line, e.Column, e.Name, e.Err)
	case e.Column > 0:
		return fmt.Sprintf("clv: line %d, column %d: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("clv: line %d: %v", e.Line, e.Err)
}

// Unwrap returns the underlying error, one of this package's sentinels.
func (e *ParseError) Unwrap() error { return e.Err }

// An AfterEndError reports a transaction after the end of observation
// (SummaryOptions.End; with EndOfDay, after the end of End's day). It
// wraps ErrAfterEnd.
type AfterEndError struct {
	Time, End time.Time
	EndOfDay  bool
}

// Error returns "transaction after the observation end End: Time
// (...)", saying with EndOfDay that End's whole day was included.
func (e *AfterEndError) Error() string {
	end := e.End.String()
	if e.EndOfDay {
		end = "(the end of the day " + e.End.Format(time.DateOnly) + ", EndOfDay)"
	}
	return fmt.Sprintf("%v %s: %v (set SkipAfterEnd to skip such transactions)", ErrAfterEnd, end, e.Time)
}

// Unwrap returns ErrAfterEnd.
func (e *AfterEndError) Unwrap() error { return ErrAfterEnd }
