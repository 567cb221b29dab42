package forecast

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"io"
	"runtime"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/internal/parallel"
)

// RunIncremental runs the job on everything the state st holds plus the
// transactions of r, a log of what happened after st's watermark
// (st.Last): it reads only r, merges its transactions into the customers'
// states (clv.CustomerState), summarizes every customer to the end of
// observation, refits the models (from the last run's parameters with
// st.WarmStart) and rescores. On success st holds the merged customers,
// the new watermark and the new models (save it with Save); on any error
// st is left unchanged. The first run on a zero State is Run on the whole
// log, whose one read builds the state too: its Result is Run's (cohorts
// and tracking curve included), and the log must be as Run wants it (each
// customer's transactions in time order, or r an io.Seeker, read twice).
//
// The Result is that of Run on the whole log (every log applied to st, in
// order, then r): Summary.Customers the same, bit for bit and in the same
// order (that of the customers' first transactions, as the logs are
// concatenated), and so the same fits and forecasts, bit for bit. With
// st.WarmStart the fits start elsewhere and stop elsewhere within their
// convergence tolerance (the gradient of the mean log-likelihood below
// 1e-8): the parameters and forecasts then agree with Run's to below 1e-6
// relative (TestIncrementalEqualsFull measures it). After the first run,
// like a run on summaries, it has no cohorts and no tracking curve
// (Result.Cohorts and Result.Tracking are nil: the state keeps no log),
// and Summary.Stats are those of r only: its lines read and skipped, and
// Merged those of its lines merged into a purchase of the same customer
// and period, in r or already in the state (so the Merged of the runs
// add up to that of Run on every log at once).
//
// Every transaction of r must be after st.Last: a log all of whose
// transactions are at or before it is an error wrapping ErrAlreadyApplied
// (the same day applied twice is never counted twice); one with some
// before and some after, ErrOverlap naming its first such line. r need not
// be in time order. The end of observation (Config.End, or the latest
// transaction) must not precede st.End, and Config.End, when given, must
// not precede st.Last (both a *ConfigError of End). Config.CalibrationEnd,
// Config.Summaries and Config.Covariates are refused: an incremental run
// has no holdout period and reads transactions.
func RunIncremental(ctx context.Context, st *State, r io.Reader, cfg Config) (*Result, error) {
	if st == nil {
		return nil, errors.New("forecast: RunIncremental on a nil *State")
	}
	if err := cfg.check(); err != nil {
		return nil, err
	}
	switch {
	case !cfg.CalibrationEnd.IsZero():
		return nil, &ConfigError{Field: "CalibrationEnd", Value: cfg.CalibrationEnd.Format(time.RFC3339), Want: "none in an incremental run (no holdout period)"}
	case cfg.Summaries:
		return nil, &ConfigError{Field: "Summaries", Value: "true", Want: "a transaction log in an incremental run"}
	case cfg.Covariates != nil:
		return nil, &ConfigError{Field: "Covariates", Value: cfg.CovariatesName, Want: "none in an incremental run"}
	case cfg.Campaign != nil:
		return nil, &ConfigError{Field: "Campaign.Date", Value: cfg.Campaign.Date.Format(time.DateOnly), Want: "none in an incremental run (the state keeps no transactions to summarize at the date)"}
	case cfg.ProductColumn != "":
		return nil, &ConfigError{Field: "ProductColumn", Value: cfg.ProductColumn, Want: "none in an incremental run (the state keeps no products)"}
	case !cfg.End.IsZero() && st.Records > 0 && lastAccepted(cfg).Before(st.Last):
		return nil, &ConfigError{Field: "End", Value: cfg.End.Format(time.RFC3339),
			Want: "a time at or after the state's last transaction, " + st.Last.Format(time.RFC3339)}
	}
	j := newJob(cfg)
	if st.Records == 0 && len(st.customers) == 0 {
		return j.firstRun(ctx, st, r)
	}
	j.say("reading %s (after the state's %d customers, %d transactions to %s)", cfg.Name, len(st.customers), st.Records, st.Last.Format(time.RFC3339))
	d, err := j.readNew(st, r)
	if err != nil {
		return nil, err
	}
	j.say("read %d transactions of %d customers (%d new); %v", d.records, len(d.states), d.fresh, d.stats)
	m, err := j.merge(st, d)
	if err != nil {
		return nil, err
	}
	// The new log's reading is garbage now: collected before the fits
	// and the scoring, as after Run's summaries.
	runtime.GC()
	j.say("summarized %s; observation from %s to %s", customers(len(m.sum.Customers)), m.sum.First.Format(time.DateOnly), m.sum.End.Format(time.DateOnly))
	if st.WarmStart {
		j.fits.start, j.fits.spendStart = st.purchase, st.spend
	}
	res, err := j.run(ctx, observation{whole: m.sum})
	if err != nil {
		return nil, err
	}
	// The state keeps no repeat purchases by day: no actual curve to
	// track the model against (it drew one of zeros).
	res.Tracking = nil
	st.commit(d, m, res)
	return res, nil
}

// firstRun is RunIncremental on an empty state: Run on r, whose one read
// of the log (the summarizer's) also builds the customers' states, through
// an Observer, rather than reading the log transaction by transaction
// into a map of states as a later run reads its day (on 10⁶ customers
// that took twice a full run's CPU time).
func (j *job) firstRun(ctx context.Context, st *State, r io.Reader) (*Result, error) {
	b := &stateBuilder{opts: clv.SummaryOptions{AllowNegative: j.cfg.AllowNegative}}
	j.also = func() clv.Observer {
		b.reset() // a second read (a log out of order) starts over
		return b
	}
	h := fnv.New64a()
	obs, err := j.summarize(ctx, hashing(r, h))
	if err != nil {
		return nil, err
	}
	if b.err != nil {
		return nil, b.err
	}
	j.also = nil
	sum := obs.whole
	if len(b.states) != len(sum.Customers) {
		return nil, fmt.Errorf("forecast: internal error: the state has %d customers, the summary %d", len(b.states), len(sum.Customers))
	}
	res, err := j.run(ctx, obs)
	if err != nil {
		return nil, err
	}
	d := &newLog{states: b.states, at: make([]int32, len(b.states)), fresh: len(b.states), records: b.records, sawTime: b.sawTime, hash: h.Sum64()}
	for i := range d.at {
		d.at[i] = -1
	}
	st.commit(d, &merged{sum: sum}, res)
	return res, nil
}

// stateBuilder is the Observer of a first run: it adds each transaction
// the summarizer adds to the state of its customer, whose index is the
// customer's in the summary.
type stateBuilder struct {
	opts    clv.SummaryOptions
	arena   *clv.StateArena // the states' periods and ids, in a few blocks
	states  []clv.CustomerState
	records int
	sawTime bool
	err     error
	touched int // keeps Observe's loads
}

func (b *stateBuilder) reset() { *b = stateBuilder{opts: b.opts, arena: &clv.StateArena{}} }

func (b *stateBuilder) Observe(ks []int32, ts []clv.Transaction) {
	if b.err != nil {
		return
	}
	// The batch's states loaded back to back first: independent loads
	// whose cache misses overlap, rather than one miss a transaction in
	// the loop below.
	touch := 0
	for _, k := range ks {
		if uint(k) < uint(len(b.states)) {
			touch += len(b.states[k].ID)
		}
	}
	b.touched += touch
	for i, k := range ks {
		if k < 0 {
			continue // after the end, skipped
		}
		t := ts[i]
		if int(k) == len(b.states) {
			// A new customer: AddIn copies its id into the arena, as the
			// summarizer's transactions may be views of a buffer it
			// reuses.
			b.states = append(b.states, clv.CustomerState{})
		} else if int(k) > len(b.states) {
			b.err = fmt.Errorf("forecast: internal error: customer %d seen after %d customers", k, len(b.states))
			return
		}
		if err := b.states[k].AddIn(b.arena, t, b.opts); err != nil {
			b.err = err
			return
		}
		if hh, mm, ss := t.Time.Clock(); hh|mm|ss != 0 || t.Time.Nanosecond() != 0 {
			b.sawTime = true
		}
		b.records++
	}
}

// hashing returns r, which writes what is read from it to h; an r that
// can seek still can (a seek to the start resets h).
func hashing(r io.Reader, h hash.Hash64) io.Reader {
	hr := &hashReader{r: r, h: h}
	if _, ok := r.(io.Seeker); ok {
		return &hashSeeker{hr}
	}
	return hr
}

type hashReader struct {
	r io.Reader
	h hash.Hash64
}

func (r *hashReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	return n, err
}

type hashSeeker struct{ *hashReader }

func (r *hashSeeker) Seek(off int64, whence int) (int64, error) {
	n, err := r.r.(io.Seeker).Seek(off, whence)
	if err == nil && n == 0 {
		r.h.Reset()
	}
	return n, err
}

// newLog is what RunIncremental read from the new log: each customer's
// state from its transactions in the log, in order of first appearance.
type newLog struct {
	states      []clv.CustomerState
	at          []int32 // the customer's index in the state, −1 for a new customer
	fresh       int     // new customers
	first, last time.Time
	records     int
	sawTime     bool
	hash        uint64
	stats       clv.Stats
}

// readNew reads the new log, checking every transaction against the
// state's watermark and the end of observation.
func (j *job) readNew(st *State, r io.Reader) (*newLog, error) {
	cfg := j.cfg
	h := fnv.New64a()
	rd, err := csvio.NewReader(io.TeeReader(r, h), cfg.CSV)
	if err != nil {
		return nil, err
	}
	sopts := clv.SummaryOptions{AllowNegative: cfg.AllowNegative}
	limit := lastAccepted(cfg)
	d := &newLog{}
	seen := map[string]int32{}
	var stale, staleLine int
	var staleTime time.Time
	for {
		t, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line := rd.Line()
		if st.Records > 0 && !t.Time.After(st.Last) {
			if stale == 0 {
				staleLine, staleTime = line, t.Time
			}
			stale++
			continue
		}
		if !limit.IsZero() && t.Time.After(limit) {
			// As the full read reports it (a *clv.ParseError wrapping a
			// *clv.AfterEndError), which callers restate.
			return nil, &clv.ParseError{Line: line, Err: &clv.AfterEndError{Time: t.Time, End: cfg.End, EndOfDay: cfg.EndOfDay}}
		}
		k, ok := seen[t.CustomerID]
		if !ok {
			k = int32(len(d.states))
			seen[t.CustomerID] = k
			d.states = append(d.states, clv.CustomerState{})
		}
		if err := d.states[k].Add(t, sopts); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if d.records == 0 || t.Time.Before(d.first) {
			d.first = t.Time
		}
		if d.records == 0 || t.Time.After(d.last) {
			d.last = t.Time
		}
		if hh, mm, ss := t.Time.Clock(); hh|mm|ss != 0 || t.Time.Nanosecond() != 0 {
			d.sawTime = true
		}
		d.records++
	}
	d.hash, d.stats = h.Sum64(), rd.Stats()
	// The log's customers already in the state: one pass over the state
	// against the log's few ids, rather than an index of the state's.
	d.at = make([]int32, len(d.states))
	for i := range d.at {
		d.at[i] = -1
	}
	if len(seen) > 0 {
		for k := range st.customers {
			if i, ok := seen[st.customers[k].ID]; ok {
				d.at[i] = int32(k)
			}
		}
	}
	for _, k := range d.at {
		if k < 0 {
			d.fresh++
		}
	}
	switch {
	case stale > 0 && d.records == 0:
		same := ""
		if d.hash == st.LogHash {
			same = " (it is the very log applied last)"
		}
		return nil, fmt.Errorf("%w%s: its %d transactions are all at or before the state's last transaction, %s", ErrAlreadyApplied, same, stale, clockOf(st.Last))
	case stale > 0:
		return nil, fmt.Errorf("%w: line %d: a transaction at %s, at or before the state's last transaction, %s (%d such transactions; %d after it)",
			ErrOverlap, staleLine, clockOf(staleTime), clockOf(st.Last), stale, d.records)
	case d.records == 0 && st.Records == 0:
		return nil, fmt.Errorf("%w: no transactions (%v)", clv.ErrEmptyLog, d.stats)
	}
	return d, nil
}

// merged is the state after the new log, not yet committed: the summary
// of every customer, and the merged states of the customers the log
// touched.
type merged struct {
	sum     *clv.Summary
	touched map[int32]*clv.CustomerState // by index in the state
}

// merge summarizes every customer of st with the new log's transactions
// merged in, leaving st unchanged.
func (j *job) merge(st *State, d *newLog) (*merged, error) {
	cfg := j.cfg
	first, last := st.First, st.Last
	if st.Records == 0 {
		first, last = d.first, d.last
	} else if d.records > 0 {
		last = d.last // after st.Last: readNew checked
	}
	end := cfg.End
	switch {
	case end.IsZero():
		end = last
	case cfg.EndOfDay && (st.sawTime || d.sawTime):
		end = end.Add(24 * time.Hour) // to the end of the day, as Summarize does
	}
	if st.Records > 0 && end.Before(st.End) {
		return nil, &ConfigError{Field: "End", Value: end.Format(time.RFC3339), Want: "a time at or after the state's end of observation, " + st.End.Format(time.RFC3339)}
	}
	m := &merged{touched: map[int32]*clv.CustomerState{}}
	// The new log's lines merged into a purchase of the same customer and
	// period, in the log itself or with the state's (a second order the
	// same day as the watermark's): what Summarize counts in Stats.Merged
	// for these lines when it reads every log at once.
	nMerged := 0
	for i, k := range d.at {
		if k < 0 {
			nMerged += d.states[i].Merged()
			continue
		}
		s := &clv.CustomerState{}
		if err := s.Merge(&st.customers[k]); err != nil {
			return nil, err
		}
		if err := s.Merge(&d.states[i]); err != nil {
			return nil, err
		}
		m.touched[k] = s
		nMerged += s.Merged() - st.customers[k].Merged()
	}
	old := len(st.customers)
	n := old + d.fresh
	fresh := make([]*clv.CustomerState, 0, d.fresh)
	for i, k := range d.at {
		if k < 0 {
			fresh = append(fresh, &d.states[i])
		}
	}
	state := func(k int) *clv.CustomerState {
		if k >= old {
			return fresh[k-old]
		}
		if s, ok := m.touched[int32(k)]; ok {
			return s
		}
		return &st.customers[k]
	}
	cs := make([]clv.Customer, n)
	opts := clv.SummaryOptions{End: end, Unit: cfg.Unit}
	errs := make([]error, parallel.Chunks(n))
	parallel.For(len(errs), func(ch int) {
		lo, hi := parallel.Bounds(ch, n)
		for k := lo; k < hi; k++ {
			c, _, err := state(k).Summary(opts)
			if err != nil {
				errs[ch] = err
				return
			}
			cs[k] = c
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	m.sum = &clv.Summary{Customers: cs, Stats: d.stats, First: first, Last: last, End: end}
	m.sum.Stats.Merged = nMerged
	return m, nil
}

// commit makes the merged state st's after a successful run.
func (st *State) commit(d *newLog, m *merged, res *Result) {
	for k, s := range m.touched {
		st.customers[k] = *s
	}
	if len(st.customers) == 0 && d.fresh == len(d.states) {
		st.customers = d.states // a first run: every customer is new
	} else {
		for i, k := range d.at {
			if k < 0 {
				st.customers = append(st.customers, d.states[i])
			}
		}
	}
	st.First, st.Last, st.End = m.sum.First, m.sum.Last, m.sum.End
	st.Records += d.records
	st.LogHash = d.hash
	st.sawTime = st.sawTime || d.sawTime
	st.Model = res.Choice.Name
	st.purchase = map[string][]float64{}
	for name, pm := range res.Choice.Fitted {
		if e := lookup(name); e != nil && e.params != nil {
			st.purchase[name] = e.params(pm)
		}
	}
	if e := lookup(res.Choice.Name); e != nil && e.params != nil {
		st.purchase[res.Choice.Name] = e.params(res.Choice.Model)
	}
	st.spend = nil
	if res.Spend != nil {
		p := res.Spend.Params()
		st.spend = &p
	}
}

// lastAccepted returns the latest time of a transaction the run accepts:
// Config.End, or the end of its day with EndOfDay (zero without an End).
func lastAccepted(cfg Config) time.Time {
	if !cfg.End.IsZero() && cfg.EndOfDay {
		return cfg.End.Add(24*time.Hour - time.Microsecond)
	}
	return cfg.End
}

// alsoObserve adds j.also's Observer to opts' (the cohorts').
func (j *job) alsoObserve(opts *clv.SummaryOptions) {
	if j.also == nil {
		return
	}
	if opts.Observer == nil {
		opts.Observer = j.also()
		return
	}
	opts.Observer = observers{opts.Observer, j.also()}
}
