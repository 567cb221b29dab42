// Package interval gives the uncertainty of the forecasts of package clv's
// models: intervals of the expected quantities from draws of the models'
// parameters (Forecast: per customer, in total, per forecast period and
// per group of customers, sharing the work between customers as the
// models allow), the quantile band of any quantity computed under draws
// (FromDraws), and predictive intervals of the purchases customers will
// actually make (Predictive, PredictiveAll, PredictiveTotal). With
// Options.Outlook, Forecast also gives the intervals of the answers in
// calendar terms (Outlooks); OutlookOfDraws, NewOutlooks and JoinOutlooks
// build them for customers computed one by one or in parts. Near a limit
// of a model, Decide chooses how the draws are made (Method: the
// likelihood-ratio test of the limit at LimitTestLevel, the mixture's
// band at MixtureLevel). It sits beside clv as image/draw sits beside
// image: the capability interfaces only these functions use
// (AliveFactored, AliveMixture, ConditionalPMF, and for speed AliveCurve,
// AliveMixtureSeq) are declared here; bgnbd and paretonbd implement them,
// ggompertz AliveFactored and AliveCurve.
package interval

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// AliveFactored is implemented by purchase models whose conditional
// expectation is P(alive) times the expectation of a customer known to be
// alive at T, which depends on the frequency x and T only:
//
//	E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) · A(x, T, t).
//
// IfAlive returns A(x, ·, ·) for one frequency, to be called for many
// T ≥ minT and 0 ≤ t ≤ maxT: a model may prepare work they share (BG/NBD
// interpolates its series). The function must be safe for concurrent
// use. ProbabilityAliveAt writes P(alive) of the customers with frequency
// x, age T and the recencies txs into out, sharing what depends on (x, T)
// alone. BG/NBD, MBG/NBD and Pareto/NBD are of this form; Forecast uses
// it to compute A once per distinct (x, T), of which logs of dates have
// few.
type AliveFactored interface {
	clv.PurchaseModel
	IfAlive(x, minT, maxT float64) func(T, t float64) float64
	ProbabilityAliveAt(x, T float64, txs, out []float64)
}

// AliveCurve is implemented by AliveFactored models that evaluate A(x, T,
// ·) at many horizons at once for less than one by one (BG/NBD
// interpolates across horizons, for a long horizon's months):
// IfAliveCurve(x, minT, maxT) returns a function writing A(x, T, ts[i])
// into out[i], safe for concurrent use. Forecast uses it for the
// horizons, schedule times and period ends of each distinct (x, T).
type AliveCurve interface {
	IfAliveCurve(x, minT, maxT float64) func(T float64, ts, out []float64)
}

// Interval is an interval [Low, High] of a quantity.
type Interval struct{ Low, High float64 }

// Draw is one draw of the models' parameters: a purchase and a spend
// model built from parameters drawn by the models' SampleParams (the
// Laplace approximation) or refitted by Bootstrap.
type Draw struct {
	Purchase clv.PurchaseModel
	Spend    clv.SpendModel
}

// Options configures Forecast. Horizon and Value.PeriodLength are
// required.
type Options struct {
	// Level is the confidence level, in (0, 1). Zero means 0.9.
	Level float64
	// Horizon is the t of the expected purchases in (T, T+t].
	Horizon float64
	// Value sets the lifetime value's horizon, discounting and margin, as
	// for predict.LifetimeValues. The zero Value computes no lifetime values (their
	// intervals, TotalValue and the periods' revenue are then zero, and
	// the draws need no spend models).
	Value predict.ValueOptions
	// Outlook, if not zero, asks for the intervals of each customer's
	// answers in calendar terms (clv.Outlook) over its window and horizon,
	// and of the discounted purchases: Result.Outlooks. Every draw's
	// purchase model must then be a clv.NextPurchaseModel.
	Outlook clv.OutlookOptions
	// Periods, if not empty, are the ends t_1 < t_2 < ... of forecast
	// periods (e.g. calendar months); Result.Periods then holds the
	// intervals of the total purchases expected in each (t_{j−1}, t_j],
	// t_0 = 0, and of their revenue (times each customer's expected value
	// per purchase; no margin, no discount).
	Periods []float64
	// Groups, if not nil, is parallel to the customers: each customer's
	// group in [0, MaxGroups), or −1 for none. Result.Groups then holds
	// the intervals of each group's total expected purchases in the
	// horizon (e.g. by calibration frequency, against a holdout period).
	Groups []int
	// Grouping is the customers' grouping (clv.GroupCustomers), which
	// Forecast then does not group again: the same result, bit for bit.
	// Nil means Forecast groups them itself. A grouping of other customers
	// is an error wrapping clv.ErrGroupingMismatch. (Value.Grouping is not
	// read: Forecast values distinct rows.)
	Grouping *clv.Grouping
}

// MaxGroups bounds the groups of Options.Groups.
const MaxGroups = 256

// Period holds the intervals of one forecast period's totals.
type Period struct {
	Purchases, Revenue Interval
}

// Customer holds the intervals of one customer's forecast.
type Customer struct {
	PAlive, ExpectedPurchases, CLV Interval
}

// Result is the result of Forecast.
type Result struct {
	// Customers is parallel to the customers given.
	Customers []Customer
	// Outlooks holds each customer's Outlook intervals when
	// Options.Outlook is set, nil otherwise.
	Outlooks *Outlooks
	// TotalPurchases and TotalValue are the intervals of the expected
	// purchases in the horizon and of the lifetime value, summed over
	// the customers.
	TotalPurchases, TotalValue Interval
	// Periods is parallel to Options.Periods.
	Periods []Period
	// Groups[g] is the interval of the total expected purchases of group
	// g's customers (Options.Groups), for g up to the largest group
	// given.
	Groups []Interval
	// Draws is the number of draws the intervals come from.
	Draws int
	// DrawTotals are the totals under each draw whose quantiles are the
	// intervals of the totals: to combine the forecasts of disjoint sets
	// of customers under the same draws, add them draw by draw and take
	// FromDraws.
	DrawTotals DrawTotals
}

// DrawTotals are a forecast's totals under each of its D draws.
type DrawTotals struct {
	Purchases, Value []float64 // [d]: of TotalPurchases and TotalValue
	// PeriodPurchases and PeriodRevenue [d·P+j]: of period j of the P
	// periods.
	PeriodPurchases, PeriodRevenue []float64
	Groups                         []float64 // [k·D+d]: of group k
}

// MaxDraws bounds the number of draws Forecast accepts.
const MaxDraws = 100_000

// ErrBadDraws is wrapped by Forecast's errors about its draws.
var ErrBadDraws = errors.New("interval: invalid parameter draws")

// Forecast returns, for every customer and for the totals over the
// customers, intervals of the expected quantities that come from the
// parameters' uncertainty: P(alive), the expected purchases in the horizon
// and the lifetime value (as predict.LifetimeValues computes it) are computed
// with each draw's models, and the interval runs between the (1−level)/2
// and (1+level)/2 quantiles of the draws' values (linear interpolation
// between order statistics, as R's default type 7). These are intervals of
// expectations; for what a customer will actually buy, see Predictive.
//
// The work is shared as the models allow: P(alive) is computed once per
// distinct (frequency, recency, T) and draw, the expected purchases of an
// active customer once per distinct (frequency, T) for models that are
// AliveFactored, and the spend once per customer and draw (a spend model's
// ConditionalExpectedValue must depend on the frequency and the monetary
// value only, as Gamma-Gamma's does). It runs on all cores and stops with
// ctx's error when ctx is done. An invalid customer is an error naming it.
//
// With Options.Outlook, Result.Outlooks holds the intervals of each
// customer's answers (Outlook): every draw's clv.Outlook of each distinct
// (frequency, recency, T), computed block by block of rows (with the
// model's clv.OutlookRows where it has one, which shares the work of rows
// of equal (x, T)), and the discounted purchases from the values the
// lifetime value is computed from. It costs about one Outlook per distinct
// row and draw: at 10⁶ customers of a log of dates and 200 draws, some
// 9 CPU seconds for BG/NBD and 44 for Pareto/NBD, whose percentiles of the
// next purchase take a root search (half of it); the models' OutlookRows
// allocate a grouping of the rows they are given, short-lived garbage of
// about 85 bytes per row and draw.
//
// Memory: each goroutine holds a block of rows under every draw, 3 + the
// periods numbers per row and draw, in blocks of fewer rows as the draws
// or periods grow (about 25 MB a block whatever their number); besides the
// results (and, with Options.Outlook, 5 more numbers per row and draw in
// a block, and 96 bytes per distinct row and 4 per customer of the
// Outlooks), what grows with the draws is the draws' totals and, for
// AliveFactored models, what IfAlive prepares for each distinct frequency
// under each draw (BG/NBD: an interpolation table of up to 96 numbers).
func Forecast(ctx context.Context, draws []Draw, cs []clv.Customer, opts Options) (*Result, error) {
	level := opts.Level
	if level == 0 {
		level = 0.9
	}
	switch {
	case !(level > 0 && level < 1):
		return nil, fmt.Errorf("interval: Forecast: level %v, want a share in (0, 1)", opts.Level)
	case !(opts.Horizon >= 0) || math.IsInf(opts.Horizon, 0):
		return nil, fmt.Errorf("interval: Forecast: horizon %v, want a finite t ≥ 0", opts.Horizon)
	case len(draws) < 2 || len(draws) > MaxDraws:
		return nil, fmt.Errorf("%w: %d draws, want 2 to %d", ErrBadDraws, len(draws), MaxDraws)
	case len(cs) == 0:
		return nil, clv.ErrNoCustomers
	case len(opts.Periods) > maxPeriods:
		return nil, fmt.Errorf("interval: Forecast: %d periods, want at most %d", len(opts.Periods), maxPeriods)
	}
	for j, t := range opts.Periods {
		if !(t > 0) || math.IsInf(t, 0) || (j > 0 && !(t > opts.Periods[j-1])) {
			return nil, fmt.Errorf("interval: Forecast: period ends %v: want finite, positive and ascending", opts.Periods)
		}
	}
	opts.Value.Grouping = nil // not read: the values are of distinct rows
	valued := opts.Value != predict.ValueOptions{}
	var sched schedule
	margin := 0.0
	if valued {
		var err error
		if sched.ts, sched.disc, margin, err = opts.Value.Schedule(); err != nil {
			return nil, err
		}
	}
	for d, dr := range draws {
		if isNil(dr.Purchase) || valued && isNil(dr.Spend) {
			return nil, fmt.Errorf("%w: draw %d has no purchase or no spend model", ErrBadDraws, d)
		}
	}
	G := 0
	if opts.Groups != nil {
		if len(opts.Groups) != len(cs) {
			return nil, fmt.Errorf("interval: Forecast: %d groups for %d customers", len(opts.Groups), len(cs))
		}
		for i, g := range opts.Groups {
			if g < -1 || g >= MaxGroups {
				return nil, fmt.Errorf("interval: Forecast: customers[%d] in group %d: want −1 to %d", i, g, MaxGroups-1)
			}
			G = max(G, g+1)
		}
	}
	sg, ok := rows.GroupsOf(rows.Unbox(opts.Grouping), cs)
	if !ok {
		return nil, fmt.Errorf("interval: Forecast: %w", clv.ErrGroupingMismatch)
	}
	if sg == nil { // with their grouping, validated by clv.GroupCustomers
		if err := clv.ValidateAll(cs); err != nil {
			return nil, err
		}
	}
	factored := true
	for _, dr := range draws {
		if _, ok := dr.Purchase.(AliveFactored); !ok {
			factored = false
		}
	}
	g := groupRows(cs, sg)
	w := &intervalWork{
		sched: sched,
		draws: draws, cs: cs, g: g, level: level, t: opts.Horizon,
		margin: margin, factored: factored, periods: opts.Periods, valued: valued, groups: opts.Groups, G: G,
		out: make([]Customer, len(cs)),
	}
	if opts.Outlook != (clv.OutlookOptions{}) {
		var err error
		if w.ol, err = newOutlookWork(draws, g, len(cs), opts.Outlook); err != nil {
			return nil, err
		}
	}
	if factored {
		w.prepare(append(append([]float64{opts.Horizon}, w.sched.ts...), opts.Periods...))
	}
	D, P := len(draws), len(opts.Periods)
	w.rows = min(blockRows(D, P), len(g.rows)) // few rows: a small block
	blocks := (len(g.rows) + w.rows - 1) / w.rows
	// Each block's share of the totals is added to them in block order,
	// so that they do not depend on the scheduling. A goroutine takes a
	// buffer, then the next block; a block done before its predecessors
	// keeps its buffer until they are added. Buffers are at most two more
	// than the goroutines, so memory does not grow with the number of blocks;
	// the lowest block not yet added is always held by a running
	// goroutine, which will add it and free the buffers waiting on it.
	sum := &blockTotals{}
	sum.init(D, P, G)
	errs := make([]error, blocks)
	workers := min(runtime.GOMAXPROCS(0), blocks)
	bufs := make(chan *blockBuf, workers+2)
	for range workers + 2 {
		bufs <- nil // made on first use
	}
	var (
		mu        sync.Mutex
		next      atomic.Int64
		committed int
		pending   = map[int]*blockBuf{}
		wg        sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for {
				buf := <-bufs
				b := int(next.Add(1) - 1)
				if b >= blocks {
					bufs <- buf
					return
				}
				if buf == nil {
					buf = w.newBuf()
				}
				buf.tot.clear()
				if errs[b] = ctx.Err(); errs[b] == nil {
					errs[b] = w.block(b, buf)
				}
				mu.Lock()
				pending[b] = buf
				for pending[committed] != nil {
					done := pending[committed]
					sum.add(&done.tot)
					delete(pending, committed)
					committed++
					bufs <- done
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	res := &Result{Customers: w.out, Draws: D, DrawTotals: DrawTotals{Purchases: sum.e, Value: sum.v,
		PeriodPurchases: make([]float64, D*P), PeriodRevenue: make([]float64, D*P), Groups: sum.g}}
	for k := range D * P {
		res.DrawTotals.PeriodPurchases[k], res.DrawTotals.PeriodRevenue[k] = sum.p[2*k], sum.p[2*k+1]
	}
	if w.ol != nil {
		res.Outlooks = w.ol.res
	}
	if G > 0 {
		res.Groups = make([]Interval, G)
		for k := range G {
			res.Groups[k].Low, res.Groups[k].High = quantileBand(sum.g[k*D:(k+1)*D], level, nil)
		}
	}
	if P > 0 {
		res.Periods = make([]Period, P)
		pur := make([]float64, D)
		rev := make([]float64, D)
		for j := range P {
			for d := range D {
				pur[d], rev[d] = sum.p[(d*P+j)*2], sum.p[(d*P+j)*2+1]
			}
			iv := &res.Periods[j]
			iv.Purchases.Low, iv.Purchases.High = quantileBand(pur, level, nil)
			iv.Revenue.Low, iv.Revenue.High = quantileBand(rev, level, nil)
		}
	}
	res.TotalPurchases.Low, res.TotalPurchases.High = quantileBand(sum.e, level, nil)
	res.TotalValue.Low, res.TotalValue.High = quantileBand(sum.v, level, nil)
	return res, nil
}

// blockTotals are totals under each draw d of D: e[d] of the expected
// purchases, v[d] of the lifetime values, p[(d·P+j)·2] of the purchases
// in period j and p[(d·P+j)·2+1] of their revenue, g[k·D+d] of group k's
// expected purchases.
type blockTotals struct {
	e, v, p, g []float64
}

func (t *blockTotals) init(D, P, G int) {
	t.e, t.v, t.p, t.g = make([]float64, D), make([]float64, D), make([]float64, D*P*2), make([]float64, G*D)
}

func (t *blockTotals) clear() {
	clear(t.e)
	clear(t.v)
	clear(t.p)
	clear(t.g)
}

// add adds u's totals to t's.
func (t *blockTotals) add(u *blockTotals) {
	for _, pair := range [...][2][]float64{{t.e, u.e}, {t.v, u.v}, {t.p, u.p}, {t.g, u.g}} {
		for i, x := range pair[1] {
			pair[0][i] += x
		}
	}
}

// rowGroups are the customers grouped by distinct (x, t_x, T), rows sorted
// by (x, T, t_x) so that rows sharing (x, T) are adjacent.
type rowGroups struct {
	rows  []clv.Customer // one per distinct row, in order
	start []int32        // customers of row k: order[start[k]:start[k+1]]
	order []int32        // customer indices grouped by row, ascending monetary value within a row
}

// groupRows groups cs by row; sg, if not nil, is their grouping by
// Key{x, t_x, T} (a clv.Grouping's), which it maps instead of grouping
// them again.
func groupRows(cs []clv.Customer, sg *rows.Groups) *rowGroups {
	// Rows keyed (x, T, t_x), so that the rows of one (x, T) are adjacent;
	// each row's customers in input order. Their grouping by (x, t_x, T)
	// gives the same groups reordered (rows.Map).
	var kg *rows.Groups
	if sg != nil {
		kg, _ = rows.Map(sg, func(k rows.Key) rows.Key { return rows.Key{A: k.A, B: k.C, C: k.B} })
	} else {
		kg = rows.Group(len(cs), func(i int) (rows.Key, bool) {
			c := &cs[i]
			return rows.Key{A: c.Frequency, B: c.T, C: c.Recency}, true
		})
	}
	g := &rowGroups{rows: make([]clv.Customer, len(kg.Keys))}
	for r, k := range kg.Keys {
		g.rows[r] = clv.Customer{Frequency: k.A, Recency: k.C, T: k.B}
	}
	g.start, g.order = kg.Members()
	// Within a row, customers of equal monetary value side by side (ties
	// in input order), on all cores; most rows need no sorting.
	parallel.Map(len(g.rows), func(lo, hi int) {
		for r := lo; r < hi; r++ {
			ids := g.order[g.start[r]:g.start[r+1]]
			sorted := true
			for j := 1; j < len(ids) && sorted; j++ {
				sorted = cs[ids[j-1]].MonetaryValue <= cs[ids[j]].MonetaryValue
			}
			if !sorted {
				slices.SortFunc(ids, func(a, b int32) int {
					return cmp.Or(cmp.Compare(cs[a].MonetaryValue, cs[b].MonetaryValue), cmp.Compare(a, b))
				})
			}
		}
	})
	return g
}

// intervalBlock is the largest number of rows whose draws are held at
// once, and intervalBudget bounds the numbers a block holds, (3 + periods)
// per row and draw: 1024 rows with the default 200 draws and 12 periods,
// fewer with more draws or periods, so that a block's memory (8 bytes a
// number, 24.6 MB) does not grow with the draws.
const (
	intervalBlock  = 1024
	intervalBudget = intervalBlock * 200 * (3 + 12)
)

// blockRows returns the number of rows of a block for D draws and P
// periods: at least one.
func blockRows(D, P int) int {
	return max(1, min(intervalBlock, intervalBudget/(D*(3+P))))
}

// maxPeriods bounds Options.Periods: the calendar months of 100
// years, the first and the last cut short.
const maxPeriods = 1201

type intervalWork struct {
	rows     int // of a block (blockRows)
	draws    []Draw
	cs       []clv.Customer
	g        *rowGroups
	level, t float64
	sched    schedule
	margin   float64
	factored bool
	out      []Customer
	periods  []float64
	// valued: lifetime values are computed; groups and G: the customers'
	// groups and their number.
	valued bool
	groups []int
	G      int
	// ol computes the Outlook intervals (Options.Outlook), if asked.
	ol *outlookWork
	// freqs are the distinct frequencies of the rows, ascending, and
	// ifAlive[i·D+d] draw d's A(freqs[i], ·, ·) (factored models).
	freqs   []float64
	ifAlive []func(T, t float64) float64
	// curves[i·D+d], when every draw is an AliveCurve: draw d's A(freqs[i],
	// T, ·) at many horizons at once; nil otherwise.
	curves []func(T float64, ts, out []float64)
}

// prepare fills w.freqs and w.ifAlive, for horizons up to the largest of
// ts, on all cores.
func (w *intervalWork) prepare(ts []float64) {
	rows, D := w.g.rows, len(w.draws)
	maxT := slices.Max(ts)
	var minT []float64
	for r := range rows {
		if r == 0 || rows[r].Frequency != rows[r-1].Frequency {
			w.freqs = append(w.freqs, rows[r].Frequency)
			minT = append(minT, rows[r].T)
		}
		minT[len(minT)-1] = min(minT[len(minT)-1], rows[r].T)
	}
	curved := true
	for _, dr := range w.draws {
		_, ok := dr.Purchase.(AliveCurve)
		curved = curved && ok
	}
	if curved {
		w.curves = make([]func(T float64, ts, out []float64), len(w.freqs)*D)
		parallel.For(len(w.curves), func(k int) {
			i, d := k/D, k%D
			w.curves[k] = w.draws[d].Purchase.(AliveCurve).IfAliveCurve(w.freqs[i], minT[i], maxT)
		})
		return
	}
	w.ifAlive = make([]func(T, t float64) float64, len(w.freqs)*D)
	parallel.For(len(w.ifAlive), func(k int) {
		i, d := k/D, k%D
		w.ifAlive[k] = w.draws[d].Purchase.(AliveFactored).IfAlive(w.freqs[i], minT[i], maxT)
	})
}

// xIndex returns the index of frequency x in w.freqs.
func (w *intervalWork) xIndex(x float64) int {
	i, _ := slices.BinarySearch(w.freqs, x)
	return i
}

// blockBuf is the scratch of one block of rows.
type blockBuf struct {
	// f[r*D+d]: P(alive) of row lo+r under draw d (1 if not factored);
	// e[q*D+d], v[q*D+d]: the expected purchases in the horizon and the
	// discounted purchases of the block's pair q, if alive (factored);
	// per[(q*D+d)*P+j]: its purchases in period j.
	f, e, v, per      []float64
	rowSp             []float64
	cum, hts, hout    []float64
	vals, scratch, sp []float64
	xs, Ts            []float64
	pairOf            []int32
	txs, pa           []float64
	tot               blockTotals // the block's share of the totals
	ol                *outlookBuf // with Options.Outlook
}

func (w *intervalWork) newBuf() *blockBuf {
	D, R := len(w.draws), w.rows
	n := R * D
	buf := &blockBuf{
		f: make([]float64, n), e: make([]float64, n), v: make([]float64, n),
		per: make([]float64, n*len(w.periods)), rowSp: make([]float64, D),
		cum: make([]float64, len(w.sched.ts)),
		// The horizon, the schedule's times and the period ends, for
		// ExpectedPurchasesIfAlive.
		hts:  slices.Concat([]float64{w.t}, w.sched.ts, w.periods),
		hout: make([]float64, 1+len(w.sched.ts)+len(w.periods)),
		xs:   make([]float64, 0, R), Ts: make([]float64, 0, R),
		pairOf: make([]int32, 0, R),
		txs:    make([]float64, R), pa: make([]float64, R),
		vals: make([]float64, D), scratch: make([]float64, D), sp: make([]float64, D),
	}
	buf.tot.init(D, len(w.periods), w.G)
	if w.ol != nil {
		buf.ol = newOutlookBuf(R, D)
	}
	return buf
}

// block computes the intervals of the customers of block b of rows.
func (w *intervalWork) block(b int, buf *blockBuf) error {
	g, D := w.g, len(w.draws)
	lo := b * w.rows
	hi := min(lo+w.rows, len(g.rows))
	f, e, v, cum, hts, hout := buf.f, buf.e, buf.v, buf.cum, buf.hts, buf.hout
	// The block's distinct (x, T) pairs in row order (rows sorted by x, T
	// and t_x), each row's pair, and the runs of pairs of equal x; without
	// the factorization, each row is its own pair.
	xs, Ts, pairOf := buf.xs[:0], buf.Ts[:0], buf.pairOf[:0]
	for r := lo; r < hi; r++ {
		c := &g.rows[r]
		if !w.factored || r == lo || c.Frequency != g.rows[r-1].Frequency || c.T != g.rows[r-1].T {
			xs = append(xs, c.Frequency)
			Ts = append(Ts, c.T)
		}
		pairOf = append(pairOf, int32(len(Ts)-1))
	}
	H, S, P := len(hts), len(w.sched.ts), len(w.periods)
	per := buf.per
	// increments writes the purchases in each period from the expected
	// cumulative purchases at the period ends.
	increments := func(q, d int, cum []float64) {
		prev := 0.0
		for j, c := range cum {
			per[(q*D+d)*P+j] = c - prev
			prev = c
		}
	}
	if !w.factored {
		for r := lo; r < hi; r++ {
			k := r - lo
			for d, dr := range w.draws {
				pm := dr.Purchase
				f[k*D+d] = 1
				e[k*D+d] = pm.ConditionalExpectedPurchases(g.rows[r], w.t)
				v[k*D+d] = discountedPurchases(pm, g.rows[r], w.sched, cum)
				if P > 0 {
					h := hout[:P]
					for j, t := range w.periods {
						h[j] = pm.ConditionalExpectedPurchases(g.rows[r], t)
					}
					increments(k, d, h)
				}
			}
		}
	} else {
		// Pair by pair, each under every draw: the writes run along a
		// row of f, e and v (cache lines filled in turn) rather than down
		// a column.
		for r := lo; r < hi; {
			// The rows of one (x, T), ascending in t_x.
			end := r + 1
			for end < hi && pairOf[end-lo] == pairOf[r-lo] {
				end++
			}
			q := int(pairOf[r-lo])
			x, T := g.rows[r].Frequency, g.rows[r].T
			txs, pa := buf.txs[:end-r], buf.pa[:end-r]
			for k := range txs {
				txs[k] = g.rows[r+k].Recency
			}
			xi := w.xIndex(x)
			h := hout[:H]
			for d, dr := range w.draws {
				dr.Purchase.(AliveFactored).ProbabilityAliveAt(x, T, txs, pa)
				for k, v := range pa {
					f[(r-lo+k)*D+d] = v
				}
				if w.curves != nil {
					// The horizon and schedule apart from the period
					// ends: asking for more periods changes neither.
					fn := w.curves[xi*D+d]
					fn(T, hts[:1+S], h[:1+S])
					fn(T, hts[1+S:], h[1+S:])
				} else {
					fn := w.ifAlive[xi*D+d]
					for j, t := range hts {
						h[j] = fn(T, t)
					}
				}
				e[q*D+d] = h[0]
				v[q*D+d] = w.sched.discount(h[1 : 1+S])
				if P > 0 {
					increments(q, d, h[1+S:])
				}
			}
			r = end
		}
	}
	vals, scratch, sp, rowSp := buf.vals, buf.scratch, buf.sp, buf.rowSp
	totE, totV, totP := buf.tot.e, buf.tot.v, buf.tot.p
	for r := lo; r < hi; r++ {
		k := r - lo
		p := int(pairOf[k])
		fr, er, vr := f[k*D:(k+1)*D], e[p*D:(p+1)*D], v[p*D:(p+1)*D]
		ids := g.order[g.start[r]:g.start[r+1]]
		count := float64(len(ids))
		var pa, ex Interval
		pa.Low, pa.High = quantileBand(fr, w.level, vals)
		for d := range D {
			vals[d] = fr[d] * er[d]
			totE[d] += count * vals[d]
		}
		ex.Low, ex.High = quantileBand(vals, w.level, scratch)
		if w.G > 0 {
			for _, i := range ids {
				if k := w.groups[i]; k >= 0 {
					tg := buf.tot.g[k*D : (k+1)*D]
					for d := range D {
						tg[d] += fr[d] * er[d]
					}
				}
			}
		}
		if !w.factored {
			pa = Interval{math.NaN(), math.NaN()}
			for d := range D {
				vals[d] = w.draws[d].Purchase.ProbabilityAlive(g.rows[r])
			}
			pa.Low, pa.High = quantileBand(vals, w.level, scratch)
		}
		var val Interval
		clear(rowSp)
		for j, i := range ids {
			c := w.cs[i]
			if !w.valued {
				w.out[i] = Customer{PAlive: pa, ExpectedPurchases: ex}
				continue
			}
			if j == 0 || c.MonetaryValue != w.cs[ids[j-1]].MonetaryValue {
				for d := range D {
					sp[d] = w.draws[d].Spend.ConditionalExpectedValue(c)
					if sp[d] != 0 {
						vals[d] = sp[d] * w.margin * fr[d] * vr[d]
					} else {
						vals[d] = 0
					}
				}
				val.Low, val.High = quantileBand(vals, w.level, scratch)
				if math.IsNaN(val.Low) || math.IsInf(val.Low, 0) || math.IsInf(val.High, 0) {
					return fmt.Errorf("interval: customers[%d] (%q): lifetime value under some draw is not finite (an infinite mean spend: a gamma-gamma draw with q ≤ 1?)", i, c.ID)
				}
			}
			for d := range D {
				if sp[d] != 0 {
					totV[d] += sp[d] * w.margin * fr[d] * vr[d]
					rowSp[d] += sp[d]
				}
			}
			w.out[i] = Customer{PAlive: pa, ExpectedPurchases: ex, CLV: val}
		}
		// The row's purchases and revenue in each period, under each draw.
		for d := range D {
			pd := per[(p*D+d)*P : (p*D+d+1)*P]
			td := totP[d*P*2 : (d+1)*P*2]
			for j, inc := range pd {
				inc *= fr[d]
				td[2*j] += count * inc
				if rowSp[d] != 0 {
					td[2*j+1] += rowSp[d] * inc
				}
			}
		}
		if math.IsNaN(ex.Low) || math.IsNaN(pa.Low) {
			i := ids[0]
			return fmt.Errorf("interval: customers[%d] (%q): P(alive) or expected purchases under some draw is not a number", i, w.cs[i].ID)
		}
	}
	if w.ol != nil {
		return w.outlookBlock(lo, hi, buf, pairOf)
	}
	return nil
}

// FromDraws returns the interval between the (1−level)/2 and
// (1+level)/2 quantiles of values, e.g. of a quantity computed under many
// parameter draws, with linear interpolation between order statistics (R's
// default type 7). values is not changed; a NaN among them, fewer than two
// values, or a level outside (0, 1) give NaN bounds.
func FromDraws(values []float64, level float64) Interval {
	if len(values) < 2 || !(level > 0 && level < 1) {
		return Interval{math.NaN(), math.NaN()}
	}
	lo, hi := quantileBand(values, level, nil)
	return Interval{lo, hi}
}

// quantileBand returns the (1−level)/2 and (1+level)/2 quantiles of v
// (type 7: linear between order statistics), without changing v; scratch,
// if at least len(v) long, saves an allocation. A NaN in v gives NaN.
func quantileBand(v []float64, level float64, scratch []float64) (lo, hi float64) {
	q := (1 - level) / 2
	h := q * float64(len(v)-1)
	k := int(h) // order statistics k and k+1 (0-based) from each end
	frac := h - float64(k)
	if k+2 > 24 {
		if slices.ContainsFunc(v, math.IsNaN) {
			return math.NaN(), math.NaN()
		}
		s := append(scratch[:0], v...)
		slices.Sort(s)
		n := len(s)
		lo = s[k] + frac*(s[min(k+1, n-1)]-s[k])
		hi = s[n-1-k] - frac*(s[n-1-k]-s[max(n-2-k, 0)])
		return lo, hi
	}
	// The k+2 smallest and largest by insertion into short sorted buffers:
	// most values fail the first comparison.
	var small, large [24]float64
	m := min(k+2, len(v))
	ns, nl := 0, 0
	for _, x := range v {
		if x != x {
			return math.NaN(), math.NaN()
		}
		if ns < m || x < small[ns-1] {
			j := min(ns, m-1)
			for j > 0 && small[j-1] > x {
				small[j] = small[j-1]
				j--
			}
			small[j] = x
			ns = min(ns+1, m)
		}
		if nl < m || x > large[nl-1] {
			j := min(nl, m-1)
			for j > 0 && large[j-1] < x {
				large[j] = large[j-1]
				j--
			}
			large[j] = x
			nl = min(nl+1, m)
		}
	}
	lo = small[k] + frac*(small[min(k+1, m-1)]-small[k])
	hi = large[k] - frac*(large[k]-large[min(k+1, m-1)])
	return lo, hi
}
