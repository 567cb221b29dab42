package bgnbd

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
	"gonum.org/v1/gonum/mathext"
)

// ProbabilityAlive returns P(alive | x, t_x, T), the probability that the
// customer is still active at T (Fader & Hardie 2008, "Computing P(alive)
// Using the BG/NBD Model"):
//
//	P(alive) = 1 / (1 + δ_{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
//
// It is 1 for a customer without repeat purchases. c must be a valid
// summary (see clv.Customer.Validate); otherwise the result is NaN.
//
// For MBG/NBD (Batislam, Denizel & Filiztekin 2007) the customer may also
// have dropped out at time 0:
//
//	P(alive) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)),
//
// below 1 for x = 0 as well, and falling as T grows.
func (m *Model) ProbabilityAlive(c clv.Customer) float64 {
	if !m.base.Ready() || !valid(c) {
		return math.NaN()
	}
	return m.f.alive(c.Frequency, c.Recency, c.T)
}

// alive computes 1/(1 + odds) with odds = a/(b+x−1+d)·((α+T)/(α+t_x))^(r+x),
// with one logarithm and one exponential. Odds overflowing to +Inf give 0,
// the correctly rounded result.
func (p family) alive(x, tx, T float64) float64 {
	if x+p.d == 0 {
		return 1
	}
	odds := p.A / (p.B + x - 1 + p.d) * math.Exp((p.R+x)*math.Log((p.Alpha+T)/(p.Alpha+tx)))
	return 1 / (1 + odds)
}

// valid is model.ValidCustomer.
func valid(c clv.Customer) bool { return model.ValidCustomer(&c) }

// ConditionalExpectedPurchases returns E[Y(t) | x, t_x, T], the expected
// number of purchases in (T, T+t] of a customer with the given history
// (Fader, Hardie & Lee 2005, eq. 10):
//
//	E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
//	                      / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^(r+x)).
//
// This equals P(alive) times the expectation for a fresh customer with the
// posterior parameters (r+x, α+T, a, b+x), which is how it is computed,
// with a transformed series that stays accurate for large x, and for
// t > α+T the connection formula of ₂F₁ in (α+T)/(α+T+t), so that the
// work stays bounded at any horizon (see freshExpected). For MBG/NBD the posterior is (r+x, α+T, a, b+x+1) and
// P(alive) is MBG/NBD's (Batislam, Denizel & Filiztekin 2007, eq. 11):
//
//	E[Y(t) | x, t_x, T] = (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))]
//	                      / (1 + a/(b+x) ((α+T)/(α+t_x))^(r+x)).
//
// t must be ≥ 0 and c valid; otherwise the result is NaN.
// It is also NaN in a corner fitted models do not reach in practice, r ≫ a+b
// (r above some 50) together with a+b ≤ 1, where every series loses more
// than 1e-10 relative to cancellation: NaN says so rather than a wrong
// number, and the batch method returns an error.
func (m *Model) ConditionalExpectedPurchases(c clv.Customer, t float64) float64 {
	if !m.base.Ready() || !valid(c) || !(t >= 0) || math.IsInf(t, 0) {
		return math.NaN()
	}
	return m.f.condExpected(c.Frequency, c.Recency, c.T, t)
}

func (p family) condExpected(x, tx, T, t float64) float64 {
	return p.alive(x, tx, T) * p.series(x, T, t)
}

// series is the expectation of an active customer with x repeat purchases
// observed for T: a fresh BG/NBD customer with the posterior parameters
// (r+x, α+T, a, b+x+d).
func (p family) series(x, T, t float64) float64 {
	return freshExpected(p.R+x, p.Alpha+T, p.A, p.B+x+p.d, t)
}

// plan is series for one (x, T) at many horizons: plan(x, T).at(t) is
// series(x, T, t), bit for bit.
func (p family) plan(x, T float64) freshPlan {
	return freshPlan{r: p.R + x, alpha: p.Alpha + T, a: p.A, b: p.B + x + p.d}
}

// ExpectedPurchases returns E[X(t)], the expected number of repeat
// purchases in (0, t] of a new customer who made a first purchase at 0
// (Fader, Hardie & Lee 2005, eq. 9):
//
//	E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
//
// For MBG/NBD, where the new customer is still active after the first
// purchase with probability b/(a+b) and then buys like a BG/NBD customer
// with b+1 (Batislam, Denizel & Filiztekin 2007, eq. 10):
//
//	E[X(t)] = b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))].
//
// It is the expected number of repeat purchases of a just-acquired customer
// in the first t time units.
func (m *Model) ExpectedPurchases(t float64) float64 {
	if !m.base.Ready() || !(t >= 0) || math.IsInf(t, 0) {
		return math.NaN()
	}
	p := m.f
	if p.d == 0 {
		return freshExpected(p.R, p.Alpha, p.A, p.B, t)
	}
	return p.B / (p.A + p.B) * freshExpected(p.R, p.Alpha, p.A, p.B+1, t)
}

// ProbabilityOfPurchasesUnconditional returns P(X(t) = n), the probability
// that a new customer makes n repeat purchases in (0, t] (Fader, Hardie &
// Lee 2005, eq. 8):
//
//	P(X(t)=n) = B(a, b+n)/B(a, b) · Γ(r+n)/(Γ(r) n!) · (α/(α+t))^r (t/(α+t))^n
//	          + δ_{n>0} B(a+1, b+n−1)/B(a, b) · [1 − (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j].
//
// The bracket, a negative binomial tail, is computed as the regularized
// incomplete beta function I_{t/(α+t)}(n, r), which does not cancel.
//
// For MBG/NBD, dropout is possible before the first repeat purchase too:
//
//	P(X(t)=n) = B(a, b+n+1)/B(a, b) · NBD(n) + B(a+1, b+n)/B(a, b) · [1 − Σ_{j<n} NBD(j)],
//
// the bracket being 1 for n = 0.
func (m *Model) ProbabilityOfPurchasesUnconditional(n int, t float64) float64 {
	if !m.base.Ready() || n < 0 || !(t >= 0) || math.IsInf(t, 0) {
		return math.NaN()
	}
	return m.f.pmf(float64(n), t)
}

func (p family) pmf(n, t float64) float64 {
	if t == 0 {
		if n == 0 {
			return 1
		}
		return 0
	}
	z := t / (p.Alpha + t)
	lg := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
	nd := n + p.d
	// ln B(a, b+n+d)/B(a, b) and Γ(r+n)/Γ(r) as differences (lgDiff) and
	// (α/(α+t))^r by log1p: accurate when a, b and r are large (a fit at a
	// limit of the model holds them at 10⁸).
	lb := lgDiff(p.B, lg(p.B), nd) - lgDiff(p.A+p.B, lg(p.A+p.B), nd)
	first := math.Exp(lb + lgDiff(p.R, lg(p.R), n) - lg(n+1) - p.R*math.Log1p(t/p.Alpha) + n*math.Log(z))
	if nd == 0 {
		return first
	}
	tail := 1.0
	if n > 0 {
		tail = mathext.RegIncBeta(n, p.R, z)
	}
	// B(a+1, b+n+d−1) = B(a, b+n+d)·a/(b+n+d−1).
	return first + math.Exp(lb+math.Log(p.A/(p.B+nd-1)))*tail
}

// ProbabilityOfPurchases returns P(Y(t) = n | x, t_x, T), the probability
// that a customer with the given history makes n purchases in (T, T+t]
// (Fader & Hardie, "Deriving the Conditional PMF of the BG/NBD Model").
// A customer who has dropped out makes none; one still active (probability
// P(alive)) buys as a new customer with the posterior parameters
// (r+x, α+T, a, b+x):
//
//	P(Y(t)=n | x, t_x, T) = δ_{n=0} (1 − P(alive)) + P(alive) · P(X(t)=n; r+x, α+T, a, b+x).
//
// For MBG/NBD the posterior has b+x+1 and P(alive) is MBG/NBD's.
func (m *Model) ProbabilityOfPurchases(c clv.Customer, n int, t float64) float64 {
	if !m.base.Ready() || !valid(c) || n < 0 || !(t >= 0) || math.IsInf(t, 0) {
		return math.NaN()
	}
	x := c.Frequency
	p := m.f
	pa := p.alive(x, c.Recency, c.T)
	post := family{Params: Params{R: p.R + x, Alpha: p.Alpha + c.T, A: p.A, B: p.B + x + p.d}}
	v := pa * post.pmf(float64(n), t)
	if n == 0 {
		v += 1 - pa
	}
	return v
}

// ProbabilityOfPurchasesIfAlive returns the probability that a customer with
// x repeat purchases in T, known to be alive at T, makes n purchases in
// (T, T+t]: a fresh customer with the posterior parameters (r+x, α+T, a,
// b+x) (MBG/NBD: b+x+1) (interval.AliveMixture). Invalid arguments give NaN.
func (m *Model) ProbabilityOfPurchasesIfAlive(x, T float64, n int, t float64) float64 {
	if !m.base.Ready() || !valid(clv.Customer{Frequency: x, T: T}) || n < 0 || !(t >= 0) || math.IsInf(t, 0) {
		return math.NaN()
	}
	p := m.f
	post := family{Params: Params{R: p.R + x, Alpha: p.Alpha + T, A: p.A, B: p.B + x + p.d}}
	return post.pmf(float64(n), t)
}

// ProbabilityAliveHistory returns P(alive) of one customer at each of the
// times in at, given the times of all the customer's purchases (the first
// purchase included, in any order and any origin, in the model's time
// unit). At time τ the customer's summary is x = purchases in (first, τ],
// t_x = last purchase − first, T = τ − first. Times in at before the first
// purchase give NaN.
func (m *Model) ProbabilityAliveHistory(purchases, at []float64) ([]float64, error) {
	if !m.base.Ready() {
		return nil, errZeroModel
	}
	if len(purchases) == 0 {
		return nil, fmt.Errorf("bgnbd: ProbabilityAliveHistory: no purchases")
	}
	ps := append([]float64(nil), purchases...)
	sort.Float64s(ps)
	for _, v := range ps {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("bgnbd: ProbabilityAliveHistory: purchase time %v", v)
		}
	}
	out := make([]float64, len(at))
	for i, tau := range at {
		if !(tau >= ps[0]) || math.IsInf(tau, 0) {
			out[i] = math.NaN()
			continue
		}
		// Repeat purchases up to τ.
		k := sort.Search(len(ps), func(j int) bool { return ps[j] > tau })
		x := float64(k - 1)
		out[i] = m.f.alive(x, ps[k-1]-ps[0], tau-ps[0])
	}
	return out, nil
}

// batch computes f for every customer on all cores (model.Batch).
func batch(cs []clv.Customer, f func(i int, c *clv.Customer) float64) ([]float64, error) {
	return model.Batch("bgnbd", cs, f)
}

// ProbabilityAliveAll returns ProbabilityAlive for every customer, computed
// on all cores. An invalid customer is an error naming it.
func (m *Model) ProbabilityAliveAll(cs []clv.Customer) ([]float64, error) {
	if !m.base.Ready() {
		return nil, errZeroModel
	}
	return batch(cs, func(_ int, c *clv.Customer) float64 { return m.f.alive(c.Frequency, c.Recency, c.T) })
}

// ConditionalExpectedPurchasesAll returns ConditionalExpectedPurchases(c, t)
// for every customer, computed on all cores.
func (m *Model) ConditionalExpectedPurchasesAll(cs []clv.Customer, t float64) ([]float64, error) {
	return m.ConditionalExpectedPurchasesAllGrouped(cs, nil, t)
}

// ConditionalExpectedPurchasesAllGrouped returns what
// ConditionalExpectedPurchasesAll returns, bit for bit, taking the
// customers' (x, T) table from g, their grouping (clv.GroupCustomers),
// instead of grouping them; nil g means none. A g of other customers is an
// error wrapping clv.ErrGroupingMismatch.
func (m *Model) ConditionalExpectedPurchasesAllGrouped(cs []clv.Customer, g *clv.Grouping, t float64) ([]float64, error) {
	if !m.base.Ready() {
		return nil, errZeroModel
	}
	if err := checkHorizons(t); err != nil {
		return nil, err
	}
	tb, err := newXTTable(cs, g)
	if err != nil {
		return nil, err
	}
	var out []float64
	if tb != nil {
		fresh := tb.fresh(m.f, t)
		out, err = batch(cs, func(i int, c *clv.Customer) float64 {
			return m.f.alive(c.Frequency, c.Recency, c.T) * fresh[tb.slot[i]]
		})
	} else {
		out, err = batch(cs, func(_ int, c *clv.Customer) float64 { return m.f.condExpected(c.Frequency, c.Recency, c.T, t) })
	}
	if err != nil {
		return nil, err
	}
	if err := m.checkNaN(cs, out, 1); err != nil {
		return nil, err
	}
	return out, nil
}

// ConditionalExpectedPurchasesAt writes ConditionalExpectedPurchases(c, t)
// for each t of ts into out, computing P(alive) once (clv.PurchaseCurve).
// It writes min(len(ts), len(out)) values. From 256 horizons (a monthly
// curve over decades) the series part is interpolated across them, in
// ln(1 + t/(α+T)), to 1e-9 relative of the values point by point (some
// 1e-11 measured; see freshPlan.curve): a few dozen evaluations of the
// hypergeometric function instead of one per horizon.
func (m *Model) ConditionalExpectedPurchasesAt(c clv.Customer, ts, out []float64) {
	ts = ts[:min(len(ts), len(out))]
	if !m.base.Ready() || !valid(c) {
		for i := range ts {
			out[i] = math.NaN()
		}
		return
	}
	x := c.Frequency
	pa := m.f.alive(x, c.Recency, c.T)
	fp := m.f.plan(x, c.T)
	if checkHorizons(ts...) == nil && len(ts) >= curveMin {
		// Many horizons: interpolated (freshPlan.curve, 1e-9 relative).
		fp.curve(ts, out)
		for i := range ts {
			out[i] *= pa
		}
		return
	}
	for i, t := range ts {
		if !(t >= 0) || math.IsInf(t, 0) {
			out[i] = math.NaN()
			continue
		}
		out[i] = pa * fp.at(t)
	}
}

var _ clv.PurchaseCurve = (*Model)(nil)

// xtTable groups valid customers by (x, T) (rows.Group, or rows.Map of
// their grouping by (x, t_x, T), a clv.Grouping): the series part
// of the conditional expectation, freshExpected(r+x, α+T, a, b+x, t),
// depends on them only, and logs of dates have few distinct pairs.
type xtTable struct {
	pairs []rows.Key  // the distinct {x, T}
	slot  []int32     // each customer's pair; −1 for an invalid one
	plans []freshPlan // each pair's series, kept across horizons
}

// newXTTable returns the table, or nil if a sample of the customers shows
// mostly distinct pairs (continuous times), where it would only add a
// lookup per customer. With sg, the customers' grouping, it maps that
// instead of grouping them; an sg of other customers is an error.
func newXTTable(cs []clv.Customer, sg *clv.Grouping) (*xtTable, error) {
	byRow, ok := rows.GroupsOf(rows.Unbox(sg), cs)
	if !ok {
		return nil, fmt.Errorf("bgnbd: %w", clv.ErrGroupingMismatch)
	}
	const sample = 4096
	if len(cs) < 2*sample {
		return nil, nil
	}
	var seen rows.Index
	for i := range sample {
		seen.Add(rows.Key{A: cs[i].Frequency, B: cs[i].T})
	}
	if seen.Len() > sample/2 {
		return nil, nil
	}
	if byRow != nil { // of valid customers (clv.GroupCustomers validates)
		g, _ := rows.Map(byRow, func(k rows.Key) rows.Key { return rows.Key{A: k.A, B: k.C} })
		return &xtTable{pairs: g.Keys, slot: g.Of}, nil
	}
	g := rows.Group(len(cs), func(i int) (rows.Key, bool) {
		c := &cs[i]
		return rows.Key{A: c.Frequency, B: c.T}, valid(*c) // invalid: reported by batch
	})
	return &xtTable{pairs: g.Keys, slot: g.Of}, nil
}

// groupXT returns the table of every (x, T) of cs, without newXTTable's
// sample.
func groupXT(cs []clv.Customer) *xtTable {
	g := rows.Group(len(cs), func(i int) (rows.Key, bool) {
		c := &cs[i]
		return rows.Key{A: c.Frequency, B: c.T}, valid(*c)
	})
	return &xtTable{pairs: g.Keys, slot: g.Of}
}

// fresh returns the series part for every pair at horizon t, on all cores.
// A table serves one family: its plans are made on the first call.
func (tb *xtTable) fresh(p family, t float64) []float64 {
	if tb.plans == nil {
		tb.plans = make([]freshPlan, len(tb.pairs))
		for i, k := range tb.pairs {
			tb.plans[i] = p.plan(k.A, k.B)
		}
	}
	out := make([]float64, len(tb.pairs))
	parallel.Map(len(out), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = tb.plans[i].at(t)
		}
	})
	return out
}

// curves returns every pair's curve over ts (pair s at ts[j] is element
// s·len(ts)+j), interpolated from curveMin horizons (freshPlan.curve), on
// all cores.
func (tb *xtTable) curves(p family, ts []float64) []float64 {
	k := len(ts)
	out := make([]float64, len(tb.pairs)*k)
	parallel.Map(len(tb.pairs), func(lo, hi int) {
		for s := lo; s < hi; s++ {
			fp := p.plan(tb.pairs[s].A, tb.pairs[s].B)
			fp.curve(ts, out[s*k:(s+1)*k])
		}
	})
	return out
}

// ConditionalExpectedPurchasesAtAll returns ConditionalExpectedPurchases
// for every customer and every horizon of ts, row by row: element
// i·len(ts)+j is customer i at ts[j]. It computes P(alive) once per
// customer and, for logs of dates, the series once per distinct (x, T)
// and horizon; from 256 horizons it interpolates the series across them,
// as ConditionalExpectedPurchasesAt.
func (m *Model) ConditionalExpectedPurchasesAtAll(cs []clv.Customer, ts []float64) ([]float64, error) {
	return m.AppendConditionalExpectedPurchasesAt(nil, cs, ts)
}

// AppendConditionalExpectedPurchasesAt appends what
// ConditionalExpectedPurchasesAtAll returns to dst and returns the
// extended slice: with dst[:0] of a previous call, a caller scoring
// customers chunk by chunk reuses one buffer.
func (m *Model) AppendConditionalExpectedPurchasesAt(dst []float64, cs []clv.Customer, ts []float64) ([]float64, error) {
	return m.AppendConditionalExpectedPurchasesAtGrouped(dst, cs, nil, ts)
}

// AppendConditionalExpectedPurchasesAtGrouped appends what
// AppendConditionalExpectedPurchasesAt appends, bit for bit, taking the
// customers' (x, T) table from g, their grouping (clv.GroupCustomers; for
// a part of a slice, clv.Grouping.Sub), instead of grouping them; nil g
// means none. A g of other customers is an error wrapping
// clv.ErrGroupingMismatch.
func (m *Model) AppendConditionalExpectedPurchasesAtGrouped(dst []float64, cs []clv.Customer, g *clv.Grouping, ts []float64) ([]float64, error) {
	if err := checkHorizons(ts...); err != nil {
		return dst, err
	}
	tb, err := newXTTable(cs, g)
	if err != nil {
		return dst, err
	}
	pa, err := m.ProbabilityAliveAll(cs)
	if err != nil {
		return dst, err
	}
	k := len(ts)
	n0 := len(dst)
	dst = slices.Grow(dst, len(cs)*k)[:n0+len(cs)*k]
	out := dst[n0:]
	if tb == nil && k >= curveMin {
		// A curve costs a few dozen series and k sums of an interpolant:
		// worth grouping even a few customers by (x, T).
		tb = groupXT(cs)
	}
	switch {
	case tb != nil && k >= curveMin:
		// Many horizons: each pair's curve, interpolated (freshPlan.curve).
		f := tb.curves(m.f, ts)
		parallel.Map(len(cs), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if s := tb.slot[i]; s >= 0 {
					for j := range k {
						out[i*k+j] = pa[i] * f[int(s)*k+j]
					}
				}
			}
		})
	case tb != nil:
		for j, t := range ts {
			f := tb.fresh(m.f, t)
			parallel.Map(len(cs), func(lo, hi int) {
				for i := lo; i < hi; i++ {
					out[i*k+j] = pa[i] * f[tb.slot[i]]
				}
			})
		}
	default:
		parallel.Map(len(cs), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				c := &cs[i]
				fp := m.f.plan(c.Frequency, c.T)
				row := out[i*k : (i+1)*k]
				fp.curve(ts, row) // point by point below curveMin horizons
				for j := range row {
					row[j] *= pa[i]
				}
			}
		})
	}
	if err := m.checkNaN(cs, out, k); err != nil {
		return dst[:n0], err
	}
	return dst, nil
}

// DiscountedPurchasesAll returns, for every customer, the discounted
// expected purchases Σ_j w_j (E[Y(t_j)] − E[Y(t_{j−1})]) with t_0 = 0
// (clv.DiscountedPurchases). Since E[Y(t)] = P(alive)·f(x, T, t), this is
// P(alive) times Σ_j w_j (f_j − f_{j−1}), computed once per distinct
// (x, T) when a sample shows few pairs (logs of dates); from 256 horizons
// f is interpolated across them, as in ConditionalExpectedPurchasesAt.
func (m *Model) DiscountedPurchasesAll(cs []clv.Customer, ts, w []float64) ([]float64, error) {
	return m.DiscountedPurchasesAllGrouped(cs, nil, ts, w)
}

// DiscountedPurchasesAllGrouped returns what DiscountedPurchasesAll
// returns, bit for bit, taking the customers' (x, T) table from g, their
// grouping (clv.GroupCustomers), instead of grouping them; nil g means
// none (clv.GroupedDiscountedPurchases). A g of other customers is an
// error wrapping clv.ErrGroupingMismatch.
func (m *Model) DiscountedPurchasesAllGrouped(cs []clv.Customer, g *clv.Grouping, ts, w []float64) ([]float64, error) {
	if len(w) != len(ts) {
		return nil, fmt.Errorf("bgnbd: %d weights for %d horizons", len(w), len(ts))
	}
	if err := checkHorizons(ts...); err != nil {
		return nil, err
	}
	tb, err := newXTTable(cs, g)
	if err != nil {
		return nil, err
	}
	pa, err := m.ProbabilityAliveAll(cs)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(cs))
	// discounted is Σ_j w_j (f_j − f_{j−1}) of one (x, T)'s curve f over
	// ts, interpolated from curveMin horizons (freshPlan.curve); f is
	// scratch of len(ts).
	discounted := func(fp *freshPlan, f []float64) float64 {
		fp.curve(ts, f)
		total, prev := 0.0, 0.0
		for j, v := range f {
			total += w[j] * (v - prev)
			prev = v
		}
		return total
	}
	if tb != nil && len(ts) >= curveMin {
		d := make([]float64, len(tb.pairs))
		parallel.Map(len(d), func(lo, hi int) {
			f := make([]float64, len(ts))
			for s := lo; s < hi; s++ {
				fp := m.f.plan(tb.pairs[s].A, tb.pairs[s].B)
				d[s] = discounted(&fp, f)
			}
		})
		parallel.Map(len(cs), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				if s := tb.slot[i]; s >= 0 {
					out[i] = pa[i] * d[s]
				}
			}
		})
	} else if tb != nil {
		d := make([]float64, len(tb.pairs))
		prev := make([]float64, len(tb.pairs))
		for j, t := range ts {
			f := tb.fresh(m.f, t)
			for s := range d {
				d[s] += w[j] * (f[s] - prev[s])
			}
			prev = f
		}
		parallel.Map(len(cs), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				out[i] = pa[i] * d[tb.slot[i]]
			}
		})
	} else if len(ts) >= curveMin {
		parallel.Map(len(cs), func(lo, hi int) {
			f := make([]float64, len(ts))
			for i := lo; i < hi; i++ {
				c := &cs[i]
				fp := m.f.plan(c.Frequency, c.T)
				out[i] = pa[i] * discounted(&fp, f)
			}
		})
	} else {
		parallel.Map(len(cs), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				c := &cs[i]
				fp := m.f.plan(c.Frequency, c.T)
				total, prev := 0.0, 0.0
				for j, t := range ts {
					cum := pa[i] * fp.at(t)
					total += w[j] * (cum - prev)
					prev = cum
				}
				out[i] = total
			}
		})
	}
	if err := m.checkNaN(cs, out, 1); err != nil {
		return nil, err
	}
	return out, nil
}

var (
	_ clv.DiscountedPurchases        = (*Model)(nil)
	_ clv.GroupedDiscountedPurchases = (*Model)(nil)
)

// errZeroModel is the error of a batch method of a zero Model.
var errZeroModel = fmt.Errorf("bgnbd: %w: zero Model (use New or Fit)", clv.ErrInvalidParams)

// checkNaN returns an error naming the first customer with a NaN among
// out, which holds stride values per customer: the documented corner
// where no series is accurate.
func (m *Model) checkNaN(cs []clv.Customer, out []float64, stride int) error {
	for i, v := range out {
		if math.IsNaN(v) {
			c := i / stride
			return fmt.Errorf("bgnbd: customers[%d] (%q): no accurate expectation for %v (r ≫ a+b with a+b ≤ 1)", c, cs[c].ID, m)
		}
	}
	return nil
}

// checkHorizons reports the first horizon that is not a finite number ≥ 0.
func checkHorizons(ts ...float64) error {
	for _, t := range ts {
		if !(t >= 0) || math.IsInf(t, 0) {
			return fmt.Errorf("bgnbd: horizon t = %v, want a finite number ≥ 0", t)
		}
	}
	return nil
}

// ExpectedFrequencyCounts returns how many of the customers cs the model
// expects to have made each number of repeat purchases in their T: element
// n < k is Σᵢ P(X(Tᵢ) = n) (ProbabilityOfPurchasesUnconditional), and
// element k the expected number with k or more (assess.ExpectedFrequencyCounts).
// Beside the observed counts it is the calibration-period fit histogram of
// Fader, Hardie & Lee (2005, Figure 2).
func (m *Model) ExpectedFrequencyCounts(cs []clv.Customer, k int) ([]float64, error) {
	if !m.base.Ready() {
		return nil, errZeroModel
	}
	return assess.ExpectedFrequencyCounts(m, cs, k)
}

// IfAlive returns, for customers with x repeat purchases, the expected
// number of purchases in (T, T+t] of one known to be alive at T: a fresh
// customer with the posterior parameters (r+x, α+T, a, b+x) (MBG/NBD:
// b+x+1), the factor beside P(alive) in ConditionalExpectedPurchases
// (interval.AliveFactored). The function is meant for many T ≥ minT and
// 0 ≤ t ≤ maxT: it sums the series once, as an interpolant in
// ln(1 + t/(α+T)) up to ln 64 (see chebSum), and falls back to
// freshExpected wherever the interpolant cannot promise 1e-12 relative or
// outside those bounds. It is safe for concurrent use. An invalid x, T or t gives NaN.
func (m *Model) IfAlive(x, minT, maxT float64) func(T, t float64) float64 {
	if !m.base.Ready() || !valid(clv.Customer{Frequency: x, T: max(minT, 0)}) {
		return func(T, t float64) float64 { return math.NaN() }
	}
	p := m.f
	a, b := p.A, p.B+x+p.d
	c := a + b - 1
	var cs *chebSum
	if minT >= 0 && maxT > 0 && !math.IsInf(maxT, 0) && a < largeA {
		cs = newChebSum(c-(p.R+x), a, c, math.Log1p(maxT/(p.Alpha+minT)))
	}
	// Beyond the interpolant, the series at each (T, t) from one plan: the
	// connection formula's part, which depends on x alone, made once here
	// (the closure only copies it, so it stays safe for concurrent use).
	base := p.plan(x, max(minT, 0))
	if maxT > p.Alpha+max(minT, 0) {
		base.conn, base.ready = newConnPlan(base.r, base.a, base.b), true
	}
	return func(T, t float64) float64 {
		if !valid(clv.Customer{Frequency: x, T: T}) || !(t >= 0) || math.IsInf(t, 0) {
			return math.NaN()
		}
		if cs != nil && t > 0 {
			if v, ok := cs.expected(c, p.Alpha+T, a, t); ok {
				return v
			}
		}
		fp := base
		fp.alpha = p.Alpha + T
		return fp.at(t) // = p.series(x, T, t), bit for bit
	}
}

// ProbabilityAliveAt writes ProbabilityAlive of the customers with x repeat
// purchases observed for T and recencies txs into out
// (min(len(txs), len(out)) values) (interval.AliveFactored).
func (m *Model) ProbabilityAliveAt(x, T float64, txs, out []float64) {
	txs = txs[:min(len(txs), len(out))]
	for i, tx := range txs {
		if !m.base.Ready() || !valid(clv.Customer{Frequency: x, Recency: tx, T: T}) {
			out[i] = math.NaN()
			continue
		}
		out[i] = m.f.alive(x, tx, T)
	}
}
