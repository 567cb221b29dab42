package campaign

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/internal/parallel"
	grouping "github.com/clvkit/clvkit/internal/rows"
)

// sums are what the effects are built from, per cell (label·2 + 0 for the
// contacted, 1 for the control group).
type sums struct {
	cells int
	n     []float64 // customers
	// a, a2: actual purchases and the sum of their squares; r, r2: revenue.
	a, a2, r, r2 []float64
	// e, er: expected purchases and revenue under the fitted model; v, vr:
	// their process variances.
	e, er, v, vr []float64
	// mu[d·cells+k], mur[d·cells+k]: expected purchases and revenue of
	// cell k under draw d.
	mu, mur []float64
	D       int
}

// entry is the customers of one cell in one distinct row: their number n,
// and the sums over them of the spend's moments (spendMoments): s of
// E[S], s2 of E[S]², k of E[S_k S_l] and qk of E[S²] − E[S_k S_l].
type entry struct {
	row, cell       int32
	n, s, s2, k, qk float64
}

// spendMoments are the moments of a customer's future purchase values S_k
// that the revenue's variance needs: m = E[S], k = E[S_k S_l] for two
// purchases k ≠ l and q = E[S²]. The variance of the revenue Σ_{k≤Y} S_k,
// with Y independent of the values, is
//
//	E[Y](q − k) + E[Y²] k − E[Y]² m²,
//
// which is Var[Y] m² when the values are fixed at m (q = k = m²).
type spendMoments struct{ m, k, q float64 }

// valueMoments returns the moments of a customer's purchase values of
// mean m from a spend model that gives their second moments
// (clv.ValueMoments, e.g. Gamma-Gamma's, whose values carry their own
// scatter, one customer's values sharing their ν); where the model gives
// none, or they do not exist (infinite), the values are taken at their
// mean (k = q = m²).
func valueMoments(vm clv.ValueMoments, c clv.Customer, m float64) spendMoments {
	if vm != nil {
		k, q := vm.ConditionalValueMoments(c)
		if k >= 0 && q >= k && !math.IsInf(q, 0) {
			return spendMoments{m, k, q}
		}
	}
	return spendMoments{m, m * m, m * m}
}

// rowKey is a distinct (x, t_x, T).
type rowKey struct{ x, tx, T float64 }

// maxPMFCount bounds the counts a distribution of purchases is summed
// over, and pmfTail is the probability left out.
const (
	maxPMFCount = 100_000
	pmfTail     = 1e-10
)

// baseline computes the sums: the model's expectations and variances by
// distinct (x, t_x, T), shared by the customers of each row, and by
// distinct (x, T) for models that factor P(alive) out.
func baseline(ctx context.Context, pm clv.PurchaseModel, sm clv.SpendModel, draws []clv.PurchaseModel, in Input, sel *selection, t float64) (*sums, error) {
	K := 2 * len(sel.labels)
	D := len(draws)
	S := &sums{cells: K, D: D}
	for _, p := range []*[]float64{&S.n, &S.a, &S.a2, &S.r, &S.r2, &S.e, &S.er, &S.v, &S.vr} {
		*p = make([]float64, K)
	}
	S.mu, S.mur = make([]float64, D*K), make([]float64, D*K)
	for j, i := range sel.idx {
		o, k := in.Outcomes[i], sel.cell[j]
		S.n[k]++
		S.a[k] += o.Purchases
		S.a2[k] += o.Purchases * o.Purchases
		S.r[k] += o.Revenue
		S.r2[k] += o.Revenue * o.Revenue
	}
	// The spend per purchase expected of each customer, and its moments.
	var spend []spendMoments // nil without a spend model: every value 0
	vm, _ := sm.(clv.ValueMoments)
	if sm != nil {
		spend = make([]spendMoments, len(sel.idx))
		bad := make([]int, parallel.Chunks(len(sel.idx)))
		parallel.For(len(bad), func(c int) {
			bad[c] = -1
			lo, hi := parallel.Bounds(c, len(sel.idx))
			for j := lo; j < hi; j++ {
				v := sm.ConditionalExpectedValue(in.Customers[sel.idx[j]])
				if !(v >= 0) || math.IsInf(v, 0) {
					if bad[c] < 0 {
						bad[c] = j
					}
					v = 0
				}
				spend[j] = spendMoments{v, v * v, v * v}
				if v > 0 {
					spend[j] = valueMoments(vm, in.Customers[sel.idx[j]], v)
				}
			}
		})
		for _, j := range bad {
			if j >= 0 {
				i := sel.idx[j]
				return nil, fmt.Errorf("campaign: customers[%d] (%q): expected value per purchase %v, want a finite number ≥ 0", i, in.Customers[i].ID, sm.ConditionalExpectedValue(in.Customers[i]))
			}
		}
	}
	// Distinct rows, sorted by (x, T, t_x): the grouping kernel's canonical
	// order of the key (x, T, t_x).
	g := grouping.Group(len(sel.idx), func(j int) (grouping.Key, bool) {
		c := &in.Customers[sel.idx[j]]
		return grouping.Key{A: c.Frequency, B: c.T, C: c.Recency}, true
	})
	rows := make([]rowKey, len(g.Keys))
	for r, k := range g.Keys {
		rows[r] = rowKey{x: k.A, tx: k.C, T: k.B}
	}
	rowOf := g.Of
	first := make([]int32, len(rows)) // a customer of each row, for errors
	for j, r := range rowOf {
		first[r] = sel.idx[j]
	}
	entries := rowEntries(rowOf, sel.cell, spend, len(rows), K)
	// Runs of rows of equal (x, T).
	var pairs []int
	for r := range rows {
		if r == 0 || rows[r].x != rows[r-1].x || rows[r].T != rows[r-1].T {
			pairs = append(pairs, r)
		}
	}
	pairs = append(pairs, len(rows))
	rowErr := func(r int, what string) error {
		i := first[r]
		return fmt.Errorf("campaign: customers[%d] (%q): %s is not a number", i, in.Customers[i].ID, what)
	}

	// The fitted model: expectations and variances.
	e0 := make([]float64, len(rows))
	if err := expectedRows(pm, rows, pairs, t, e0); err != nil {
		return nil, err
	}
	if r := slices.IndexFunc(e0, math.IsNaN); r >= 0 {
		return nil, rowErr(r, "the expected purchases")
	}
	v0, err := varianceRows(pm, rows, pairs, t, e0)
	if err != nil {
		return nil, err
	}
	for _, en := range entries {
		e, v := e0[en.row], v0[en.row]
		S.e[en.cell] += en.n * e
		S.v[en.cell] += en.n * v
		S.er[en.cell] += en.s * e
		S.vr[en.cell] += max(0, e*en.qk+(v+e*e)*en.k-e*e*en.s2)
	}
	// The draws: each its expectations, on all cores.
	errs := make([]error, D)
	bufs := sync.Pool{New: func() any { return make([]float64, len(rows)) }}
	parallel.For(D, func(d int) {
		if errs[d] = ctx.Err(); errs[d] != nil {
			return
		}
		e := bufs.Get().([]float64)
		defer bufs.Put(e) //nolint:staticcheck // SA6002: a slice header, one small allocation a draw
		if errs[d] = expectedRows(draws[d], rows, pairs, t, e); errs[d] != nil {
			return
		}
		if r := slices.IndexFunc(e, math.IsNaN); r >= 0 {
			errs[d] = fmt.Errorf("draw %d: %w", d, rowErr(r, "the expected purchases"))
			return
		}
		mu, mur := S.mu[d*K:(d+1)*K], S.mur[d*K:(d+1)*K]
		for _, en := range entries {
			mu[en.cell] += en.n * e[en.row]
			mur[en.cell] += en.s * e[en.row]
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return S, nil
}

// rowEntries aggregates the customers by (row, cell), in row order.
func rowEntries(rowOf, cell []int32, spend []spendMoments, R, K int) []entry {
	start := make([]int32, R+1)
	for _, r := range rowOf {
		start[r+1]++
	}
	for r := range R {
		start[r+1] += start[r]
	}
	byRow := make([]int32, len(rowOf))
	next := slices.Clone(start[:R])
	for j, r := range rowOf {
		byRow[next[r]] = int32(j)
		next[r]++
	}
	// The entries of each row, counted first so that they take one
	// allocation of their exact size.
	slot := make([]int32, K) // entry of each cell in the current row, +1
	n := 0
	for r := range R {
		for _, j := range byRow[start[r]:start[r+1]] {
			if k := cell[j]; slot[k] == 0 {
				slot[k] = 1
				n++
			}
		}
		for _, j := range byRow[start[r]:start[r+1]] {
			slot[cell[j]] = 0
		}
	}
	entries := make([]entry, 0, n)
	for r := range R {
		base := len(entries)
		for _, j := range byRow[start[r]:start[r+1]] {
			k := cell[j]
			if slot[k] == 0 {
				entries = append(entries, entry{row: int32(r), cell: k})
				slot[k] = int32(len(entries) - base)
			}
			en := &entries[base+int(slot[k])-1]
			en.n++
			if spend == nil {
				continue
			}
			sp := spend[j]
			en.s += sp.m
			en.s2 += sp.m * sp.m
			en.k += sp.k
			en.qk += sp.q - sp.k
		}
		for _, en := range entries[base:] {
			slot[en.cell] = 0
		}
	}
	return entries
}

// expectedRows writes E[Y(t)] of every row into out: for models that
// factor P(alive) out (interval.AliveFactored), A(x, T, t) once per
// distinct (x, T) and P(alive) for all recencies of it at once.
func expectedRows(m clv.PurchaseModel, rows []rowKey, pairs []int, t float64, out []float64) error {
	af, ok := m.(interval.AliveFactored)
	if !ok {
		for r, k := range rows {
			out[r] = m.ConditionalExpectedPurchases(clv.Customer{Frequency: k.x, Recency: k.tx, T: k.T}, t)
		}
		return nil
	}
	var txs []float64
	var fn func(T, t float64) float64
	for j := 0; j+1 < len(pairs); j++ {
		lo, hi := pairs[j], pairs[j+1]
		x, T := rows[lo].x, rows[lo].T
		if j == 0 || x != rows[pairs[j-1]].x {
			// Rows are sorted by x then T: this pair has the least T of x.
			fn = af.IfAlive(x, T, t)
		}
		txs = txs[:0]
		for _, k := range rows[lo:hi] {
			txs = append(txs, k.tx)
		}
		pa := out[lo:hi]
		af.ProbabilityAliveAt(x, T, txs, pa)
		a := fn(T, t)
		for k := range pa {
			pa[k] *= a
		}
	}
	return nil
}

// varianceRows returns Var[Y(t)] of every row under m, from its
// distribution of purchases: for interval.AliveMixture models, the
// moments of an alive customer's distribution once per distinct (x, T),
// Var = P(alive)·E[N² | alive] − E[Y]², with e the rows' E[Y(t)].
func varianceRows(m clv.PurchaseModel, rows []rowKey, pairs []int, t float64, e []float64) ([]float64, error) {
	out := make([]float64, len(rows))
	errs := make([]error, len(pairs)-1)
	am, mixture := m.(interval.AliveMixture)
	pmf := m.(interval.ConditionalPMF)
	closed, _ := m.(clv.AlivePurchaseMoment)
	const chunk = 32 // pairs per task: a pair's distribution may cost a millisecond
	P := len(pairs) - 1
	parallel.For((P+chunk-1)/chunk, func(c int) {
		var txs, pa []float64
		for j := c * chunk; j < min(P, (c+1)*chunk); j++ {
			lo, hi := pairs[j], pairs[j+1]
			x, T := rows[lo].x, rows[lo].T
			if !mixture {
				for r := lo; r < hi; r++ {
					c := clv.Customer{Frequency: x, Recency: rows[r].tx, T: T}
					m2, err := secondMoment(func(n int) float64 { return pmf.ProbabilityOfPurchases(c, n, t) })
					if err != nil {
						errs[j] = fmt.Errorf("campaign: x = %v, t_x = %v, T = %v: %w", x, rows[r].tx, T, err)
						break
					}
					out[r] = max(0, m2-e[r]*e[r])
				}
				continue
			}
			var m2 float64
			var err error
			if closed != nil {
				if m2 = closed.PurchasesSecondMomentIfAlive(x, T, t); math.IsNaN(m2) {
					err = errors.New("the second moment of the purchases is not a number")
				}
			} else {
				m2, err = secondMoment(func(n int) float64 { return am.ProbabilityOfPurchasesIfAlive(x, T, n, t) })
			}
			if err != nil {
				errs[j] = fmt.Errorf("campaign: x = %v, T = %v: %w", x, T, err)
				continue
			}
			txs, pa = txs[:0], slices.Grow(pa[:0], hi-lo)[:hi-lo]
			for _, k := range rows[lo:hi] {
				txs = append(txs, k.tx)
			}
			am.ProbabilityAliveAt(x, T, txs, pa)
			for k, p := range pa {
				r := lo + k
				out[r] = max(0, p*m2-e[r]*e[r])
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// secondMoment returns Σ n² P(n) over the distribution P, summed until
// what is left is below pmfTail.
func secondMoment(p func(n int) float64) (float64, error) {
	var m2, cum float64
	for n := 0; n <= maxPMFCount; n++ {
		v := p(n)
		if math.IsNaN(v) {
			return 0, fmt.Errorf("P(Y = %d) is not a number", n)
		}
		m2 += float64(n) * float64(n) * v
		cum += v
		if 1-cum < pmfTail {
			return m2, nil
		}
	}
	return 0, fmt.Errorf("the distribution of purchases has more than %d outcomes", maxPMFCount)
}
