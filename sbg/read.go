package sbg

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/internal/csvline"
	"github.com/clvkit/clvkit/internal/ingest"
)

// Renewal periods of a subscription log.
const (
	Weekly  = "week"
	Monthly = "month"
	Yearly  = "year"
)

// ReadOptions configures ReadSubscriptions. The zero value reads a CSV
// with a header and the columns customer_id, start and end (empty while
// subscribed), dates as YYYY-MM-DD, monthly renewals, observed to the
// latest date in the file.
type ReadOptions struct {
	// ID, Start and End name the columns (header names or 1-based
	// numbers); zero values "customer_id", "start", "end".
	ID, Start, End string
	// Delimiter separates fields; zero means ','.
	Delimiter rune
	// Layout is the date layout (Go reference time); zero means
	// "2006-01-02", also accepting RFC 3339 date-times.
	Layout string
	// Period is the renewal period: Weekly, Monthly (zero value) or Yearly.
	// A subscriber renews on the start date plus whole periods; a date
	// past a month's end rolls over as in time.AddDate (Jan 31 + 1 month
	// is Mar 2 or 3).
	Period string
	// ObservationEnd is when observation ended: the date the log was
	// extracted. A start or end date after it is an error wrapping
	// ErrAfterObserved that names the line and column (a row skipped with
	// SkipInvalid), unless ClipAfterEnd.
	//
	// Zero means the latest start or end date in the log, and
	// Subscriptions.EndLine names the row it came from. Then one end date
	// far ahead (a cancellation scheduled for 2031, or a typo) moves the
	// end of observation for every subscriber, crediting each active one
	// with renewals up to it, and changes the fitted retention; set
	// ObservationEnd whenever the extract date is known.
	ObservationEnd time.Time
	// ClipAfterEnd treats a subscription whose end date is after
	// ObservationEnd as still active at ObservationEnd (its end had not
	// happened then: a scheduled cancellation, or a log extracted later),
	// and counts it in Subscriptions.Clipped. A start after
	// ObservationEnd is still an error. It needs ObservationEnd.
	ClipAfterEnd bool
	// SkipInvalid skips and counts unusable rows instead of stopping.
	SkipInvalid bool
}

// A Cohort is the subscribers who started in one period.
type Cohort struct {
	Name    string    // the period, e.g. "2024-03"
	Start   time.Time // its first day
	Records []Record  // its subscribers' histories
	Size    int       // subscribers
}

// Subscriptions is what ReadSubscriptions read.
type Subscriptions struct {
	// Cohorts by start period, in time order.
	Cohorts []Cohort
	// ObservationEnd is the end of observation used.
	ObservationEnd time.Time
	// EndLine is the line of the row whose date set ObservationEnd when
	// ReadOptions.ObservationEnd was zero, and 0 otherwise.
	EndLine int
	// Latest is the latest start or end date of a usable row, and
	// LatestLine that row's line: with ReadOptions.ObservationEnd given,
	// a gap between the two is time in which the log shows no start and
	// no cancellation (a stale extract, or an end set too late), which
	// credits every active subscriber with renewals through it.
	Latest     time.Time
	LatestLine int
	// Clipped counts the subscriptions ending after ObservationEnd that
	// ReadOptions.ClipAfterEnd made active at ObservationEnd.
	Clipped int
	// Active are the subscribers still subscribed at the end of
	// observation, in file order, for scoring each (DERL, churn at the
	// next renewal).
	Active []Active
	// Rows read and skipped (with SkipInvalid), by reason.
	Rows, Skipped int
	Reasons       map[string]int
}

// Active is a subscriber still subscribed at the end of observation.
type Active struct {
	ID       string
	Cohort   string // start period
	Renewals int    // renewals made
}

// Records returns the records of every cohort together (none for a nil s).
func (s *Subscriptions) Records() []Record {
	if s == nil {
		return nil
	}
	var rs []Record
	for _, c := range s.Cohorts {
		rs = append(rs, c.Records...)
	}
	return rs
}

// Errors of ReadSubscriptions rows, wrapped in a *clv.ParseError naming
// the line and column.
var (
	ErrEndBeforeStart = errors.New("subscription ends before it starts")
	ErrAfterObserved  = errors.New("date after the end of observation")
)

type sub struct {
	id         string
	start, end time.Time // end zero: still subscribed
	line       int
}

// ReadSubscriptions reads a subscription log: one row per subscription,
// with its start date and its end date (empty while still subscribed),
// and turns each into a Record (renewals made, cancelled or censored at
// the end of observation), grouped in cohorts by start period. A
// subscription that ends on or before a renewal date cancelled at that
// renewal; one that has not ended has made every renewal up to the end of
// observation. Errors name the line and column as *clv.ParseError.
func ReadSubscriptions(r io.Reader, opts ReadOptions) (*Subscriptions, error) {
	if r == nil {
		return nil, fmt.Errorf("sbg: %w: nil io.Reader", clv.ErrRead)
	}
	if opts.ClipAfterEnd && opts.ObservationEnd.IsZero() {
		return nil, fmt.Errorf("sbg: %w: ClipAfterEnd needs ObservationEnd (the date the log was extracted)", clv.ErrBadOption)
	}
	if opts.Delimiter == 0 {
		opts.Delimiter = ','
	}
	if opts.Layout == "" {
		opts.Layout = time.DateOnly
	}
	if opts.Period == "" {
		opts.Period = Monthly
	}
	if opts.Period != Weekly && opts.Period != Monthly && opts.Period != Yearly {
		return nil, fmt.Errorf("sbg: %w: renewal period %q: want %q, %q or %q", clv.ErrBadOption, opts.Period, Weekly, Monthly, Yearly)
	}
	// encoding/csv keeps a whole line: bound it.
	cr := csv.NewReader(ingest.LimitLines(ingest.SkipBOM(r), csvio.DefaultMaxLineBytes))
	cr.Comma = opts.Delimiter
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("sbg: reading the header: %w", err)
	}
	col := func(spec, def string) (int, error) {
		if spec == "" {
			spec = def
		}
		for i, h := range header {
			if strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) == spec {
				return i, nil
			}
		}
		if n, err := strconv.Atoi(spec); err == nil && n >= 1 && n <= len(header) {
			return n - 1, nil
		}
		return 0, fmt.Errorf("sbg: %w: column %q is not in the header (%d columns)", clv.ErrUnknownColumn, spec, len(header))
	}
	var idc, sc, ec int
	if idc, err = col(opts.ID, "customer_id"); err != nil {
		return nil, err
	}
	if sc, err = col(opts.Start, "start"); err != nil {
		return nil, err
	}
	if ec, err = col(opts.End, "end"); err != nil {
		return nil, err
	}
	parse := func(s string) (time.Time, error) {
		s = strings.TrimSpace(s)
		t, err := time.Parse(opts.Layout, s)
		if err != nil && opts.Layout == time.DateOnly {
			t, err = time.Parse(time.RFC3339, s)
		}
		return t, err
	}
	out := &Subscriptions{Reasons: map[string]int{}}
	var subs []sub
	var latest time.Time
	latestLine := 0
	for {
		rec, line, cpe, err := csvline.Read(cr)
		if err == io.EOF {
			break
		}
		out.Rows++
		fail := func(column int, e error) error {
			pe := &clv.ParseError{Line: line, Column: column + 1, Err: e}
			if column >= 0 && column < len(header) {
				pe.Name = header[column]
			}
			if !opts.SkipInvalid {
				return pe
			}
			out.Skipped++
			out.Reasons[reason(e)]++
			return nil
		}
		if err != nil {
			if cpe == nil {
				return nil, fmt.Errorf("sbg: %w", err)
			}
			if e := fail(-1, clv.ErrBadQuote); e != nil {
				return nil, e
			}
			continue
		}
		if len(rec) <= max(idc, sc, ec) {
			if e := fail(-1, clv.ErrFieldCount); e != nil {
				return nil, e
			}
			continue
		}
		if strings.TrimSpace(rec[idc]) == "" {
			if e := fail(idc, clv.ErrMissingID); e != nil {
				return nil, e
			}
			continue
		}
		s := sub{line: line, id: strings.TrimSpace(rec[idc])}
		if s.start, err = parse(rec[sc]); err != nil {
			if e := fail(sc, fmt.Errorf("%w %q", clv.ErrBadTime, short(rec[sc]))); e != nil {
				return nil, e
			}
			continue
		}
		if strings.TrimSpace(rec[ec]) != "" {
			if s.end, err = parse(rec[ec]); err != nil {
				if e := fail(ec, fmt.Errorf("%w %q", clv.ErrBadTime, short(rec[ec]))); e != nil {
					return nil, e
				}
				continue
			}
			if s.end.Before(s.start) {
				if e := fail(ec, ErrEndBeforeStart); e != nil {
					return nil, e
				}
				continue
			}
		}
		for _, t := range []time.Time{s.start, s.end} {
			if latestLine == 0 || t.After(latest) {
				latest, latestLine = t, line
			}
		}
		subs = append(subs, s)
	}
	if len(subs) == 0 {
		return nil, fmt.Errorf("sbg: %w: no usable subscription (%d rows, %d skipped)", clv.ErrEmptyLog, out.Rows, out.Skipped)
	}
	out.Latest, out.LatestLine = latest, latestLine
	end := opts.ObservationEnd
	if end.IsZero() {
		end, out.EndLine = latest, latestLine
	}
	out.ObservationEnd = end
	cohorts := map[time.Time]*Cohort{}
	for _, s := range subs {
		if s.end.After(end) && opts.ClipAfterEnd && !s.start.After(end) {
			s.end = time.Time{}
			out.Clipped++
		}
		if s.start.After(end) || s.end.After(end) {
			column, what, t := sc, "start", s.start
			if !s.start.After(end) {
				column, what, t = ec, "end", s.end
			}
			advice := "set the end of observation to the date the log was extracted, or fix the row"
			if what == "end" && !opts.ClipAfterEnd {
				advice = "treat the subscription as active at the end of observation with ClipAfterEnd, or fix the row"
			}
			pe := &clv.ParseError{Line: s.line, Column: column + 1, Name: header[column],
				Err: fmt.Errorf("%s date %s: %w %s; %s", what, t.Format(time.DateOnly), ErrAfterObserved, end.Format(time.DateOnly), advice)}
			if !opts.SkipInvalid {
				return nil, pe
			}
			out.Skipped++
			out.Reasons[reason(pe.Err)]++
			continue
		}
		cs := cohortStart(s.start, opts.Period)
		c := cohorts[cs]
		if c == nil {
			c = &Cohort{Name: cohortName(cs, opts.Period), Start: cs}
			cohorts[cs] = c
		}
		var rec Record
		if s.end.IsZero() {
			rec = Record{Renewals: renewals(s.start, end, opts.Period, true), Count: 1}
			out.Active = append(out.Active, Active{ID: s.id, Cohort: c.Name, Renewals: rec.Renewals})
		} else {
			rec = Record{Renewals: renewals(s.start, s.end, opts.Period, false), Churned: true, Count: 1}
		}
		c.Records = append(c.Records, rec)
		c.Size++
	}
	for _, c := range cohorts {
		out.Cohorts = append(out.Cohorts, *c)
	}
	slices.SortFunc(out.Cohorts, func(a, b Cohort) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// reason is the innermost error of e's chain: the reason a row was
// skipped without the offending value, so Reasons stays one entry per
// kind of fault however many distinct bad values a file holds.
func reason(e error) string {
	for u := errors.Unwrap(e); u != nil; u = errors.Unwrap(e) {
		e = u
	}
	return e.Error()
}

func short(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}

// addPeriods returns t plus k renewal periods.
func addPeriods(t time.Time, k int, period string) time.Time {
	switch period {
	case Weekly:
		return t.AddDate(0, 0, 7*k)
	case Yearly:
		return t.AddDate(k, 0, 0)
	}
	return t.AddDate(0, k, 0)
}

// renewals counts the renewal dates start + k periods (k ≥ 1) before t
// (strictly, for a cancellation at t) or up to t (inclusive, for a
// subscriber still active at the end of observation t).
func renewals(start, t time.Time, period string, inclusive bool) int {
	in := func(k int) bool {
		d := addPeriods(start, k, period)
		return d.Before(t) || inclusive && d.Equal(t)
	}
	// A first guess from the elapsed time, then exact steps.
	var k int
	switch period {
	case Weekly:
		// From Unix seconds: time.Duration saturates beyond 292 years,
		// and a guess that far off would cost a step per week.
		k = int((t.Unix() - start.Unix()) / (7 * 86400))
	case Yearly:
		k = t.Year() - start.Year()
	default:
		k = (t.Year()-start.Year())*12 + int(t.Month()) - int(start.Month())
	}
	k = max(k, 0)
	for k > 0 && !in(k) {
		k--
	}
	for in(k + 1) {
		k++
	}
	return k
}

func cohortStart(t time.Time, period string) time.Time {
	switch period {
	case Weekly:
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)) // Monday
	case Yearly:
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func cohortName(t time.Time, period string) string {
	switch period {
	case Weekly:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case Yearly:
		return strconv.Itoa(t.Year())
	}
	return t.Format("2006-01")
}
