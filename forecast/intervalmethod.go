package forecast

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/paretonbd"
)

// limitStart is where the fit of a limit model starts: the dropout shape
// (Pareto/NBD's s; BG/NBD's smaller of a and b) scaled up to it with its
// partner, past the models' boundary (10⁴), so that the fit stops at
// once and fits the limit model with the shape held (FitInfo.Status
// clv.AtBoundary) from the full fit's other parameters.
const limitStart = 1e5

// limitFits fits the limit model of a purchase model by name: the
// dropout limit, where the heterogeneity of dropout vanishes (Pareto/NBD:
// s, β → ∞ with s/β = μ, exponential lifetimes; BG/NBD and MBG/NBD:
// a, b → ∞ with a/(a+b) = p, one dropout probability for all). Models
// without an entry (the covariate models, and the GGompertz/NBD, whose
// b → 0 limit, the Pareto/NBD, is not tested here) have no limit model to
// test, and their intervals use the normal approximation.
var limitFits = map[string]func(ctx context.Context, m PurchaseModel, cs []clv.Customer, g *clv.Grouping) (PurchaseModel, error){
	"bgnbd":  bgnbdLimit,
	"mbgnbd": bgnbdLimit,
	"paretonbd": func(ctx context.Context, m PurchaseModel, cs []clv.Customer, g *clv.Grouping) (PurchaseModel, error) {
		p := m.(*paretonbd.Model).Params()
		k := max(1, limitStart/p.S)
		start := paretonbd.Params{R: p.R, Alpha: p.Alpha, S: p.S * k, Beta: p.Beta * k}
		return limitModel(paretonbd.FitContext(ctx, cs, paretonbd.FitOptions{Start: &start, Grouping: g}))
	},
}

func bgnbdLimit(ctx context.Context, m PurchaseModel, cs []clv.Customer, g *clv.Grouping) (PurchaseModel, error) {
	bm := m.(*bgnbd.Model)
	p := bm.Params()
	k := max(1, limitStart/min(p.A, p.B))
	start := bgnbd.Params{R: p.R, Alpha: p.Alpha, A: p.A * k, B: p.B * k}
	return limitModel(bgnbd.FitContext(ctx, cs, bgnbd.FitOptions{Variant: bm.Variant(), Start: &start, Grouping: g}))
}

// limitModel returns the model of a limit fit, or an error when the fit
// did not end at a limit of the model.
func limitModel[T any, P interface {
	*T
	PurchaseModel
}](m P, err error) (PurchaseModel, error) {
	if m == nil {
		return nil, err
	}
	if err != nil && !errors.Is(err, clv.ErrBoundary) {
		return nil, err
	}
	if m.FitInfo().Status != clv.AtBoundary {
		return nil, fmt.Errorf("the fit from past the boundary did not stay at the limit (%v)", m)
	}
	return m, nil
}

// IntervalMethod says which method made a run's intervals and why
// (Result.IntervalMethod).
type IntervalMethod struct {
	interval.Decision
	// Limit is the limit model the fit was tested against (and, with
	// interval.MethodMixture, half the draws came from); nil when none
	// was fitted.
	Limit PurchaseModel `json:"limit_model,omitempty"`
	// LR and Critical are Decision's, nil when no limit model was fitted
	// or they are not finite (a fit not fitted, or whose log-likelihood
	// is not a number): JSON has no NaN or ±Inf.
	LR       *float64 `json:"likelihood_ratio,omitempty"`
	Critical *float64 `json:"critical_value,omitempty"`
}

// chooseIntervalMethod decides how the draws of the purchase model pm
// (the model named name, fitted to cs with grouping g) are made, per
// Config.IntervalMethod (interval.Decide): unless the normal
// approximation is asked for, or the fit is at a limit already, it fits
// the model's limit model (one fit more, honouring ctx) and tests it.
// A limit fit that fails leaves the normal approximation, with the
// failure in the reason; MethodMixture asked for is then an error. The
// limit model is fitted without Config.Penalizer (as every limit model
// is): a penalized fit's likelihood, lower than its unpenalized optimum,
// makes the test reject the limit less often, the safe side.
func chooseIntervalMethod(ctx context.Context, asked interval.Method, level float64, name string, pm PurchaseModel, cs []clv.Customer, g *clv.Grouping) (*IntervalMethod, error) {
	var lm PurchaseModel
	var limitErr error
	fit, hasLimit := limitFits[name]
	switch {
	case asked == interval.MethodNormal, pm.FitInfo().Status == clv.AtBoundary:
	case !hasLimit:
		if asked == interval.MethodMixture {
			return nil, fmt.Errorf("intervals: %w: method mixture: %s has no limit model", ErrNoIntervals, ModelTitle(name))
		}
	default:
		lm, limitErr = fit(ctx, pm, cs, g)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if limitErr != nil && asked == interval.MethodMixture {
			return nil, fmt.Errorf("intervals: %w: method mixture: the limit model: %v", ErrNoIntervals, limitErr)
		}
	}
	var li *clv.FitInfo
	if lm != nil {
		fi := lm.FitInfo()
		li = &fi
	}
	dec := interval.Decide(asked, level, pm.FitInfo(), li)
	if limitErr != nil {
		dec.Reason += fmt.Sprintf(" (the limit model could not be fitted: %v)", limitErr)
	}
	im := &IntervalMethod{Decision: dec, Limit: lm}
	if lm != nil && !math.IsNaN(dec.LR) && !math.IsInf(dec.LR, 0) && !math.IsNaN(dec.Critical) && !math.IsInf(dec.Critical, 0) {
		im.LR, im.Critical = &dec.LR, &dec.Critical
	}
	return im, nil
}

// mixtureDraws returns the purchase model's draws under the method: fit,
// the n draws of pm's normal approximation the caller made, or with
// interval.MethodMixture those and n draws of the limit model's,
// interleaved (fit[0], limit[0], fit[1], …), with the level of their quantile band
// (interval.MixtureLevel). The mixture's 2n draws double the cost of the
// pass over the customers, so that the fit's half is as precise as the
// normal draws alone: the mixture's band then holds the normal one up to
// the draws' noise.
func (im *IntervalMethod) mixtureDraws(name string, fit []clv.PurchaseModel, level float64) ([]clv.PurchaseModel, float64, error) {
	if im == nil || im.Method != interval.MethodMixture {
		return fit, level, nil
	}
	lms, err := purchaseDraws(name, im.Limit, rand.NewPCG(purchaseSeed, 3), len(fit))
	if err != nil {
		return nil, 0, err
	}
	out := make([]clv.PurchaseModel, 0, 2*len(fit))
	for i := range fit {
		out = append(out, fit[i], lms[i])
	}
	return out, interval.MixtureLevel(level), nil
}
