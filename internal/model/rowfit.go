package model

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/rows"
)

// RowModel is what FitRows needs to know of a model fitted to the
// customers' distinct (x, t_x, T) rows: its names, its log-likelihood, its
// starting points, its penalty convention and its limits. A model package
// builds one per fit (it may capture the fit's variant).
type RowModel[P Params[P]] struct {
	// Name is the package's name, the prefix of every error ("bgnbd").
	Name string
	// Model is the model's name for people ("MBG/NBD"), for errors that
	// must say which of a package's models failed; "" means Name.
	Model string
	// Names are the JSON names of Vector's entries, space-separated
	// ("r alpha a b"), for FitInfo.Reason and errors.
	Names string
	// LogLik returns a function that evaluates the weighted
	// log-likelihood of rows d at p and, if grad is not nil, writes its
	// gradient with respect to Vector's entries. FitRows calls it once per
	// set of rows it fits (the rows, a warm-start subsample, each limit
	// fit), so the function may keep scratch space between its calls;
	// once ctx is done, the function must return NaN (within a chunk of
	// rows), which stops the fit.
	LogLik func(ctx context.Context) func(d *rows.Data, p P, grad []float64) float64
	// LimitLogLik, if not nil, returns the log-likelihood of the limit
	// model with the shapes held[i] of Limits[i] held, as LogLik does (the
	// gradient with respect to all of Vector's entries, of which the fit
	// uses the free ones), when the model evaluates that limit in closed
	// form rather than at the held shapes (paretonbd's exponential-dropout
	// limit); nil for held sets it does not, whose fit uses LogLik.
	LimitLogLik func(ctx context.Context, held []bool) func(d *rows.Data, p P, grad []float64) float64
	// Hessian, if not nil, returns a function that writes the Hessian of
	// the log-likelihood of rows d at p with respect to Vector's entries,
	// row major, into h: the standard errors of a large fit come from it
	// (see mle.Problem.Hessian). As LogLik, it may keep scratch space.
	Hessian func(ctx context.Context) func(d *rows.Data, p P, h []float64)
	// Starts returns the default starting points, tried in order, for
	// data whose largest T is maxT.
	Starts func(maxT float64) []P
	// Penalty maps the L2 penalty coefficient c of the model's
	// FitOptions.Penalizer to mle.Problem's Penalizer and PenaltyScale,
	// given the number of customers and their largest T (each model
	// follows the conventions of the lifetimes package it documents).
	Penalty func(c float64, customers int, maxT float64) (coef float64, scale []float64)
	// Limits are the limits of the model toward which a fit may run off:
	// a heterogeneity vanishing, a shape and its partner growing without
	// bound with their ratio fixed. Nil: the fit never stops at a
	// boundary.
	Limits []Limit[P]
	// HeldShape is the value at which the fit of a limit model holds the
	// shape of each limit reached.
	HeldShape float64
	// LimitStarts is how many of Starts the fit of a limit model tries
	// after the point where the fit stopped, with the values of the held
	// pairs taken from that point.
	LimitStarts int
	// Reason says in plain language which limits p reached (held[i] for
	// Limits[i]) and at which rates, for FitInfo.Reason.
	Reason func(p P, held []bool) string
	// Edge, if not nil, says in plain language toward which further limit
	// of the model an estimate p lies whose likelihood is flat in some
	// parameters (their logarithms' standard errors above 20), such as a
	// mean dropout probability running off to 0 or 1 while its beta
	// distribution's parameters wander; "" for none, when the fit is not
	// identified instead. Such a fit, or limit fit, gets status AtBoundary
	// with the edge and the parameters named in FitInfo.Reason.
	Edge func(p P) string
	// EdgeUnidentified makes Edge judge also an estimate that FromEstimate
	// finds not identified (a parameter ran off toward 0 or infinity, or a
	// Hessian that is not positive definite), and the fit of a limit model
	// one of whose free parameters ran off toward 0: where Edge names an
	// edge, status AtBoundary with FromEstimate's finding in the reason
	// (paretonbd: s → 0, no dropout). bgnbd leaves it false: its fits of
	// one-time buyers (b → 0) stay not identified.
	EdgeUnidentified bool
}

// A Limit is a limit of a model in which a heterogeneity across customers
// vanishes: the shape of a gamma or beta distribution and its partner run
// off toward infinity together, their ratio fixed (a rate, or a mean
// probability), and the distribution becomes a point mass.
type Limit[P Params[P]] struct {
	// Shape and Partner are indices in Vector: the shape held at
	// RowModel.HeldShape in the limit model, and the parameter scaled with
	// it (by HeldShape/shape, keeping their ratio).
	Shape, Partner int
	// Reached reports whether a fit at p runs off toward the limit.
	Reached func(p P) bool
	// Near, if not nil, reports whether an estimate p whose likelihood is
	// flat (or that FromEstimate finds not identified) lies on the way to
	// the limit, short of Reached: the fit then fits the limit model from
	// p, as it does from a point that Reached, rather than naming the
	// edge (RowModel.Edge) or leaving the fit not identified.
	Near func(p P) bool
}

// RowOptions are the settings of one fit by FitRows, the fields every
// row model's FitOptions has (see those).
type RowOptions[P any] struct {
	Penalizer float64
	Weights   []float64
	Start     *P
	GradTol   float64
	MaxIter   int
	// Grouping is the customers' grouping (clv.Grouping, converted), nil
	// for none (see Compress).
	Grouping *rows.Grouping
}

// FitRows fits a model of the customers' distinct (x, t_x, T) rows by
// maximum likelihood and returns build's model of the result. It is the
// fit every row model shares:
//
//  1. compress the customers into weighted distinct rows (Compress);
//  2. start from opts.Start, if any, then from the spec's Starts;
//  3. minimize the mean negative log-likelihood plus the penalty with
//     mle.Fit, warm-started from every k-th row when there are more than
//     mle.WarmRows of them and no Start was given, stopping where a
//     Limit is Reached;
//  4. at such a stop, fit the limit model (fitLimit) instead;
//  5. otherwise build the model with FromEstimate, and return it with an
//     error wrapping mle.ErrNotConverged or clv.ErrNotIdentified when the
//     fit is not to be trusted.
//
// It returns the zero M (a nil model) only with an error that leaves
// nothing to inspect: invalid customers, options or start, or a fit that
// found no point at all.
func FitRows[P Params[P], M fmt.Stringer](ctx context.Context, spec RowModel[P], customers []clv.Customer, opts RowOptions[P], build func(Base[P]) M) (M, error) {
	var zero M
	var p0 P
	if err := observed(spec, customers, opts.Weights); err != nil {
		return zero, err
	}
	d, err := Compress(spec.Name, customers, opts.Weights, opts.Grouping)
	if err != nil {
		return zero, err
	}
	starts := spec.Starts(d.MaxT)
	if opts.Start != nil {
		if err := (*opts.Start).Validate(); err != nil {
			return zero, fmt.Errorf("%s: start: %w", spec.Name, err)
		}
		starts = append([]P{*opts.Start}, starts...)
	}
	ll := spec.LogLik(ctx)
	pr := mle.Problem{
		LogLik:  func(v, grad []float64) float64 { return ll(d, p0.FromVector(v), grad) },
		Valid:   func(v []float64) bool { return p0.FromVector(v).Validate() == nil },
		Weight:  d.W,
		GradTol: opts.GradTol, MaxIter: opts.MaxIter, // zero: mle's defaults
	}
	pr.Penalizer, pr.PenaltyScale = spec.Penalty(opts.Penalizer, len(customers), d.MaxT)
	if len(spec.Limits) > 0 {
		pr.AtBoundary = func(v []float64) bool {
			p := p0.FromVector(v)
			for _, l := range spec.Limits {
				if l.Reached(p) {
					return true
				}
			}
			return false
		}
	}
	for _, p := range starts {
		pr.Starts = append(pr.Starts, p.Vector())
	}
	if spec.Hessian != nil {
		hess := spec.Hessian(ctx)
		pr.Hessian = func(v, h []float64) { hess(d, p0.FromVector(v), h) }
	}
	if opts.Start == nil && len(d.Rows) > mle.WarmRows {
		// Warm start from every k-th distinct row, with its weight: an
		// unbiased estimate of LL/k.
		sub := d.Every(len(d.Rows) / (mle.WarmRows / 4))
		sll := spec.LogLik(ctx)
		pr.WarmFrom(func(v, grad []float64) float64 { return sll(sub, p0.FromVector(v), grad) }, sub.W)
	}
	est, fitErr := mle.Fit(ctx, pr)
	if est.Params == nil {
		return zero, fmt.Errorf("%s: fit: %w", spec.Name, fitErr)
	}
	if errors.Is(fitErr, mle.ErrBoundary) {
		return fitLimit(ctx, spec, d, p0.FromVector(est.Params), opts, build, false)
	}
	b, idErr := FromEstimate(est, p0.FromVector, spec.Names, d.W, clv.FitInfo{Rows: len(d.Rows), Penalizer: opts.Penalizer})
	if fitErr == nil && opts.Penalizer == 0 && (errors.Is(idErr, clv.ErrNotIdentified) || idErr == nil && len(flatParams(b.logCov, b.Free())) > 0) {
		// Flat, or not identified, on the way to a limit of the model
		// that its fit has not reached: the limit model from there.
		p := p0.FromVector(est.Params)
		for _, l := range spec.Limits {
			if l.Near != nil && l.Near(p) {
				return fitLimit(ctx, spec, d, p, opts, build, true)
			}
		}
	}
	if fitErr == nil && idErr == nil && opts.Penalizer == 0 {
		// A converged fit whose likelihood is flat in some parameters:
		// on a ridge toward an edge of the model, or not identified.
		if info, ok := checkEdges(spec, b.p, flatParams(b.logCov, b.Free()), b.info); ok {
			b.info, idErr = info, edgeError(info)
		}
	} else if fitErr == nil && opts.Penalizer == 0 && spec.EdgeUnidentified {
		// Not identified, unless on the way to a named edge.
		if info, ok := unidentifiedEdge(spec, b.p, "", b.info); ok {
			b.info, idErr = info, edgeError(info)
		}
	}
	m := build(b)
	if fitErr != nil {
		return m, fmt.Errorf("%s: %w (best: %v)", spec.Name, fitErr, m)
	}
	if idErr != nil {
		return m, fmt.Errorf("%s: %v: %w", spec.Name, m, idErr)
	}
	return m, nil
}

// fitLimit fits the limit model toward which a fit ran off, from the point
// p where it stopped (with near, also the limits p is Near, where a flat
// fit stopped short of them): with the shape of each limit reached held at
// spec.HeldShape and its partner scaled to keep their ratio, it maximizes
// the likelihood over the other parameters (on spec.LimitLogLik where the
// model gives the limit's own likelihood), without the penalty (a
// penalty on a held shape would say nothing about the data, and the
// penalty the full fit had was too weak to hold it short of the limit).
// If that fit runs off toward another limit, the next pass holds that
// shape too. The model it returns has FitInfo.Status clv.AtBoundary (when
// the fit converged), the limits in FitInfo.Reason, NumParams the
// parameters left free, Penalizer 0, the covariance of the free
// parameters from the Hessian of the limit model's log-likelihood in them
// (WithLimitCovariance: the held shapes carry no uncertainty, so draws and
// intervals are conditional on the limit), and an error
// wrapping clv.ErrBoundary (or clv.ErrNotIdentified when a free parameter
// ran off toward 0, see FromEstimate).
func fitLimit[P Params[P], M fmt.Stringer](ctx context.Context, spec RowModel[P], d *rows.Data, p P, opts RowOptions[P], build func(Base[P]) M, near bool) (M, error) {
	var zero M
	var p0 P
	held := make([]bool, len(spec.Limits))
	for i, l := range spec.Limits {
		held[i] = l.Reached(p) || near && l.Near != nil && l.Near(p)
	}
	for range spec.Limits { // each pass holds one more shape
		v := p.Vector()
		fixed := make([]bool, len(v))
		for i, l := range spec.Limits {
			if held[i] {
				v[l.Partner] *= spec.HeldShape / v[l.Shape]
				v[l.Shape] = spec.HeldShape
				fixed[l.Shape] = true
			}
		}
		h := mle.Hold(v, fixed)
		expand := func(free []float64) P { return p0.FromVector(h.Expand(free)) }
		ll := spec.LogLik(ctx)
		if spec.LimitLogLik != nil {
			if f := spec.LimitLogLik(ctx, held); f != nil {
				ll = f
			}
		}
		g := make([]float64, len(v))
		pr := mle.Problem{
			LogLik: func(free, grad []float64) float64 {
				if grad == nil {
					return ll(d, expand(free), nil)
				}
				x := ll(d, expand(free), g)
				copy(grad, h.Pick(g))
				return x
			},
			Valid:   func(free []float64) bool { return expand(free).Validate() == nil },
			Weight:  d.W,
			GradTol: opts.GradTol, MaxIter: opts.MaxIter,
			Starts: [][]float64{h.Pick(h.Full)},
		}
		// If the point where the fit stopped is a poor start for the other
		// parameters, the next starts take those from the defaults.
		for _, q := range spec.Starts(d.MaxT)[:spec.LimitStarts] {
			w := q.Vector()
			for i, l := range spec.Limits {
				if held[i] {
					w[l.Shape], w[l.Partner] = v[l.Shape], v[l.Partner]
				}
			}
			pr.Starts = append(pr.Starts, h.Pick(w))
		}
		if slices.Contains(held, false) {
			pr.AtBoundary = func(free []float64) bool {
				q := expand(free)
				for i, l := range spec.Limits {
					if !held[i] && l.Reached(q) {
						return true
					}
				}
				return false
			}
		}
		est, fitErr := mle.Fit(ctx, pr)
		if est.Params == nil {
			return zero, fmt.Errorf("%s: fit of the limit model: %w", spec.Name, fitErr)
		}
		if errors.Is(fitErr, mle.ErrBoundary) {
			// The other heterogeneity vanishes too.
			p = expand(est.Params)
			for i, l := range spec.Limits {
				held[i] = held[i] || l.Reached(p)
			}
			continue
		}
		// The covariance is that of the free parameters, the held shapes
		// fixed (WithLimitCovariance): FromEstimate would take it for the
		// first entries of Vector.
		logCov := LimitLogCov(func(free, grad []float64) { pr.LogLik(free, grad) }, est.Params)
		est.StdErr, est.Cov = nil, nil
		all := strings.Fields(spec.Names)
		var names []string
		for _, i := range h.Free {
			names = append(names, all[i])
		}
		info := clv.FitInfo{Rows: len(d.Rows), Status: clv.AtBoundary, Reason: spec.Reason(expand(est.Params), held)}
		b, err := FromEstimate(est, expand, strings.Join(names, " "), d.W, info)
		if fitErr == nil && b.info.Status == clv.AtBoundary {
			// Parameters left free that the data do not determine: a
			// further edge of the model, named, or a flat likelihood.
			flat := flatParams(logCov, h.Free)
			if logCov == nil {
				flat = flatLimit(func(free, grad []float64) { pr.LogLik(free, grad) }, est.Params, h.Free)
			}
			if info, ok := checkEdges(spec, b.p, flat, b.info); ok {
				b.info, err = info, edgeError(info)
			}
		} else if fitErr == nil && spec.EdgeUnidentified {
			// A free parameter ran off toward 0: not identified, unless
			// on the way to a named edge.
			if ninfo, ok := unidentifiedEdge(spec, b.p, info.Reason, b.info); ok {
				b.info, err = ninfo, edgeError(ninfo)
			}
		}
		if logCov != nil {
			b = b.WithLimitCovariance(h.Free, logCov)
		}
		if fitErr != nil {
			// A free parameter that ran off toward 0 while the fit
			// stalled (the likelihood flat there, as for one customer
			// who shows no dropout): not identified, as for a converged
			// limit fit (FromEstimate), rather than a failure to converge.
			for i, v := range est.Params {
				if v < limitMinParam {
					b.info.Status = clv.NotIdentified
					b.info.Reason = fmt.Sprintf("%s; and %s = %.3g ran off toward 0", info.Reason, names[i], v)
					m := build(b)
					return m, fmt.Errorf("%s: %v: %w (%s): %s; the data may show no dropout for the model to measure: observe longer, or use another model (the limit model's fit stopped there: %w)",
						spec.Name, m, clv.ErrNotIdentified, nCustomers(b.info.Customers), b.info.Reason, fitErr)
				}
			}
		}
		m := build(b)
		if fitErr != nil {
			return m, fmt.Errorf("%s: %s; the limit model's fit: %w (best: %v)", spec.Name, info.Reason, fitErr, m)
		}
		return m, fmt.Errorf("%s: %v: %w", spec.Name, m, err)
	}
	// Unreachable: the last pass holds every shape and has no AtBoundary.
	return zero, fmt.Errorf("%s: fit of the limit model: %w", spec.Name, mle.ErrNotConverged)
}

// observed is Observed for a row model's spec.
func observed[P Params[P]](spec RowModel[P], cs []clv.Customer, weights []float64) error {
	name := spec.Model
	if name == "" {
		name = spec.Name
	}
	return Observed(spec.Name, name, cs, weights)
}

// Observed returns an error wrapping clv.ErrNotIdentified, prefixed by the
// package pkg and naming the model, when every valid customer of positive
// weight has T = 0: each was first seen at the observation end, nothing
// was observed after it, and the likelihood is 1 whatever the parameters.
// Invalid customers and weights are left to Compress (nil here).
func Observed(pkg, model string, cs []clv.Customer, weights []float64) error {
	if len(cs) == 0 || len(weights) > 0 && len(weights) != len(cs) {
		return nil
	}
	seen := false
	for i := range cs {
		if weights != nil {
			if w := weights[i]; !(w >= 0) || math.IsInf(w, 0) {
				return nil
			} else if w == 0 {
				continue
			}
		}
		if cs[i].T != 0 || !ValidCustomer(&cs[i]) {
			return nil
		}
		seen = true
	}
	if !seen {
		return nil
	}
	return fmt.Errorf("%s: %s: %w: every customer has T = 0 (each was first seen at the observation end), so no time was observed "+
		"in which to buy again or drop out; observe longer: an observation end after the first purchases, or customers first seen earlier",
		pkg, model, clv.ErrNotIdentified)
}

// Compress validates the customers (clv.ValidateAll; not again with their
// grouping: clv.GroupCustomers validated them) and merges them into
// weighted distinct (x, t_x, T) rows (rows.Compress); errors name the
// package pkg. Customers without weights and with their grouping g
// (clv.Grouping, converted; nil for none) are not grouped again: their
// rows come from g (rows.FromGroups), the same rows in the same order.
// With weights, g is checked but not used (customers of weight 0 are left
// out of the rows). A g of other customers is an error wrapping
// clv.ErrGroupingMismatch.
func Compress(pkg string, cs []clv.Customer, weights []float64, g *rows.Grouping) (*rows.Data, error) {
	groups, ok := rows.GroupsOf(g, cs)
	if groups == nil { // no grouping (or not cs's): not validated yet
		if err := clv.ValidateAll(cs); err != nil {
			return nil, fmt.Errorf("%s: %w", pkg, err)
		}
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", pkg, clv.ErrGroupingMismatch)
	}
	var d *rows.Data
	var err error
	if groups != nil && weights == nil {
		d, err = rows.FromGroups(groups, nil)
	} else {
		d, err = rows.Compress(len(cs), func(i int) (x, tx, T float64) {
			return cs[i].Frequency, cs[i].Recency, cs[i].T
		}, weights)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pkg, err)
	}
	return d, nil
}
