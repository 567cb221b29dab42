package forecast

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/cohort"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/plots"
	"github.com/clvkit/clvkit/segment"
)

// job is one run of the job: its configuration (checked, defaults filled
// in), its fitter and its progress lines. The stages are functions over
// it, each returning what it computed; Run assembles the Result from
// them, in the order summaries → fits and choice → spend → per-customer
// scores → segments and tiers → periods → intervals → holdout → the
// plots' curves → totals.
type job struct {
	cfg  Config
	fits fitter
	say  func(format string, args ...any)
	// also, if not nil, gives an Observer for each read of the log, beside
	// the cohorts' (RunIncremental's first run builds the state with it).
	also func() clv.Observer
	// days, with Config.DynamicCovariates, keeps the purchase times of
	// the summaries' read (readDynamic).
	days *purchaseDays
	// rows is the last distinct rows found (distinctRows), which the
	// stages after score reuse.
	rows *distinct
}

func newJob(cfg Config) *job {
	j := &job{cfg: cfg, fits: fitter{pen: cfg.Penalizer, budget: cfg.FitBudget, drawable: cfg.Interval > 0}}
	if j.fits.budget == 0 {
		j.fits.budget = DefaultFitBudget
	}
	j.say = func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, format+"\n", args...)
		}
	}
	return j
}

// observation is what the summaries stage returns: the whole observation
// (every forward number reads it) and, with a calibration end, the
// calibration period with its holdout, on which the purchase models are
// fitted to be compared and checked.
type observation struct {
	whole, calibration *clv.Summary
	// wholeRows and calRows are the customers of whole and calibration
	// grouped by their distinct (frequency, recency, T)
	// (clv.GroupCustomers): the one grouping of each set of customers in a
	// job, which every later stage is given explicitly.
	wholeRows, calRows *clv.Grouping
	cohorts            *cohort.Table   // from a log: tabulated during the read
	products           *productBaskets // with Config.ProductColumn: read beside the summaries
	campaign           *campaignRead   // with Config.Campaign: the summaries at its date, read beside
}

// group groups the observation's customers (clv.GroupCustomers), those
// not grouped yet.
func (o *observation) group() error {
	var err error
	if o.wholeRows == nil {
		if o.wholeRows, err = clv.GroupCustomers(o.whole.Customers); err != nil {
			return err
		}
	}
	if o.calibration != nil && o.calRows == nil {
		if o.calRows, err = clv.GroupCustomers(o.calibration.Customers); err != nil {
			return err
		}
	}
	return nil
}

// fitOn returns the customers the purchase models are compared on, their
// grouping and their holdout (nil without a calibration end).
func (o observation) fitOn() ([]clv.Customer, *clv.Grouping, []clv.Holdout) {
	if o.calibration != nil {
		return o.calibration.Customers, o.calRows, o.calibration.Holdout
	}
	return o.whole.Customers, o.wholeRows, nil
}

// summarize reads the log (or the summaries) from r.
func (j *job) summarize(ctx context.Context, r io.Reader) (observation, error) {
	cfg, say := j.cfg, j.say
	sopts := clv.SummaryOptions{End: cfg.End, CalibrationEnd: cfg.CalibrationEnd, Unit: cfg.Unit,
		AllowNegative: cfg.AllowNegative, TrackRepeats: true, EndOfDay: cfg.EndOfDay}
	say("reading %s", cfg.Name)
	var sum *clv.Summary
	var err error
	var acc *cohortRead
	defer func() { acc.close() }() // on every path: its goroutine ends
	var products *productBaskets
	var camp *campaignRead
	if cfg.Summaries {
		sum = &clv.Summary{End: cfg.End}
		sum.Customers, sum.Stats, err = csvio.ReadSummaries(r, csvio.SummariesOptions{Delimiter: cfg.CSV.Delimiter, SkipInvalid: cfg.CSV.SkipInvalid, AllowNegative: cfg.AllowNegative})
	} else {
		acc = cohortObserver(&sopts)
		j.alsoObserve(&sopts)
		camp = j.observeCampaign(&sopts)
		pr := j.readProducts(r, &sopts)
		sum, err = csvio.Summarize(pr.input(), cfg.CSV, sopts)
		products, err = pr.wait(err)
	}
	if errors.Is(err, clv.ErrOutOfOrder) {
		sk, ok := r.(io.Seeker)
		if !ok {
			return observation{}, fmt.Errorf("%w (the log is not in time order per customer: sort it by date, or pass a file that can be read twice)", err)
		}
		say("the log is not in time order per customer: reading it whole to sort it")
		if _, serr := sk.Seek(0, io.SeekStart); serr != nil {
			return observation{}, fmt.Errorf("%w; rewinding to sort: %v", err, serr)
		}
		acc.close()
		acc = cohortObserver(&sopts) // the first read may have shown it part of the log
		j.alsoObserve(&sopts)
		camp = j.observeCampaign(&sopts)
		pr := j.readProducts(r, nil) // the Observer sees the records in time order
		sum, err = csvio.SummarizeAnyOrder(pr.input(), cfg.CSV, sopts)
		products, err = pr.wait(err)
	}
	if err != nil {
		return observation{}, err
	}
	obs := observation{whole: sum, products: products}
	if acc != nil {
		obs.cohorts = j.cohortTable(acc)
		if obs.cohorts != nil && !j.cfg.End.IsZero() {
			// To the month of the end of observation: the months after
			// the last order are zero months, not absent. The month of
			// Config.End, the day named (Summary.End is the next
			// midnight when EndOfDay meets a log with times of day).
			t := obs.cohorts.Through(cohort.MonthOf(j.cfg.End))
			obs.cohorts = &t
		}
	}
	if sum.Whole != nil {
		// Holdout means evaluation only: the models are compared and
		// checked on the calibration period, and every forward number
		// comes from the whole observation.
		cal, whole := *sum, *sum
		cal.Whole = nil
		whole.Customers, whole.Holdout, whole.Whole = sum.Whole, nil, nil
		obs = observation{whole: &whole, calibration: &cal, cohorts: obs.cohorts, products: products}
	}
	obs.campaign = camp
	cs := obs.whole.Customers
	// The summarizer's tables (about 130 bytes a customer) are garbage
	// now; collecting them before the fits and the scoring allocate lets
	// those reuse their memory instead of adding to the peak.
	runtime.GC()
	if err := obs.group(); err != nil {
		return obs, err
	}
	say("read %v", sum.Stats)
	if cfg.Summaries {
		say("read the summaries of %s, observed to %s", customers(len(cs)), sum.End.Format(time.DateOnly))
	} else {
		say("summarized %s (%d first seen in the holdout); observation from %s to %s",
			customers(len(cs)), sum.HoldoutOnly, sum.First.Format(time.DateOnly), sum.End.Format(time.DateOnly))
	}
	if o := sum.Stats.Amounts.Outliers(); o.Count > 0 {
		say("note: amounts far outside the log's bulk: %v", o)
	}
	if note := spanNote(sum.First, sum.End); !cfg.Summaries && note != "" {
		say("%s", note)
	}
	if note := holdoutNote(cfg, sum.Last); note != "" {
		say("%s", note)
	}
	if gap := sum.End.Sub(sum.Last); !cfg.Summaries && gap >= 24*time.Hour { // not the rest of the last day
		say("note: the end of observation is %.0f days after the last transaction", gap.Hours()/24)
	}
	return obs, ctx.Err()
}

// choose fits the purchase models on the calibration period (or the
// whole observation without one), chooses one, and with a calibration end
// refits it on the whole observation (refit).
func (j *job) choose(ctx context.Context, obs observation) (*Choice, error) {
	fitOn, g, hold := obs.fitOn()
	if obs.calibration != nil {
		j.say("fitting purchase model %s on the calibration period: %s", j.cfg.Model, customers(len(fitOn)))
	} else {
		j.say("fitting purchase model %s on %s", j.cfg.Model, customers(len(fitOn)))
	}
	ch, err := choosePurchaseModel(ctx, j.cfg.Model, fitOn, g, hold, j.fits, j.say)
	if nm := (*NoModelError)(nil); errors.As(err, &nm) {
		nm.Summary, nm.cfg = obs.whole, j.cfg
	}
	if err != nil {
		return nil, err
	}
	if obs.calibration != nil {
		if err := j.refit(ctx, ch, obs.whole, obs.wholeRows); err != nil {
			return nil, err
		}
	}
	return ch, nil
}

// refit refits the chosen model on the whole observation: Choice.Model
// becomes the refit, Choice.Calibration the fit on the calibration period.
// Under auto, if the refit fails (an error, e.g. the whole observation
// does not identify the model, or its fit budget runs out), the next model
// by the comparison's criterion that refits is used instead, and
// Choice.Fallback says so. g is the grouping of whole's customers.
func (j *job) refit(ctx context.Context, ch *Choice, whole *clv.Summary, g *clv.Grouping) error {
	cs := whole.Customers
	order := []string{ch.Name}
	if ch.Comparison != nil {
		order = ranked(ch.Comparison)
	}
	var failed []string
	var errs []error
	for _, name := range order {
		j.say("refitting %s on the whole observation to %s: %s", ModelTitle(name), whole.End.Format(time.DateOnly), customers(len(cs)))
		m, err := j.fits.fit(ctx, name, cs, g)
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			err = fmt.Errorf("%s on the whole observation: %w", ModelTitle(name), err)
			j.say("  %v", err)
			failed, errs = append(failed, err.Error()), append(errs, err)
			continue
		}
		j.say("  %v", m)
		if fi := m.FitInfo(); fi.Status == clv.AtBoundary {
			j.say("    at a boundary of the model: %s", fi.Reason)
		}
		if name != ch.Name {
			ch.Fallback = fmt.Sprintf("%s, chosen on the calibration period, could not be refitted on the whole observation (%s); "+
				"%s, the next by %s, is used instead", ModelTitle(ch.Name), strings.Join(failed, "; "), ModelTitle(name), ch.Comparison.Criterion)
			j.say("%s", ch.Fallback)
		}
		ch.Name, ch.Calibration, ch.Model = name, ch.Fitted[name], m
		return nil
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return fmt.Errorf("no purchase model could be refitted on the whole observation: %w", errors.Join(errs...))
}

// ranked returns the names of a comparison's models from the chosen one
// on, by its criterion (ties in the comparison's order).
func ranked(cmp *assess.Comparison) []string {
	crit := func(s assess.ModelScore) float64 {
		if s.Holdout != nil {
			return s.Holdout.Model.MAE
		}
		return s.BIC
	}
	scores := slices.Clone(cmp.Scores)
	chosen := scores[cmp.Chosen]
	scores = slices.Delete(scores, cmp.Chosen, cmp.Chosen+1)
	slices.SortStableFunc(scores, func(a, b assess.ModelScore) int {
		x, y := crit(a), crit(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	names := []string{chosen.Name}
	for _, s := range scores {
		names = append(names, s.Name)
	}
	return names
}

// horizon returns the span of the forecast in the models' unit: from the
// end of observation to Config.Months calendar months after it.
func (j *job) horizon(end time.Time) float64 {
	return float64(addMonths(end, j.cfg.Months).Sub(end)) / float64(j.cfg.Unit)
}

// noSpend values every purchase at 0: the spend model of a run without
// amounts (Config.NoAmounts).
type noSpend struct{}

// ConditionalExpectedValue implements clv.SpendModel.
func (noSpend) ConditionalExpectedValue(clv.Customer) float64 { return 0 }

// groupedExpected is a purchase model whose batch expectation takes the
// customers' grouping (bgnbd.Model: its (x, T) table).
type groupedExpected interface {
	ConditionalExpectedPurchasesAllGrouped(cs []clv.Customer, g *clv.Grouping, t float64) ([]float64, error)
}

// unitSpend values every purchase at 1: the spend model under which
// predict.LifetimeValues gives the discounted purchases.
type unitSpend struct{}

// ConditionalExpectedValue implements clv.SpendModel.
func (unitSpend) ConditionalExpectedValue(clv.Customer) float64 { return 1 }

// score computes each customer's forecast: P(alive) and expected
// purchases over the horizon from pm, the expected value per purchase
// from sm, and the CLV over Config.Months months. g is the customers'
// grouping (nil: the functions called group them).
func (j *job) score(ctx context.Context, cs []clv.Customer, g *clv.Grouping, pm PurchaseModel, sm clv.SpendModel, horizon float64) ([]Forecast, error) {
	cfg := j.cfg
	// CLV discounts by the month: Months periods that make up the horizon.
	month := horizon / float64(cfg.Months)
	j.say("scoring %s", customers(len(cs)))
	pa, exp, of, err := rowScoresOf(cs, g, j.distinctRows(cs, g, pm), pm, horizon)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The discounted purchases are the CLV at a value of 1 per purchase
	// and no margin; the CLV is then predict.LifetimeValues' product, bit for
	// bit (value × margin × discounted purchases).
	disc, err := predict.LifetimeValues(pm, unitSpend{}, cs, predict.ValueOptions{Periods: cfg.Months, PeriodLength: month,
		DiscountRate: cfg.Discount, Margin: 1, Grouping: g})
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fcs := make([]Forecast, len(cs))
	parallel.Map(len(cs), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			value := sm.ConditionalExpectedValue(cs[i])
			var cv float64
			if v := value * cfg.Margin; v != 0 {
				cv = v * disc[i]
			}
			r := i // customer i's place in pa and exp
			if of != nil {
				r = int(of[i])
			}
			fcs[i] = Forecast{PAlive: pa[r], ExpectedPurchases: exp[r],
				ExpectedValue: value, CLV: cv, DiscountedPurchases: disc[i]}
		}
	})
	for i := range fcs {
		if v := fcs[i].CLV; math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("clv: customers[%d] (%q): lifetime value is %v (an infinite mean spend: a gamma-gamma model with q ≤ 1?)", i, cs[i].ID, v)
		}
	}
	return fcs, nil
}

// segmentation is what the segments stage returns: each customer's RFM
// scores and tiers, and the RFM segments' summaries.
type segmentation struct {
	rfm      []segment.RFM
	tiers    segment.Tiers
	segments []segment.Group
}

// segment scores the customers' RFM and assigns their churn and value
// tiers: value by CLV, or by expected purchases in a run without amounts.
func (j *job) segment(cs []clv.Customer, fcs []Forecast) (segmentation, error) {
	pa, clvs := make([]float64, len(fcs)), make([]float64, len(fcs))
	for i, f := range fcs {
		pa[i], clvs[i] = f.PAlive, f.CLV
	}
	value := clvs // TierCustomersCompact does not change it
	if j.cfg.NoAmounts {
		value = make([]float64, len(fcs))
		for i, f := range fcs {
			value[i] = f.ExpectedPurchases
		}
	}
	var sopts segment.ScoreOptions
	if j.cfg.NoAmounts { // no monetary score: the segments by R and F
		sopts.Rules = segment.RecencyFrequencyRules
	}
	rfm, err := segment.ScoreCustomers(cs, sopts)
	if err != nil {
		return segmentation{}, err
	}
	tiers, err := segment.TierCustomersCompact(pa, value, segment.TierOptions{})
	if err != nil {
		return segmentation{}, err
	}
	groups, err := segment.SummarizeRFM(rfm, cs, clvs, pa)
	if err != nil {
		return segmentation{}, err
	}
	return segmentation{rfm, tiers, groups}, nil
}

// periods returns the forecast's calendar months over the horizon after
// end, with the purchases and revenue pm and the customers' expected
// values per purchase (fcs) expect in each; g is the customers' grouping.
func (j *job) periods(ctx context.Context, end time.Time, pm PurchaseModel, cs []clv.Customer, g *clv.Grouping, fcs []Forecast) ([]Period, error) {
	ends := periodEnds(end, j.cfg.Months)
	ts := monthEdges(end, ends, j.cfg.Unit)
	k := len(ts)
	ps := make([]Period, k)
	for i := range ps {
		ps[i].Start, ps[i].End = end, ends[i]
		if i > 0 {
			ps[i].Start = ends[i-1]
		}
	}
	// add adds customer i's expected cumulative purchases at ts (curve).
	add := func(i int, curve []float64) {
		val := fcs[i].ExpectedValue
		prev := 0.0
		for j := range k {
			// The expected cumulative purchases never fall; where they
			// level off, rounding may make them dip by 1e-17.
			cum := max(curve[j], prev)
			d := cum - prev
			prev = cum
			ps[j].Purchases += d
			ps[j].Revenue += d * val
		}
	}
	if d := j.distinctRows(cs, g, pm); d != nil && len(d.reps)*k <= curveValues {
		// Each distinct row's curve once (the same numbers as each
		// customer's), added up customer by customer in the same order.
		// curves computes them in one chunk (len(d.reps)·k ≤
		// curveValues), used in its buffer, which it does not reuse after
		// the last chunk: no copy.
		var rc []float64
		err := curves(ctx, pm, d.reps, d.repG, ts, func(lo, hi int, out []float64) {
			if lo == 0 && hi == len(d.reps) {
				rc = out[:hi*k]
				return
			}
			if rc == nil {
				rc = make([]float64, len(d.reps)*k)
			}
			copy(rc[lo*k:hi*k], out[:(hi-lo)*k])
		})
		if err == nil {
			for i, r := range d.of {
				add(i, rc[int(r)*k:int(r+1)*k])
			}
			return ps, nil
		}
	}
	err := curves(ctx, pm, cs, g, ts, func(lo, hi int, out []float64) {
		for i := lo; i < hi; i++ {
			add(i, out[(i-lo)*k:(i-lo+1)*k])
		}
	})
	return ps, err
}

// holdout returns the chosen model's check on the holdout period: its
// row of the comparison, or the evaluation of the one model asked for.
func (j *job) holdout(ch *Choice, obs observation) (*assess.Evaluation, error) {
	fitOn, _, hold := obs.fitOn()
	if cmp := ch.Comparison; cmp != nil {
		for _, s := range cmp.Scores {
			if s.Name == ch.Name {
				return s.Holdout, nil
			}
		}
	}
	ev, err := assess.EvaluateHoldout(ch.Calibration, fitOn, hold, 7)
	if err != nil {
		return nil, err
	}
	return &ev, nil
}

// TrackingSteps is the number of steps of the tracking curve
// (Result.Tracking).
const TrackingSteps = 60

// FrequencyBins is the last bin of Result.Frequencies: customers with 0,
// 1, ..., FrequencyBins−1 and FrequencyBins or more repeat purchases.
const FrequencyBins = 7

// plotData computes the curves the report's plots draw from the whole
// observation and the chosen model: the customers by number of repeat
// purchases, observed and expected; and, from a log, the tracking curve
// of the model it checks (the calibration fit on its customers with a
// calibration end, else the model on every customer), with the band of
// its parameter draws (trackDraws, nil for none).
func (j *job) plotData(res *Result, trackDraws []clv.NewCustomerModel) (plots.FrequencyCounts, *plots.TrackingData, error) {
	sum := res.Summary
	fc, err := plots.CountFrequencies(res.Choice.Model, sum.Customers, FrequencyBins)
	if err != nil {
		return fc, nil, err
	}
	if sum.First.IsZero() { // summaries as input: no transactions to track
		return fc, nil, nil
	}
	track, trackCs := clv.NewCustomerModel(res.Choice.Model), sum.Customers
	if res.Calibration != nil {
		track, trackCs = res.Choice.Calibration, res.Calibration.Customers
	}
	td, err := plots.NewTrackingData(track, trackCs, sum.Repeats, sum.First, sum.End, j.cfg.Unit, TrackingSteps, trackDraws)
	if err != nil {
		return fc, nil, err
	}
	return fc, &td, nil
}

// Totals are the key numbers of the customer base over the horizon.
type Totals struct {
	// Active counts the customers in the churn tier segment.Active
	// (P(alive) ≥ 0.7).
	Active int
	// ExpectedPurchases and CLV add up the customers' forecasts.
	ExpectedPurchases, CLV float64
	// TopShare is the share of the total CLV held by the top 10% of
	// customers by CLV (⌈n/10⌉ of them); NaN when the total is 0.
	TopShare float64
}

// totals adds up the customers' forecasts.
func totals(fcs []Forecast, tiers segment.Tiers) Totals {
	var t Totals
	clvs := make([]float64, len(fcs))
	for i, f := range fcs {
		if tiers.Kinds[tiers.Of[i]].Churn == segment.Active {
			t.Active++
		}
		clvs[i] = f.CLV
		t.CLV += f.CLV
		t.ExpectedPurchases += f.ExpectedPurchases
	}
	// The top ⌈n/10⌉ values, added in ascending order as after a full
	// sort: select them first (slices.Sort of the top only).
	k := len(clvs) - int(math.Ceil(0.1*float64(len(clvs))))
	selectTop(clvs, k)
	topv := clvs[k:]
	slices.Sort(topv)
	top := 0.0
	for _, v := range topv {
		top += v
	}
	t.TopShare = top / t.CLV
	if t.CLV == 0 {
		t.TopShare = math.NaN()
	}
	return t
}

// customers says "1 customer" or "n customers".
func customers(n int) string {
	if n == 1 {
		return "1 customer"
	}
	return fmt.Sprintf("%d customers", n)
}
