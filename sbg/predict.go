package sbg

import (
	"fmt"
	"math"
)

// maxSeries bounds the terms of the lifetime sums: they converge
// geometrically with the discount factor; without discount they may not.
const maxSeries = 10_000_000

// Survival returns S(t), the probability that a new subscriber is still
// subscribed in period t (has made t renewals): B(α, β+t^c)/B(α, β). It is
// NaN for t < 0 or a zero Model.
func (m *Model) Survival(t int) float64 {
	if !m.base.Ready() || t < 0 {
		return math.NaN()
	}
	return math.Exp(m.Params().lnSurvValue(float64(t)))
}

// RetentionRate returns r_t = S(t)/S(t−1), the share of the subscribers of
// period t−1 who renew for period t, t ≥ 1. For the sBG it is
// (β+t−1)/(α+β+t−1), rising with t.
func (m *Model) RetentionRate(t int) float64 {
	if !m.base.Ready() || t < 1 {
		return math.NaN()
	}
	return m.Params().ratio(float64(t))
}

// ratio returns S(t)/S(t−1): exactly (β+t−1)/(α+β+t−1) for the sBG,
// from the log-survivals for the BdW.
func (p Params) ratio(t float64) float64 {
	if p.C == 1 {
		return (p.Beta + t - 1) / (p.Alpha + p.Beta + t - 1)
	}
	return math.Exp(p.lnSurvValue(t) - p.lnSurvValue(t-1))
}

// ChurnNext returns the probability that a subscriber who has made n
// renewals cancels at the next one: 1 − S(n+1)/S(n).
func (m *Model) ChurnNext(n int) float64 {
	if !m.base.Ready() || n < 0 {
		return math.NaN()
	}
	return 1 - m.RetentionRate(n+1)
}

// ProjectSurvivors returns the expected number of a cohort of size n0
// still subscribed in periods 0..periods: n0·S(t).
func (m *Model) ProjectSurvivors(n0 float64, periods int) ([]float64, error) {
	if !m.base.Ready() {
		return nil, fmt.Errorf("sbg: zero Model")
	}
	if !(n0 >= 0) || math.IsInf(n0, 0) || periods < 0 || periods > maxRenewals {
		return nil, fmt.Errorf("sbg: ProjectSurvivors(%v, %d): want a finite size ≥ 0 and 0 to %d periods", n0, periods, maxRenewals)
	}
	out := make([]float64, periods+1)
	for t := range out {
		out[t] = n0 * m.Survival(t)
	}
	return out, nil
}

// DEL returns the discounted expected lifetime of a new subscriber, in
// periods, at discount rate d per period (Fader & Hardie 2010, eq. 6):
//
//	DEL(d) = Σ_{t≥0} S(t)/(1+d)^t,
//
// for the sBG ₂F₁(1, β; α+β; 1/(1+d)). The first period (paid at sign-up)
// counts undiscounted. Times the margin per period it is a new
// subscriber's value. With d = 0 it is the expected lifetime, +Inf for
// the sBG when α ≤ 1. It is NaN for d < 0 or a zero Model.
func (m *Model) DEL(d float64) float64 {
	return m.residual(d, 0, true)
}

// DERL returns the discounted expected residual lifetime of a subscriber
// who has made n renewals (is subscribed in period n), just before the next
// renewal (Fader & Hardie 2010, eq. 8):
//
//	DERL(d | n) = Σ_{t≥n+1} S(t)/S(n) / (1+d)^(t−n−1),
//
// for the sBG (β+n)/(α+β+n) · ₂F₁(1, β+n+1; α+β+n+1; 1/(1+d)): the
// payments the subscriber is expected to make from the next renewal on,
// the first of them undiscounted. Times the margin per period it is the
// subscriber's residual value.
func (m *Model) DERL(d float64, n int) float64 {
	if n < 0 {
		return math.NaN()
	}
	return m.residual(d, n, false)
}

// residual sums S(t)/S(n)·x^k over t = n+k (DEL, from k = 0) or
// t = n+1+k (DERL), x = 1/(1+d), with the ratios S(t)/S(t−1) as factors.
func (m *Model) residual(d float64, n int, fromN bool) float64 {
	if !m.base.Ready() || !(d >= 0) || math.IsInf(d, 0) {
		return math.NaN()
	}
	p := m.Params()
	x := 1 / (1 + d)
	if d == 0 && p.C == 1 {
		// Closed forms: E[T] = (α+β−1)/(α−1), E[T − n | T > n] from the
		// next renewal = (β+n)/(α−1); both diverge for α ≤ 1.
		if p.Alpha <= 1 {
			return math.Inf(1)
		}
		if fromN {
			return (p.Alpha + p.Beta + float64(n) - 1) / (p.Alpha - 1)
		}
		return (p.Beta + float64(n)) / (p.Alpha - 1)
	}
	term := 1.0 // S(n)/S(n)
	t := n
	if !fromN {
		t++
		term = m.RetentionRate(t)
	}
	sum := term
	prev := p.lnSurvValue(float64(t))
	for k := 0; k < maxSeries; k++ {
		t++
		if p.C == 1 {
			term *= p.ratio(float64(t)) * x
		} else {
			cur := p.lnSurvValue(float64(t))
			term *= math.Exp(cur-prev) * x
			prev = cur
		}
		sum += term
		if term <= 1e-17*sum {
			return sum
		}
	}
	return math.Inf(1) // does not converge within maxSeries: a heavy tail without discount
}

// LifetimeValue returns margin × DERL(d | n), the residual value of a
// subscriber with n renewals, or margin × DEL(d) for a new one (n < 0).
func (m *Model) LifetimeValue(margin, d float64, n int) (float64, error) {
	if !(margin >= 0) || math.IsInf(margin, 0) {
		return 0, fmt.Errorf("sbg: margin %v: want a finite number ≥ 0", margin)
	}
	v := m.DEL(d)
	if n >= 0 {
		v = m.DERL(d, n)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("sbg: lifetime of %v at discount %v is %v (undiscounted lifetimes are infinite for α ≤ 1)", m, d, v)
	}
	return margin * v, nil
}

// ProjectionError measures a projection against what happened: for a
// cohort whose survivors[t] were still subscribed in period t, the mean
// absolute percentage error of n0·S(t) against survivors[t] over periods
// from..len(survivors)−1 (fit on the periods before from, then call this:
// the holdout check of Fader & Hardie 2007, Figure 3).
func (m *Model) ProjectionError(survivors []float64, from int) (float64, error) {
	if !m.base.Ready() {
		return 0, fmt.Errorf("sbg: zero Model")
	}
	if from < 1 || from >= len(survivors) || !(survivors[0] > 0) {
		return 0, fmt.Errorf("sbg: ProjectionError: %d survivor counts from period %d", len(survivors), from)
	}
	var sum float64
	for t := from; t < len(survivors); t++ {
		if !(survivors[t] > 0) {
			return 0, fmt.Errorf("sbg: survivors[%d] = %v, want > 0", t, survivors[t])
		}
		sum += math.Abs(survivors[0]*m.Survival(t)-survivors[t]) / survivors[t]
	}
	return sum / float64(len(survivors)-from), nil
}
