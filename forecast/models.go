package forecast

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// PurchaseModel is what the job needs of a purchase model; bgnbd.Model
// (either variant), paretonbd.Model and ggompertz.Model provide it, and the
// job's wrappers of the covariate models.
type PurchaseModel interface {
	clv.PurchaseModel
	clv.FittedModel
	clv.NewCustomerModel
	clv.UnconditionalPMF
	ProbabilityAliveAll(cs []clv.Customer) ([]float64, error)
	ConditionalExpectedPurchasesAll(cs []clv.Customer, t float64) ([]float64, error)
	ExpectedFrequencyCounts(cs []clv.Customer, k int) ([]float64, error)
	LogCovariance() ([][]float64, bool)
	String() string
}

// purchaseModel is one purchase model the job can fit: its name in
// Config.Model, its title for people, its fit, and, as an optional
// capability, parameter draws for intervals.
type purchaseModel struct {
	name, title string
	// fit fits the model to cs, whose grouping is g (nil: the fit groups
	// them), with the L2 penalty pen, starting from start (the model's
	// parameters, as params returns them) when not nil.
	fit func(ctx context.Context, cs []clv.Customer, g *clv.Grouping, pen float64, start []float64) (PurchaseModel, error)
	// params returns a model's parameters, the fit's start of the next
	// incremental run (State).
	params func(m PurchaseModel) []float64
	// draws, if not nil, returns n models of m's kind (a model this entry
	// fitted) with parameters drawn from the fit's approximate sampling
	// distribution; nil means the model has no draws, so no intervals.
	draws func(m PurchaseModel, src rand.Source, n int) ([]clv.PurchaseModel, error)
	// note, if not empty, is what the report tells about reading the
	// model's forecasts.
	note string
	// fitCov, instead of fit for a model with covariates, fits it to cs
	// with the covariates of t.
	fitCov func(ctx context.Context, cs []clv.Customer, t *covTable, pen float64) (PurchaseModel, error)
	// fitDyn, instead of fit for the model with time-varying covariates,
	// fits it to cs with the covariates of t.
	fitDyn func(ctx context.Context, cs []clv.Customer, t *dynTable, pen float64) (PurchaseModel, error)
	// sameAs, if not nil, names the model that a fit m of this one is
	// (a limit of it, e.g. the GGompertz/NBD's Pareto/NBD), "" if none:
	// auto leaves such a fit out of the comparison when that model is in
	// it (a tie in fit, decided by rounding).
	sameAs func(m PurchaseModel) string
	// unpenalized marks a model without a penalized fit, which auto
	// leaves out under a penalizer.
	unpenalized bool
	// screenBy, with screen, names the model whose fit auto waits for
	// before this one's: screen then decides from that fit ref whether
	// auto need not fit this model (skip), e.g. the GGompertz/NBD at its
	// Pareto/NBD limit, and says why (note, for the log; "" if nothing
	// to say). A failed ref fits the model unscreened.
	screenBy string
	screen   func(ctx context.Context, cs []clv.Customer, g *clv.Grouping, ref PurchaseModel) (note string, skip bool)
}

// purchaseModels is the table of the purchase models, in the order of the
// comparison: the one place that names them.
var purchaseModels = []purchaseModel{
	{name: "bgnbd", title: "BG/NBD", fit: fitBGNBD(bgnbd.BGNBD), params: bgnbdParams, draws: bgnbdDraws,
		note: `in the BG/NBD model a customer can drop out only after a repeat purchase, so customers who bought once have
P(alive) = 1 however long ago that was (segments such as Lost and Hibernating). For them, look at the expected purchases and
CLV, which are low, rather than at P(alive); or run with -model mbgnbd or paretonbd, where dropout can happen at any time.`},
	{name: "mbgnbd", title: "MBG/NBD", fit: fitBGNBD(bgnbd.MBGNBD), params: bgnbdParams, draws: bgnbdDraws},
	{name: "paretonbd", title: "Pareto/NBD", fit: func(ctx context.Context, cs []clv.Customer, g *clv.Grouping, pen float64, start []float64) (PurchaseModel, error) {
		opts := paretonbd.FitOptions{Penalizer: pen, Grouping: g}
		if len(start) == 4 {
			opts.Start = &paretonbd.Params{R: start[0], Alpha: start[1], S: start[2], Beta: start[3]}
		}
		return model(paretonbd.FitContext(ctx, cs, opts))
	}, params: func(m PurchaseModel) []float64 {
		p := m.(*paretonbd.Model).Params()
		return []float64{p.R, p.Alpha, p.S, p.Beta}
	}, draws: func(m PurchaseModel, src rand.Source, n int) ([]clv.PurchaseModel, error) {
		ps, err := m.(*paretonbd.Model).SampleParams(src, n)
		return newModels(ps, err, paretonbd.New)
	}},
	ggompertzModel, // ggompertz.go
}

func fitBGNBD(v bgnbd.Variant) func(context.Context, []clv.Customer, *clv.Grouping, float64, []float64) (PurchaseModel, error) {
	return func(ctx context.Context, cs []clv.Customer, g *clv.Grouping, pen float64, start []float64) (PurchaseModel, error) {
		opts := bgnbd.FitOptions{Variant: v, Penalizer: pen, Grouping: g}
		if len(start) == 4 {
			opts.Start = &bgnbd.Params{R: start[0], Alpha: start[1], A: start[2], B: start[3]}
		}
		return model(bgnbd.FitContext(ctx, cs, opts))
	}
}

func bgnbdParams(m PurchaseModel) []float64 {
	p := m.(*bgnbd.Model).Params()
	return []float64{p.R, p.Alpha, p.A, p.B}
}

func bgnbdDraws(m PurchaseModel, src rand.Source, n int) ([]clv.PurchaseModel, error) {
	bm := m.(*bgnbd.Model)
	ps, err := bm.SampleParams(src, n)
	return newModels(ps, err, func(p bgnbd.Params) (*bgnbd.Model, error) { return bgnbd.NewVariant(bm.Variant(), p) })
}

// newModels returns a model of each parameter set ps.
func newModels[P any, M clv.PurchaseModel](ps []P, err error, build func(P) (M, error)) ([]clv.PurchaseModel, error) {
	if err != nil {
		return nil, err
	}
	out := make([]clv.PurchaseModel, len(ps))
	for d, p := range ps {
		if out[d], err = build(p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lookup returns the table's entry for a model name, or nil.
func lookup(name string) *purchaseModel {
	for _, tab := range [][]purchaseModel{purchaseModels, covariateModels, dynamicModels} {
		for i := range tab {
			if tab[i].name == name {
				return &tab[i]
			}
		}
	}
	return nil
}

// sameAs is the sameAs of the model name's entry, "" without.
func sameAs(name string, m PurchaseModel) string {
	if pm := lookup(name); pm != nil && pm.sameAs != nil {
		return pm.sameAs(m)
	}
	return ""
}

// ModelNames are the purchase models Config.Model accepts besides "auto",
// in the order of the comparison.
var ModelNames = func() []string {
	names := make([]string, len(purchaseModels))
	for i, m := range purchaseModels {
		names[i] = m.name
	}
	return names
}()

// ModelTitle returns the name of a purchase model for people, e.g.
// "Pareto/NBD" for "paretonbd", or "" for an unknown one.
func ModelTitle(name string) string {
	if m := lookup(name); m != nil {
		return m.title
	}
	return ""
}

// DefaultFitBudget is the time one fit may take when Config.FitBudget is
// zero: far above what any fit needs (well under a second per million
// customers), a bound so that no run can hang on a fit.
const DefaultFitBudget = 2 * time.Minute

// ErrFitBudget is wrapped by the error of a fit that did not finish within
// Config.FitBudget.
var ErrFitBudget = errors.New("the fit did not finish within its time budget")

// fitter fits purchase models by name, each within its time budget.
type fitter struct {
	pen    float64
	budget time.Duration
	cov    *covTable // the covariates, nil without
	dyn    *dynTable // the time-varying covariates, nil without
	// start, in an incremental run, holds the previous run's parameters
	// of each purchase model by name, where its fits start (nil: the
	// models' default starts).
	start map[string][]float64
	// spendStart, in an incremental run, is the previous run's spend
	// model's parameters, where its fit starts (nil: the default).
	spendStart *gammagamma.Params
	// drawable: the run asks for intervals (Config.Interval), so auto
	// leaves out a candidate whose parameters cannot be drawn when
	// another can (see drawableOnly).
	drawable bool
}

// names returns the models "auto" compares: ModelNames, and with
// covariates CovariateModelNames; under a penalizer, those with a
// penalized fit.
func (f fitter) names() []string {
	names := ModelNames
	switch {
	case f.cov != nil:
		names = append(slices.Clone(ModelNames), CovariateModelNames...)
	case f.dyn != nil:
		names = append(slices.Clone(ModelNames), DynamicModelName)
	}
	if f.pen != 0 {
		names = slices.DeleteFunc(slices.Clone(names), func(n string) bool { return lookup(n).unpenalized })
	}
	return names
}

// fit fits the model name to cs, whose grouping is g (nil: the fit
// groups them).
func (f fitter) fit(ctx context.Context, name string, cs []clv.Customer, g *clv.Grouping) (PurchaseModel, error) {
	fctx, cancel := context.WithTimeout(ctx, f.budget)
	defer cancel()
	pm := lookup(name)
	if pm == nil {
		return nil, fmt.Errorf("%w: model %q: want auto, %s", ErrConfig, name, strings.Join(ModelNames, ", "))
	}
	var m PurchaseModel
	var err error
	switch {
	case pm.fitDyn != nil && f.dyn == nil:
		return nil, fmt.Errorf("%w: model %q needs time-varying covariates", ErrConfig, name)
	case pm.fitDyn != nil:
		m, err = pm.fitDyn(fctx, cs, f.dyn, f.pen)
	case pm.fitCov == nil:
		m, err = pm.fit(fctx, cs, g, f.pen, f.start[name])
	case f.cov == nil:
		return nil, fmt.Errorf("%w: model %q needs covariates", ErrConfig, name)
	default:
		m, err = pm.fitCov(fctx, cs, f.cov, f.pen)
	}
	if err != nil && ctx.Err() == nil && fctx.Err() != nil {
		return nil, fmt.Errorf("%w of %v", ErrFitBudget, f.budget)
	}
	if errors.Is(err, clv.ErrBoundary) && m != nil {
		// The likelihood is highest in a limit of the model, which was
		// fitted instead: a usable model whose FitInfo says which limit.
		return m, nil
	}
	return m, err
}

// model returns a fit's model as a PurchaseModel, nil when there is none
// (not a typed nil pointer, which would compare unequal to nil).
func model[T any, P interface {
	*T
	PurchaseModel
}](p P, err error) (PurchaseModel, error) {
	if p == nil {
		return nil, err
	}
	return p, err
}

// Choice is the outcome of fitting and choosing the purchase model.
type Choice struct {
	Name       string                   // the model used, one of ModelNames
	Model      PurchaseModel            // the chosen model, fitted on the whole observation
	Fitted     map[string]PurchaseModel // every model fitted for the choice, by name (on the calibration period if there is one)
	Comparison *assess.Comparison       // nil when one model was asked for
	Failed     map[string]string        // candidates whose fit failed, with the reason
	// NotFitted are the candidates auto did not fit because a test on
	// another model's fit showed the fit would only find that model
	// (the GGompertz/NBD at its Pareto/NBD limit), with the reason.
	NotFitted map[string]string
	// Calibration, with a calibration end, is the chosen model fitted on
	// the calibration period (Fitted[Name]), which the holdout checks;
	// Model is then the same model refitted on the whole observation.
	// Without a calibration end, Model is that fit and Calibration nil.
	Calibration PurchaseModel
	// Fallback, if not empty, says why Name is not the comparison's
	// choice: under auto with a calibration end, the chosen model could
	// not be refitted on the whole observation (its fit failed), so the
	// next model by the comparison's criterion that could is used
	// (Comparison.Chosen still names the comparison's choice).
	Fallback string
}

// choosePurchaseModel fits the model -model names, or with "auto" every
// candidate concurrently, compares them on the calibration data and the
// holdout (if any) and picks one (assess.CompareModels); g is the grouping
// of cs, which the fits take their rows from. A candidate whose fit fails
// is left out of the comparison and reported; it is an error if all
// fail.
func choosePurchaseModel(ctx context.Context, which string, cs []clv.Customer, g *clv.Grouping, hold []clv.Holdout, fits fitter, say func(string, ...any)) (*Choice, error) {
	names := []string{which}
	if which == "auto" {
		names = fits.names()
	}
	ch := &Choice{Fitted: map[string]PurchaseModel{}, Failed: map[string]string{}, NotFitted: map[string]string{}}
	models := make([]PurchaseModel, len(names))
	errs := make([]error, len(names))
	notes := make([]string, len(names))
	skip := make([]bool, len(names))
	done := make([]chan struct{}, len(names))
	for i := range done {
		done[i] = make(chan struct{})
	}
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Go(func() {
			defer close(done[i])
			if pm := lookup(n); which == "auto" && pm.screen != nil {
				if r := slices.Index(names, pm.screenBy); r >= 0 {
					<-done[r]
					if errs[r] == nil && models[r] != nil {
						sctx, cancel := context.WithTimeout(ctx, fits.budget)
						notes[i], skip[i] = pm.screen(sctx, cs, g, models[r])
						cancel()
						if skip[i] {
							return
						}
					}
				}
			}
			models[i], errs[i] = fits.fit(ctx, n, cs, g)
		})
	}
	wg.Wait()
	var cands []assess.Candidate
	for i, n := range names {
		if skip[i] {
			ch.NotFitted[n] = notes[i]
			say("  %s: %s", ModelTitle(n), notes[i])
			continue
		}
		if notes[i] != "" {
			say("  %s: %s", ModelTitle(n), notes[i])
		}
		if errs[i] != nil {
			if which != "auto" {
				return nil, errs[i]
			}
			ch.Failed[n] = errs[i].Error()
			say("  %s: fit failed, left out: %v", ModelTitle(n), errs[i])
			continue
		}
		say("  %v", models[i])
		if fi := models[i].FitInfo(); fi.Status == clv.AtBoundary {
			say("    at a boundary of the model: %s", fi.Reason)
		}
		if o := sameAs(n, models[i]); which == "auto" && o != "" && ch.Fitted[o] != nil {
			say("    the %s, which the comparison has: left out of it", ModelTitle(o))
			continue
		}
		ch.Fitted[n] = models[i]
		cands = append(cands, assess.Candidate{Name: n, Model: models[i]})
	}
	if len(cands) == 0 {
		if which == "auto" {
			return nil, &NoModelError{Names: names, Errs: errs}
		}
		return nil, fmt.Errorf("%w: %w", ErrNoModel, errors.Join(errs...))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if which != "auto" {
		ch.Name, ch.Model = which, models[0]
		return ch, nil
	}
	if fits.drawable {
		cands = drawableOnly(cands, ch, say)
	}
	cmp, err := assess.CompareModels(cands, cs, hold, 7)
	if err != nil {
		return nil, err
	}
	ch.Comparison = &cmp
	ch.Name = cmp.Scores[cmp.Chosen].Name
	ch.Model = ch.Fitted[ch.Name]
	say("model choice: %s", cmp.Reason)
	width := 10
	for _, s := range cmp.Scores {
		width = max(width, utf8.RuneCountInString(ModelTitle(s.Name)))
	}
	for _, s := range cmp.Scores {
		line := fmt.Sprintf("  %-*s LL %12.2f  k %d  AIC %12.2f  BIC %12.2f", width, ModelTitle(s.Name), s.LogLikelihood, s.NumParams, s.AIC, s.BIC)
		if s.Holdout != nil {
			line += fmt.Sprintf("  holdout MAE %.4f  RMSE %.4f  total error %+.1f", s.Holdout.Model.MAE, s.Holdout.Model.RMSE, s.TotalError)
		}
		say("%s", line)
	}
	return ch, nil
}

// drawableOnly returns the candidates whose parameters can be drawn for
// intervals, if any can; the others it moves from ch.Fitted to
// ch.Failed, saying why. A fit that stopped on its way to a limit of the
// model without a limit model to hold (the GGompertz/NBD whose s runs
// off) has no covariance: chosen, it would fail the run asked for
// intervals (ErrNoIntervals), where another candidate gives them. If no
// candidate can, all stay, and the run fails saying so.
func drawableOnly(cands []assess.Candidate, ch *Choice, say func(string, ...any)) []assess.Candidate {
	ok := make([]error, len(cands))
	some := false
	for i, c := range cands {
		_, ok[i] = purchaseDraws(c.Name, ch.Fitted[c.Name], rand.NewPCG(purchaseSeed, 1), 1)
		some = some || ok[i] == nil
	}
	if !some {
		return cands
	}
	var out []assess.Candidate
	for i, c := range cands {
		if ok[i] == nil {
			out = append(out, c)
			continue
		}
		why := fmt.Sprintf("left out: -interval needs parameter draws, and it has none (%v)", ok[i])
		say("  %s: %s", ModelTitle(c.Name), why)
		ch.Failed[c.Name] = why
		delete(ch.Fitted, c.Name)
	}
	return out
}
