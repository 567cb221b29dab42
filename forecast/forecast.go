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
// Result.Forecasts (RFM and tiers beside it; Result.Customer gathers one
// customer's row), and every curve the plots draw into Result; the outputs
// read Result and only render. The example program examples/forecast is
// flag parsing over this package.
package forecast

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/cohort"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/plots"
	"github.com/clvkit/clvkit/segment"
)

// ErrConfig is wrapped by errors about an invalid Config.
var ErrConfig = errors.New("forecast: invalid configuration")

// MaxMonths bounds Config.Months: 100 years.
const MaxMonths = 1200

// Forecast is what the models say about one customer (Result.Forecasts is
// parallel to Result.Summary.Customers; the customer's RFM scores and
// tiers are in Result.RFM and Result.Tiers (Tiers.At(i)), also parallel).
type Forecast struct {
	PAlive            float64 // probability the customer is still active at the end
	ExpectedPurchases float64 // over the horizon
	ExpectedValue     float64 // per purchase
	CLV               float64 // discounted, over the horizon, with the margin
	// DiscountedPurchases are the expected purchases over the horizon,
	// discounted as CLV is (by the month, Config.Discount): a finite-horizon
	// DERT, CLV = Margin × ExpectedValue × DiscountedPurchases.
	DiscountedPurchases float64
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
	// tiers with the suggested action (Tiers.At(i), kept compactly: 2
	// bytes a customer). They are separate slices of plain values, so
	// that a million customers cost little to build and keep.
	Forecasts []Forecast
	RFM       []segment.RFM
	Tiers     segment.Tiers
	Segments  []segment.Group
	// Outlooks holds each customer's clv.Outlook over Config.Window days
	// and the horizon (computed once per distinct frequency, recency and
	// T), which Result.Customer turns into Answers; nil when the purchase
	// model gives no distribution of the next purchase.
	Outlooks *predict.Outlooks
	// Holdout is the chosen model's check on the holdout period; nil
	// without a calibration end.
	Holdout *assess.Evaluation
	// Intervals is parallel to Forecasts when Config.Interval is set, nil
	// otherwise; TotalPurchases and TotalCLV are then the intervals of the
	// expected purchases and the CLV of all customers over the horizon.
	Intervals                []Intervals
	TotalPurchases, TotalCLV Interval
	// AnswerIntervals, with intervals and Outlooks, holds each customer's
	// intervals of the answers (interval.Outlooks; AnswerIntervalColumns).
	AnswerIntervals *interval.Outlooks
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
	// wholeRows and calRows are the groupings of Summary's and
	// Calibration's customers (clv.GroupCustomers), which the stages pass
	// to the functions they call.
	wholeRows, calRows *clv.Grouping
	// Frequencies are the customers of Summary by number of repeat
	// purchases, 0 to FrequencyBins or more, observed and expected by
	// Choice.Model (the report's calibration-fit plot).
	Frequencies plots.FrequencyCounts
	// Tracking, from a log (nil from summaries), is the tracking curve:
	// the repeat purchases over time from the first transaction to the
	// end, in TrackingSteps steps, actual and expected by the model it
	// checks (with a calibration end, Choice.Calibration on the
	// calibration period's customers; else Choice.Model on every
	// customer), with, when intervals are computed, the curves of that
	// model's parameter draws for a band.
	Tracking *plots.TrackingData
	// IntervalMethod, with intervals, says which method made them and
	// why (Config.IntervalMethod).
	IntervalMethod *IntervalMethod
	// Totals are the customers' forecasts added up.
	Totals Totals
	// Periods are the calendar months of the horizon, with the purchases
	// and revenue expected in each: the first from the end of observation
	// to the first of the next month, the last to the horizon's end (cut
	// short when the end of observation is not the first of a month, so
	// that there are Months+1 of them); together they cover exactly the
	// Horizon, so they add up to the customers' expected purchases.
	Periods []Period
	// Covariates, with Config.Covariates, is what the job read from the
	// file and the covariates' effects; nil without.
	Covariates *Covariates
	// Dynamic, with Config.DynamicCovariates, is what the job read from
	// the file of time-varying covariates and their effects; nil without.
	Dynamic *DynamicInfo
	// Cohorts, from a log (nil from summaries), are the log's cohorts by
	// month of first order and its monthly KPIs (package cohort: an order
	// is a customer-day, as the summaries count purchases), over the whole
	// log (a calibration end changes nothing), tabulated during the one
	// read of the log: cohorts.csv, kpis.csv and the report's heat map
	// and KPI lines.
	Cohorts *cohort.Table
	// CrossSell, with Config.ProductColumn, are the cross-sell
	// suggestions, their holdout check and the affinity table; nil
	// without.
	CrossSell *CrossSell
	// Campaign, with Config.Campaign, is the campaign's measured effect;
	// nil without.
	Campaign *Campaign
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
	j := newJob(cfg)
	if cfg.DynamicCovariates != nil && !cfg.Summaries {
		j.also = func() clv.Observer { j.days = &purchaseDays{}; return j.days }
	}
	obs, err := j.summarize(ctx, r)
	if err != nil {
		return nil, err
	}
	return j.run(ctx, obs)
}

// run runs the stages after the summaries: the fits and choice, the spend
// model, the scores and everything that reads them.
func (j *job) run(ctx context.Context, obs observation) (*Result, error) {
	cfg := j.cfg
	var err error
	if err := obs.group(); err != nil { // an incremental run's merged customers
		return nil, err
	}
	if _, _, note := fewCustomers(obs.whole, obs.calibration); note != "" {
		j.say("note: %s", note) // fewcustomers.go
	}
	res := &Result{Config: cfg, Summary: obs.whole, Calibration: obs.calibration, Cohorts: obs.cohorts,
		wholeRows: obs.wholeRows, calRows: obs.calRows}
	if cfg.Covariates != nil {
		if res.Covariates, err = j.readCovariates(obs); err != nil {
			return nil, err
		}
	}
	if cfg.DynamicCovariates != nil {
		if res.Dynamic, err = j.readDynamic(obs); err != nil {
			return nil, err
		}
	}
	// The spend model reads only the summaries: it is fitted while the
	// purchase models are, and its progress lines are said after theirs.
	var spendErr error
	var spendSaid []string
	spendDone := make(chan struct{})
	if !cfg.NoAmounts {
		go func() {
			defer close(spendDone)
			spendErr = spendOutliers(res.fitSpend(ctx, func(format string, args ...any) {
				spendSaid = append(spendSaid, fmt.Sprintf(format, args...))
			}, j.fits.spendStart), res.Summary.Stats) // spendoutliers.go
		}()
	} else {
		close(spendDone)
	}
	if res.Choice, err = j.choose(ctx, obs); err != nil {
		<-spendDone
		return nil, err
	}
	if res.Dynamic != nil {
		j.dynamicEffects(ctx, res)
	}
	if res.Covariates != nil {
		j.covariateEffects(ctx, res)
	}
	<-spendDone
	for _, line := range spendSaid {
		j.say("%s", line)
	}
	var sm clv.SpendModel = noSpend{}
	if !cfg.NoAmounts {
		if spendErr != nil {
			return nil, spendErr
		}
		sm = spend{res.Spend}
		if res.Covariates != nil {
			if sm, err = j.fitSpendCov(ctx, res); err != nil {
				return nil, err
			}
		}
	}
	cs := res.Summary.Customers
	res.Horizon = j.horizon(res.Summary.End)
	if res.Forecasts, err = j.score(ctx, cs, res.wholeRows, res.Choice.Model, sm, res.Horizon); err != nil {
		return nil, err
	}
	// The months add up the forecasts in the customers' order, one
	// core's work: it runs beside the outlooks and the segments, which
	// read the same forecasts.
	var periods []Period
	var periodsErr error
	periodsDone := make(chan struct{})
	go func() {
		defer close(periodsDone)
		periods, periodsErr = j.periods(ctx, res.Summary.End, res.Choice.Model, cs, res.wholeRows, res.Forecasts)
	}()
	if res.Outlooks, err = j.outlook(cs, res.wholeRows, res.Choice.Model, res.Horizon); err != nil {
		<-periodsDone
		return nil, err
	}
	seg, err := j.segment(cs, res.Forecasts)
	<-periodsDone
	if err != nil {
		return nil, err
	}
	res.RFM, res.Tiers, res.Segments = seg.rfm, seg.tiers, seg.segments
	if obs.products != nil {
		if res.CrossSell, err = j.crossSell(ctx, res, obs.products); err != nil {
			return nil, err
		}
	}
	if obs.campaign != nil {
		if res.Campaign, err = j.measureCampaign(ctx, res, obs.campaign); err != nil {
			return nil, err
		}
	}
	if res.Periods, err = periods, periodsErr; err != nil {
		return nil, err
	}
	if cfg.Interval > 0 {
		j.say("intervals at %.0f%% from %d draws of the parameters", 100*cfg.Interval, cfg.IntervalDraws)
		if err := res.intervals(ctx); err != nil {
			return nil, err
		}
		if im := res.IntervalMethod; im != nil {
			j.say("  draws: %v: %s", im.Method, im.Reason)
		}
	}
	if res.Covariates != nil {
		if err := j.profileValues(ctx, res); err != nil {
			return nil, err
		}
	}
	if obs.calibration != nil {
		if res.Holdout, err = j.holdout(res.Choice, obs); err != nil {
			return nil, err
		}
		ev := res.Holdout
		j.say("holdout: %.0f purchases, model predicted %.1f (MAE %.3f), regression baseline MAE %.3f",
			ev.TotalActual, ev.Model.TotalPredicted, ev.Model.MAE, ev.Baseline.MAE)
		if cfg.Interval > 0 {
			if err := res.holdoutIntervals(ctx); err != nil {
				return nil, err
			}
		}
	}
	j.say("computing the plots' curves")
	if res.Frequencies, res.Tracking, err = j.plotData(res, res.trackingDraws()); err != nil {
		return nil, err
	}
	res.Totals = totals(res.Forecasts, res.Tiers)
	return res, ctx.Err()
}

func (res *Result) fitSpend(ctx context.Context, say func(string, ...any), start *gammagamma.Params) error {
	cs := res.Summary.Customers
	if ind, err := gammagamma.FrequencyValueCorrelation(cs); err == nil {
		res.Independence = &ind
		say("  %s", ind.Verdict)
	}
	say("fitting gamma-gamma")
	sm, err := fitSpendModel(ctx, cs, res.Config.Penalizer, start)
	if err != nil {
		return err
	}
	res.Spend = sm
	say("  %v", sm)
	if why := spendBoundary(sm); why != "" {
		say("    at a boundary of the model: %s", why)
	}
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

// periodEnds returns the ends of the forecast's periods after end, the
// end of observation, over months months: the first day of every calendar
// month after end's that starts before the horizon's end, then the
// horizon's end. The periods run from the end of observation to the first
// of the next month, through whole calendar months, to the horizon's end:
// together, exactly the horizon.
func periodEnds(end time.Time, months int) []time.Time {
	stop := addMonths(end, months)
	first := time.Date(end.Year(), end.Month(), 1, 0, 0, 0, 0, end.Location())
	out := make([]time.Time, 0, months+1)
	for k := 1; ; k++ {
		s := first.AddDate(0, k, 0)
		if !s.Before(stop) {
			break
		}
		out = append(out, s)
	}
	return append(out, stop)
}

// monthEdges returns the horizons, in unit after end, of the ends of the
// forecast's periods (periodEnds).
func monthEdges(end time.Time, ends []time.Time, unit time.Duration) []float64 {
	ts := make([]float64, len(ends))
	for k, s := range ends {
		ts[k] = float64(s.Sub(end)) / float64(unit)
	}
	return ts
}

// monthEdges returns the horizons of the ends of the result's periods.
func (res *Result) monthEdges() []float64 {
	return monthEdges(res.Summary.End, periodEnds(res.Summary.End, res.Config.Months), res.Config.Unit)
}

// curveValues bounds the values of the purchase curves held at once
// (2^18 customers at 12 months, 24 MiB): memory stays bounded whatever
// the number of customers and months.
const curveValues = 12 << 18

// curves calls f with pm's expected cumulative purchases of customers
// [lo, hi) at the month ends, row by row (customer i at horizon k is
// out[(i−lo)·len(ts)+k]), a chunk of customers at a time. g is the
// customers' grouping (nil: none), each chunk's part of which goes to a
// model that takes it (bgnbd.Model: its (x, T) table).
func curves(ctx context.Context, pm PurchaseModel, cs []clv.Customer, g *clv.Grouping, ts []float64, f func(lo, hi int, out []float64)) error {
	type appendAt interface {
		AppendConditionalExpectedPurchasesAt(dst []float64, cs []clv.Customer, ts []float64) ([]float64, error)
	}
	type appendAtGrouped interface {
		AppendConditionalExpectedPurchasesAtGrouped(dst []float64, cs []clv.Customer, g *clv.Grouping, ts []float64) ([]float64, error)
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
			if mg, ok := pm.(appendAtGrouped); ok && g != nil {
				var part *clv.Grouping // the chunk's part of the grouping
				if part, err = g.Sub(cs, lo, hi); err == nil {
					buf, err = mg.AppendConditionalExpectedPurchasesAtGrouped(buf[:0], cs[lo:hi], part, ts)
				}
			} else {
				buf, err = m.AppendConditionalExpectedPurchasesAt(buf[:0], cs[lo:hi], ts)
			}
			if err != nil {
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
