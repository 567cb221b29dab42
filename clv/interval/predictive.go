package interval

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
	"github.com/clvkit/clvkit/internal/rows"
)

// ConditionalPMF is a purchase model that gives the distribution of a
// customer's purchases in (T, T+t]: bgnbd.Model and paretonbd.Model.
type ConditionalPMF interface {
	ProbabilityOfPurchases(c clv.Customer, n int, t float64) float64
}

// maxPMFCount bounds the counts a predictive distribution is summed over.
const maxPMFCount = 100_000

// pmfTail is the probability left out when a distribution is truncated.
const pmfTail = 1e-10

// predictive returns the mixture over the models of the distribution of
// c's purchases in (T, T+t], as probabilities of 0, 1, ... up to where the
// rest is below pmfTail.
func predictive(models []ConditionalPMF, c clv.Customer, t float64) ([]float64, error) {
	var p []float64
	cum := 0.0
	w := 1 / float64(len(models))
	for n := 0; n <= maxPMFCount; n++ {
		v := 0.0
		for _, m := range models {
			v += w * m.ProbabilityOfPurchases(c, n, t)
		}
		if math.IsNaN(v) {
			return nil, fmt.Errorf("interval: customer %q: P(Y(%v) = %d) is not a number", c.ID, t, n)
		}
		p = append(p, v)
		cum += v
		if 1-cum < pmfTail {
			return p, nil
		}
	}
	return nil, fmt.Errorf("interval: customer %q: the distribution of purchases in %v has more than %d outcomes", c.ID, t, maxPMFCount)
}

// Predictive returns an interval for the number of purchases the
// customer will actually make in (T, T+t]: the smallest n_lo and n_hi with
// P(Y ≤ n_lo) ≥ (1−level)/2 and P(Y ≤ n_hi) ≥ (1+level)/2 under the
// distribution averaged over models (one model for the process noise
// alone; parameter draws, e.g. from SampleParams, to add the parameters'
// uncertainty). Counts are discrete, so the interval's coverage is at
// least level (conservative).
func Predictive(models []ConditionalPMF, c clv.Customer, t, level float64) (lo, hi int, err error) {
	if len(models) == 0 || !(level > 0 && level < 1) || !(t >= 0) || math.IsInf(t, 0) {
		return 0, 0, fmt.Errorf("interval: Predictive: %d models, level %v, t %v", len(models), level, t)
	}
	for _, m := range models {
		if err := checkModels("Predictive", m); err != nil {
			return 0, 0, err
		}
	}
	if err := c.Validate(); err != nil {
		return 0, 0, err
	}
	p, err := predictive(models, c, t)
	if err != nil {
		return 0, 0, err
	}
	cum := 0.0
	lo, hi = -1, len(p)-1
	for n, v := range p {
		cum += v
		if lo < 0 && cum >= (1-level)/2 {
			lo = n
		}
		if cum >= (1+level)/2 {
			hi = n
			break
		}
	}
	return max(lo, 0), hi, nil
}

// PredictiveTotal returns an interval for the total number of
// purchases the customers will actually make in (T, T+t] each, at the
// given level, and the expected total: a normal approximation (the total
// is a sum of many independent customers' counts) whose variance adds the
// customers' variances under pm (the process noise) and the variance of
// drawTotals, the expected totals under parameter draws (the parameters'
// uncertainty; nil to leave it out).
func PredictiveTotal(pm ConditionalPMF, cs []clv.Customer, t, level float64, drawTotals []float64) (mean, lo, hi float64, err error) {
	if err := checkModels("PredictiveTotal", pm); err != nil {
		return 0, 0, 0, err
	}
	if !(level > 0 && level < 1) || !(t >= 0) || math.IsInf(t, 0) {
		return 0, 0, 0, errors.New("interval: PredictiveTotal: need a model, a level in (0, 1) and a horizon ≥ 0")
	}
	if err := clv.ValidateAll(cs); err != nil {
		return 0, 0, 0, err
	}
	var variance float64
	for _, c := range cs {
		p, err := predictive([]ConditionalPMF{pm}, c, t)
		if err != nil {
			return 0, 0, 0, err
		}
		var e, e2 float64
		for n, v := range p {
			e += float64(n) * v
			e2 += float64(n*n) * v
		}
		mean += e
		variance += e2 - e*e
	}
	if k := len(drawTotals); k > 1 {
		var m, v float64
		for _, x := range drawTotals {
			m += x / float64(k)
		}
		for _, x := range drawTotals {
			v += (x - m) * (x - m)
		}
		variance += v / float64(k-1)
	}
	z := math.Sqrt2 * math.Erfinv(level)
	sd := math.Sqrt(variance)
	return mean, math.Max(0, mean-z*sd), mean + z*sd, nil
}

// AliveMixture is implemented by purchase models whose distribution of a
// customer's purchases in (T, T+t] is a mixture: none with probability
// 1 − P(alive), else the distribution of a customer alive at T, which
// depends on the frequency x and T only (BG/NBD, MBG/NBD, Pareto/NBD):
//
//	P(Y(t) = n | x, t_x, T) = δ_{n=0} (1 − P(alive)) + P(alive) · Q(n; x, T, t).
//
// ProbabilityOfPurchasesIfAlive returns Q(n; x, T, t).
type AliveMixture interface {
	AliveFactored
	ProbabilityOfPurchasesIfAlive(x, T float64, n int, t float64) float64
}

// AliveMixtureSeq is implemented by AliveMixture models that compute the
// distribution of an alive customer's purchases faster one count after the
// other than one count at a time (Pareto/NBD, whose probabilities are
// integrals over the same quadrature nodes). The k-th call (k = 0, 1, …)
// of the function PurchasesIfAliveSeq returns returns
// ProbabilityOfPurchasesIfAlive(x, T, k, t). PredictiveAll uses it when
// the model has it.
type AliveMixtureSeq interface {
	PurchasesIfAliveSeq(x, T, t float64) func() float64
}

// PredictiveAll returns, for every customer, Predictive with
// the one model pm: the smallest counts lo and hi with P(Y ≤ lo) ≥
// (1−level)/2 and P(Y ≤ hi) ≥ (1+level)/2 for the purchases Y the
// customer will actually make in (T, T+t]. The process noise alone: for one
// customer it outweighs the parameters' uncertainty many times over (see
// Predictive for both). The distribution of an alive customer is
// computed once per distinct (x, T), on all cores, so a million customers
// of a log of dates take a fraction of a second. An invalid customer is an
// error naming it.
func PredictiveAll(pm AliveMixture, cs []clv.Customer, t, level float64) (lo, hi []int, err error) {
	return PredictiveAllGrouped(pm, cs, nil, t, level)
}

// PredictiveAllGrouped returns what PredictiveAll returns, taking the
// customers' distinct rows from grouping (clv.GroupCustomers) instead of
// grouping them; nil means none. A grouping of other customers is an
// error wrapping clv.ErrGroupingMismatch.
func PredictiveAllGrouped(pm AliveMixture, cs []clv.Customer, grouping *clv.Grouping, t, level float64) (lo, hi []int, err error) {
	if err := checkModels("PredictiveAll", pm); err != nil {
		return nil, nil, err
	}
	if !(level > 0 && level < 1) || !(t >= 0) || math.IsInf(t, 0) {
		return nil, nil, fmt.Errorf("interval: PredictiveAll: model %v, level %v, t %v", pm, level, t)
	}
	sg, ok := rows.GroupsOf(rows.Unbox(grouping), cs)
	if !ok {
		return nil, nil, fmt.Errorf("interval: PredictiveAll: %w", clv.ErrGroupingMismatch)
	}
	if sg == nil { // with their grouping, validated by clv.GroupCustomers
		if err := clv.ValidateAll(cs); err != nil {
			return nil, nil, err
		}
	}
	// The customers by distinct (x, t_x, T), rows of one (x, T) adjacent:
	// per (x, T) one cumulative distribution, per row one P(alive).
	g := groupRows(cs, sg)
	var pairs []int // first row of each run of equal (x, T), and len(g.rows)
	for r := range g.rows {
		if r == 0 || g.rows[r].Frequency != g.rows[r-1].Frequency || g.rows[r].T != g.rows[r-1].T {
			pairs = append(pairs, r)
		}
	}
	pairs = append(pairs, len(g.rows))
	lo, hi = make([]int, len(cs)), make([]int, len(cs))
	errs := make([]error, len(pairs)-1)
	parallel.Map(len(pairs)-1, func(a, b int) {
		var cdf, txs, pa []float64
		for j := a; j < b; j++ {
			x, T := g.rows[pairs[j]].Frequency, g.rows[pairs[j]].T
			next := func(n int) float64 { return pm.ProbabilityOfPurchasesIfAlive(x, T, n, t) }
			if sq, ok := pm.(AliveMixtureSeq); ok {
				f := sq.PurchasesIfAliveSeq(x, T, t)
				next = func(int) float64 { return f() }
			}
			cdf = cdf[:0]
			cum := 0.0
			for n := 0; ; n++ {
				if n > maxPMFCount {
					errs[j] = fmt.Errorf("interval: PredictiveAll: the distribution at x = %v, T = %v has more than %d outcomes", x, T, maxPMFCount)
					break
				}
				v := next(n)
				if math.IsNaN(v) {
					errs[j] = fmt.Errorf("interval: PredictiveAll: P(Y(%v) = %d | alive, x = %v, T = %v) is not a number", t, n, x, T)
					break
				}
				cum += v
				cdf = append(cdf, cum)
				if 1-cum < pmfTail {
					break
				}
			}
			if errs[j] != nil {
				continue
			}
			rows := g.rows[pairs[j]:pairs[j+1]]
			txs, pa = txs[:0], slices.Grow(pa[:0], len(rows))[:len(rows)]
			for _, r := range rows {
				txs = append(txs, r.Recency)
			}
			pm.ProbabilityAliveAt(x, T, txs, pa)
			for k, p := range pa {
				r := pairs[j] + k
				if math.IsNaN(p) {
					i := g.order[g.start[r]]
					errs[j] = fmt.Errorf("interval: PredictiveAll: customers[%d] (%q): P(alive) is not a number", i, cs[i].ID)
					break
				}
				// The smallest n with (1 − p) + p·CDF(n) ≥ q.
				count := func(q float64) int {
					if 1-p >= q {
						return 0
					}
					n, _ := slices.BinarySearch(cdf, (q-(1-p))/p)
					return min(n, len(cdf)-1)
				}
				l, h := count((1-level)/2), count((1+level)/2)
				for _, i := range g.order[g.start[r]:g.start[r+1]] {
					lo[i], hi[i] = l, h
				}
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return lo, hi, nil
}
