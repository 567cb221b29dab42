package sbg

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
	"gonum.org/v1/gonum/mathext"
)

// ErrNotConverged is wrapped by the error of a fit that did not converge.
var ErrNotConverged = mle.ErrNotConverged

// maxRenewals bounds Record.Renewals: ten thousand years of monthly
// renewals.
const maxRenewals = 120_000

// A Record is a group of subscribers with the same history: Renewals
// renewals made (periods subscribed after the first, paid at sign-up), and
// then either a cancellation at the next renewal (Churned) or still
// subscribed when observation ended (right-censored).
type Record struct {
	Renewals int
	Churned  bool
	Count    float64
}

// CohortRecords turns a cohort's survivor counts into records:
// survivors[t] subscribers were still subscribed in period t, survivors[0]
// being the cohort's size. The drop from t−1 to t cancelled at their t-th
// renewal; the last count is censored. Counts must not increase.
func CohortRecords(survivors []float64) ([]Record, error) {
	if len(survivors) < 2 {
		return nil, fmt.Errorf("sbg: %d survivor counts, want at least 2 (the cohort size and one period)", len(survivors))
	}
	var rs []Record
	for t := 1; t < len(survivors); t++ {
		lost := survivors[t-1] - survivors[t]
		if !(survivors[t] >= 0) || !(lost >= 0) || math.IsInf(survivors[t-1], 0) {
			return nil, fmt.Errorf("sbg: survivors[%d] = %v after %v: want finite counts that do not increase", t, survivors[t], survivors[t-1])
		}
		if lost > 0 {
			rs = append(rs, Record{Renewals: t - 1, Churned: true, Count: lost})
		}
	}
	if n := survivors[len(survivors)-1]; n > 0 {
		rs = append(rs, Record{Renewals: len(survivors) - 1, Count: n})
	}
	return rs, nil
}

// FitOptions configures Fit. The zero value fits the sBG model.
type FitOptions struct {
	// DurationDependence fits the BdW model, with its shape c; otherwise
	// c = 1 (sBG).
	DurationDependence bool
	// Penalizer is the coefficient λ of an L2 penalty on the parameters:
	// the fit minimizes
	//
	//	−LL/n + λ·(α² + β²)        (sBG)
	//	−LL/n + λ·(α² + β² + c²)   (BdW, with its shape c)
	//
	// where LL is the log-likelihood of the records and n the number of
	// subscribers (the total count). It is clvkit's own option, of the same
	// form as the purchase models' but with nothing rescaled (the period is
	// the unit); neither Fader & Hardie nor the lifetimes package define one
	// for this model, so no published number corresponds to it. It
	// shrinks the parameter vector toward 0: in the sBG, α and β both, a
	// more heterogeneous cohort. Zero means no penalty. A penalized fit is judged identified, or not, on the
	// likelihood without the penalty, as in bgnbd.FitContext.
	Penalizer float64
	// GradTol and MaxIter are as in the purchase models (zero: 1e-8, 1000).
	GradTol float64
	MaxIter int
}

// data are records merged by (renewals, churned).
type data struct {
	ts      []float64 // renewals t
	churned []bool
	w       []float64
	total   float64
}

func compress(rs []Record) (*data, error) {
	if len(rs) == 0 {
		return nil, fmt.Errorf("sbg: %w", clv.ErrNoCustomers)
	}
	// Counts by renewals, churned and censored: renewals are small whole
	// numbers, so slices indexed by them beat a map by far (10⁷ records in
	// a few milliseconds).
	var churn, cens []float64
	for i, r := range rs {
		t := r.Renewals
		if t >= len(churn) {
			if t < 0 || t > maxRenewals || !(r.Count >= 0) || math.IsInf(r.Count, 0) {
				return nil, fmt.Errorf("sbg: records[%d] = %+v: want 0 ≤ renewals ≤ %d and a finite count ≥ 0", i, r, maxRenewals)
			}
			n := max(2*len(churn), t+1, 64)
			churn = append(churn, make([]float64, n-len(churn))...)
			cens = append(cens, make([]float64, n-len(cens))...)
		}
		if !(r.Count >= 0) || math.IsInf(r.Count, 0) || t < 0 {
			return nil, fmt.Errorf("sbg: records[%d] = %+v: want 0 ≤ renewals ≤ %d and a finite count ≥ 0", i, r, maxRenewals)
		}
		if r.Churned {
			churn[t] += r.Count
		} else {
			cens[t] += r.Count
		}
	}
	d := &data{}
	for t := range churn {
		for k, c := range [2]float64{churn[t], cens[t]} {
			if c > 0 {
				d.ts, d.churned, d.w = append(d.ts, float64(t)), append(d.churned, k == 0), append(d.w, c)
				d.total += c
			}
		}
	}
	if d.total == 0 {
		return nil, fmt.Errorf("sbg: %w (all counts are zero)", clv.ErrNoCustomers)
	}
	return d, nil
}

// paramsOf turns (α, β) or (α, β, c) into Params, c = 1 when absent.
func paramsOf(v []float64) Params {
	p := Params{Alpha: v[0], Beta: v[1], C: 1}
	if len(v) == 3 {
		p.C = v[2]
	}
	return p
}

// lnSurv returns ln S(t) = lnB(α, β+t^c) − lnB(α, β) and its gradient
// with respect to (α, β, c).
func (p Params) lnSurv(t float64) (float64, [3]float64) {
	if t == 0 {
		return 0, [3]float64{}
	}
	tc := math.Pow(t, p.C)
	a, b := p.Alpha, p.Beta
	v := lnGammaRatio(b, a) - lnGammaRatio(b+tc, a)
	psAB, psABt := mathext.Digamma(a+b), mathext.Digamma(a+b+tc)
	dbt := mathext.Digamma(b+tc) - psABt
	return v, [3]float64{psAB - psABt, dbt - mathext.Digamma(b) + psAB, dbt * tc * math.Log(t)}
}

// lnSurvValue is lnSurv without the gradient.
func (p Params) lnSurvValue(t float64) float64 {
	if t == 0 {
		return 0
	}
	return lnGammaRatio(p.Beta, p.Alpha) - lnGammaRatio(p.Beta+math.Pow(t, p.C), p.Alpha)
}

// lnGammaRatio returns ln Γ(b+a) − ln Γ(b), a, b > 0, so that
// ln B(a, b+s) − ln B(a, b) = lnGammaRatio(b, a) − lnGammaRatio(b+s, a).
// For b ≥ 1000 it uses Stirling's series, whose terms cancel before they
// are computed,
//
//	(b−½)·log1p(a/b) + a·ln(b+a) − a + σ(b+a) − σ(b),  σ(x) = 1/(12x) − 1/(360x³) + 1/(1260x⁵),
//
// (truncation error below 1e-23): the difference of two Lgamma values of
// order b·ln b loses all its digits when b = t^c is large (a BdW with c = 8
// at t = 100 gave a churn probability of −8e13).
func lnGammaRatio(b, a float64) float64 {
	if b < 1000 {
		lab, _ := math.Lgamma(a + b)
		lb, _ := math.Lgamma(b)
		return lab - lb
	}
	sigma := func(x float64) float64 {
		x2 := x * x
		return (1 - (1-(2.0/7)/x2)/(30*x2)) / (12 * x)
	}
	return (b-0.5)*math.Log1p(a/b) + a*math.Log(b+a) - a + (sigma(b+a) - sigma(b))
}

// lnChurn returns ln P(T = t+1) = ln(S(t) − S(t+1)), the probability of
// cancelling at the (t+1)-th renewal, and its gradient, computed as
// ln S(t) + ln(1 − e^Δ) with Δ = ln S(t+1) − ln S(t) (no cancellation
// between the two survival probabilities).
func (p Params) lnChurn(t float64) (float64, [3]float64) {
	l0, g0 := p.lnSurv(t)
	l1, g1 := p.lnSurv(t + 1)
	delta := l1 - l0
	f := -math.Expm1(delta)
	k := -math.Exp(delta) / f // d ln(1−e^Δ)/dΔ
	var g [3]float64
	for i := range g {
		g[i] = g0[i] + k*(g1[i]-g0[i])
	}
	return l0 + math.Log(f), g
}

// logLik is the log-likelihood of the data and its gradient with respect
// to the first len(grad) of (α, β, c).
func (d *data) logLik(p Params, grad []float64) float64 {
	var ll float64
	var g [3]float64
	for i, t := range d.ts {
		var v float64
		var gi [3]float64
		if d.churned[i] {
			v, gi = p.lnChurn(t)
		} else {
			v, gi = p.lnSurv(t)
		}
		ll += d.w[i] * v
		for k := range g {
			g[k] += d.w[i] * gi[k]
		}
	}
	copy(grad, g[:])
	return ll
}

// Fit estimates α and β (and c with DurationDependence) by maximum
// likelihood from right-censored records; see FitContext.
func Fit(records []Record, opts FitOptions) (*Model, error) {
	return FitContext(context.Background(), records, opts)
}

// FitContext estimates the parameters by maximum likelihood: each record
// contributes Count·ln P(T = Renewals+1) if churned, Count·ln S(Renewals)
// if still subscribed (Fader & Hardie 2007, eq. 5 with censoring). It
// minimizes −LL/n (plus the penalty, if any) over the log-parameters with
// BFGS and the analytic gradient, from several starts; standard errors
// come from the Hessian.
func FitContext(ctx context.Context, records []Record, opts FitOptions) (*Model, error) {
	d, err := compress(records)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(d.churned, true) {
		return nil, fmt.Errorf("sbg: %w: nobody cancelled, so the cancellation probability cannot be estimated", clv.ErrNotIdentified)
	}
	dim := 2
	if opts.DurationDependence {
		dim = 3
	}
	conv := paramsOf
	pr := mle.Problem{
		LogLik: func(v, grad []float64) float64 { return d.logLik(conv(v), grad) },
		Valid:  func(v []float64) bool { return conv(v).Validate() == nil },
		Weight: d.total, Penalizer: opts.Penalizer, GradTol: opts.GradTol, MaxIter: opts.MaxIter,
	}
	for _, s := range [][]float64{{1, 1, 1}, {0.5, 2, 0.8}, {2, 0.5, 1.2}, {0.2, 5, 1}, {5, 20, 0.5}} {
		pr.Starts = append(pr.Starts, s[:dim])
	}
	est, fitErr := mle.Fit(ctx, pr)
	if est.Params == nil {
		return nil, fmt.Errorf("sbg: fit: %w", fitErr)
	}
	names := "alpha beta"
	if dim == 3 {
		names += " c"
	}
	// Without DurationDependence, c = 1 is not estimated: FromEstimate
	// gives it standard error 0.
	b, idErr := model.FromEstimate(est, conv, names, d.total, clv.FitInfo{Rows: len(d.ts), Penalizer: opts.Penalizer})
	m := &Model{base: b, bdw: opts.DurationDependence}
	if fitErr != nil {
		return m, fmt.Errorf("sbg: %w (best: %v)", fitErr, m)
	}
	if idErr != nil {
		return m, fmt.Errorf("sbg: %v: %w", m, idErr)
	}
	return m, nil
}
