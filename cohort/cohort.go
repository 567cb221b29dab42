// Package cohort tabulates a transaction log by calendar month, without a
// model: customers by month of first purchase (cohorts) × months since,
// and the monthly figures a shop watches (active, new and returning
// customers, orders, revenue, average order value, repeat-purchase rate,
// 12-month retention).
//
// An Accumulator is fed one transaction at a time (a customer index, a
// time, an amount), in one pass, each customer's transactions in month
// order (customers interleaved, any order within a month), and returns the
// tables as plain values (Accumulator.Table). Its memory is O(customers):
// 16 bytes per customer (its first month, its latest month with the days
// of it with an order, which months of the 29 before it had one, and its
// orders up to two), and the tables, which grow with the log's span in
// months squared. It implements clv.Observer, so that it rides along the
// one read of a clv.Summarizer (clv.SummaryOptions.Observer), which
// delivers each customer's transactions in time order. A log read in
// parallel is tabulated by chunk accumulators (NewChunk) merged in the
// log's order (Merge).
//
// # Definitions
//
// Months are calendar months in the location of each transaction's time
// (a log read by csvio.Reader without a zone: UTC). An order is a
// customer-day: a customer's transactions on the same calendar day are one
// order, as the summaries of package clv merge them by default
// (clv.SummaryOptions.Period Day), so that a customer's orders over the
// whole log are its clv.Customer.Frequency + 1. The revenue of an order is
// the sum of its transactions' amounts. A customer is active in a month
// when it has an order in it; its cohort is the month of its first order.
package cohort

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// Errors of Accumulator.Add; the first one is also kept as Accumulator.Err.
var (
	// ErrOutOfOrder: a transaction in an earlier month than one already
	// added for the same customer. A customer's transactions must come in
	// month order (any order within a month); customers may interleave.
	ErrOutOfOrder = errors.New("cohort: transaction in an earlier month than its customer's last")
	// ErrCustomer: a customer index outside [0, MaxCustomers).
	ErrCustomer = errors.New("cohort: customer index out of range")
	// ErrTime: a time outside the years 1 to 9999.
	ErrTime = errors.New("cohort: time outside the years 1 to 9999")
	// ErrAmount: an amount that is NaN or infinite.
	ErrAmount = errors.New("cohort: amount not a finite number")
	// ErrMerge: Merge of an accumulator not made by NewChunk, or into
	// itself.
	ErrMerge = errors.New("cohort: only a chunk accumulator (NewChunk) can be merged, into another")
)

// MaxCustomers bounds the customer indexes an Accumulator accepts.
const MaxCustomers = 1<<31 - 1

// A Month is a calendar month, counted from January of the year 0:
// year·12 + month − 1.
type Month int32

// MonthOf returns the month t falls in, in t's location.
func MonthOf(t time.Time) Month {
	y, m, _ := t.Date()
	return Month(y*12 + int(m) - 1)
}

// Year returns the month's year.
func (m Month) Year() int { return int(m) / 12 }

// Month returns the month of the year.
func (m Month) Month() time.Month { return time.Month(int(m)%12 + 1) }

// Start returns midnight UTC on the month's first day.
func (m Month) Start() time.Time { return time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC) }

// String returns the month as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year(), int(m.Month())) }

// A Cell is what the customers of one cohort did in one month.
type Cell struct {
	// Customers counts the cohort's customers active in the month.
	Customers int
	// Orders counts their orders (customer-days) in it, and Revenue adds
	// up the amounts of their transactions in it.
	Orders  int
	Revenue float64
}

// A Cohort is the customers whose first order is in one month.
type Cohort struct {
	Month Month
	// Size counts the cohort's customers: Months[0].Customers.
	Size int
	// Months[s] is what the cohort did s months after its first month,
	// from 0 to the last month of the log (months without an order
	// included, as zero cells).
	Months []Cell
}

// CumulativeRevenuePerCustomer returns the revenue of the cohort's
// months 0 to s (clamped to the table) divided by its size: Σ_{j≤s}
// Months[j].Revenue / Size.
func (c Cohort) CumulativeRevenuePerCustomer(s int) float64 {
	if c.Size == 0 || s < 0 {
		return 0
	}
	var r float64
	for _, m := range c.Months[:min(s+1, len(c.Months))] {
		r += m.Revenue
	}
	return r / float64(c.Size)
}

// A KPI is one calendar month's figures.
type KPI struct {
	Month Month
	// Active counts the customers with an order in the month; New those
	// whose first order is in it; Returning those active whose first
	// order is in an earlier month (Active − New).
	Active, New, Returning int
	// Orders counts the orders (customer-days) in the month; Revenue
	// adds up the amounts of its transactions.
	Orders  int
	Revenue float64
	// AverageOrderValue is Revenue / Orders; NaN without orders.
	AverageOrderValue float64
	// Customers counts the customers with an order up to the end of the
	// month, Repeat those with two orders or more by then;
	// RepeatPurchaseRate is Repeat / Customers (cumulative: at the last
	// month, the share of customers with clv.Customer.Frequency > 0).
	Customers, Repeat  int
	RepeatPurchaseRate float64
	// Retained12 counts the customers active both in the month and in
	// the month twelve months before; Retention12 is Retained12 divided
	// by the Active of that earlier month, NaN when it is before the
	// log's first month or has no active customer.
	Retained12  int
	Retention12 float64
}

// A Table is the result of an Accumulator: the cohorts, in month order,
// one per month with new customers, and the KPIs of every month from the
// first to the last with an order.
type Table struct {
	Cohorts []Cohort
	KPIs    []KPI
}

// state is one customer's: its first month, its open month (the latest
// with an order) with the days of that month so far, the months before it
// with an order and its orders before it. 16 bytes: four to a cache line.
// The revenue goes to the cohort's cell as it comes (to revs in a chunk).
type state struct {
	open  int32  // open month + 1; 0: no order yet
	first int32  // month of the first order
	days  uint32 // days of the open month with an order: bit d−1 for day d
	hist  uint32 // bits 0–29: bit i an order in month open − i; bits 30–31: orders before the open month, at most 2
}

const histMask = 1<<30 - 1

// activity is a (customer, month) a chunk keeps for Merge.
type activity struct {
	k     int32
	month int32
	days  uint32
	rev   float64
}

// monthStats are the counts of a month that the cohort cells do not give.
type monthStats struct{ second, retained int }

// An Accumulator tabulates transactions into cohorts and monthly KPIs.
// The zero value is ready to use. It requires each customer's transactions
// in month order (customers may interleave), as clv.Summarizer requires
// them in time order; a log in another order must be sorted first.
type Accumulator struct {
	cust  [][]state   // customer k's state is cust[k/blockSize][k%blockSize]; blocks never move
	chunk bool        // keep the activity for Merge instead of tabulating it
	log   []activity  // with chunk: the closed (customer, month) activities
	revs  [][]float64 // with chunk: the revenue of each customer's open month, as cust
	rows  span[[]Cell]
	stats span[monthStats]
	err   error
	sink  int32 // consumes the loads that warm the caches (see Observe)
	day   struct {
		n       int64 // the last UTC day seen, as days since 1970-01-01
		y, m, d int   // its date
		ok      bool
	}
}

// New returns an empty Accumulator.
func New() *Accumulator { return &Accumulator{} }

// NewChunk returns an empty Accumulator for one chunk of a log that is
// read in parallel (by byte ranges, say): it keeps each closed (customer,
// month) activity, O(customer-months of the chunk), so that Merge can add
// it to the accumulator of the log before it. Its Table is that of the
// chunk alone.
func NewChunk() *Accumulator { return &Accumulator{chunk: true} }

// Err returns the first error of Add or Observe, nil if none.
func (a *Accumulator) Err() error { return a.err }

// Observe adds the transactions ts of the customers numbered customers
// (parallel to ts; a negative number skips its transaction), as Add would
// one by one, keeping the first error in Err: it implements clv.Observer
// (ts's CustomerID is not read). It touches the states of the group's
// customers before it updates any, so that on a large log their memory
// loads overlap instead of waiting for one another.
func (a *Accumulator) Observe(customers []int32, ts []clv.Transaction) {
	n := min(len(customers), len(ts))
	for _, k := range customers[:n] {
		if k >= 0 && k < MaxCustomers && (int(k/blockSize) >= len(a.cust) || a.cust[k/blockSize] == nil || a.chunk) {
			a.grow(k)
		}
	}
	// The loads on their own, back to back: a call or a branch between
	// them would fill the processor's window and leave few in flight.
	var sink int32
	for _, k := range customers[:n] {
		if k >= 0 && k < MaxCustomers {
			sink += a.state(k).open
		}
	}
	a.sink += sink
	for i, k := range customers[:n] {
		if k >= 0 && k < MaxCustomers {
			_ = a.addTime(k, ts[i].Time, ts[i].Amount)
		} else if k >= 0 {
			_ = a.fail(fmt.Errorf("%w: %d", ErrCustomer, k))
		}
	}
}

// Add adds the transaction of the customer numbered customer (in
// [0, MaxCustomers); memory grows with the number of customers, in blocks
// of 4096 numbers, and with the largest by 24 bytes per 4096) at t worth
// amount. A transaction Add refuses leaves the Accumulator unchanged; the
// first error is kept in Err.
func (a *Accumulator) Add(customer int, t time.Time, amount float64) error {
	if customer < 0 || customer >= MaxCustomers {
		return a.fail(fmt.Errorf("%w: %d", ErrCustomer, customer))
	}
	a.grow(int32(customer))
	return a.addTime(int32(customer), t, amount)
}

// addTime adds a transaction of customer k, whose state is in room.
func (a *Accumulator) addTime(k int32, t time.Time, amount float64) error {
	var y, m, d int
	if t.Location() == time.UTC {
		// A log in time order has runs of the same day: the last day's
		// date is kept.
		sec := t.Unix()
		day := sec / 86400
		if sec%86400 < 0 {
			day--
		}
		if !a.day.ok || day != a.day.n {
			a.day.y, a.day.m, a.day.d = civil(day)
			a.day.n, a.day.ok = day, true
		}
		y, m, d = a.day.y, a.day.m, a.day.d
	} else {
		var mm time.Month
		y, mm, d = t.Date()
		m = int(mm)
	}
	switch {
	case y < 1 || y > 9999:
		return a.fail(fmt.Errorf("%w: %v", ErrTime, t))
	case math.IsNaN(amount) || math.IsInf(amount, 0):
		return a.fail(fmt.Errorf("%w: %v", ErrAmount, amount))
	}
	return a.add(k, int32(y*12+m-1), 1<<(d-1), amount)
}

// civil returns the date of the day numbered days from 1970-01-01 (UTC):
// the civil-from-days algorithm of Hinnant, "chrono-Compatible Low-Level
// Date Algorithms" (2013).
func civil(days int64) (year, month, day int) {
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], from March
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if month > 12 {
		month -= 12
	}
	year = int(yoe + era*400)
	if month <= 2 {
		year++
	}
	return year, month, day
}

func (a *Accumulator) fail(err error) error {
	if a.err == nil {
		a.err = err
	}
	return err
}

// blockSize is the number of customer states in a block.
const blockSize = 4096

// grow makes room for the state of customer k: only the blocks of the
// customers seen are allocated.
func (a *Accumulator) grow(k int32) {
	b := int(k / blockSize)
	if b >= len(a.cust) {
		a.cust = slices.Grow(a.cust, b+1-len(a.cust))[:b+1]
	}
	if a.cust[b] == nil {
		a.cust[b] = make([]state, blockSize)
	}
	if a.chunk {
		if b >= len(a.revs) {
			a.revs = slices.Grow(a.revs, b+1-len(a.revs))[:b+1]
		}
		if a.revs[b] == nil {
			a.revs[b] = make([]float64, blockSize)
		}
	}
}

// rev returns the revenue of chunk customer k's open month.
func (a *Accumulator) rev(k int32) *float64 { return &a.revs[k/blockSize][k%blockSize] }

// cell returns the cell of cohort first in month m, growing the table to
// hold it.
func (a *Accumulator) cell(first, m int32) *Cell {
	row := a.rows.at(first)
	since := int(m - first)
	if since >= len(*row) {
		*row = slices.Grow(*row, since+1-len(*row))[:since+1]
	}
	return &(*row)[since]
}

// state returns customer k's state; k must be in room (grow).
func (a *Accumulator) state(k int32) *state { return &a.cust[k/blockSize][k%blockSize] }

// each calls f with every customer whose state is in room, in order.
func (a *Accumulator) each(f func(k int32, s *state)) {
	for b, block := range a.cust {
		for i := range block {
			f(int32(b*blockSize+i), &block[i])
		}
	}
}

// add adds the activity of customer k in month m on days with revenue rev;
// k's state must be in room (grow).
func (a *Accumulator) add(k, m int32, days uint32, rev float64) error {
	s := a.state(k)
	switch {
	case s.open == m+1:
		s.days |= days
	case s.open == 0:
		s.open, s.first, s.days, s.hist = m+1, m, days, 1
	case s.open < m+1:
		a.close(k, s)
		orders := min(2, s.hist>>30+uint32(bits.OnesCount32(s.days)))
		h := uint32(1)
		if sh := m + 1 - s.open; sh < 30 {
			h = (s.hist<<sh | 1) & histMask
		}
		s.open, s.days, s.hist = m+1, days, h|orders<<30
	default:
		return a.fail(fmt.Errorf("%w: customer %d: %v after %v", ErrOutOfOrder, k, Month(m), Month(s.open-1)))
	}
	if a.chunk {
		*a.rev(k) += rev
	} else {
		a.cell(s.first, m).Revenue += rev
	}
	return nil
}

// close tabulates s's open month (or, in a chunk, keeps it).
func (a *Accumulator) close(k int32, s *state) {
	if a.chunk {
		r := a.rev(k)
		a.log = append(a.log, activity{k, s.open - 1, s.days, *r})
		*r = 0
		return
	}
	tabulate(&a.rows, &a.stats, s)
}

// tabulate adds s's open month to the cohort cells (but its revenue,
// there already) and month counts.
func tabulate(rows *span[[]Cell], stats *span[monthStats], s *state) {
	m := s.open - 1
	row := rows.at(s.first)
	since := int(m - s.first)
	if since >= len(*row) {
		*row = slices.Grow(*row, since+1-len(*row))[:since+1]
	}
	n := bits.OnesCount32(s.days)
	c := &(*row)[since]
	c.Customers++
	c.Orders += n
	st := stats.at(m)
	if s.hist>>12&1 != 0 {
		st.retained++
	}
	if before := int(s.hist >> 30); before < 2 && before+n >= 2 {
		st.second++
	}
}

// Merge adds o, a chunk accumulator (NewChunk) fed the transactions that
// follow a's in the log, to a, as if a had been fed them itself: o's kept
// activities in the order kept, then its open months in customer order. A
// log read in parallel by chunks is tabulated by merging the chunks into
// one Accumulator in the log's order (merging out of order fails with
// ErrOutOfOrder where a customer's months would go backwards, a then
// holding o's activities before that one). o is unchanged; it must not be
// a itself (ErrMerge).
func (a *Accumulator) Merge(o *Accumulator) error {
	if o == nil || !o.chunk || o == a {
		return ErrMerge
	}
	for _, x := range o.log {
		a.grow(x.k)
		if err := a.add(x.k, x.month, x.days, x.rev); err != nil {
			return err
		}
	}
	var err error
	o.each(func(k int32, s *state) {
		if s.open != 0 && err == nil {
			a.grow(k)
			err = a.add(k, s.open-1, s.days, *o.rev(k))
		}
	})
	return err
}

// Table returns the cohorts and the monthly KPIs of the transactions
// added so far; the Accumulator may be fed further. A chunk's Table is
// that of its transactions alone.
func (a *Accumulator) Table() Table {
	if a.chunk {
		b := New()
		_ = b.Merge(a) // a's own activities are in order
		return b.Table()
	}
	rows := span[[]Cell]{base: a.rows.base, v: make([][]Cell, len(a.rows.v))}
	for i, r := range a.rows.v {
		rows.v[i] = slices.Clone(r)
	}
	stats := span[monthStats]{base: a.stats.base, v: slices.Clone(a.stats.v)}
	a.each(func(_ int32, s *state) {
		if s.open != 0 {
			c := *s
			tabulate(&rows, &stats, &c)
		}
	})
	var t Table
	if len(rows.v) == 0 {
		return t
	}
	// The log's months: from the first cohort to the last month with an
	// order (every month with an order has its month counts).
	lo, hi := rows.base, stats.base+int32(len(stats.v))-1
	for i, row := range rows.v {
		if len(row) == 0 {
			continue
		}
		c := Cohort{Month: Month(rows.base + int32(i)), Size: row[0].Customers}
		c.Months = make([]Cell, hi-int32(c.Month)+1)
		copy(c.Months, row)
		t.Cohorts = append(t.Cohorts, c)
	}
	t.KPIs = make([]KPI, hi-lo+1)
	for i := range t.KPIs {
		t.KPIs[i].Month = Month(lo + int32(i))
	}
	for _, c := range t.Cohorts {
		off := int(c.Month) - int(lo)
		for s, cell := range c.Months {
			k := &t.KPIs[off+s]
			k.Active += cell.Customers
			k.Orders += cell.Orders
			k.Revenue += cell.Revenue
		}
		t.KPIs[off].New += c.Size
	}
	var customers, repeat int
	for i := range t.KPIs {
		k := &t.KPIs[i]
		st := stats.get(int32(k.Month))
		k.Returning = k.Active - k.New
		k.AverageOrderValue = math.NaN()
		if k.Orders > 0 {
			k.AverageOrderValue = k.Revenue / float64(k.Orders)
		}
		customers += k.New
		repeat += st.second
		k.Customers, k.Repeat = customers, repeat
		k.RepeatPurchaseRate = math.NaN()
		if customers > 0 {
			k.RepeatPurchaseRate = float64(repeat) / float64(customers)
		}
		k.Retained12, k.Retention12 = st.retained, math.NaN()
		if i >= 12 && t.KPIs[i-12].Active > 0 {
			k.Retention12 = float64(st.retained) / float64(t.KPIs[i-12].Active)
		}
	}
	return t
}

// A span is a slice indexed by month, from base, grown at either end as
// months come.
type span[T any] struct {
	base int32
	v    []T
}

// at returns the element of month m, growing s to hold it.
func (s *span[T]) at(m int32) *T {
	switch {
	case len(s.v) == 0:
		s.base, s.v = m, make([]T, 1, 16)
	case m < s.base:
		v := make([]T, int(s.base-m)+len(s.v))
		copy(v[s.base-m:], s.v)
		s.base, s.v = m, v
	case int(m-s.base) >= len(s.v):
		s.v = slices.Grow(s.v, int(m-s.base)+1-len(s.v))[:m-s.base+1]
	}
	return &s.v[m-s.base]
}

// get returns the element of month m, the zero value outside s.
func (s *span[T]) get(m int32) T {
	var z T
	if len(s.v) == 0 || m < s.base || int(m-s.base) >= len(s.v) {
		return z
	}
	return s.v[m-s.base]
}
