package clv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/clvkit/clvkit/internal/ingest"
)

// A CustomerState is what is known of one customer from any subset of the
// customer's transactions: for each purchase period (and side of the
// calibration end), its earliest time, the sum of its amounts and its
// number of transactions. States built from disjoint parts of a
// customer's transactions, in any order, merge (Merge) in any order and
// grouping into the state of the whole, whose Summary is what Summarize
// gives for the customer: the step that lets the summary be computed on
// shards of a log (on several machines, in a distributed engine) and
// combined. Its size is O(distinct purchase periods).
//
// Amounts are summed exactly (as an unevaluated sum of two floats), as
// Summarize sums them, so the monetary value is the same however the
// transactions were sharded and merged; the holdout's mean value is summed
// plainly and may differ in the last bit.
type CustomerState struct {
	ID string
	st ingest.State
}

// checkState validates the options a state needs: the period and, for
// the split, the calibration end.
func checkState(opts SummaryOptions) error {
	if opts.Period < Day || opts.Period > Year {
		return fmt.Errorf("%w: period %v", ErrBadOption, opts.Period)
	}
	return nil
}

// Add adds one of the customer's transactions, under opts (the Period,
// Calendar, CalibrationEnd and AllowNegative of the summary to come).
func (s *CustomerState) Add(t Transaction, opts SummaryOptions) error {
	if s == nil {
		return errNilState
	}
	if err := checkState(opts); err != nil {
		return err
	}
	if s.ID == "" {
		s.ID = t.CustomerID
	}
	if t.CustomerID != s.ID {
		return fmt.Errorf("clv: CustomerState of %q: transaction of %q", s.ID, t.CustomerID)
	}
	sec, p, first, err := s.check(t, opts)
	if err != nil {
		return err
	}
	s.st.Add(!opts.CalibrationEnd.IsZero() && sec > ingest.Seconds(opts.CalibrationEnd), p, first, sec, t.Amount)
	return nil
}

// check checks t's amount and returns its time in seconds, its period and
// its time in the summary's convention, as Add adds them.
func (s *CustomerState) check(t Transaction, opts SummaryOptions) (sec float64, p int64, first float64, err error) {
	if !finite(t.Amount) {
		return 0, 0, 0, fmt.Errorf("%w: %v", ErrNonFinite, t.Amount)
	}
	if t.Amount < 0 && !opts.AllowNegative {
		return 0, 0, 0, fmt.Errorf("%w %v (set AllowNegative to accept returns)", ErrNegativeAmount, t.Amount)
	}
	sec = ingest.Seconds(t.Time)
	p = opts.Period.index(t.Time)
	first = sec
	if opts.Calendar {
		first = float64(p)
	}
	return sec, p, first, nil
}

// Merged returns the number of the customer's transactions merged into a
// purchase of the same period: its transactions less its purchase periods,
// the count Summarize adds to Stats.Merged for the customer. The
// difference of Merged before and after adding or merging transactions
// is what they add to that count. Zero for a nil state.
func (s *CustomerState) Merged() int {
	if s == nil {
		return 0
	}
	return s.st.Merged()
}

// errNilState is returned by the methods of a nil *CustomerState.
var errNilState = errors.New("clv: nil *CustomerState")

// Merge adds the state o of the same customer (built under the same
// options) to s. A nil o is an empty state (merging it does nothing); a
// nil s is an error.
func (s *CustomerState) Merge(o *CustomerState) error {
	if s == nil {
		return errNilState
	}
	if o == nil {
		return nil
	}
	if s.ID == "" {
		s.ID = o.ID
	}
	if o.ID != "" && o.ID != s.ID {
		return fmt.Errorf("clv: merging the state of %q into that of %q", o.ID, s.ID)
	}
	s.st.Merge(&o.st)
	return nil
}

// ErrHoldoutOnly is returned by CustomerState.Summary for a customer
// whose first purchase falls in the holdout period (Summarize counts such
// customers in Summary.HoldoutOnly).
var ErrHoldoutOnly = errors.New("clv: first purchase in the holdout period")

// Summary returns the customer's summary and holdout record under opts,
// exactly as Summarize computes them (with End required: a state does not
// know the log's last transaction; transactions after End must have been
// left out by the caller).
func (s *CustomerState) Summary(opts SummaryOptions) (Customer, Holdout, error) {
	if s == nil {
		return Customer{}, Holdout{}, errNilState
	}
	if err := checkState(opts); err != nil {
		return Customer{}, Holdout{}, err
	}
	if opts.End.IsZero() {
		return Customer{}, Holdout{}, fmt.Errorf("%w: CustomerState.Summary needs SummaryOptions.End", ErrBadOption)
	}
	if s.st.Empty() {
		return Customer{}, Holdout{}, fmt.Errorf("clv: customer %q: %w", s.ID, ErrEmptyLog)
	}
	unit := opts.Unit
	if unit == 0 {
		unit = 24 * time.Hour
	}
	endT := ingest.Seconds(opts.End)
	endP := opts.Period.index(opts.End)
	split := !opts.CalibrationEnd.IsZero()
	if split {
		endT, endP = ingest.Seconds(opts.CalibrationEnd), opts.Period.index(opts.CalibrationEnd)
	}
	ic, ih, ok := s.st.Summary(opts.Calendar, unit.Seconds(), endT, endP)
	if !ok {
		return Customer{}, Holdout{}, ErrHoldoutOnly
	}
	c := Customer{ID: s.ID, Frequency: ic.Frequency, Recency: ic.Recency, T: ic.T, MonetaryValue: ic.MonetaryValue}
	var h Holdout
	if split {
		h = Holdout{Frequency: ih.Frequency, MonetaryValue: ih.MonetaryValue}
		if opts.Calendar {
			h.Duration = float64(opts.Period.index(opts.End) - opts.Period.index(opts.CalibrationEnd))
		} else {
			h.Duration = (ingest.Seconds(opts.End) - ingest.Seconds(opts.CalibrationEnd)) / unit.Seconds()
		}
	}
	if math.IsInf(c.MonetaryValue, 0) || math.IsInf(h.MonetaryValue, 0) {
		return Customer{}, Holdout{}, fmt.Errorf("%w: customer %q: the sum of the amounts overflows", ErrNonFinite, s.ID)
	}
	return c, h, nil
}

// MarshalBinary encodes the state, for an engine that moves states
// between machines (examples/beam registers it as the state's coder).
func (s *CustomerState) MarshalBinary() ([]byte, error) {
	if s == nil {
		return nil, errNilState
	}
	return s.AppendBinary(nil)
}

// AppendBinary appends the encoding MarshalBinary returns to b (for a
// caller that writes many states without a buffer for each).
func (s *CustomerState) AppendBinary(b []byte) ([]byte, error) {
	if s == nil {
		return b, errNilState
	}
	b = binary.AppendUvarint(b, uint64(len(s.ID)))
	b = append(b, s.ID...)
	return s.st.AppendBinary(b), nil
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (s *CustomerState) UnmarshalBinary(b []byte) error {
	if s == nil {
		return errNilState
	}
	bad := errors.New("clv: corrupt CustomerState encoding")
	n, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < n {
		return bad
	}
	b = b[k:]
	id := string(b[:n])
	st, ok := ingest.DecodeState(b[n:])
	if !ok {
		return bad
	}
	s.ID, s.st = id, st
	return nil
}
