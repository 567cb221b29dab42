package clv

import (
	"fmt"
	"time"

	"github.com/clvkit/clvkit/internal/ingest"
)

// SummaryOptions configures Summarize. End is required; the zero values of
// the other fields give the papers' convention in days: continuous time,
// purchases on the same calendar day merged into one.
type SummaryOptions struct {
	// End is the end of observation; T is measured to it. A transaction
	// after End (later than the instant End) is an error wrapping
	// ErrAfterEnd, unless SkipAfterEnd is set. For a log of dates without
	// times of day, End is the last day observed. Zero means the time of
	// the last transaction (as in the lifetimes package), known only once
	// the whole log is read; Summary.End reports it.
	End time.Time

	// CalibrationEnd, if not zero, splits the observation into a
	// calibration period, up to and including CalibrationEnd, and a holdout
	// period (CalibrationEnd, End]. Customers are those whose first purchase
	// is in the calibration period; their Customer summary covers the
	// calibration period only, and Summary.Holdout what followed.
	CalibrationEnd time.Time

	// Calendar selects the calendar-period convention of the Python
	// lifetimes package: each time becomes the calendar Period it falls in,
	// Frequency counts distinct periods after the first, and Recency and T
	// are whole numbers of periods between period starts. Otherwise times
	// are continuous: (t − first purchase) / Unit.
	Calendar bool

	// Period is the calendar period: with Calendar, the unit times are
	// counted in; otherwise the granularity at which purchases merge (two
	// purchases in the same period count once). Zero means Day.
	Period Period

	// Unit is the time unit of continuous time. Zero means a day (24h);
	// 7*24*time.Hour gives weeks. It must be zero with Calendar.
	Unit time.Duration

	// SkipAfterEnd skips transactions after End, counting them in
	// Summary.Stats, instead of returning an error.
	SkipAfterEnd bool

	// AllowNegative accepts negative amounts (returns); by default a
	// negative amount is an error wrapping ErrNegativeAmount.
	AllowNegative bool

	// EndOfDay makes End and CalibrationEnd name whole days: a transaction
	// at any time of that day is included (in the calibration period for
	// CalibrationEnd). T and the holdout duration are then measured to the
	// end of the day when the log has times of day, and to the day itself
	// when it has only dates (as the lifetimes package counts), so a
	// date-only log gives the same summaries with or without it.
	EndOfDay bool

	// TrackRepeats counts the repeat purchases (after the first, merged
	// per Period as Frequency counts them, holdout included) of the
	// summarized customers by UTC day, in Summary.Repeats: the actual
	// curve of a tracking plot (assess.ExpectedCumulativeRepeats gives the
	// model's), without a second pass over the log. Memory grows with the
	// number of days, not transactions.
	TrackRepeats bool

	// Observer, if not nil, sees every transaction the Summarizer adds,
	// in the order added, with the index of its customer: a hook for
	// tables that ride along the one read of the log, such as package
	// cohort's. See Observer.
	Observer Observer
}

// An Observer sees the transactions a Summarizer adds
// (SummaryOptions.Observer): after each group of transactions is added
// (up to a few dozen, in the order added), Observe is called with the
// group, ts, and the index of each one's customer, customers[i], or −1 for
// a transaction skipped after the end (SkipAfterEnd); a transaction that
// is refused (an error) is not shown. A customer's index is its place in
// the order customers first appear (in Summary.Whole with a calibration
// end, else in Summary.Customers), so that each customer's transactions
// reach the Observer in time order: from csvio.Summarize in the log's order,
// from Summarize and csvio.SummarizeAnyOrder in time order. Observe runs on
// the adding goroutine, on the summarizer's critical path, and must not
// keep ts or customers, which are reused. A Summarizer that fails (e.g.
// csvio.Summarize with ErrOutOfOrder) may have shown part of the log: use a
// new Observer for another attempt.
//
// Groups let an Observer that keeps per-customer state touch the states
// of a whole group before it updates them, so that their memory loads
// overlap (package cohort does).
type Observer interface {
	Observe(customers []int32, ts []Transaction)
}

// DayCount is a number of events on one UTC day.
type DayCount struct {
	Day   time.Time // midnight UTC
	Count int
}

// Holdout is what a customer did in the holdout period.
type Holdout struct {
	// Frequency is the number of purchases (merged as in the calibration
	// period) in the holdout period.
	Frequency float64
	// MonetaryValue is the mean value of the holdout purchases, zero when
	// there are none. In the Calendar convention it is, as in the Python
	// lifetimes package, the mean over the holdout's individual
	// transactions; in continuous time it is the mean over merged purchases.
	MonetaryValue float64
	// Duration is the length of the holdout period in the time unit.
	Duration float64
}

// A Summary is the result of summarizing a transaction log.
type Summary struct {
	// Customers holds one summary per customer, in the order in which the
	// customers first appear in the input.
	Customers []Customer
	// Holdout is parallel to Customers when SummaryOptions.CalibrationEnd
	// is set, and nil otherwise.
	Holdout []Holdout
	// HoldoutOnly counts the customers whose first purchase falls in the
	// holdout period; they are not in Customers.
	HoldoutOnly int
	// Whole, with SummaryOptions.CalibrationEnd, holds every customer's
	// summary over the whole observation, calibration and holdout period
	// together, to End, customers first seen in the holdout included, in
	// the order in which they first appear in the input: what Customers
	// would be without a calibration end. The models that forecast forward are fitted on it;
	// those fitted on Customers are checked on Holdout. Nil without a
	// calibration end.
	Whole []Customer
	// Stats counts the transactions read and skipped.
	Stats Stats
	// First and Last are the times of the earliest and latest transaction
	// summarized; End is the end of observation T is measured to
	// (SummaryOptions.End, or Last when that is zero).
	First, Last, End time.Time
	// Repeats counts repeat purchases by day, ascending, with
	// SummaryOptions.TrackRepeats; nil otherwise.
	Repeats []DayCount
}

// Summarize summarizes a slice of transactions, in any order. Customers
// appear in the order of their first purchase (ties: their order in ts).
// An error names the index of the transaction at fault.
func Summarize(ts []Transaction, opts SummaryOptions) (*Summary, error) {
	s, err := NewSummarizer(opts)
	if err != nil {
		return nil, err
	}
	order := ingest.TimeOrder(ts)
	if order == nil { // already in time order
		if n, err := s.addBatch(ts); err != nil {
			return nil, fmt.Errorf("clv: transactions[%d]: %w", n, err)
		}
		return s.Summary()
	}
	buf := make([]Transaction, 0, min(len(ts), 1024))
	for len(order) > 0 {
		part := order[:min(len(order), cap(buf))]
		order = order[len(part):]
		buf = buf[:0]
		for _, i := range part {
			buf = append(buf, ts[i])
		}
		if n, err := s.addBatch(buf); err != nil {
			return nil, fmt.Errorf("clv: transactions[%d]: %w", part[n], err)
		}
	}
	return s.Summary()
}
