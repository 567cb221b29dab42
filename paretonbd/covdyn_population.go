package paretonbd

import (
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/parallel"
)

// The population curves of the Pareto/NBD model with time-varying
// covariates: what the model expects of customers from their first
// purchase on, given only their covariate paths (the tracking and the
// frequency plots). A customer acquired at 0 has λ ~ Gamma(r, α) and
// μ ~ Gamma(s, β); with the exposures A(t) = ∫₀ᵗ a(u) du and
// B(t) = ∫₀ᵗ b(u) du of the path (a = exp(γ_trans·z), b = exp(γ_life·z)),
// the customer is alive at t with probability S(t) = (β/(β+B(t)))^s and
// dies at ω with density f(ω) = b(ω)·(s/β)·(β/(β+B(ω)))^(s+1).

// ExpectedCumulativeRepeats returns, for each time of at, the number of
// repeat purchases the model expects the customers cs to have made by
// then, in total, each along the customer's own covariate path
// (paths[i], from the first purchase on): the tracking curve, as
// assess.ExpectedCumulativeRepeats for the models without time-varying
// covariates. Times are since the earliest first purchase among cs;
// customer i first bought at s_i = max T − T_i (every customer observed
// to the same end), and
//
//	E(τ) = Σ_i E[X_i(τ − s_i)] · 1{τ > s_i},  E[X_i(t)] = (r/α) ∫₀ᵗ a_i(u) (β/(β+B_i(u)))^s du,
//
// the purchases of a customer with no history (ConditionalExpectedPurchases
// at x = t_x = T = 0). With constant paths it is
// assess.ExpectedCumulativeRepeats of the static model at each customer's
// vector (CovModel.Customer). Time: customers × (runs of the path + times).
// An invalid customer or path, or a time not finite, is an error.
func (m *DynModel) ExpectedCumulativeRepeats(cs []clv.Customer, paths []clv.CovariatePath, at []float64) ([]float64, error) {
	if err := m.checkAll(cs, paths); err != nil {
		return nil, err
	}
	pp, err := NewDynPaths(m.p.Names, paths)
	if err != nil {
		return nil, err
	}
	o, err := m.On(pp)
	if err != nil {
		return nil, err
	}
	return o.ExpectedCumulativeRepeats(cs, nil, at)
}

// ExpectedCumulativeRepeats is DynModel.ExpectedCumulativeRepeats with
// customer cs[k] on the prepared path idx[k] (on path k if idx is nil).
// An invalid customer or index, or a time not finite, is an error.
func (o *DynOnPaths) ExpectedCumulativeRepeats(cs []clv.Customer, idx []int, at []float64) ([]float64, error) {
	if o == nil {
		return nil, errZeroModel
	}
	if len(cs) == 0 {
		return nil, clv.ErrNoCustomers
	}
	if idx == nil && len(cs) != o.p.Len() || idx != nil && len(idx) != len(cs) {
		if idx != nil {
			return nil, fmt.Errorf("paretonbd: %w: %d path indexes for %d customers", clv.ErrInvalidCovariates, len(idx), len(cs))
		}
		return nil, fmt.Errorf("paretonbd: %w: %d paths for %d customers", clv.ErrInvalidCovariates, o.p.Len(), len(cs))
	}
	path := func(i int) int {
		if idx == nil {
			return i
		}
		return idx[i]
	}
	for _, t := range at {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("paretonbd: ExpectedCumulativeRepeats: time %v", t)
		}
	}
	order := make([]int, len(at))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpFloat(at[a], at[b]) })
	maxT := 0.0
	for _, c := range cs {
		maxT = math.Max(maxT, c.T)
	}
	// Each chunk's sums, added in chunk order: the same bits on any
	// number of cores.
	chunks := parallel.Chunks(len(cs))
	sums := make([][]float64, chunks)
	bads := make([]int, chunks)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, len(cs))
		sum := make([]float64, len(at))
		sums[c], bads[c] = sum, -1
		ts, ex := make([]float64, 0, len(at)), make([]float64, len(at))
		for i := lo; i < hi; i++ {
			s := maxT - cs[i].T
			ts = ts[:0]
			j0 := len(order)
			for j, k := range order {
				if at[k] > s {
					if j0 == len(order) {
						j0 = j
					}
					ts = append(ts, at[k]-s)
				}
			}
			if len(ts) == 0 {
				continue
			}
			o.AliveAndExpectedAt(path(i), clv.Customer{}, ts, ex[:len(ts)])
			for q, k := range order[j0:] {
				sum[k] += ex[q]
			}
			if math.IsNaN(ex[len(ts)-1]) && bads[c] < 0 {
				bads[c] = i
			}
		}
	})
	out := make([]float64, len(at))
	bad := -1
	for c, sum := range sums {
		if bad < 0 && bads[c] >= 0 {
			bad = bads[c]
		}
		for k, v := range sum {
			out[k] += v
		}
	}
	if bad >= 0 {
		return nil, fmt.Errorf("paretonbd: %w: customers[%d] (%q): no expectation along the covariate path", clv.ErrInvalidCovariates, bad, cs[bad].ID)
	}
	return out, nil
}

// ExpectedFrequencyCounts returns how many of the customers cs the model
// expects to have made 0, 1, ..., k−1 and k or more repeat purchases in
// their observation (0, T_i], each along the customer's own covariate
// path (paths[i]): the frequency plot's expectation, as
// assess.ExpectedFrequencyCounts for the models without time-varying
// covariates. Given the death time, the purchases are Poisson with mean
// λ·A(min(ω, T)), so with NB(n; A) = Γ(r+n)/(Γ(r) n!) (α/(α+A))^r
// (A/(α+A))^n the negative binomial of the gamma mixture,
//
//	P(X(T) = n) = NB(n; A(T)) S(T) + ∫₀ᵀ f(ω) NB(n; A(ω)) dω,
//
// the integral by 8-point Gauss–Legendre on pieces of each run (as the
// likelihood's); the last count is the rest, n ≥ k. With constant paths
// it is the static model's (CovModel.Customer) to some 1e-10. k is 1 to
// 100; an invalid customer or path is an error.
func (m *DynModel) ExpectedFrequencyCounts(cs []clv.Customer, paths []clv.CovariatePath, k int) ([]float64, error) {
	if k < 1 || k > 100 {
		return nil, fmt.Errorf("paretonbd: ExpectedFrequencyCounts: %d bins, want 1 to 100", k)
	}
	if err := m.checkAll(cs, paths); err != nil {
		return nil, err
	}
	// Each chunk's counts, added in chunk order: the same bits on any
	// number of cores.
	chunks := parallel.Chunks(len(cs))
	sums := make([][]float64, chunks)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, len(cs))
		sum := make([]float64, k+1)
		sums[c] = sum
		pmf := make([]float64, k)
		for i := lo; i < hi; i++ {
			e, rw, _ := m.prep(clv.Customer{T: cs[i].T}, paths[i])
			e.unconditionalPMF(rw, pmf)
			rest := 1.0
			for n, v := range pmf {
				sum[n] += v
				rest -= v
			}
			sum[k] += math.Max(rest, 0)
		}
	})
	out := make([]float64, k+1)
	for _, sum := range sums {
		for n, v := range sum {
			out[n] += v
		}
	}
	return out, nil
}

// unconditionalPMF sets pmf[n] to P(X(T) = n) for n < len(pmf), for a
// customer acquired at 0 and observed to rw.T along rw's runs.
func (e *dynEval) unconditionalPMF(rw *dynRow, pmf []float64) {
	p := e.p
	K := len(pmf)
	clear(pmf)
	// lc[n] = ln[Γ(r+n)/(Γ(r) n!)] + r·ln α; nb adds e^lnw·NB(n; A) to
	// pmf[n] for every n.
	lc := make([]float64, K)
	for n := range K {
		lc[n] = lgamma(p.R+float64(n)) - lgamma(p.R) - lgamma(float64(n)+1) + p.R*math.Log(p.Alpha)
	}
	nb := func(lnw, A float64) {
		la, lA := math.Log(p.Alpha+A), math.Log(A)
		for n := range K {
			ln := lnw + lc[n] - (p.R+float64(n))*la
			if n > 0 {
				ln += float64(n) * lA
			}
			pmf[n] += math.Exp(ln)
		}
	}
	T := rw.T
	var A, B float64
	lnsb := math.Log(p.S) + p.S*math.Log(p.Beta) // ln (s/β · β^(s+1))
	for k, run := range rw.runs {
		end := T
		if k+1 < len(rw.runs) {
			end = math.Min(rw.runs[k+1].start, T)
		}
		a, b := e.a[run.v], e.b[run.v]
		if end > run.start {
			lnb := math.Log(b)
			q, at := pieces(run.start, end, p.Alpha+A, a, p.R+float64(K), p.Beta+B, b, p.S+1, 0, e.scale)
			for j := range q {
				u0, u1 := at(j, q), at(j+1, q)
				mid, half := (u0+u1)/2, (u1-u0)/2
				for i, xi := range glX {
					h := mid + half*xi - run.start
					nb(math.Log(half*glW[i])+lnsb+lnb-(p.S+1)*math.Log(p.Beta+B+b*h), A+a*h)
				}
			}
		}
		A += a * math.Max(end-run.start, 0)
		B += b * math.Max(end-run.start, 0)
		if end >= T {
			break
		}
	}
	nb(p.S*(math.Log(p.Beta)-math.Log(p.Beta+B)), A)
}

// checkAll checks the model, the customers and their paths.
func (m *DynModel) checkAll(cs []clv.Customer, paths []clv.CovariatePath) error {
	if m == nil || m.p.Names == nil {
		return errZeroModel
	}
	if len(cs) == 0 {
		return clv.ErrNoCustomers
	}
	if len(paths) != len(cs) {
		return fmt.Errorf("paretonbd: %w: %d paths for %d customers", clv.ErrInvalidCovariates, len(paths), len(cs))
	}
	for i, c := range cs {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("paretonbd: customers[%d]: %w", i, err)
		}
		if err := paths[i].Check(m.p.Names); err != nil {
			return fmt.Errorf("paretonbd: customers[%d] (%q): %w", i, c.ID, err)
		}
	}
	return nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
