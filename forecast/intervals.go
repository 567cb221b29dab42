package forecast

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/clv/predict"
)

// Interval is an interval [Low, High] of a quantity.
type Interval = interval.Interval

// Intervals are the intervals of one customer's P(alive), expected
// purchases and CLV (Config.Interval).
type Intervals = interval.Customer

// DefaultIntervalDraws is the number of parameter draws intervals come
// from when Config.IntervalDraws is zero.
const DefaultIntervalDraws = 200

// ErrNoIntervals is wrapped by the error of a run asked for intervals
// (Config.Interval) whose purchase or spend model has no covariance to
// draw parameters from (a Hessian that is not positive definite). A fit at
// a boundary of its model (clv.AtBoundary) has one: the limit model's
// draws keep its held shape fixed, so its intervals are conditional on
// the limit.
var ErrNoIntervals = errors.New("intervals: no parameter draws")

// Seeds of the parameter draws: fixed, so that a run repeats exactly.
const (
	purchaseSeed = 0x636c766b6974
	spendSeed    = 0x7370656e64
)

// purchaseDraws returns n models of pm's kind (the model named name) with
// parameters drawn from the fit's approximate sampling distribution (a
// limit model's with its held shape fixed), or an error wrapping
// ErrNoIntervals when they cannot be drawn.
func purchaseDraws(name string, pm PurchaseModel, src rand.Source, n int) ([]clv.PurchaseModel, error) {
	if e := lookup(name); e != nil && e.draws != nil {
		ms, err := e.draws(pm, src, n)
		if err != nil && !errors.Is(err, ErrNoIntervals) {
			err = fmt.Errorf("%w: %v: %v; forecast without intervals, or with another model", ErrNoIntervals, pm, err)
		}
		return ms, err
	}
	return nil, fmt.Errorf("intervals: no parameter draws for %v", pm)
}

// intervals fills Result.Intervals, the totals' intervals and each
// period's, with interval.Forecast: every quantity computed under
// Config.IntervalDraws draws of the purchase and spend models' parameters
// (the Laplace approximation on the log scale; the two fits are
// independent), the interval running between the draws' (1−level)/2 and
// (1+level)/2 quantiles.
func (res *Result) intervals(ctx context.Context) error {
	cfg := res.Config
	n := cfg.IntervalDraws
	pms, err := purchaseDraws(res.Choice.Name, res.Choice.Model, rand.NewPCG(purchaseSeed, 1), n)
	if err != nil {
		return err
	}
	// How the draws are made (intervalmethod.go): the normal
	// approximation, or half from the limit model near a limit.
	if res.IntervalMethod, err = chooseIntervalMethod(ctx, cfg.IntervalMethod, cfg.Interval, res.Choice.Name, res.Choice.Model, res.Summary.Customers, res.wholeRows); err != nil {
		return err
	}
	mixed, level, err := res.IntervalMethod.mixtureDraws(res.Choice.Name, pms, cfg.Interval)
	if err != nil {
		return err
	}
	draws := make([]interval.Draw, len(mixed))
	for d := range draws {
		draws[d] = interval.Draw{Purchase: mixed[d], Spend: noSpend{}}
	}
	if res.Spend != nil {
		sms, err := res.spendDrawModels(len(draws))
		if err != nil {
			return err
		}
		for d := range draws {
			draws[d].Spend = sms[d]
		}
	}
	month := res.Horizon / float64(cfg.Months)
	opts := interval.Options{
		Level:    level,
		Horizon:  res.Horizon,
		Value:    predict.ValueOptions{Periods: cfg.Months, PeriodLength: month, DiscountRate: cfg.Discount, Margin: cfg.Margin},
		Periods:  res.monthEdges(),
		Grouping: res.wholeRows,
	}
	if res.Outlooks != nil && cfg.AnswerIntervals {
		// The answers' intervals, under the same draws (answerintervals.go).
		opts.Outlook = clv.OutlookOptions{Window: res.window(), Horizon: res.Horizon}
	}
	iv, err := forecastDraws(ctx, draws, res.Summary.Customers, opts)
	if err != nil {
		return fmt.Errorf("intervals: %w", err)
	}
	res.Intervals, res.AnswerIntervals = iv.Customers, iv.Outlooks
	res.TotalPurchases, res.TotalCLV = iv.TotalPurchases, iv.TotalValue
	res.draws = pms
	if am, ok := res.Choice.Model.(interval.AliveMixture); ok {
		lo, hi, err := interval.PredictiveAllGrouped(am, res.Summary.Customers, res.wholeRows, res.Horizon, cfg.Interval)
		if err != nil {
			return fmt.Errorf("intervals: %w", err)
		}
		res.Purchases = make([]PurchaseInterval, len(lo))
		for i := range lo {
			res.Purchases[i] = PurchaseInterval{lo[i], hi[i]}
		}
	}
	for j := range res.Periods {
		res.Periods[j].Interval = &iv.Periods[j]
	}
	return nil
}

// holdoutIntervals fills Result.HoldoutIntervals: the intervals, over the
// purchase model's draws, of each calibration-frequency group's mean
// predicted holdout purchases (the band of the holdout plot).
func (res *Result) holdoutIntervals(ctx context.Context) error {
	cs, hold := res.Calibration.Customers, res.Calibration.Holdout
	ev := res.Holdout
	var err error
	if res.calDraws, err = purchaseDraws(res.Choice.Name, res.Choice.Calibration, rand.NewPCG(purchaseSeed, 2), res.Config.IntervalDraws); errors.Is(err, ErrNoIntervals) {
		// The calibration fit is a limit model: the holdout and tracking
		// plots go without a band; the forecasts' intervals do not need it.
		res.calDraws = nil
		return nil
	} else if err != nil {
		return err
	}
	dur := hold[0].Duration
	groups := make([]int, len(cs))
	for i, c := range cs {
		if hold[i].Duration != dur {
			return fmt.Errorf("intervals: holdout periods of different lengths (%v, %v)", dur, hold[i].Duration)
		}
		groups[i] = min(int(c.Frequency), len(ev.Groups)-1)
	}
	draws := make([]interval.Draw, len(res.calDraws))
	for d, m := range res.calDraws {
		draws[d].Purchase = m
	}
	iv, err := forecastDraws(ctx, draws, cs, interval.Options{Level: res.Config.Interval, Horizon: dur, Groups: groups, Grouping: res.calRows})
	if err != nil {
		return fmt.Errorf("intervals: holdout: %w", err)
	}
	res.HoldoutIntervals = make([]Interval, len(ev.Groups))
	for k, g := range ev.Groups {
		if k < len(iv.Groups) && g.Customers > 0 {
			n := float64(g.Customers)
			res.HoldoutIntervals[k] = Interval{Low: iv.Groups[k].Low / n, High: iv.Groups[k].High / n}
		}
	}
	return nil
}

// trackingDraws returns the draws of the tracking plot's model (the
// calibration fit with a calibration end, else the purchase model) as
// new-customer models for its band, or nil without intervals.
func (res *Result) trackingDraws() []clv.NewCustomerModel {
	draws := res.draws
	if res.Calibration != nil {
		draws = res.calDraws
	}
	var out []clv.NewCustomerModel
	for _, m := range draws {
		if nm, ok := m.(clv.NewCustomerModel); ok {
			out = append(out, nm)
		}
	}
	if len(out) != len(draws) {
		return nil
	}
	return out
}

// forecastDraws is interval.Forecast, also for draws of a covariate model
// (covDraws), which interval.Forecast cannot take whole: it computes
// each customer's quantities from the customer's (frequency, recency, T)
// alone, and a covariate model's depend on the customer's covariates too.
// So the customers are forecast profile by profile, under the draws'
// models of that profile (the same parameter draws for every profile),
// and the totals under each draw are added over the profiles before
// their quantiles are taken: the intervals of the totals keep the
// correlation of the profiles' forecasts under one parameter draw. The
// answers' intervals (Options.Outlook) are each profile's, joined
// (interval.JoinOutlooks).
// Time grows with the profiles (one interval.Forecast each): a numeric
// covariate, with a profile per customer, is slow.
func forecastDraws(ctx context.Context, draws []interval.Draw, cs []clv.Customer, opts interval.Options) (*interval.Result, error) {
	if len(draws) == 0 {
		return interval.Forecast(ctx, draws, cs, opts)
	}
	if _, ok := draws[0].Purchase.(*dynPurchase); ok {
		return dynForecastDraws(ctx, draws, cs, opts)
	}
	first, ok := draws[0].Purchase.(*covPurchase)
	if !ok {
		return interval.Forecast(ctx, draws, cs, opts)
	}
	level := opts.Level
	if level == 0 {
		level = 0.9
	}
	D, P := len(draws), len(opts.Periods)
	cps := make([]*covPurchase, D)
	for d, dr := range draws {
		cp, ok := dr.Purchase.(*covPurchase)
		if !ok || cp.tab != first.tab {
			return nil, fmt.Errorf("intervals: %w: draw %d is not of the covariate model's profiles", interval.ErrBadDraws, d)
		}
		cps[d] = cp
	}
	byProf := make([][]int, len(first.models))
	for i, c := range cs {
		g := first.tab.slotOf(c.ID)
		byProf[g] = append(byProf[g], i)
	}
	G := 0
	for _, g := range opts.Groups {
		G = max(G, g+1)
	}
	res := &interval.Result{Customers: make([]interval.Customer, len(cs)), Draws: D}
	tot := interval.DrawTotals{Purchases: make([]float64, D), Value: make([]float64, D),
		PeriodPurchases: make([]float64, D*P), PeriodRevenue: make([]float64, D*P), Groups: make([]float64, G*D)}
	add := func(dst, src []float64) {
		for k, v := range src {
			dst[k] += v
		}
	}
	sd := make([]interval.Draw, D)
	outlooks := make([]*interval.Outlooks, len(byProf)) // each profile's answers' intervals (Options.Outlook)
	for g, idx := range byProf {
		if len(idx) == 0 {
			continue
		}
		sub := make([]clv.Customer, len(idx))
		for k, i := range idx {
			sub[k] = cs[i]
		}
		for d := range draws {
			sd[d] = interval.Draw{Purchase: cps[d].models[g], Spend: draws[d].Spend}
		}
		o := opts
		o.Grouping = nil // of cs, not of the profile's
		if opts.Groups != nil {
			o.Groups = make([]int, len(idx))
			for k, i := range idx {
				o.Groups[k] = opts.Groups[i]
			}
		}
		r, err := interval.Forecast(ctx, sd, sub, o)
		if err != nil {
			return nil, err
		}
		for k, i := range idx {
			res.Customers[i] = r.Customers[k]
		}
		outlooks[g] = r.Outlooks
		rt := r.DrawTotals
		add(tot.Purchases, rt.Purchases)
		add(tot.Value, rt.Value)
		add(tot.PeriodPurchases, rt.PeriodPurchases)
		add(tot.PeriodRevenue, rt.PeriodRevenue)
		add(tot.Groups, rt.Groups) // a profile's groups are a prefix of all the groups
	}
	if opts.Outlook != (clv.OutlookOptions{}) {
		var err error
		if res.Outlooks, err = interval.JoinOutlooks(len(cs), outlooks, byProf); err != nil {
			return nil, err
		}
	}
	res.TotalPurchases = interval.FromDraws(tot.Purchases, level)
	res.TotalValue = interval.FromDraws(tot.Value, level)
	if P > 0 {
		res.Periods = make([]interval.Period, P)
		pur, rev := make([]float64, D), make([]float64, D)
		for j := range P {
			for d := range D {
				pur[d], rev[d] = tot.PeriodPurchases[d*P+j], tot.PeriodRevenue[d*P+j]
			}
			res.Periods[j] = interval.Period{Purchases: interval.FromDraws(pur, level), Revenue: interval.FromDraws(rev, level)}
		}
	}
	if G > 0 {
		res.Groups = make([]Interval, G)
		for k := range G {
			res.Groups[k] = interval.FromDraws(tot.Groups[k*D:(k+1)*D], level)
		}
	}
	res.DrawTotals = tot
	return res, nil
}
