package clv

import (
	"fmt"
	"time"

	"github.com/clvkit/clvkit/internal/ingest"
)

// A Summarizer turns a stream of transactions into customer summaries in
// one pass. Its memory is O(customers): it requires each customer's
// transactions to arrive in time order (customers may interleave), which
// holds for logs appended as purchases happen and for logs sorted by
// customer or by time. An earlier transaction arriving after a later one of
// the same customer is an error wrapping ErrOutOfOrder; Summarize accepts
// any order.
type Summarizer struct {
	opts  SummaryOptions
	e     *ingest.Summarizer // the engine: customer states, id index and store
	eopts ingest.SummaryOptions
	stats Stats // skips; Records is the engine's
}

// NewSummarizer returns a Summarizer, checking opts.
func NewSummarizer(opts SummaryOptions) (*Summarizer, error) {
	if opts.Period < Day || opts.Period > Year {
		return nil, fmt.Errorf("%w: period %v", ErrBadOption, opts.Period)
	}
	if opts.Calendar && opts.Unit != 0 {
		return nil, fmt.Errorf("%w: Unit must be zero with Calendar (times count %ss)", ErrBadOption, opts.Period)
	}
	if opts.Unit < 0 {
		return nil, fmt.Errorf("%w: negative Unit %v", ErrBadOption, opts.Unit)
	}
	if opts.Unit == 0 {
		opts.Unit = 24 * time.Hour
	}
	if !opts.CalibrationEnd.IsZero() && !opts.End.IsZero() && opts.CalibrationEnd.After(opts.End) {
		return nil, fmt.Errorf("%w: CalibrationEnd %v is after End %v", ErrBadOption, opts.CalibrationEnd, opts.End)
	}
	s := &Summarizer{opts: opts}
	s.eopts = ingest.SummaryOptions{
		End: opts.End, CalibrationEnd: opts.CalibrationEnd, Period: int(opts.Period), Unit: opts.Unit.Seconds(),
		Calendar: opts.Calendar, SkipAfterEnd: opts.SkipAfterEnd, AllowNegative: opts.AllowNegative,
		EndOfDay: opts.EndOfDay, TrackRepeats: opts.TrackRepeats,
	}
	s.e = ingest.NewSummarizer(s.eopts, s.stats.Skip)
	if opts.Observer != nil {
		s.e.SetObserver(observer{opts.Observer})
	}
	return s, nil
}

func init() {
	ingest.EngineOf = func(s any) (**ingest.Summarizer, ingest.SummaryOptions, func(error)) {
		ss := s.(*Summarizer)
		return &ss.e, ss.eopts, ss.stats.Skip
	}
}

// observer shows the engine's groups to an Observer as clv Transactions.
type observer struct{ o Observer }

func (o observer) Observe(ks []int32, ts []ingest.Transaction) {
	o.o.Observe(ks, ingest.As[Transaction](ts))
}

// Add adds one transaction.
func (s *Summarizer) Add(t Transaction) error {
	_, err := s.AddBatch([]Transaction{t})
	return err
}

// errZeroSummarizer is returned by the methods of a Summarizer not made
// by NewSummarizer.
var errZeroSummarizer = fmt.Errorf("%w: a Summarizer must be made by NewSummarizer", ErrBadOption)

// AddBatch adds the transactions of ts in order, as Add would one by one,
// and returns how many it added. If n < len(ts), err says why ts[n] could
// not be added; the transactions after it were not looked at.
//
// On a large log whose customers interleave, AddBatch is several times
// faster than Add: it looks up a group of customers before it updates any
// of them, so that the memory accesses of the group overlap instead of
// waiting for one another.
func (s *Summarizer) AddBatch(ts []Transaction) (n int, err error) {
	if s == nil || s.e == nil {
		return 0, errZeroSummarizer
	}
	return s.addBatch(ts)
}

// addBatch adds ts (see ingest.AddBatch), reporting a transaction after
// the end as an *AfterEndError.
func (s *Summarizer) addBatch(ts []Transaction) (int, error) {
	n, err := ingest.AddBatch(s.e, ts)
	return n, s.afterEnd(err)
}

// afterEnd returns err, an *ingest.AfterEndError as an *AfterEndError.
func (s *Summarizer) afterEnd(err error) error {
	if ae, ok := err.(*ingest.AfterEndError); ok {
		return &AfterEndError{Time: ae.Time, End: s.opts.End, EndOfDay: s.opts.EndOfDay}
	}
	return err
}

// currentStats returns the counts so far.
func (s *Summarizer) currentStats() Stats {
	st := s.stats
	st.Records, st.Merged = s.e.Records, s.e.Merged
	return st
}

// Summary returns the summaries of the customers added so far. It returns
// an error wrapping ErrEmptyLog if no customer has a purchase in the
// (calibration) period. The Summarizer may be used further.
func (s *Summarizer) Summary() (*Summary, error) {
	if s == nil || s.e == nil {
		return nil, errZeroSummarizer
	}
	r, err := ingest.Summary(s.e,
		func(id string, c ingest.Customer) Customer {
			return Customer{ID: id, Frequency: c.Frequency, Recency: c.Recency, T: c.T, MonetaryValue: c.MonetaryValue}
		},
		func(h ingest.Holdout) Holdout {
			return Holdout{Frequency: h.Frequency, MonetaryValue: h.MonetaryValue, Duration: h.Duration}
		})
	if err == ingest.ErrEmptyLog {
		return nil, fmt.Errorf("%w (%v)", ErrEmptyLog, s.currentStats())
	}
	if err != nil {
		return nil, err
	}
	sum := &Summary{Customers: r.Customers, Holdout: r.Holdout, HoldoutOnly: r.HoldoutOnly, Whole: r.Whole,
		Stats: s.currentStats(), First: r.First, Last: r.Last, End: r.End}
	if r.Repeats != nil {
		sum.Repeats = make([]DayCount, len(r.Repeats))
		for i, d := range r.Repeats {
			sum.Repeats[i] = DayCount{Day: d.Day, Count: d.Count}
		}
	}
	return sum, nil
}
