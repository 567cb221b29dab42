// Package forecast is clvkit's whole job as a library: from a transaction
// log to one forecast per customer (P(alive), expected purchases, expected
// spend, lifetime value, RFM scores, segment, churn and value tiers, a
// suggested action), the model comparison, the holdout check, and the
// outputs that read from them (forecast.csv, segments.csv, holdout.csv,
// model.json, a self-contained HTML report with its plots).
//
// Data flows one way: the log is read once, streaming, into per-customer
// summaries (memory O(customers), never the whole log); the models are fitted
// on the summaries; every per-customer quantity is computed once into
// Result.Forecasts (RFM and tiers beside it); every output reads Result. The example program
// examples/forecast is flag parsing over this package.
package forecast

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/segment"
)

// ErrConfig is wrapped by errors about an invalid Config.
var ErrConfig = errors.New("forecast: invalid configuration")

// MaxMonths bounds Config.Months: 100 years.
const MaxMonths = 1200

// Forecast is what the models say about one customer (Result.Forecasts is
// parallel to Result.Summary.Customers; the customer's RFM scores and
// tiers are in Result.RFM and Result.Tiers, also parallel).
type Forecast struct {
	PAlive            float64 // probability the customer is still active at the end
	ExpectedPurchases float64 // over the horizon
	ExpectedValue     float64 // per purchase
	CLV               float64 // discounted, over the horizon, with the margin
}

// Result is the outcome of Run.
type Result struct {
	Config Config // as run, with defaults filled in
	// Summary is the observation to the end: every customer summarized
	// over the whole log (with a calibration end, Summary.Customers is
	// the clv.Summary's Whole). Every forward number reads it: the
	// forecasts, the periods, the segments and tiers.
	Summary *clv.Summary
	// Calibration, with a calibration end, is the summary of the
	// calibration period (its customers summarized to the calibration
	// end, with what they did in the holdout): the purchase models are
	// fitted on it to be compared and checked on the holdout (Holdout,
	// Choice.Comparison, Choice.Calibration). Nil without one.
	Calibration *clv.Summary
	// Horizon is the span of the forecast in the models' time unit:
	// from the end of observation to Config.Months calendar months after
	// it (e.g. 365/7 weeks for 12 months), the span of Periods together.
	Horizon float64
	Choice  *Choice
	Spend   *gammagamma.Model
	// Independence is the frequency/monetary-value correlation check of
	// the spend model (nil when too few customers have repeat purchases).
	Independence *gammagamma.Independence
	// NonPositiveSpend counts customers with repeat purchases whose mean
	// value is ≤ 0 (returns): valued at the population mean.
	NonPositiveSpend int
	// Forecasts, RFM and Tiers are parallel to Summary.Customers: each
	// customer's forecast, RFM scores and segment, and churn and value
	// tiers with the suggested action. They are separate slices of plain
	// values, so that a million customers cost little to build and keep.
	Forecasts []Forecast
	RFM       []segment.RFM
	Tiers     []segment.Tier
	Segments  []segment.Group
	// Holdout is the chosen model's check on the holdout period; nil
	// without a calibration end.
	Holdout *clv.Evaluation
	// Intervals is parallel to Forecasts when Config.Interval is set, nil
	// otherwise; TotalPurchases and TotalCLV are then the intervals of the
	// expected purchases and the CLV of all customers over the horizon.
	Intervals                []Intervals
	TotalPurchases, TotalCLV Interval
	// Purchases, with intervals, is parallel to Forecasts: the interval of
	// the purchases each customer will actually make over the horizon
	// (interval.PredictiveAll: the chosen model's process noise).
	Purchases []PurchaseInterval
	// HoldoutIntervals, with intervals and a holdout period, is parallel
	// to Holdout.Groups: the interval of each group's mean predicted
	// holdout purchases.
	HoldoutIntervals []Interval
	draws            []clv.PurchaseModel // the purchase model's parameter draws
	calDraws         []clv.PurchaseModel // the calibration fit's, with a calibration end
	// Periods are the calendar months of the horizon, with the purchases
	// and revenue expected in each: the first from the end of observation
	// to the first of the next month, the last to the horizon's end (cut
	// short when the end of observation is not the first of a month, so
	// that there are Months+1 of them); together they cover exactly the
	// Horizon, so they add up to the customers' expected purchases.
	Periods []Period
}

// PurchaseInterval is an interval of a count of purchases, [Low, High].
type PurchaseInterval struct{ Low, High int }

// Period is one calendar month of the forecast: the purchases expected
// from the customers in it and their expected revenue (purchases times the
// expected value per purchase; no margin, no discount).
type Period struct {
	Start, End time.Time // (Start, End]: a calendar month, the first one cut at the end of observation
	Purchases  float64
	Revenue    float64
	// Interval holds the intervals of Purchases and Revenue when
	// Config.Interval is set, nil otherwise.
	Interval *interval.Period
}

// Run reads the log from r and computes the forecasts. It reads r once,
// summarizing on the fly; a log whose customers' transactions are not in
// time order needs a second, sorting pass: if r is also an io.Seeker,
// Run rewinds it and reads the whole log into memory (saying so);
// otherwise it returns the error, which names the line. ctx cancels the
// fits and scoring.
func Run(ctx context.Context, r io.Reader, cfg Config) (*Result, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	say := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, format+"\n", args...)
		}
	}
	res := &Result{Config: cfg}
	sopts := clv.SummaryOptions{End: cfg.End, CalibrationEnd: cfg.CalibrationEnd, Unit: cfg.Unit,
		AllowNegative: cfg.AllowNegative, TrackRepeats: true, EndOfDay: cfg.EndOfDay}
	say("reading %s", cfg.Name)
	var sum *clv.Summary
	var err error
	if cfg.Summaries {
		sum = &clv.Summary{End: cfg.End}
		sum.Customers, sum.Stats, err = clv.ReadSummaries(r, clv.SummariesOptions{Delimiter: cfg.CSV.Delimiter, SkipInvalid: cfg.CSV.SkipInvalid, AllowNegative: cfg.AllowNegative})
	} else {
		sum, err = clv.SummarizeCSV(r, cfg.CSV, sopts)
	}
	if errors.Is(err, clv.ErrOutOfOrder) {
		sk, ok := r.(io.Seeker)
		if !ok {
			return nil, fmt.Errorf("%w (the log is not in time order per customer: sort it by date, or pass a file that can be read twice)", err)
		}
		say("the log is not in time order per customer: reading it whole to sort it")
		if _, serr := sk.Seek(0, io.SeekStart); serr != nil {
			return nil, fmt.Errorf("%w; rewinding to sort: %v", err, serr)
		}
		sum, err = clv.SummarizeCSVAnyOrder(r, cfg.CSV, sopts)
	}
	if err != nil {
		return nil, err
	}
	res.Summary = sum
	fitOn, hold := sum.Customers, sum.Holdout
	if sum.Whole != nil {
		// Holdout means evaluation only: the models are compared and
		// checked on the calibration period, and every forward number
		// comes from the whole observation.
		cal, whole := *sum, *sum
		cal.Whole = nil
		whole.Customers, whole.Holdout, whole.Whole = sum.Whole, nil, nil
		res.Calibration, res.Summary = &cal, &whole
	}
	cs := res.Summary.Customers
	// The summarizer's tables (about 130 bytes a customer) are garbage
	// now; collecting them before the fits and the scoring allocate lets
	// those reuse their memory instead of adding to the peak.
	runtime.GC()
	say("read %v", sum.Stats)
	if cfg.Summaries {
		say("read the summaries of %d customers, observed to %s", len(cs), sum.End.Format(time.DateOnly))
	} else {
		say("summarized %d customers (%d first seen in the holdout); observation from %s to %s",
			len(cs), sum.HoldoutOnly, sum.First.Format(time.DateOnly), sum.End.Format(time.DateOnly))
	}
	if o := sum.Stats.Amounts.Outliers(); o.Count > 0 {
		say("note: amounts far outside the log's bulk: %v", o)
	}
	if gap := sum.End.Sub(sum.Last); !cfg.Summaries && gap > 0 {
		say("note: the end of observation is %.0f days after the last transaction", gap.Hours()/24)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	fits := fitter{pen: cfg.Penalizer, budget: cfg.FitBudget}
	if fits.budget == 0 {
		fits.budget = DefaultFitBudget
	}
	if res.Calibration != nil {
		say("fitting purchase model %s on the calibration period: %d customers", cfg.Model, len(fitOn))
	} else {
		say("fitting purchase model %s on %d customers", cfg.Model, len(cs))
	}
	if res.Choice, err = choosePurchaseModel(ctx, cfg.Model, fitOn, hold, fits, say); err != nil {
		return nil, err
	}
	if res.Calibration != nil {
		ch := res.Choice
		say("refitting %s on the whole observation to %s: %d customers", ModelTitle(ch.Name), res.Summary.End.Format(time.DateOnly), len(cs))
		ch.Calibration = ch.Model
		if ch.Model, err = fits.fit(ctx, ch.Name, cs); err != nil {
			return nil, fmt.Errorf("%s on the whole observation: %w", ModelTitle(ch.Name), err)
		}
		say("  %v", ch.Model)
		if fi := ch.Model.FitInfo(); fi.Status == clv.AtBoundary {
			say("    at a boundary of the model: %s", fi.Reason)
		}
	}
	if err := res.fitSpend(ctx, say); err != nil {
		return nil, err
	}
	if err := res.score(ctx, say); err != nil {
		return nil, err
	}
	if hold != nil {
		if cmp := res.Choice.Comparison; cmp != nil {
			res.Holdout = cmp.Scores[cmp.Chosen].Holdout
		} else {
			ev, err := clv.EvaluateHoldout(res.Choice.Calibration, fitOn, hold, 7)
			if err != nil {
				return nil, err
			}
			res.Holdout = &ev
		}
		ev := res.Holdout
		say("holdout: %.0f purchases, model predicted %.1f (MAE %.3f), regression baseline MAE %.3f",
			ev.TotalActual, ev.Model.TotalPredicted, ev.Model.MAE, ev.Baseline.MAE)
		if cfg.Interval > 0 {
			if err := res.holdoutIntervals(ctx); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

func (res *Result) fitSpend(ctx context.Context, say func(string, ...any)) error {
	cs := res.Summary.Customers
	if ind, err := gammagamma.FrequencyValueCorrelation(cs); err == nil {
		res.Independence = &ind
		say("  %s", ind.Verdict)
	}
	say("fitting gamma-gamma")
	sm, err := gammagamma.FitContext(ctx, cs, gammagamma.FitOptions{SkipNonPositive: true, Penalizer: res.Config.Penalizer})
	if err != nil {
		return err
	}
	res.Spend = sm
	say("  %v", sm)
	if n := sm.FitInfo().Skipped; n > 0 {
		res.NonPositiveSpend = n
		say("  left out of the spend fit and valued at the population mean: %d customers whose repeat purchases are worth 0 or less", n)
	}
	if q := sm.Params().Q; q <= 1 {
		return fmt.Errorf("the spend model fitted q = %.3g ≤ 1: the mean spend per purchase is infinite, the amounts are too heavy-tailed "+
			"for the gamma-gamma model (cap outlier amounts, or check the frequency/value correlation: %v)", q, res.Independence)
	}
	return nil
}

// spend values a customer's purchases with the spend model, and at the
// population mean those whose mean repeat value is ≤ 0.
type spend struct{ m *gammagamma.Model }

// ConditionalExpectedValue implements clv.SpendModel.
func (s spend) ConditionalExpectedValue(c clv.Customer) float64 {
	if c.Frequency > 0 && c.MonetaryValue <= 0 {
		return s.m.PopulationMean()
	}
	return s.m.ConditionalExpectedValue(c)
}

func (res *Result) score(ctx context.Context, say func(string, ...any)) error {
	cs := res.Summary.Customers
	pm := res.Choice.Model
	cfg := res.Config
	res.Horizon = float64(res.horizonEnd().Sub(res.Summary.End)) / float64(cfg.Unit)
	// CLV discounts by the month: Months periods that make up the horizon.
	month := res.Horizon / float64(cfg.Months)
	say("scoring %d customers", len(cs))
	pa, err := pm.ProbabilityAliveAll(cs)
	if err != nil {
		return err
	}
	exp, err := pm.ConditionalExpectedPurchasesAll(cs, res.Horizon)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	sm := spend{res.Spend}
	clvs, err := clv.LifetimeValues(pm, sm, cs, clv.ValueOptions{Periods: cfg.Months, PeriodLength: month,
		DiscountRate: cfg.Discount, Margin: cfg.Margin})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	rfm, err := segment.ScoreCustomers(cs, segment.ScoreOptions{})
	if err != nil {
		return err
	}
	tiers, err := segment.TierCustomers(pa, clvs, segment.TierOptions{})
	if err != nil {
		return err
	}
	res.Forecasts, res.RFM, res.Tiers = make([]Forecast, len(cs)), rfm, tiers
	keys := make([]string, len(cs))
	parallel.Map(len(cs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			res.Forecasts[i] = Forecast{PAlive: pa[i], ExpectedPurchases: exp[i],
				ExpectedValue: sm.ConditionalExpectedValue(cs[i]), CLV: clvs[i]}
			keys[i] = rfm[i].Segment
		}
	})
	if res.Segments, err = segment.SummarizeGroups(keys, cs, clvs, pa); err != nil {
		return err
	}
	if err := res.periods(ctx); err != nil {
		return err
	}
	if cfg.Interval > 0 {
		say("intervals at %.0f%% from %d draws of the parameters", 100*cfg.Interval, cfg.IntervalDraws)
		if err := res.intervals(ctx); err != nil {
			return err
		}
	}
	return nil
}

// addMonths returns t moved by n calendar months, on the same day of the
// month, or on the month's last day when it has no such day (January 31
// plus one month is the last day of February, never March 3).
func addMonths(t time.Time, n int) time.Time {
	u := t.AddDate(0, n, 0)
	if u.Day() != t.Day() { // overflowed into the next month: back to its day 0
		u = u.AddDate(0, 0, -u.Day())
	}
	return u
}

// horizonEnd is the end of the forecast: Config.Months calendar months
// after the end of observation.
func (res *Result) horizonEnd() time.Time { return addMonths(res.Summary.End, res.Config.Months) }

// periodEnds returns the ends of the forecast's periods: the first day of
// every calendar month after the end of observation's that starts before
// the horizon's end, then the horizon's end. The periods run from the end
// of observation to the first of the next month, through whole calendar
// months, to the horizon's end: together, exactly the horizon.
func (res *Result) periodEnds() []time.Time {
	end, stop := res.Summary.End, res.horizonEnd()
	first := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, end.Location())
	out := make([]time.Time, 0, res.Config.Months+1)
	for k := 1; ; k++ {
		s := first.AddDate(0, k, 0)
		if !s.Before(stop) {
			break
		}
		out = append(out, s)
	}
	return append(out, stop)
}

// monthEdges returns the horizons, in the model's unit after the end of
// observation, of the ends of the forecast's periods (periodEnds).
func (res *Result) monthEdges() []float64 {
	end := res.Summary.End
	ends := res.periodEnds()
	ts := make([]float64, len(ends))
	for k, s := range ends {
		ts[k] = float64(s.Sub(end)) / float64(res.Config.Unit)
	}
	return ts
}

// curveValues bounds the values of the purchase curves held at once
// (2^18 customers at 12 months, 24 MiB): memory stays bounded whatever
// the number of customers and months.
const curveValues = 12 << 18

// curves calls f with the expected cumulative purchases of customers
// [lo, hi) at the month ends, row by row (customer i at horizon k is
// out[(i−lo)·len(ts)+k]), a chunk of customers at a time.
func (res *Result) curves(ctx context.Context, ts []float64, f func(lo, hi int, out []float64)) error {
	cs := res.Summary.Customers
	pm := res.Choice.Model
	type appendAt interface {
		AppendConditionalExpectedPurchasesAt(dst []float64, cs []clv.Customer, ts []float64) ([]float64, error)
	}
	curveChunk := max(1, curveValues/len(ts)) // customers at once
	buf := make([]float64, min(len(cs), curveChunk)*len(ts))
	for lo := 0; lo < len(cs); lo += curveChunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(lo+curveChunk, len(cs))
		var out []float64
		if m, ok := pm.(appendAt); ok {
			var err error
			if buf, err = m.AppendConditionalExpectedPurchasesAt(buf[:0], cs[lo:hi], ts); err != nil {
				return err
			}
			out = buf
		} else if m, ok := pm.(clv.PurchaseCurve); ok {
			out = buf[:(hi-lo)*len(ts)]
			parallel.Map(hi-lo, func(a, b int) {
				for i := a; i < b; i++ {
					m.ConditionalExpectedPurchasesAt(cs[lo+i], ts, out[i*len(ts):(i+1)*len(ts)])
				}
			})
		} else {
			out = buf[:(hi-lo)*len(ts)]
			for i := range hi - lo {
				for k, t := range ts {
					out[i*len(ts)+k] = pm.ConditionalExpectedPurchases(cs[lo+i], t)
				}
			}
		}
		f(lo, hi, out)
	}
	return nil
}

// periods fills Result.Periods.
func (res *Result) periods(ctx context.Context) error {
	ts := res.monthEdges()
	k := len(ts)
	res.Periods = make([]Period, k)
	ends := res.periodEnds()
	for j := range res.Periods {
		res.Periods[j].Start, res.Periods[j].End = res.Summary.End, ends[j]
		if j > 0 {
			res.Periods[j].Start = ends[j-1]
		}
	}
	return res.curves(ctx, ts, func(lo, hi int, out []float64) {
		for i := lo; i < hi; i++ {
			val := res.Forecasts[i].ExpectedValue
			prev := 0.0
			for j := range k {
				// The expected cumulative purchases never fall; where they
				// level off, rounding may make them dip by 1e-17.
				cum := max(out[(i-lo)*k+j], prev)
				d := cum - prev
				prev = cum
				res.Periods[j].Purchases += d
				res.Periods[j].Revenue += d * val
			}
		}
	})
}
