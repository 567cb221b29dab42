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
// Result.Customers; every output reads Result. The example program
// examples/forecast is flag parsing over this package.
package forecast

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/segment"
)

// ErrConfig is wrapped by errors about an invalid Config.
var ErrConfig = errors.New("forecast: invalid configuration")

// MaxMonths bounds Config.Months: 100 years.
const MaxMonths = 1200

// Config configures Run. The zero value reads a CSV with the columns
// customer_id, date and amount, observes to the last transaction, times in
// weeks, compares the purchase models, and values customers over 12 months
// with no discount at a margin of 1.
type Config struct {
	// CSV says how to read the log: columns, delimiter, date layouts,
	// header, whether to skip unusable records (SkipInvalid).
	CSV clv.CSVOptions
	// Name names the input in the report and model.json (e.g. its path).
	Name string
	// End is the end of observation; zero means the last transaction.
	// CalibrationEnd, if not zero, fits the models up to it and checks
	// them on the rest (the holdout period). With EndOfDay both name
	// whole days (clv.SummaryOptions.EndOfDay), as dates given by people do.
	End, CalibrationEnd time.Time
	EndOfDay            bool
	// Unit is the models' time unit; zero means a week.
	Unit time.Duration
	// AllowNegative accepts negative amounts (returns). Customers whose
	// mean repeat purchase is then ≤ 0 are left out of the spend fit and
	// valued at the population's mean spend (Result.NonPositiveSpend).
	AllowNegative bool
	// Model is the purchase model: "auto" or "" (fit BG/NBD, MBG/NBD and
	// Pareto/NBD, choose by the holdout MAE when there is a holdout
	// period, else by BIC), or one of ModelNames.
	Model string
	// Months is the horizon of expected purchases and CLV, 1 to MaxMonths;
	// zero means 12. Discount is the discount rate per month (≥ 0) and
	// Margin the profit margin in (0, 1]; zero means 1.
	Months   int
	Discount float64
	Margin   float64
	// Interval, if not zero, is the level (e.g. 0.9) of confidence
	// intervals for each customer's P(alive), expected purchases and CLV,
	// for their totals and for each month's purchases and revenue, from
	// the parameters' uncertainty: the quantities are computed under
	// IntervalDraws draws of the models' parameters (clv.ForecastIntervals;
	// fixed seeds, so runs repeat). forecast.csv and periods.csv then have
	// lower and upper columns. Zero means none.
	Interval float64
	// IntervalDraws is the number of parameter draws, 2 to clv.MaxDraws;
	// zero means DefaultIntervalDraws.
	IntervalDraws int
	// PeriodsByCustomer also writes each customer's expected purchases per
	// calendar month (periods_by_customer.csv); the totals per month
	// (periods.csv, Result.Periods) are always computed.
	PeriodsByCustomer bool
	// Penalizer is the L2 penalty of every fit (the models'
	// FitOptions.Penalizer); zero means none. A small one (0.001) keeps a
	// fit on thin data from running off to infinite parameters.
	Penalizer float64
	// Summaries says the input holds per-customer summaries (columns
	// clv.SummaryColumns, in the model's time unit, e.g. from a warehouse
	// query) rather than transactions: the job then starts at the fits.
	// End is then required (the date the summaries were observed to, for
	// the monthly forecast), there is no holdout period and no tracking
	// plot. CSV.Delimiter and CSV.SkipInvalid apply.
	Summaries bool
	// Progress, if not nil, receives one line per step.
	Progress io.Writer
}

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
	Config  Config // as run, with defaults filled in
	Summary *clv.Summary
	// Horizon is Config.Months in the models' time unit.
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
	// (clv.PredictiveIntervals: the chosen model's process noise).
	Purchases []PurchaseInterval
	// HoldoutIntervals, with intervals and a holdout period, is parallel
	// to Holdout.Groups: the interval of each group's mean predicted
	// holdout purchases.
	HoldoutIntervals []Interval
	draws            []clv.PurchaseModel // the purchase model's parameter draws
	// Periods are the calendar months after the end of observation (the
	// first from the end to the first of the next month), Months of them,
	// with the purchases and revenue expected in each.
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
	Interval *clv.PeriodIntervals
}

func (c *Config) check() error {
	if c.Unit == 0 {
		c.Unit = 7 * 24 * time.Hour
	}
	if c.Model == "" {
		c.Model = "auto"
	}
	if c.Months == 0 {
		c.Months = 12
	}
	if c.Margin == 0 {
		c.Margin = 1
	}
	if c.IntervalDraws == 0 {
		c.IntervalDraws = DefaultIntervalDraws
	}
	switch {
	case c.Unit < time.Second:
		return fmt.Errorf("%w: unit %v", ErrConfig, c.Unit)
	case c.Model != "auto" && ModelTitle(c.Model) == "":
		return fmt.Errorf("%w: model %q: want auto, bgnbd, mbgnbd or paretonbd", ErrConfig, c.Model)
	case c.Months < 1 || c.Months > MaxMonths:
		return fmt.Errorf("%w: horizon of %d months: want 1 to %d", ErrConfig, c.Months, MaxMonths)
	case !(c.Discount >= 0) || math.IsInf(c.Discount, 0):
		return fmt.Errorf("%w: discount rate %v per month: want a number ≥ 0", ErrConfig, c.Discount)
	case c.Interval != 0 && !(c.Interval > 0 && c.Interval < 1):
		return fmt.Errorf("%w: interval level %v: want a share in (0, 1), e.g. 0.9", ErrConfig, c.Interval)
	case c.IntervalDraws < 2 || c.IntervalDraws > clv.MaxDraws:
		return fmt.Errorf("%w: %d interval draws: want 2 to %d", ErrConfig, c.IntervalDraws, clv.MaxDraws)
	case !(c.Penalizer >= 0) || math.IsInf(c.Penalizer, 0):
		return fmt.Errorf("%w: penalizer %v: want a number ≥ 0", ErrConfig, c.Penalizer)
	case !(c.Margin > 0 && c.Margin <= 1):
		return fmt.Errorf("%w: margin %v: want a share in (0, 1]", ErrConfig, c.Margin)
	case c.Summaries && (c.End.IsZero() || !c.CalibrationEnd.IsZero()):
		return fmt.Errorf("%w: summaries as input need the end of observation (End) and no calibration end", ErrConfig)
	case !c.End.IsZero() && !c.CalibrationEnd.IsZero() && !c.CalibrationEnd.Before(c.End):
		return fmt.Errorf("%w: calibration end %v is not before the end %v", ErrConfig, c.CalibrationEnd, c.End)
	}
	return nil
}

// monthLength is a month in the unit: 4.345 weeks, 30 days, or 30 days
// in any other unit.
func monthLength(unit time.Duration) float64 {
	switch unit {
	case 7 * 24 * time.Hour:
		return clv.MonthInWeeks
	case 24 * time.Hour:
		return clv.MonthInDays
	}
	return float64(30*24*time.Hour) / float64(unit)
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
		sum, err = summarizeSorted(r, cfg.CSV, sopts)
	}
	if err != nil {
		return nil, err
	}
	res.Summary = sum
	cs := sum.Customers
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
	if gap := sum.End.Sub(sum.Last); !cfg.Summaries && gap > 0 {
		say("note: the end of observation is %.0f days after the last transaction", gap.Hours()/24)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	say("fitting purchase model %s on %d customers", cfg.Model, len(cs))
	if res.Choice, err = choosePurchaseModel(ctx, cfg.Model, cs, sum.Holdout, cfg.Penalizer, say); err != nil {
		return nil, err
	}
	if err := res.fitSpend(ctx, say); err != nil {
		return nil, err
	}
	if err := res.score(ctx, say); err != nil {
		return nil, err
	}
	if sum.Holdout != nil {
		if cmp := res.Choice.Comparison; cmp != nil {
			res.Holdout = cmp.Scores[cmp.Chosen].Holdout
		} else {
			ev, err := clv.EvaluateHoldout(res.Choice.Model, cs, sum.Holdout, 7)
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

// summarizeSorted is the fallback for logs out of time order: read all,
// then Summarize (which sorts).
func summarizeSorted(r io.Reader, copts clv.CSVOptions, sopts clv.SummaryOptions) (*clv.Summary, error) {
	rd, err := clv.NewReader(r, copts)
	if err != nil {
		return nil, err
	}
	txs, err := rd.ReadAll()
	if err != nil {
		return nil, err
	}
	sum, err := clv.Summarize(txs, sopts)
	if err != nil {
		return nil, err
	}
	st := rd.Stats()
	st.Skipped += sum.Stats.Skipped
	sum.Stats = st
	return sum, nil
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
	month := monthLength(cfg.Unit)
	res.Horizon = float64(cfg.Months) * month
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

// monthStarts returns the first days of the Months calendar months that
// follow the end of observation's month (in its time zone).
func (res *Result) monthStarts() []time.Time {
	end := res.Summary.End
	first := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, end.Location())
	out := make([]time.Time, res.Config.Months)
	for k := range out {
		out[k] = first.AddDate(0, k+1, 0)
	}
	return out
}

// monthEdges returns the horizons, in the model's unit after the end of
// observation, of the ends of the forecast's months: the rest of the end's
// month, then whole calendar months.
func (res *Result) monthEdges() []float64 {
	end := res.Summary.End
	starts := res.monthStarts()
	ts := make([]float64, len(starts))
	for k, s := range starts {
		ts[k] = float64(s.Sub(end)) / float64(res.Config.Unit)
	}
	return ts
}

// curveChunk is the number of customers whose purchase curves are held at
// once: memory stays bounded whatever the number of customers.
const curveChunk = 1 << 18

// curves calls f with the expected cumulative purchases of customers
// [lo, hi) at the month ends, row by row (customer i at horizon k is
// out[(i−lo)·len(ts)+k]), a chunk of customers at a time.
func (res *Result) curves(ctx context.Context, ts []float64, f func(lo, hi int, out []float64)) error {
	cs := res.Summary.Customers
	pm := res.Choice.Model
	type appendAt interface {
		AppendConditionalExpectedPurchasesAt(dst []float64, cs []clv.Customer, ts []float64) ([]float64, error)
	}
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
	starts := res.monthStarts()
	for j := range res.Periods {
		res.Periods[j].Start, res.Periods[j].End = res.Summary.End, starts[j]
		if j > 0 {
			res.Periods[j].Start = starts[j-1]
		}
	}
	return res.curves(ctx, ts, func(lo, hi int, out []float64) {
		for i := lo; i < hi; i++ {
			val := res.Forecasts[i].ExpectedValue
			prev := 0.0
			for j := range k {
				d := out[(i-lo)*k+j] - prev
				prev = out[(i-lo)*k+j]
				res.Periods[j].Purchases += d
				res.Periods[j].Revenue += d * val
			}
		}
	})
}
