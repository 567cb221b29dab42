package forecast

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/paretonbd"
)

// The Pareto/NBD model with time-varying covariates as a model of the
// job (Config.DynamicCovariates): its entry in the table of purchase
// models, the stage that reads the file, and the model as a
// PurchaseModel that predicts each customer along the customer's
// covariate path.
//
// The rule for the forecast horizon: a customer's covariates follow the
// file's rows, each in force from its date until the next; after the
// file's last row the last values hold (are carried forward) over the
// rest of the horizon. DynamicInfo.Rule says which in the run's terms.
// With a calibration end, the calibration fits are checked on the holdout
// along the paths the file gives in the holdout period (covariates known
// then, as a plan of seasons or campaigns is).

// dynamicModels is the time-varying model's entry in the table of
// purchase models (lookup), compared by "auto" when the file is given.
var dynamicModels = []purchaseModel{
	{name: DynamicModelName, title: "Pareto/NBD + time-varying covariates", fitDyn: fitParetoDyn,
		draws: dynDraws,
		note: "the model with time-varying covariates predicts each customer along the customer's covariate path (the answer columns, " +
			"the plots' frequency counts and tracking curve too)."},
}

// DynamicInfo is what Run read from Config.DynamicCovariates and what the
// model with time-varying covariates made of it (Result.Dynamic).
type DynamicInfo struct {
	Name  string   // Config.DynamicCovariatesName
	Names []string // the covariates, in the order of the vectors
	// Rows counts the file's usable rows, Customers the customers with
	// own rows, Shared the rows of every customer ("*"), SkippedLines the
	// lines skipped as unusable (CSV.SkipInvalid; FirstSkipped says why
	// for the first few).
	Rows, Customers, Shared, SkippedLines int
	FirstSkipped                          []string
	// Backfilled counts the customers without covariates in force at
	// their first purchase (the file starts later for them): with
	// CSV.SkipInvalid the earliest values are carried back to the first
	// purchase; without, such a customer is an error.
	Backfilled int
	// Last is the file's latest date, HorizonEnd the end of the forecast
	// horizon. Past Last a customer's last values are carried forward
	// (CarriedForward: Last is before HorizonEnd).
	Last, HorizonEnd time.Time
	CarriedForward   bool
	// Effects are the covariates' effects in the model with time-varying
	// covariates at the 95% level, each with its likelihood-ratio test;
	// a coefficient held at its bound (GammaBound) is marked Boundary,
	// without interval. EffectsModel is DynamicModelName when the model
	// was fitted ("" otherwise), EffectsUsed whether it makes the
	// forecasts.
	Effects      []clv.CovariateEffect
	EffectsModel string
	EffectsUsed  bool
	// Boundary names the coefficients held at their bound, as
	// "trans.NAME" or "life.NAME".
	Boundary []string
}

// Rule says how the covariates continue into the forecast horizon.
func (d *DynamicInfo) Rule() string {
	if !d.CarriedForward {
		return fmt.Sprintf("The file's rows cover the forecast horizon (to %s): each customer's forecast follows the customer's covariates over it.",
			d.HorizonEnd.Format(time.DateOnly))
	}
	return fmt.Sprintf("The file's rows end on %s, before the end of the forecast horizon (%s): from the last row on, each customer's last values are carried forward.",
		d.Last.Format(time.DateOnly), d.HorizonEnd.Format(time.DateOnly))
}

// dynTable is the time-varying covariates of the whole observation's
// customers.
type dynTable struct {
	info  *DynamicInfo
	unit  time.Duration
	idx   map[string]int32    // customer id -> index in the whole observation
	paths []clv.CovariatePath // per customer, from the first purchase on
	days  [][]time.Time       // per customer, the purchase times (merged by day), the first included
	start [][]float64         // per customer, the vector at the first purchase
	// typical is the path of a customer unknown by id (the plots'
	// frequency × recency grids): constant at the mean of the vectors
	// in force at the end of observation.
	typical clv.CovariatePath
	// prepared are paths and typical (the last) prepared once for the
	// predictions under every parameter draw (prep).
	prepOnce sync.Once
	prepared *paretonbd.DynPaths
	prepErr  error
}

// prep returns the paths, then the typical path, prepared for
// predictions under many parameter sets (paretonbd.DynPaths).
func (t *dynTable) prep() (*paretonbd.DynPaths, error) {
	t.prepOnce.Do(func() {
		t.prepared, t.prepErr = paretonbd.NewDynPaths(t.info.Names, append(slices.Clip(t.paths), t.typical))
	})
	return t.prepared, t.prepErr
}

// index returns the index of customer c's path in prep's paths.
func (t *dynTable) index(c clv.Customer) int {
	if i, ok := t.idx[c.ID]; ok {
		return int(i)
	}
	return len(t.paths)
}

// path returns the path of customer c.
func (t *dynTable) path(c clv.Customer) clv.CovariatePath {
	if i, ok := t.idx[c.ID]; ok {
		return t.paths[i]
	}
	return t.typical
}

// covariates returns the covariates of cs for paretonbd.FitDynamic: the
// paths and the first Frequency repeat purchase times of each (the
// calibration period's with a calibration end).
func (t *dynTable) covariates(cs []clv.Customer) (clv.DynamicCovariates, error) {
	z := clv.DynamicCovariates{Names: t.info.Names, Paths: make([]clv.CovariatePath, len(cs)), Purchases: make([][]float64, len(cs))}
	for k, c := range cs {
		i, ok := t.idx[c.ID]
		if !ok {
			return clv.DynamicCovariates{}, fmt.Errorf("%w: customer %q is not among the log's", clv.ErrInvalidCovariates, c.ID)
		}
		ts := t.days[i]
		n := int(c.Frequency)
		if len(ts) < n+1 {
			return clv.DynamicCovariates{}, fmt.Errorf("%w: customer %q: %d purchase times for frequency %v", clv.ErrInvalidCovariates, c.ID, len(ts), c.Frequency)
		}
		z.Paths[k] = t.paths[i]
		if n > 0 {
			z.Purchases[k] = make([]float64, n)
			for m, at := range ts[1 : n+1] {
				z.Purchases[k][m] = float64(at.Sub(ts[0])) / float64(t.unit)
			}
		}
	}
	if err := z.Check(cs); err != nil {
		return clv.DynamicCovariates{}, fmt.Errorf("%s: %w", t.info.Name, err)
	}
	return z, nil
}

// readDynamic is the stage of the time-varying covariates: it reads
// Config.DynamicCovariates, builds every customer's path from the
// purchase times the summaries' read kept (j.days), and gives the fitter
// the model with time-varying covariates.
func (j *job) readDynamic(obs observation) (*DynamicInfo, error) {
	cfg := j.cfg
	name := cfg.DynamicCovariatesName
	if name == "" {
		name = "dynamic covariates"
	}
	if j.days == nil {
		return nil, fmt.Errorf("%w: %s: time-varying covariates need the purchase times of the log read in this run (not summaries, not a state)", ErrConfig, name)
	}
	j.say("reading time-varying covariates %s", name)
	f, err := ReadDynamicCovariates(cfg.DynamicCovariates, name, cfg.CSV)
	if err != nil {
		return nil, err
	}
	cs := obs.whole.Customers
	info := &DynamicInfo{Name: name, Names: slices.Clone(f.Names), Rows: f.Rows, Customers: f.Customers, Shared: f.Shared,
		SkippedLines: f.SkippedLines, FirstSkipped: f.FirstSkipped, Last: f.Last, HorizonEnd: addMonths(obs.whole.End, cfg.Months)}
	info.CarriedForward = info.Last.Before(info.HorizonEnd)
	t := &dynTable{info: info, unit: cfg.Unit, idx: make(map[string]int32, len(cs)), paths: make([]clv.CovariatePath, len(cs)),
		days: j.days.days, start: make([][]float64, len(cs))}
	if len(t.days) < len(cs) {
		t.days = append(t.days, make([][]time.Time, len(cs)-len(t.days))...)
	}
	mean := make([]float64, len(f.Names))
	for i, c := range cs {
		t.idx[c.ID] = int32(i)
		if len(t.days[i]) == 0 {
			return nil, fmt.Errorf("%w: %s: no purchase times of customer %q", clv.ErrInvalidCovariates, name, c.ID)
		}
		p, back, err := f.path(c.ID, t.days[i][0], cfg.Unit, cfg.CSV.SkipInvalid)
		if err != nil {
			return nil, err
		}
		if back {
			info.Backfilled++
		}
		t.paths[i], t.start[i] = p, p.Values[0]
		for k, v := range p.At(c.T) {
			mean[k] += v / float64(len(cs))
		}
	}
	t.typical = clv.CovariatePath{Start: []float64{0}, Values: [][]float64{mean}}
	j.fits.dyn = t
	j.say("  %d rows (%d of every customer, %d customers with own rows), covariates %v", info.Rows, info.Shared, info.Customers, info.Names)
	if info.SkippedLines > 0 {
		j.say("  %d lines skipped as unusable, e.g. %s", info.SkippedLines, info.FirstSkipped[0])
	}
	if info.Backfilled > 0 {
		j.say("  %d customers without covariates at their first purchase: the earliest values carried back to it", info.Backfilled)
	}
	j.say("  %s", info.Rule())
	return info, nil
}

// fitParetoDyn fits the Pareto/NBD model with time-varying covariates.
func fitParetoDyn(ctx context.Context, cs []clv.Customer, t *dynTable, pen float64) (PurchaseModel, error) {
	z, err := t.covariates(cs)
	if err != nil {
		return nil, err
	}
	opts := paretonbd.CovFitOptions{Penalizer: pen}
	m, err := paretonbd.FitDynamic(ctx, cs, z, opts)
	if m == nil {
		return nil, err
	}
	// The new-customer curves (ExpectedPurchases, for a new customer's
	// value): the static model at the same parameters, each customer at
	// the covariates of the first purchase.
	cm, cerr := paretonbd.NewCovariates(m.Params())
	if cerr != nil {
		return nil, errors.Join(err, cerr)
	}
	tab := &covTable{slot: make(map[string]int32, len(cs))}
	index := map[string]int32{}
	for _, c := range cs {
		z0 := t.start[t.idx[c.ID]]
		key := fmt.Sprint(z0)
		g, ok := index[key]
		if !ok {
			g = int32(len(tab.profs))
			index[key] = g
			tab.profs = append(tab.profs, z0)
		}
		tab.slot[c.ID] = g
	}
	mean := make([]float64, len(z.Names))
	for _, c := range cs {
		for k, v := range tab.profs[tab.slot[c.ID]] {
			mean[k] += v / float64(len(cs))
		}
	}
	tab.profs = append(tab.profs, mean)
	base, berr := newCovPurchase(DynamicModelName, dynFitted{m}, tab, cs, func(z []float64) (PurchaseModel, error) { return model(cm.Customer(z)) }, nil, nil, nil)
	if berr != nil {
		return nil, errors.Join(err, berr)
	}
	tests := func(ctx context.Context, level float64) ([]clv.CovariateEffect, error) {
		return m.EffectTests(ctx, cs, z, opts, level)
	}
	return &dynPurchase{covPurchase: base.(*covPurchase), m: m, tab: t, tests: tests}, err
}

// dynFitted is a DynModel as covFitted.
type dynFitted struct{ m *paretonbd.DynModel }

func (d dynFitted) FitInfo() clv.FitInfo { return d.m.FitInfo() }
func (d dynFitted) String() string       { return d.m.String() }
func (d dynFitted) Effects(level float64) ([]clv.CovariateEffect, error) {
	return d.m.Effects(level)
}
func (d dynFitted) MarshalJSON() ([]byte, error) { return d.m.MarshalJSON() }

// dynPurchase is the Pareto/NBD model with time-varying covariates as a
// PurchaseModel: a customer's P(alive), expected purchases, discounted
// purchases (CLV) are paretonbd.DynModel's along the customer's
// covariate path, found by the customer's id (a customer unknown by id
// has the typical path). The plots' population curves are DynModel's
// along each customer's path too (ExpectedFrequencyCounts,
// ExpectedCumulativeRepeats: the frequency and tracking plots); a new
// customer, whose path is unknown (ExpectedPurchases,
// ProbabilityOfPurchasesUnconditional), is the static model at the same
// parameters, each fitted customer's covariates at the first purchase a
// profile, that the embedded covPurchase computes.
type dynPurchase struct {
	*covPurchase
	m     *paretonbd.DynModel
	tab   *dynTable
	tests func(ctx context.Context, level float64) ([]clv.CovariateEffect, error)
}

func (d *dynPurchase) paths(cs []clv.Customer) []clv.CovariatePath {
	out := make([]clv.CovariatePath, len(cs))
	for i, c := range cs {
		out[i] = d.tab.path(c)
	}
	return out
}

// ExpectedFrequencyCounts returns the customers expected by number of
// repeat purchases in their observation, each along the customer's path
// (paretonbd.DynModel.ExpectedFrequencyCounts).
func (d *dynPurchase) ExpectedFrequencyCounts(cs []clv.Customer, k int) ([]float64, error) {
	return d.m.ExpectedFrequencyCounts(cs, d.paths(cs), k)
}

// ExpectedCumulativeRepeats implements plots.CumulativeRepeater: the
// tracking curve with each customer along the customer's path
// (paretonbd.DynModel.ExpectedCumulativeRepeats).
func (d *dynPurchase) ExpectedCumulativeRepeats(cs []clv.Customer, at []float64) ([]float64, error) {
	pp, err := d.tab.prep()
	if err != nil {
		return nil, err
	}
	o, err := d.m.On(pp)
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(cs))
	for i, c := range cs {
		idx[i] = d.tab.index(c)
	}
	return o.ExpectedCumulativeRepeats(cs, idx, at)
}

// ProbabilityAlive implements clv.PurchaseModel.
func (d *dynPurchase) ProbabilityAlive(c clv.Customer) float64 {
	return d.m.ProbabilityAlive(c, d.tab.path(c))
}

// ConditionalExpectedPurchases implements clv.PurchaseModel.
func (d *dynPurchase) ConditionalExpectedPurchases(c clv.Customer, t float64) float64 {
	return d.m.ConditionalExpectedPurchases(c, d.tab.path(c), t)
}

// ConditionalExpectedPurchasesAt implements clv.PurchaseCurve.
func (d *dynPurchase) ConditionalExpectedPurchasesAt(c clv.Customer, ts, out []float64) {
	d.m.ConditionalExpectedPurchasesAt(c, d.tab.path(c), ts, out)
}

// ProbabilityAliveAll returns ProbabilityAlive of every customer.
func (d *dynPurchase) ProbabilityAliveAll(cs []clv.Customer) ([]float64, error) {
	if len(cs) == 0 {
		return nil, clv.ErrNoCustomers
	}
	return d.m.ProbabilityAliveAll(cs, d.paths(cs))
}

// ConditionalExpectedPurchasesAll returns ConditionalExpectedPurchases of
// every customer.
func (d *dynPurchase) ConditionalExpectedPurchasesAll(cs []clv.Customer, t float64) ([]float64, error) {
	if len(cs) == 0 {
		return nil, clv.ErrNoCustomers
	}
	return d.m.ConditionalExpectedPurchasesAll(cs, d.paths(cs), t)
}

// DiscountedPurchasesAll implements clv.DiscountedPurchases, customer by
// customer along each path (customers with the same frequency, recency
// and T differ in their paths).
func (d *dynPurchase) DiscountedPurchasesAll(cs []clv.Customer, ts, w []float64) ([]float64, error) {
	if len(cs) == 0 {
		return nil, clv.ErrNoCustomers
	}
	out := make([]float64, len(cs))
	parallel.Map(len(cs), func(lo, hi int) {
		cum := make([]float64, len(ts))
		for i := lo; i < hi; i++ {
			out[i] = predict.DiscountedPurchasesOver(d, cs[i], ts, w, cum)
		}
	})
	for i, v := range out {
		if math.IsNaN(v) {
			return nil, fmt.Errorf("%w: customers[%d] (%q): no prediction along the covariate path", clv.ErrInvalidCovariates, i, cs[i].ID)
		}
	}
	return out, nil
}

// outlookEach is implemented by purchase models whose outlooks depend on
// more than frequency, recency and T (dynPurchase: each customer's
// covariate path); the job's outlook stage computes them customer by
// customer instead of once per distinct row.
type outlookEach interface {
	OutlookEach(cs []clv.Customer, opts clv.OutlookOptions) (*predict.Outlooks, error)
}

// OutlookEach returns every customer's clv.Outlook along the customer's
// covariate path (paretonbd.DynModel.Outlook), one row per customer.
func (d *dynPurchase) OutlookEach(cs []clv.Customer, opts clv.OutlookOptions) (*predict.Outlooks, error) {
	rows, err := d.m.OutlookAll(cs, d.paths(cs), opts)
	if err != nil {
		return nil, err
	}
	for i, o := range rows {
		if math.IsNaN(o.PurchaseWithin) || math.IsNaN(o.PurchaseWithinHorizon) || math.IsNaN(o.AliveAtHorizon) || math.IsNaN(o.PurchaseRate) {
			return nil, fmt.Errorf("%w: customers[%d] (%q): no outlook along the covariate path", clv.ErrInvalidCovariates, i, cs[i].ID)
		}
	}
	return predict.OutlooksOf(rows), nil
}

// FitInfo implements clv.FittedModel.
func (d *dynPurchase) FitInfo() clv.FitInfo { return d.m.FitInfo() }

// LogLikelihood implements clv.FittedModel.
func (d *dynPurchase) LogLikelihood() float64 { return d.m.FitInfo().LogLikelihood }

// LogCovariance implements clv.FittedModel: not available.
func (d *dynPurchase) LogCovariance() ([][]float64, bool) { return nil, false }

// String returns the fitted model's line.
func (d *dynPurchase) String() string { return d.m.String() }

// MarshalJSON writes the model's JSON (paretonbd_dynamic).
func (d *dynPurchase) MarshalJSON() ([]byte, error) { return d.m.MarshalJSON() }

// Model returns the fitted paretonbd.DynModel.
func (d *dynPurchase) Model() *paretonbd.DynModel { return d.m }

// dynamicEffects fills Result.Dynamic's effects: those of the chosen
// model if it is the time-varying one, else of its fit in the
// comparison, with likelihood-ratio tests (without them if a refit
// fails, as the progress says).
func (j *job) dynamicEffects(ctx context.Context, res *Result) {
	ch := res.Choice
	d, ok := ch.Model.(*dynPurchase)
	if ok {
		res.Dynamic.EffectsUsed = true
	} else if d, ok = ch.Fitted[DynamicModelName].(*dynPurchase); !ok {
		return
	}
	res.Dynamic.EffectsModel, res.Dynamic.Boundary = DynamicModelName, d.m.Boundary()
	j.say("testing the time-varying covariates' effects (one refit per effect)")
	eff, err := d.tests(ctx, EffectLevel)
	if err != nil {
		j.say("  without likelihood-ratio tests: %v", err)
		if eff, err = d.m.Effects(EffectLevel); err != nil {
			return
		}
	}
	res.Dynamic.Effects = eff
	for _, e := range eff {
		j.say("  %s", e)
	}
}

// dynamicJSON is model.json's "dynamic_covariates".
func (res *Result) dynamicJSON() map[string]any {
	d := res.Dynamic
	out := map[string]any{"file": d.Name, "covariates": d.Names, "rows": d.Rows, "shared_rows": d.Shared, "customers_with_rows": d.Customers,
		"lines_skipped": d.SkippedLines, "customers_backfilled": d.Backfilled,
		"last_row": d.Last.Format(time.DateOnly), "horizon_end": d.HorizonEnd.Format(time.DateOnly), "carried_forward": d.CarriedForward,
		"horizon_rule": "each customer's covariates follow the file's rows; after the file's last row, the last values are carried forward", "rule": d.Rule()}
	if d.EffectsModel != "" {
		eff := effectsJSON(d.Effects)
		for i, e := range d.Effects {
			if e.Boundary {
				eff[i]["boundary"] = true
			}
		}
		out["effects"] = map[string]any{"model": d.EffectsModel, "used_for_forecasts": d.EffectsUsed, "level": EffectLevel,
			"effects": eff, "boundary": d.Boundary}
	}
	return out
}

// dynamicReport is the report's covariates section for time-varying
// covariates.
func (res *Result) dynamicReport() map[string]any {
	d := res.Dynamic
	var rows []covEffectRow
	var sentences []string
	for _, e := range d.Effects {
		r := covEffectRow{Covariate: e.Covariate, Process: e.Process, Quantity: e.Quantity, Ratio: fmt.Sprintf("×%.3g", e.Ratio),
			Interval: "—", P: "—"}
		if !math.IsNaN(e.Lo) {
			r.Interval = fmt.Sprintf("%.3g to %.3g", e.Lo, e.Hi)
		}
		if e.Boundary {
			r.Ratio += " (at its bound)"
			r.Interval = "— (held at the bound)"
		}
		if !math.IsNaN(e.P) {
			r.P = fmt.Sprintf("%.2g", e.P)
		}
		rows = append(rows, r)
		how, verb := "as often", "buy"
		if e.Process != clv.PurchaseProcess {
			how, verb = "as fast", "drop out"
		}
		s := fmt.Sprintf("While %s is one unit higher, customers %s %s", e.Covariate, verb, times(e, how))
		if e.Boundary {
			s += " (the coefficient is held at its bound: the data push the effect to an extreme)"
		}
		sentences = append(sentences, s)
	}
	var notes []string
	notes = append(notes, d.Rule())
	if d.SkippedLines > 0 {
		notes = append(notes, fmt.Sprintf("%d lines were skipped as unusable (e.g. %s).", d.SkippedLines, d.FirstSkipped[0]))
	}
	if d.Backfilled > 0 {
		notes = append(notes, fmt.Sprintf("%d customers have no covariates at their first purchase: the earliest values are carried back to it.", d.Backfilled))
	}
	if len(d.Boundary) > 0 {
		notes = append(notes, fmt.Sprintf("Held at a bound: %v.", d.Boundary))
	}
	used := ""
	switch {
	case d.EffectsModel == "":
		used = "The model with time-varying covariates was not fitted (another model was asked for)."
	case d.EffectsUsed:
		used = fmt.Sprintf("%s makes the forecasts below, each customer's along the customer's covariates.", ModelTitle(DynamicModelName))
	default:
		used = fmt.Sprintf("The comparison chose %s; these are the effects in %s, which the forecasts do not use.",
			ModelTitle(res.Choice.Name), ModelTitle(DynamicModelName))
	}
	return map[string]any{"Name": d.Name, "Columns": slices.Clone(d.Names), "Rows": rows, "Sentences": sentences, "Notes": notes,
		"Used": "Time-varying covariates, each in force from its row's date on. " + used, "Model": ModelTitle(DynamicModelName),
		"Level": fmt.Sprintf("%.0f", 100*EffectLevel)}
}

// checkDynamic checks Config.DynamicCovariates against the rest.
func (c *Config) checkDynamic() error {
	switch {
	case c.DynamicCovariates == nil && c.Model == DynamicModelName:
		return &ConfigError{Field: "Model", Value: fmt.Sprintf("%q", c.Model), Want: "a file of time-varying covariates with", With: "DynamicCovariates"}
	case c.DynamicCovariates != nil && c.Summaries:
		return &ConfigError{Field: "DynamicCovariates", Value: "a file", Want: "a transaction log (the purchase times), not", With: "Summaries"}
	case c.DynamicCovariates != nil && c.Covariates != nil:
		return &ConfigError{Field: "DynamicCovariates", Value: "a file", Want: "static covariates as constant columns of it, not", With: "Covariates"}
	}
	return nil
}
