package paretonbd

import (
	"fmt"
	"math"
	"sync"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/internal/model"

	"gonum.org/v1/gonum/integrate/quad"
)

// valid is model.ValidCustomer.
func valid(c clv.Customer) bool { return model.ValidCustomer(&c) }

func finiteNonNeg(t float64) bool { return t >= 0 && !math.IsInf(t, 0) }

// ProbabilityAlive returns P(alive | x, t_x, T), the probability that the
// customer's lifetime extends beyond T (Schmittlein, Morrison & Colombo
// 1987; Fader & Hardie 2005, eq. 11):
//
//	P(alive) = Γ(r+x) α^r β^s / Γ(r) · (α+T)^−(r+x) (β+T)^−s / L(r, α, s, β | x, t_x, T),
//
// the share of the likelihood that comes from customers still alive at T.
// It is below 1 for every customer, also without repeat purchases, and it
// falls as T grows. c must be a valid summary; otherwise the result is NaN.
func (m *Model) ProbabilityAlive(c clv.Customer) float64 {
	if !m.base.Ready() || !valid(c) {
		return math.NaN()
	}
	return m.Params().alive(c.Frequency, c.Recency, c.T)
}

// alive computes P(alive) = 1/(A/F + B/F), with A and B the terms of
// integral and F = (α+T)^−(r+x) (β+T)^−s. The ratios are formed without
// their large common factors, with ln((α+T)/(α+t_x)) as log1p, so that
// the probability of having dropped out, 1 − P(alive), is accurate too
// when it is small (large x, t_x near T).
func (p Params) alive(x, tx, T float64) float64 { return p.aliveMemo(x, tx, T, nil) }

// aliveMemo is alive with its values looked up in mem (nil: none).
func (p Params) aliveMemo(x, tx, T float64, mem *memo) float64 {
	if mem == nil || x != 0 {
		// Repeat buyers' rows rarely repeat: only their series are
		// looked up.
		return p.aliveRow(x, tx, T, mem)
	}
	// One-time buyers (x = t_x = 0) differ by T alone.
	e := &mem.once[hash3(T, 0, 0)&(uint64(len(mem.once))-1)]
	if e.T == T+1 {
		return e.v
	}
	v := p.aliveRow(x, tx, T, mem)
	e.T, e.v = T+1, v
	return v
}

// aliveRow computes alive, its series looked up in mem (nil: none).
func (p Params) aliveRow(x, tx, T float64, mem *memo) float64 {
	return p.aliveFrom(p.aliveA(x, T, mem), x, tx, T, mem)
}

// aliveA is A/F of alive, which depends on x and T only.
func (p Params) aliveA(x, T float64, mem *memo) float64 {
	if p.poissonLimit() {
		return p.poisAliveA(T)
	}
	if p.expLimit() {
		return p.expAliveA(x, T)
	}
	q := p.R + x
	m := q + p.S
	if p.Alpha >= p.Beta {
		d := p.Alpha - p.Beta
		return q / m * (p.Beta + T) / (p.Alpha + T) * mem.hsum(q+1, p.S, d/(p.Alpha+T), (p.Beta+T)/(p.Alpha+T))
	}
	d := p.Beta - p.Alpha
	return q / m * mem.hsum(p.S, q+1, d/(p.Beta+T), (p.Alpha+T)/(p.Beta+T))
}

// aliveFrom is alive given its term a = aliveA(x, T).
func (p Params) aliveFrom(a, x, tx, T float64, mem *memo) float64 {
	if p.closedLimit() {
		h, e := p.hTerm(x, tx, T)
		return min(1, 1/(a+h*math.Exp(e)))
	}
	q := p.R + x
	m := q + p.S
	// B/F = s/m · ((α+T)/(α+t_x))^q ((β+T)/(β+t_x))^s [(α+t_x)/(β+t_x)] H_B;
	// the power may overflow to +Inf, giving P(alive) = 0 as it should.
	e := q*math.Log1p((T-tx)/(p.Alpha+tx)) + p.S*math.Log1p((T-tx)/(p.Beta+tx))
	var b float64
	if p.Alpha >= p.Beta {
		d := p.Alpha - p.Beta
		b = p.S / m * math.Exp(e) * mem.hsum(q, p.S+1, d/(p.Alpha+tx), (p.Beta+tx)/(p.Alpha+tx))
	} else {
		d := p.Beta - p.Alpha
		b = p.S / m * math.Exp(e) * (p.Alpha + tx) / (p.Beta + tx) * mem.hsum(p.S+1, q, d/(p.Beta+tx), (p.Alpha+tx)/(p.Beta+tx))
	}
	if v := 1 / (a + b); v < 1 {
		return v
	}
	return 1
}

// ProbabilityAliveAt writes ProbabilityAlive of the customers with x repeat
// purchases observed for T and recencies txs into out
// (min(len(txs), len(out)) values), computing what they share once
// (interval.AliveFactored).
func (m *Model) ProbabilityAliveAt(x, T float64, txs, out []float64) {
	txs = txs[:min(len(txs), len(out))]
	if !m.base.Ready() {
		for i := range txs {
			out[i] = math.NaN()
		}
		return
	}
	p := m.Params()
	a := math.NaN()
	for i, tx := range txs {
		if !valid(clv.Customer{Frequency: x, Recency: tx, T: T}) {
			out[i] = math.NaN()
			continue
		}
		if math.IsNaN(a) {
			a = p.aliveA(x, T, nil)
		}
		out[i] = p.aliveFrom(a, x, tx, T, nil)
	}
}

// ConditionalExpectedPurchases returns E[Y(t) | x, t_x, T], the expected
// number of purchases in (T, T+t] (Fader & Hardie 2005, eq. 12):
//
//	E[Y(t) | x, t_x, T] = P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)],
//
// computed as P(alive)·(r+x)(β+T)/(α+T)·L·expm1(−(s−1)L)/(−(s−1)L) with
// L = ln(1 + t/(β+T)), which is exact at s = 1 and loses nothing for small
// t. t must be a finite number ≥ 0 and c valid; otherwise the result is NaN.
func (m *Model) ConditionalExpectedPurchases(c clv.Customer, t float64) float64 {
	if !m.base.Ready() || !valid(c) || !finiteNonNeg(t) {
		return math.NaN()
	}
	p := m.Params()
	return p.alive(c.Frequency, c.Recency, c.T) * p.activeExpected(c.Frequency, c.T, t)
}

// activeExpected is the expected number of purchases in (T, T+t] of a
// customer known to be alive at T, with x repeat purchases: the posterior
// rate (r+x)/(α+T) times the expected time alive, ∫_0^t ((β+T)/(β+T+u))^s du.
func (p Params) activeExpected(x, T, t float64) float64 {
	if p.expLimit() { // a/(α+T) · (1 − e^−μt)/μ
		return p.aliveRate(x, T) * t * expm1x(-p.mu()*t)
	}
	bt := p.Beta + T
	L := math.Log1p(t / bt)
	return p.aliveRate(x, T) * bt * L * expm1x(-(p.S-1)*L)
}

// expm1x returns expm1(y)/y, continuous at y = 0.
func expm1x(y float64) float64 {
	if math.Abs(y) < 1e-5 {
		return 1 + y/2 + y*y/6
	}
	return math.Expm1(y) / y
}

// ExpectedPurchases returns E[X(t)], the expected number of repeat
// purchases in (0, t] of a customer just acquired at 0 (Fader & Hardie
// 2005, eq. 9):
//
//	E[X(t)] = rβ / (α(s−1)) · [1 − (β/(β+t))^(s−1)].
func (m *Model) ExpectedPurchases(t float64) float64 {
	if !m.base.Ready() || !finiteNonNeg(t) {
		return math.NaN()
	}
	p := m.Params()
	if p.expLimit() {
		return p.activeExpected(0, 0, t)
	}
	return p.R / p.Alpha * p.Beta * math.Log1p(t/p.Beta) * expm1x(-(p.S-1)*math.Log1p(t/p.Beta))
}

// ConditionalExpectedPurchasesAt writes ConditionalExpectedPurchases(c, t)
// for each t of ts into out (min(len(ts), len(out)) values), computing
// P(alive) once (clv.PurchaseCurve).
func (m *Model) ConditionalExpectedPurchasesAt(c clv.Customer, ts, out []float64) {
	ts = ts[:min(len(ts), len(out))]
	if !m.base.Ready() || !valid(c) {
		for i := range ts {
			out[i] = math.NaN()
		}
		return
	}
	p := m.Params()
	pa := p.alive(c.Frequency, c.Recency, c.T)
	for i, t := range ts {
		if !finiteNonNeg(t) {
			out[i] = math.NaN()
			continue
		}
		out[i] = pa * p.activeExpected(c.Frequency, c.T, t)
	}
}

var _ clv.PurchaseCurve = (*Model)(nil)

// batch computes f for every customer on all cores (model.Batch), and
// reports a customer for whom a series did not converge.
func (m *Model) batch(cs []clv.Customer, f func(p Params, c *clv.Customer, mem *memo) float64) ([]float64, error) {
	if !m.base.Ready() {
		return nil, errZeroModel
	}
	p := m.Params()
	out, err := model.BatchWith("paretonbd", cs, func() *memo {
		if len(cs) < 4*memoSize {
			return nil // not worth the memo (1 MiB)
		}
		return new(memo)
	}, func(mem *memo, _ int, c *clv.Customer) float64 { return f(p, c, mem) })
	if err != nil {
		return nil, err
	}
	for i, v := range out {
		if math.IsNaN(v) {
			return nil, fmt.Errorf("paretonbd: customers[%d] (%q): the likelihood's series did not converge for %v", i, cs[i].ID, m)
		}
	}
	return out, nil
}

// ProbabilityAliveAll returns ProbabilityAlive for every customer, computed
// on all cores. An invalid customer is an error naming it.
func (m *Model) ProbabilityAliveAll(cs []clv.Customer) ([]float64, error) {
	return m.batch(cs, func(p Params, c *clv.Customer, mem *memo) float64 {
		return p.aliveMemo(c.Frequency, c.Recency, c.T, mem)
	})
}

// ConditionalExpectedPurchasesAll returns ConditionalExpectedPurchases(c, t)
// for every customer, computed on all cores.
func (m *Model) ConditionalExpectedPurchasesAll(cs []clv.Customer, t float64) ([]float64, error) {
	if !finiteNonNeg(t) {
		return nil, fmt.Errorf("paretonbd: horizon t = %v, want a finite number ≥ 0", t)
	}
	return m.batch(cs, func(p Params, c *clv.Customer, mem *memo) float64 {
		return p.aliveMemo(c.Frequency, c.Recency, c.T, mem) * p.activeExpected(c.Frequency, c.T, t)
	})
}

// ProbabilityOfPurchases returns P(Y(t) = n | x, t_x, T), the probability
// that the customer makes n purchases in (T, T+t] (Fader & Hardie 2006,
// "Deriving the Conditional PMF of the Pareto/NBD Model"). A customer who
// is no longer alive makes none; one alive at T (probability P(alive)) buys
// as a new customer with the posterior parameters (r+x, α+T, s, β+T):
//
//	P(Y(t)=n | x, t_x, T) = δ_{n=0} (1 − P(alive)) + P(alive) · P(X(t)=n; r+x, α+T, s, β+T).
//
// See ProbabilityOfPurchasesUnconditional for how the second factor is
// computed. The result is NaN for an invalid customer, n < 0 or t not a
// finite number ≥ 0.
func (m *Model) ProbabilityOfPurchases(c clv.Customer, n int, t float64) float64 {
	if !m.base.Ready() || !valid(c) || n < 0 || !finiteNonNeg(t) {
		return math.NaN()
	}
	p := m.Params()
	x := c.Frequency
	pa := p.alive(x, c.Recency, c.T)
	post := p.posterior(x, c.T)
	v := pa * post.pmf(float64(n), t)
	if n == 0 {
		v += 1 - pa
	}
	return v
}

// ProbabilityOfPurchasesIfAlive returns the probability that a customer with
// x repeat purchases in T, known to be alive at T, makes n purchases in
// (T, T+t]: a new customer with the posterior parameters (r+x, α+T, s, β+T)
// (interval.AliveMixture). Invalid arguments give NaN.
func (m *Model) ProbabilityOfPurchasesIfAlive(x, T float64, n int, t float64) float64 {
	if !m.base.Ready() || !valid(clv.Customer{Frequency: x, T: T}) || n < 0 || !finiteNonNeg(t) {
		return math.NaN()
	}
	p := m.Params()
	post := p.posterior(x, T)
	return post.pmf(float64(n), t)
}

// ProbabilityOfPurchasesUnconditional returns P(X(t) = n), the probability
// that a customer just acquired at 0 makes n repeat purchases in (0, t]
// (Fader & Hardie 2005, eq. 8 ff.). With NBD(n; τ) = Γ(r+n)/(Γ(r) n!)
// (α/(α+τ))^r (τ/(α+τ))^n the count of a customer alive throughout (0, τ],
// and the lifetime's density s β^s/(β+τ)^(s+1),
//
//	P(X(t)=n) = NBD(n; t) (β/(β+t))^s + ∫_0^t s β^s (β+τ)^−(s+1) NBD(n; τ) dτ.
//
// The integral is computed by 16-point Gauss–Legendre quadrature over
// panels in y = asinh(√(τ/α)), in which the NBD factor's peak is about
// 1/(2√r) wide for every n, cut also where the dropout density
// (1 + τ/β)^−(s+1) has fallen by a factor e^3 (pmfgrid.go), so that a
// dropout scale far below the purchase scale (β ≪ α) is resolved too: at
// most 384 panels, typically 8 to 35. Over shapes from r = 0.02 to 10⁵,
// s = 0.02 to the exponential-dropout limit and β/α from 3e-7 to 10⁴ the
// counts' probabilities sum to 1 within 1.2e-11 (the rounding of the
// general formula at r = 10⁵; 1e-14 at moderate r) with mean E[X(t)], and
// each (r ≤ 10³) agrees with a direct 4,000-point quadrature to 1e-12 absolute
// (TestPMFSumsToOne, TestPMFDirect). When t/α overflows the result is NaN.
// The limit models are computed as pmfgrid.go and limitpoisson.go describe.
func (m *Model) ProbabilityOfPurchasesUnconditional(n int, t float64) float64 {
	if !m.base.Ready() || n < 0 || !finiteNonNeg(t) {
		return math.NaN()
	}
	return m.Params().pmf(float64(n), t)
}

func (p Params) pmf(n, t float64) float64 {
	if t == 0 {
		if n == 0 {
			return 1
		}
		return 0
	}
	var buf [pmfMaxYCuts + pmfMaxVCuts + 2]float64
	cuts := p.pmfCuts(buf[:0], t)
	if cuts == nil {
		return p.poisPMF(n, t)
	}
	lnK, alive := p.pmfHead(n, t)
	xs, ws := glNodes()
	pk := p.pmfConst()
	var sum float64
	for k := 1; k < len(cuts); k++ {
		lo, h := cuts[k-1], (cuts[k]-cuts[k-1])/2
		for i, x := range xs {
			a, ly := p.pmfNode(pk, lo+h*(x+1))
			sum += pmfTerm(ws[i]*h, lnK, a, ly, n)
		}
	}
	return alive + sum
}

// DERT returns the discounted expected residual transactions of the
// customer (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves
// for Customer Base Analysis", eq. 2): the purchases after T, each
// discounted continuously at rate delta per time unit,
//
//	DERT(δ) = ∫_0^∞ e^(−δt) dE[Y(t) | x, t_x, T]
//	        = P(alive) · (r+x)/(α+T) · (β+T)^s δ^(s−1) Ψ(s, s; δ(β+T)),
//
// with Ψ the confluent hypergeometric function of the second kind. It is
// computed as P(alive)·(r+x)/(α+T)·(β+T)·J with J = ∫_0^∞ e^(−zv) (1+v)^(−s) dv,
// z = δ(β+T), by Gauss–Legendre quadrature in w = ln(1+v). For an annual
// discount rate d and weekly data, delta = ln(1+d)/52. Multiplied by the
// expected value per purchase (and margin) it is the customer's residual
// lifetime value. delta = 0 gives the undiscounted expected number of
// future purchases, +Inf when s ≤ 1 (a heavy tail of long lifetimes). The
// result is NaN for an invalid customer or delta not a finite number ≥ 0.
func (m *Model) DERT(c clv.Customer, delta float64) float64 {
	if !m.base.Ready() || !valid(c) || !finiteNonNeg(delta) {
		return math.NaN()
	}
	p := m.Params()
	if p.expLimit() { // P(alive) · a/((α+T)(δ+μ))
		return p.alive(c.Frequency, c.Recency, c.T) * p.aliveRate(c.Frequency, c.T) / (delta + p.mu())
	}
	bt := p.Beta + c.T
	if p.poissonLimit() { // P(alive) · λ · (β+T) · J
		return p.alive(c.Frequency, c.Recency, c.T) * p.lambda() * bt * discountedLifetime(delta*bt, p.S)
	}
	return p.alive(c.Frequency, c.Recency, c.T) * (p.R + c.Frequency) / (p.Alpha + c.T) * bt * discountedLifetime(delta*bt, p.S)
}

// discountedLifetime returns J(z, s) = ∫_0^∞ e^(−zv) (1+v)^(−s) dv for
// z ≥ 0, s > 0: 1/(s−1) at z = 0 when s > 1, +Inf when s ≤ 1.
func discountedLifetime(z, s float64) float64 {
	if z == 0 {
		if s > 1 {
			return 1 / (s - 1)
		}
		return math.Inf(1)
	}
	// In w = ln(1+v) the integrand is exp(−z(e^w − 1) + (1−s)w); it is
	// below e^−60 of its scale beyond W, where z(e^W − 1) + (s−1)W = 60
	// for s > 1 (Newton's method on that convex function, from the right),
	// and z(e^W − 1) = 60 + (1−s)W otherwise.
	W := 1.0
	if s > 1 {
		W = math.Min(math.Log1p(60/z), 60/(s-1))
		for range 50 {
			f := z*math.Expm1(W) + (s-1)*W - 60
			W -= f / (z*math.Exp(W) + s - 1)
			if math.Abs(f) < 1e-3 {
				break
			}
		}
	} else {
		for range 20 {
			W = math.Log1p((60 + (1-s)*W) / z)
		}
	}
	return composite(func(w float64) float64 { return math.Exp(-z*math.Expm1(w) + (1-s)*w) }, 0, W)
}

// glNodes are the 16-point Gauss–Legendre nodes and weights on [−1, 1],
// computed once.
var glNodes = sync.OnceValues(func() ([]float64, []float64) {
	x, w := make([]float64, 16), make([]float64, 16)
	quad.Legendre{}.FixedLocations(x, w, -1, 1)
	return x, w
})

// composite integrates f over [a, b] with 16 equal panels of 16-point
// Gauss–Legendre.
func composite(f func(float64) float64, a, b float64) float64 {
	const panels = 16
	xs, ws := glNodes()
	h := (b - a) / panels
	var sum float64
	for k := range panels {
		lo := a + float64(k)*h
		var ps float64
		for i, x := range xs {
			ps += ws[i] * f(lo+h*(x+1)/2)
		}
		sum += ps * h / 2
	}
	return sum
}

// ExpectedFrequencyCounts returns the expected number of the customers cs
// with each number of repeat purchases in their T, 0 to k−1 and k or more
// (assess.ExpectedFrequencyCounts): the calibration fit histogram.
func (m *Model) ExpectedFrequencyCounts(cs []clv.Customer, k int) ([]float64, error) {
	if !m.base.Ready() {
		return nil, errZeroModel
	}
	return assess.ExpectedFrequencyCounts(m, cs, k)
}

// IfAlive returns, for customers with x repeat purchases, the expected
// number of purchases in (T, T+t] of one known to be alive at T, the
// factor beside P(alive) in ConditionalExpectedPurchases
// (interval.AliveFactored):
//
//	(r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)].
//
// It is closed-form: minT and maxT, the range of T and t the caller will
// ask for, are not needed. It is safe for concurrent use. An invalid x, T
// or t gives NaN.
func (m *Model) IfAlive(x, minT, maxT float64) func(T, t float64) float64 {
	if !m.base.Ready() {
		return func(T, t float64) float64 { return math.NaN() }
	}
	p := m.Params()
	return func(T, t float64) float64 {
		if !valid(clv.Customer{Frequency: x, T: T}) || !finiteNonNeg(t) {
			return math.NaN()
		}
		return p.activeExpected(x, T, t)
	}
}
