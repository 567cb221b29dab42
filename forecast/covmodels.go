package forecast

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
	"github.com/clvkit/clvkit/paretonbd"
)

// covariateModels are the purchase models with static covariates, in the
// order of the comparison (after ModelNames): each the model of the same
// name without "-cov", every customer with the parameters of the
// customer's covariate vector (paretonbd.FitCovariates,
// bgnbd.FitCovariates).
var covariateModels = []purchaseModel{
	{name: "bgnbd-cov", title: "BG/NBD + covariates", fitCov: fitBGNBDCov(bgnbd.BGNBD), draws: covDraws},
	{name: "mbgnbd-cov", title: "MBG/NBD + covariates", fitCov: fitBGNBDCov(bgnbd.MBGNBD), draws: covDraws},
	{name: "paretonbd-cov", title: "Pareto/NBD + covariates", fitCov: fitParetoCov, draws: covDraws},
	ggompertzCovModel, // ggompertz.go
}

// CovariateModelNames are the purchase models with covariates that
// Config.Model accepts with Config.Covariates, and that "auto" compares
// with ModelNames when covariates are given.
var CovariateModelNames = func() []string {
	names := make([]string, len(covariateModels))
	for i, m := range covariateModels {
		names[i] = m.name
	}
	return names
}()

// covDraws returns n covariate models of pm's kind with the parameters
// (base and γ) drawn from the fit's approximate sampling distribution
// (the CovModels' SampleParams), each with a model per profile of pm's
// table: a draw predicts every customer with the customer's own
// covariates. Without a covariance (the Hessian not positive definite)
// it is ErrNoIntervals.
func covDraws(pm PurchaseModel, src rand.Source, n int) ([]clv.PurchaseModel, error) {
	cp, ok := pm.(*covPurchase)
	if !ok || cp.sample == nil {
		return nil, fmt.Errorf("intervals: no parameter draws for %v", pm)
	}
	custs, err := cp.sample(src, n)
	if err != nil {
		return nil, fmt.Errorf("%w: %v: %v; forecast without intervals, or with another model", ErrNoIntervals, pm, err)
	}
	// A draw's population mixture (ExpectedPurchases, the unconditional
	// PMF: the tracking plot's band) runs over at most mixProfiles (32)
	// profiles, every k-th carrying the weight of its block of k: with a
	// numeric covariate (a profile per customer) the band would otherwise
	// cost profiles × draws × times.
	weights := cp.weights
	if k := (len(weights) + mixProfiles - 1) / mixProfiles; k > 1 {
		weights = make([]float64, len(cp.weights))
		for g, w := range cp.weights {
			weights[g-g%k] += w
		}
	}
	out := make([]clv.PurchaseModel, len(custs))
	for d, customer := range custs {
		dm := &covPurchase{name: cp.name, fitted: cp.fitted, tab: cp.tab, models: make([]PurchaseModel, len(cp.models)), weights: weights}
		for g, z := range cp.tab.profs {
			if dm.models[g], err = customer(z); err != nil {
				return nil, fmt.Errorf("intervals: draw %d of %v, the customers with covariates %v: %w", d, pm, z, err)
			}
		}
		out[d] = dm
	}
	return out, nil
}

// mixProfiles bounds the profiles of a draw's population mixture.
const mixProfiles = 32

// covSampler returns the sample function of a covPurchase: n draws of
// the fit's parameters (draw), each as the function from a covariate
// vector to that customer's model (customer of the draw).
func covSampler[P any](draw func(rand.Source, int) ([]P, error), customer func(P) (func([]float64) (PurchaseModel, error), error)) func(rand.Source, int) ([]func([]float64) (PurchaseModel, error), error) {
	return func(src rand.Source, n int) ([]func([]float64) (PurchaseModel, error), error) {
		ps, err := draw(src, n)
		if err != nil {
			return nil, err
		}
		out := make([]func([]float64) (PurchaseModel, error), len(ps))
		for d, p := range ps {
			if out[d], err = customer(p); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
}

// covFitted is what the job uses of paretonbd.CovModel and bgnbd.CovModel.
type covFitted interface {
	FitInfo() clv.FitInfo
	String() string
	Effects(level float64) ([]clv.CovariateEffect, error)
	MarshalJSON() ([]byte, error)
}

// covPurchase is a purchase model with covariates as a PurchaseModel:
// each customer is predicted by the plain model of the customer's
// covariate vector, found by the customer's id (the mean profile for a
// customer without one).
type covPurchase struct {
	name   string
	fitted covFitted
	tab    *covTable
	models []PurchaseModel // per profile of tab
	// weights are the log's customers per profile: the population that
	// ExpectedPurchases and ProbabilityOfPurchasesUnconditional mix.
	weights []float64
	// tests returns Effects with likelihood-ratio tests, refitting on the
	// customers of the fit.
	tests func(ctx context.Context, level float64) ([]clv.CovariateEffect, error)
	// at returns the model of a customer with covariate vector z.
	at func(z []float64) (PurchaseModel, error)
	// sample draws n parameter sets of the fit, each as its customers'
	// models by covariate vector (covDraws); nil for a draw.
	sample func(src rand.Source, n int) ([]func([]float64) (PurchaseModel, error), error)
}

func fitParetoCov(ctx context.Context, cs []clv.Customer, t *covTable, pen float64) (PurchaseModel, error) {
	z := t.of(cs)
	opts := paretonbd.CovFitOptions{Penalizer: pen}
	m, err := paretonbd.FitCovariates(ctx, cs, z, opts)
	if m == nil {
		return nil, err
	}
	tests := func(ctx context.Context, level float64) ([]clv.CovariateEffect, error) {
		return m.EffectTests(ctx, cs, z, opts, level)
	}
	sample := covSampler(m.SampleParams, func(p paretonbd.CovParams) (func([]float64) (PurchaseModel, error), error) {
		dm, err := paretonbd.NewCovariates(p)
		if err != nil {
			return nil, err
		}
		return func(z []float64) (PurchaseModel, error) { return model(dm.Customer(z)) }, nil
	})
	return newCovPurchase("paretonbd-cov", m, t, cs, func(z []float64) (PurchaseModel, error) { return model(m.Customer(z)) }, tests, sample, err)
}

func fitBGNBDCov(v bgnbd.Variant) func(context.Context, []clv.Customer, *covTable, float64) (PurchaseModel, error) {
	name := "bgnbd-cov"
	if v == bgnbd.MBGNBD {
		name = "mbgnbd-cov"
	}
	return func(ctx context.Context, cs []clv.Customer, t *covTable, pen float64) (PurchaseModel, error) {
		z := t.of(cs)
		opts := bgnbd.CovFitOptions{Variant: v, Penalizer: pen}
		m, err := bgnbd.FitCovariates(ctx, cs, z, opts)
		if m == nil {
			return nil, err
		}
		tests := func(ctx context.Context, level float64) ([]clv.CovariateEffect, error) {
			return m.EffectTests(ctx, cs, z, opts, level)
		}
		sample := covSampler(m.SampleParams, func(p bgnbd.CovParams) (func([]float64) (PurchaseModel, error), error) {
			dm, err := bgnbd.NewCovariates(v, p)
			if err != nil {
				return nil, err
			}
			return func(z []float64) (PurchaseModel, error) { return model(dm.Customer(z)) }, nil
		})
		return newCovPurchase(name, m, t, cs, func(z []float64) (PurchaseModel, error) { return model(m.Customer(z)) }, tests, sample, err)
	}
}

// newCovPurchase wraps a fit (m, fitErr) whose customers are cs.
func newCovPurchase(name string, m covFitted, t *covTable, cs []clv.Customer, customer func([]float64) (PurchaseModel, error),
	tests func(context.Context, float64) ([]clv.CovariateEffect, error), sample func(rand.Source, int) ([]func([]float64) (PurchaseModel, error), error),
	fitErr error) (PurchaseModel, error) {
	cp := &covPurchase{name: name, fitted: m, tab: t, models: make([]PurchaseModel, len(t.profs)),
		weights: make([]float64, len(t.profs)), tests: tests, sample: sample, at: customer}
	for g, z := range t.profs {
		pm, err := customer(z)
		if err != nil {
			return nil, errors.Join(fitErr, fmt.Errorf("the customers with covariates %v: %w", z, err))
		}
		cp.models[g] = pm
	}
	for _, c := range cs {
		cp.weights[t.slotOf(c.ID)]++
	}
	return cp, fitErr
}

// model returns the model of a customer.
func (m *covPurchase) model(c clv.Customer) PurchaseModel { return m.models[m.tab.slotOf(c.ID)] }

// ProbabilityAlive implements clv.PurchaseModel.
func (m *covPurchase) ProbabilityAlive(c clv.Customer) float64 { return m.model(c).ProbabilityAlive(c) }

// ConditionalExpectedPurchases implements clv.PurchaseModel.
func (m *covPurchase) ConditionalExpectedPurchases(c clv.Customer, t float64) float64 {
	return m.model(c).ConditionalExpectedPurchases(c, t)
}

// ConditionalExpectedPurchasesAt implements clv.PurchaseCurve.
func (m *covPurchase) ConditionalExpectedPurchasesAt(c clv.Customer, ts, out []float64) {
	pm := m.model(c)
	if pc, ok := pm.(clv.PurchaseCurve); ok {
		pc.ConditionalExpectedPurchasesAt(c, ts, out)
		return
	}
	for k, t := range ts {
		out[k] = pm.ConditionalExpectedPurchases(c, t)
	}
}

// byProfile calls f with each profile's model and the customers of cs
// with it (idx their indices in cs), profile by profile.
func (m *covPurchase) byProfile(cs []clv.Customer, f func(pm PurchaseModel, idx []int, sub []clv.Customer) error) error {
	groups := make([][]int, len(m.models))
	for i, c := range cs {
		g := m.tab.slotOf(c.ID)
		groups[g] = append(groups[g], i)
	}
	for g, idx := range groups {
		if len(idx) == 0 {
			continue
		}
		sub := make([]clv.Customer, len(idx))
		for k, i := range idx {
			sub[k] = cs[i]
		}
		if err := f(m.models[g], idx, sub); err != nil {
			return err
		}
	}
	return nil
}

// scatter computes per-customer values profile by profile.
func (m *covPurchase) scatter(cs []clv.Customer, per int, f func(pm PurchaseModel, sub []clv.Customer) ([]float64, error)) ([]float64, error) {
	if len(cs) == 0 {
		return nil, clv.ErrNoCustomers
	}
	out := make([]float64, len(cs)*per)
	err := m.byProfile(cs, func(pm PurchaseModel, idx []int, sub []clv.Customer) error {
		v, err := f(pm, sub)
		if err != nil {
			return err
		}
		for k, i := range idx {
			copy(out[i*per:(i+1)*per], v[k*per:(k+1)*per])
		}
		return nil
	})
	return out, err
}

// ProbabilityAliveAll returns ProbabilityAlive of every customer.
func (m *covPurchase) ProbabilityAliveAll(cs []clv.Customer) ([]float64, error) {
	return m.scatter(cs, 1, func(pm PurchaseModel, sub []clv.Customer) ([]float64, error) { return pm.ProbabilityAliveAll(sub) })
}

// ConditionalExpectedPurchasesAll returns ConditionalExpectedPurchases of
// every customer.
func (m *covPurchase) ConditionalExpectedPurchasesAll(cs []clv.Customer, t float64) ([]float64, error) {
	return m.scatter(cs, 1, func(pm PurchaseModel, sub []clv.Customer) ([]float64, error) {
		return pm.ConditionalExpectedPurchasesAll(sub, t)
	})
}

// DiscountedPurchasesAll implements clv.DiscountedPurchases, profile by
// profile: with the profile's model's own where it has one, else once per
// distinct (frequency, recency, T) of the profile's customers, on all
// cores. (predict.LifetimeValues, without it, would share the value of equal
// (frequency, recency, T) across profiles.)
func (m *covPurchase) DiscountedPurchasesAll(cs []clv.Customer, ts, w []float64) ([]float64, error) {
	return m.scatter(cs, 1, func(pm PurchaseModel, sub []clv.Customer) ([]float64, error) {
		if dp, ok := pm.(clv.DiscountedPurchases); ok {
			return dp.DiscountedPurchasesAll(sub, ts, w)
		}
		g := rows.Group(len(sub), func(i int) (rows.Key, bool) {
			c := &sub[i]
			return rows.Key{A: c.Frequency, B: c.Recency, C: c.T}, true
		})
		distinct := make([]clv.Customer, len(g.Keys))
		for d, k := range g.Keys {
			distinct[d] = clv.Customer{Frequency: k.A, Recency: k.B, T: k.C}
		}
		slot := g.Of
		disc := make([]float64, len(distinct))
		parallel.Map(len(distinct), func(lo, hi int) {
			cum := make([]float64, len(ts))
			for d := lo; d < hi; d++ {
				disc[d] = predict.DiscountedPurchasesOver(pm, distinct[d], ts, w, cum)
			}
		})
		out := make([]float64, len(sub))
		for i := range sub {
			out[i] = disc[slot[i]]
		}
		return out, nil
	})
}

// ExpectedFrequencyCounts adds up each profile's expected counts over its
// customers.
func (m *covPurchase) ExpectedFrequencyCounts(cs []clv.Customer, k int) ([]float64, error) {
	out := make([]float64, k+1)
	err := m.byProfile(cs, func(pm PurchaseModel, _ []int, sub []clv.Customer) error {
		v, err := pm.ExpectedFrequencyCounts(sub, k)
		for n := range v {
			out[n] += v[n]
		}
		return err
	})
	return out, err
}

// mix is the mean of f over the profiles, weighted by the log's customers.
func (m *covPurchase) mix(f func(pm PurchaseModel) float64) float64 {
	var s, n float64
	for g, pm := range m.models {
		if w := m.weights[g]; w > 0 {
			s += w * f(pm)
			n += w
		}
	}
	return s / n
}

// ExpectedPurchases implements clv.NewCustomerModel: the mean over the
// fitted customers' profiles (a new customer drawn from them).
func (m *covPurchase) ExpectedPurchases(t float64) float64 {
	return m.mix(func(pm PurchaseModel) float64 { return pm.ExpectedPurchases(t) })
}

// ProbabilityOfPurchasesUnconditional implements clv.UnconditionalPMF, as
// ExpectedPurchases a mixture over the profiles.
func (m *covPurchase) ProbabilityOfPurchasesUnconditional(n int, t float64) float64 {
	return m.mix(func(pm PurchaseModel) float64 { return pm.ProbabilityOfPurchasesUnconditional(n, t) })
}

// FitInfo implements clv.FittedModel.
func (m *covPurchase) FitInfo() clv.FitInfo { return m.fitted.FitInfo() }

// LogLikelihood implements clv.FittedModel.
func (m *covPurchase) LogLikelihood() float64 { return m.fitted.FitInfo().LogLikelihood }

// LogCovariance implements clv.FittedModel: not available (the covariate
// models' draws come from their own covariance, covDraws).
func (m *covPurchase) LogCovariance() ([][]float64, bool) { return nil, false }

// String returns the fitted model's line.
func (m *covPurchase) String() string { return m.fitted.String() }

// MarshalJSON writes the fitted model's JSON (paretonbd_covariates, ...).
func (m *covPurchase) MarshalJSON() ([]byte, error) { return m.fitted.MarshalJSON() }
