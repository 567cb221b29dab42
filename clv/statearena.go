package clv

import (
	"github.com/clvkit/clvkit/internal/ingest"
)

// A StateArena holds the memory of many CustomerStates — their periods and
// their IDs — in large blocks, for a caller that builds the states of
// every customer of a log at once: 10⁶ states then take a few allocations
// rather than two or more each, and the garbage collector marks a few
// blocks (which hold no pointers) rather than millions of small objects.
// The states are ordinary CustomerStates otherwise. The zero StateArena is
// ready to use; it must not be used concurrently, and the states grown in
// it must not share their memory with copies of them (AddIn reuses what a
// state outgrows). Its memory is released when no state refers to it.
type StateArena struct{ a ingest.Arena }

// AddIn is Add with the state's memory taken from a: its periods, and its
// ID (a copy of t.CustomerID) if it has none yet, so that t.CustomerID may
// be a view of a buffer the caller reuses. It is for a caller that knows
// whose transaction t is (a summarizer's Observer has the customer's
// index): unlike Add, which refuses a transaction of another customer,
// AddIn never compares t.CustomerID with the state's ID (a read of the
// id's bytes each transaction) — a state without an ID takes t's, one
// with an ID keeps it, whatever t's. A nil a is the heap; the ID is
// copied all the same.
func (s *CustomerState) AddIn(a *StateArena, t Transaction, opts SummaryOptions) error {
	if s == nil {
		return errNilState
	}
	if err := checkState(opts); err != nil {
		return err
	}
	var ar *ingest.Arena
	if a != nil {
		ar = &a.a
	}
	sec, p, first, err := s.check(t, opts)
	if err != nil {
		return err
	}
	if s.ID == "" && t.CustomerID != "" {
		if ar != nil {
			s.ID = ar.String(t.CustomerID)
		} else {
			s.ID = string([]byte(t.CustomerID))
		}
	}
	s.st.AddIn(ar, !opts.CalibrationEnd.IsZero() && sec > ingest.Seconds(opts.CalibrationEnd), p, first, sec, t.Amount)
	return nil
}
