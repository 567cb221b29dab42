package model

import (
	"fmt"
	"math"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"gonum.org/v1/gonum/mat"
)

// maxLogSE is the standard error of a log-parameter beyond which the data
// do not determine the parameter: its approximate 95% interval spans a
// factor e^(2·1.96·20) ≈ 10³⁴. Fits of real logs, and of simulated samples
// of a few dozen customers, have standard errors of ln p below 3; the
// estimates of a log of two customers that sit on a ridge of the
// likelihood running off to an edge of the parameter space have 10⁴ and
// more.
const maxLogSE = 20

// flatParams returns the indexes in free of the parameters whose
// logarithm has a standard error above maxLogSE in logCov (k×k row major,
// the covariance of ln v[free[i]]); every index of free when logCov is nil
// (the Hessian was not positive definite).
func flatParams(logCov []float64, free []int) []int {
	k := len(free)
	if len(logCov) != k*k {
		return free
	}
	var out []int
	for i, j := range free {
		if !(logCov[i*k+i] <= maxLogSE*maxLogSE) {
			out = append(out, j)
		}
	}
	return out
}

// nameParams lists the parameters of the Vector indexes idx, with their
// values v: "a = 7.17e+04, b = 1.39e-05".
func nameParams(names string, v []float64, idx []int) string {
	ns := strings.Fields(names)
	parts := make([]string, len(idx))
	for i, j := range idx {
		parts[i] = fmt.Sprintf("%s = %.3g", ns[j], v[j])
	}
	return strings.Join(parts, ", ")
}

// checkEdges judges an estimate p, converged and so far identified
// (status Converged or AtBoundary), whose parameters flat (Vector
// indexes) the data do not determine (flatParams): it returns the
// status and reason the fit gets instead, and whether they change. Where
// spec.Edge names the limit toward which the likelihood stays flat (a
// mean dropout probability running off to 0 or 1), the estimate is a
// point on the way to that limit: status AtBoundary. Otherwise the
// likelihood is flat at a finite point: status NotIdentified. An estimate
// of a limit model (info.Status AtBoundary: a heterogeneity already
// vanished) whose free parameters run off toward such an edge is
// NotIdentified, the edge named after the limit: every heterogeneity of
// the model has then vanished (all customers alike in purchase rate and
// dropout), the fit the data of a handful of customers give, and, as for
// a limit model's dropout parameter running off toward 0 (FromEstimate),
// the data do not determine the parameters left. Logs of one, two and
// three customers end there; the fits of the shipped log, CDNOW and the
// other public logs do not.
func checkEdges[P Params[P]](spec RowModel[P], p P, flat []int, info clv.FitInfo) (clv.FitInfo, bool) {
	if len(flat) == 0 || info.Status != clv.Converged && info.Status != clv.AtBoundary {
		return info, false
	}
	which := nameParams(spec.Names, p.Vector(), flat)
	var edge string
	if spec.Edge != nil {
		edge = spec.Edge(p)
	}
	join := func(reason, more string) string {
		if reason == "" {
			return more
		}
		return reason + "; and " + more
	}
	if edge != "" && info.Status == clv.AtBoundary {
		info.Reason = join(info.Reason, fmt.Sprintf("%s (%s, which the data do not determine)", edge, which))
		info.Status = clv.NotIdentified
		return info, true
	}
	if edge != "" {
		info.Reason = join(info.Reason, fmt.Sprintf("%s (%s, which the data do not determine: the likelihood rises ever more slowly toward that limit)", edge, which))
		info.Status = clv.AtBoundary
		return info, true
	}
	info.Reason = join(info.Reason, fmt.Sprintf("the data do not determine %s: the log-likelihood is flat in them (standard errors of their logarithms above %d, or a Hessian that is not positive definite)", which, maxLogSE))
	info.Status = clv.NotIdentified
	return info, true
}

// unidentifiedEdge judges an estimate p, converged and unpenalized, that
// FromEstimate found not identified (status NotIdentified: a parameter
// ran off toward 0 or infinity, or the Hessian is not positive definite)
// as checkEdges judges a flat one: where spec.Edge names a limit of the
// model toward which p lies, the estimate is a point on the way there,
// status AtBoundary with the edge, and FromEstimate's finding in
// parentheses, after base (the limit already reached, "" for none; the
// finding is what info.Reason says after it). It returns the status and
// reason the fit gets instead, and whether they change.
func unidentifiedEdge[P Params[P]](spec RowModel[P], p P, base string, info clv.FitInfo) (clv.FitInfo, bool) {
	if info.Status != clv.NotIdentified || spec.Edge == nil {
		return info, false
	}
	edge := spec.Edge(p)
	if edge == "" {
		return info, false
	}
	why := info.Reason
	if base != "" {
		why = strings.TrimPrefix(why, base+"; and ")
	}
	reason := fmt.Sprintf("%s (%s: the likelihood rises ever more slowly toward that limit)", edge, why)
	if base != "" {
		reason = base + "; and " + reason
	}
	info.Reason, info.Status = reason, clv.AtBoundary
	return info, true
}

// edgeError is the error of a fit whose status checkEdges changed.
func edgeError(info clv.FitInfo) error {
	if info.Status == clv.AtBoundary {
		return fmt.Errorf("%w (%s): %s", clv.ErrBoundary, nCustomers(info.Customers), info.Reason)
	}
	return fmt.Errorf("%w (%s): %s; the data are too few or too uniform to determine the parameters", clv.ErrNotIdentified, nCustomers(info.Customers), info.Reason)
}

// flatLimit is flatParams for a limit model whose Hessian in its free
// parameters params (Vector indexes free) is not positive definite
// (LimitLogCov gave nil): the parameters whose logarithm has a variance
// above maxLogSE² in (DHD + εI)⁻¹, D and H as in LimitLogCov and ε = 10⁻⁹
// times DHD's largest diagonal entry, which leaves the determined
// parameters' variances about as they are and gives those along a flat
// direction about 1/ε. Every index of free where even that fails (a
// saddle point).
func flatLimit(grad func(params, grad []float64), params []float64, free []int) []int {
	k := len(params)
	h := mle.Hessian(func(x, g []float64) {
		grad(x, g)
		for i := range g {
			g[i] = -g[i]
		}
	}, params)
	dhd := mat.NewSymDense(k, nil)
	top := 0.0
	for i := range k {
		for j := i; j < k; j++ {
			dhd.SetSym(i, j, params[i]*h.At(i, j)*params[j])
		}
		top = math.Max(top, math.Abs(dhd.At(i, i)))
	}
	eps := 1e-9 * top
	if !(eps > 0) || math.IsInf(eps, 0) {
		return free
	}
	for i := range k {
		dhd.SetSym(i, i, dhd.At(i, i)+eps)
	}
	var ch mat.Cholesky
	if !ch.Factorize(dhd) {
		return free
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return free
	}
	cov := make([]float64, k*k)
	for i := range k {
		for j := range k {
			cov[i*k+j] = inv.At(i, j)
		}
	}
	return flatParams(cov, free)
}

// nCustomers says "1 customer" or "n customers".
func nCustomers(n int) string {
	if n == 1 {
		return "1 customer"
	}
	return fmt.Sprintf("%d customers", n)
}
