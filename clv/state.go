package clv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
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
	ID      string
	periods []statePeriod // sorted by (holdout, period)
}

type statePeriod struct {
	holdout bool
	p       int64   // period index
	first   float64 // earliest time in it (seconds, or the period index in the Calendar convention)
	firstS  float64 // earliest time in seconds
	amount  float64 // the sum of its amounts, amount + amountLo exactly (addExact)
	amtLo   float64
	n       int32 // transactions
}

func (a statePeriod) less(b statePeriod) int {
	switch {
	case a.holdout != b.holdout:
		if !a.holdout {
			return -1
		}
		return 1
	case a.p < b.p:
		return -1
	case a.p > b.p:
		return 1
	}
	return 0
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
	if !finite(t.Amount) {
		return fmt.Errorf("%w: %v", ErrNonFinite, t.Amount)
	}
	if t.Amount < 0 && !opts.AllowNegative {
		return fmt.Errorf("%w %v (set AllowNegative to accept returns)", ErrNegativeAmount, t.Amount)
	}
	sec := seconds(t.Time)
	p := opts.Period.index(t.Time)
	e := statePeriod{holdout: !opts.CalibrationEnd.IsZero() && sec > seconds(opts.CalibrationEnd), p: p,
		first: sec, firstS: sec, amount: t.Amount, n: 1}
	if opts.Calendar {
		e.first = float64(p)
	}
	s.insert(e)
	return nil
}

func (s *CustomerState) insert(e statePeriod) {
	i, found := slices.BinarySearchFunc(s.periods, e, statePeriod.less)
	if !found {
		s.periods = slices.Insert(s.periods, i, e)
		return
	}
	q := &s.periods[i]
	if e.firstS < q.firstS {
		q.first, q.firstS = e.first, e.firstS
	}
	q.amount, q.amtLo = addExact(q.amount, q.amtLo, e.amount)
	q.amtLo += e.amtLo
	q.n += e.n
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
	for _, e := range o.periods {
		s.insert(e)
	}
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
	if len(s.periods) == 0 {
		return Customer{}, Holdout{}, fmt.Errorf("clv: customer %q: %w", s.ID, ErrEmptyLog)
	}
	var cal, hold []statePeriod
	for _, e := range s.periods {
		if e.holdout {
			hold = append(hold, e)
		} else {
			cal = append(cal, e)
		}
	}
	if len(cal) == 0 {
		return Customer{}, Holdout{}, ErrHoldoutOnly
	}
	unit := opts.Unit
	if unit == 0 {
		unit = 24 * time.Hour
	}
	endT := seconds(opts.End)
	endP := opts.Period.index(opts.End)
	split := !opts.CalibrationEnd.IsZero()
	if split {
		endT, endP = seconds(opts.CalibrationEnd), opts.Period.index(opts.CalibrationEnd)
	}
	first, last := cal[0], cal[len(cal)-1]
	c := Customer{ID: s.ID, Frequency: float64(len(cal) - 1)}
	if opts.Calendar {
		c.Recency = float64(last.p - first.p)
		c.T = float64(endP - first.p)
	} else {
		c.Recency = (last.first - first.first) / unit.Seconds()
		c.T = (endT - first.first) / unit.Seconds()
	}
	if len(cal) > 1 {
		var hi, lo float64
		for _, e := range cal[1:] {
			hi, lo = addExact(hi, lo, e.amount)
			lo += e.amtLo
		}
		c.MonetaryValue = (hi + lo) / float64(len(cal)-1)
	}
	var h Holdout
	if split {
		if opts.Calendar {
			h.Duration = float64(opts.Period.index(opts.End) - opts.Period.index(opts.CalibrationEnd))
		} else {
			h.Duration = (seconds(opts.End) - seconds(opts.CalibrationEnd)) / unit.Seconds()
		}
		h.Frequency = float64(len(hold))
		var total float64
		var tx int32
		for _, e := range hold {
			total += e.amount
			tx += e.n
		}
		if opts.Calendar && tx > 0 {
			h.MonetaryValue = total / float64(tx)
		} else if len(hold) > 0 {
			h.MonetaryValue = total / float64(len(hold))
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
	b := binary.AppendUvarint(nil, uint64(len(s.ID)))
	b = append(b, s.ID...)
	b = binary.AppendUvarint(b, uint64(len(s.periods)))
	for _, e := range s.periods {
		h := byte(0)
		if e.holdout {
			h = 1
		}
		b = append(b, h)
		b = binary.AppendVarint(b, e.p)
		for _, f := range [...]float64{e.first, e.firstS, e.amount, e.amtLo} {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
		}
		b = binary.AppendUvarint(b, uint64(e.n))
	}
	return b, nil
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
	b = b[n:]
	m, k := binary.Uvarint(b)
	if k <= 0 || m > uint64(len(b)) {
		return bad
	}
	b = b[k:]
	ps := make([]statePeriod, 0, m)
	for range m {
		if len(b) < 1 {
			return bad
		}
		e := statePeriod{holdout: b[0] == 1}
		b = b[1:]
		p, k := binary.Varint(b)
		if k <= 0 || len(b)-k < 32 {
			return bad
		}
		e.p, b = p, b[k:]
		e.first = math.Float64frombits(binary.LittleEndian.Uint64(b))
		e.firstS = math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))
		e.amount = math.Float64frombits(binary.LittleEndian.Uint64(b[16:]))
		e.amtLo = math.Float64frombits(binary.LittleEndian.Uint64(b[24:]))
		b = b[32:]
		c, k := binary.Uvarint(b)
		if k <= 0 || c > math.MaxInt32 {
			return bad
		}
		e.n, b = int32(c), b[k:]
		ps = append(ps, e)
	}
	if len(b) != 0 {
		return bad
	}
	s.ID, s.periods = id, ps
	return nil
}
