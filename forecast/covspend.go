package forecast

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"gonum.org/v1/gonum/stat/distuv"
)

// The spend model with covariates. With Config.Covariates and amounts,
// the job always values purchases with the Gamma-Gamma model whose scale
// carries the covariates (gammagamma.FitCovariates: a customer with
// covariates z has the mean spend per purchase exp(δ·z) times the
// reference customers'): it nests the model without them, so an effect
// the data do not support is estimated near none, with an interval that
// says so, and the likelihood-ratio tests in the report tell which
// effects are real. There is no choice between the two by a criterion, as
// there is for the purchase models: the customers' own spend dominates
// their expected spend as soon as they have a few purchases, and the
// covariates matter most where it does not — for new customers (the
// value per profile). The model without covariates is still fitted
// (Result.Spend), starts the covariate fit, and values the purchases if
// the covariate fit fails (Covariates.SpendNote says why).

// SpendModelName is the name of the spend model with covariates in
// Covariates.SpendModel, model.json and the report.
const SpendModelName = "gammagamma-cov"

// covSpend values a customer's purchases with the spend model of the
// customer's covariate profile (the mean profile for a customer without
// one), at the profile's population mean for a customer whose repeat
// purchases are worth 0 or less (as spend does).
type covSpend struct {
	tab    *covTable
	models []*gammagamma.Model // per profile of tab
}

// newCovSpend returns the spend model of m for the profiles of t.
func newCovSpend(m *gammagamma.CovModel, t *covTable) (covSpend, error) {
	s := covSpend{tab: t, models: make([]*gammagamma.Model, len(t.profs))}
	for g, z := range t.profs {
		sm, err := m.Customer(z)
		if err != nil {
			return covSpend{}, fmt.Errorf("the spend model of the customers with covariates %v: %w", z, err)
		}
		if q := sm.Params().Q; q <= 1 {
			return covSpend{}, fmt.Errorf("the spend model of the customers with covariates %v has q = %.3g ≤ 1 (an infinite mean)", z, q)
		}
		s.models[g] = sm
	}
	return s, nil
}

// ConditionalExpectedValue implements clv.SpendModel.
func (s covSpend) ConditionalExpectedValue(c clv.Customer) float64 {
	sm := s.models[s.tab.slotOf(c.ID)]
	if c.Frequency > 0 && c.MonetaryValue <= 0 {
		return sm.PopulationMean()
	}
	return sm.ConditionalExpectedValue(c)
}

// fitSpendCov fits the spend model with the covariates of Config.Covariates
// (after the one without, res.Spend, which it starts from), tests its
// effects, and returns the spend model that values the purchases: the
// covariate model's, or the plain one's if its fit failed (said in
// Covariates.SpendNote).
func (j *job) fitSpendCov(ctx context.Context, res *Result) (clv.SpendModel, error) {
	c, t := res.Covariates, j.fits.cov
	plain := spend{res.Spend}
	cs := res.Summary.Customers
	z := t.of(cs)
	opts := gammagamma.CovFitOptions{SkipNonPositive: true, Penalizer: j.cfg.Penalizer}
	if spendBoundary(res.Spend) == "" {
		p := res.Spend.Params()
		opts.Start = &p
	}
	j.say("fitting gamma-gamma with the covariates on the scale of spend")
	m, err := gammagamma.FitCovariates(ctx, cs, z, opts)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil && opts.Start != nil && !errors.Is(err, clv.ErrInvalidCustomer) && !errors.Is(err, clv.ErrInvalidCovariates) {
		// Once more from the default starts.
		opts.Start = nil
		m, err = gammagamma.FitCovariates(ctx, cs, z, opts)
	}
	if err != nil {
		c.SpendNote = fmt.Sprintf("The Gamma-Gamma fit with the covariates failed (%v): the model without them values the purchases.", err)
		j.say("  %s", c.SpendNote)
		return plain, nil
	}
	sm, err := newCovSpend(m, t)
	if err != nil {
		c.SpendNote = fmt.Sprintf("The Gamma-Gamma model with the covariates is not usable (%v): the model without them values the purchases.", err)
		j.say("  %s", c.SpendNote)
		return plain, nil
	}
	c.Spend = m
	j.say("  %v", m)
	// The joint test of all the effects: the model without covariates is
	// the one with every δ at 0.
	c.SpendLR = max(0, 2*(m.LogLikelihood()-res.Spend.LogLikelihood()))
	c.SpendP = distuv.ChiSquared{K: float64(len(c.Names))}.Survival(c.SpendLR)
	if spendBoundary(res.Spend) != "" {
		c.SpendLR, c.SpendP = math.NaN(), math.NaN()
	}
	j.say("  testing its effects (one refit per covariate)")
	eff, err := m.EffectTests(ctx, cs, z, opts, EffectLevel)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		j.say("  without likelihood-ratio tests: %v", err)
		if eff, err = m.Effects(EffectLevel); err != nil {
			eff = nil
		}
	}
	c.SpendEffects = eff
	for _, e := range eff {
		j.say("  %s spend %s", "C"+strings.TrimPrefix(c.subject(e.Covariate), "c"), times(e, "as much per purchase"))
	}
	return sm, nil
}

// spendDrawModels returns n spend models of parameters drawn from the
// spend fit's approximate sampling distribution: of the model with
// covariates when it values the purchases (each draw with a model per
// profile), else of the model without.
func (res *Result) spendDrawModels(n int) ([]clv.SpendModel, error) {
	out := make([]clv.SpendModel, n)
	if c := res.Covariates; c != nil && c.Spend != nil {
		sps, err := c.Spend.SampleParams(rand.NewPCG(spendSeed, 1), n)
		if err != nil {
			return nil, fmt.Errorf("%w: the Gamma-Gamma model with covariates: %v; forecast without intervals", ErrNoIntervals, err)
		}
		for d, p := range sps {
			dm, err := gammagamma.NewCovariates(p)
			if err != nil {
				return nil, fmt.Errorf("intervals: %w", err)
			}
			if out[d], err = newCovSpend(dm, c.tab); err != nil {
				return nil, fmt.Errorf("intervals: spend draw %d: %w", d, err)
			}
		}
		return out, nil
	}
	sps, err := spendDraws(res.Spend, rand.NewPCG(spendSeed, 1), n)
	if err != nil {
		return nil, err
	}
	for d := range sps {
		sm, err := gammagamma.New(sps[d])
		if err != nil {
			return nil, err
		}
		out[d] = spend{sm}
	}
	return out, nil
}
