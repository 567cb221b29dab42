package gammagamma

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/mle"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/parallel"
	"gonum.org/v1/gonum/mathext"
)

// ErrInfiniteMean is wrapped by the error of a fit whose q ≤ 1: the mean
// value per purchase of the population, pγ/(q−1), does not exist, and
// lifetime values would be infinite. The fit returns its model for
// inspection.
var ErrInfiniteMean = errors.New("the fitted mean spend per purchase is infinite")

// ErrNotConverged is wrapped by the error of a fit that did not converge.
var ErrNotConverged = mle.ErrNotConverged

// FitOptions configures Fit. The zero value fits without penalty, with unit
// weights, from the default starting points.
type FitOptions struct {
	// Penalizer is the coefficient c of an L2 penalty on the parameters,
	// as the Python lifetimes package's penalizer_coef (GammaGammaFitter,
	// version 0.11.3): the fit minimizes
	//
	//	−LL/n + c·(p² + q² + γ²),
	//
	// where LL is the weighted log-likelihood and n the total weight of the
	// customers fitted. Nothing is rescaled: lifetimes fits the monetary
	// values as given, and its v is γ. On the CDNOW sample the estimates
	// agree with lifetimes' to 1e-7 at c = 0.001, 0.01 and 0.1 (where q
	// falls below 1: ErrInfiniteMean). Zero means no penalty. A penalized
	// fit is judged identified, or not, on the likelihood without the
	// penalty, as in bgnbd.FitContext.
	Penalizer float64
	// Weights gives each customer a weight; nil means 1 each. It is
	// parallel to the customers passed to Fit (x = 0 included).
	Weights []float64
	// Start is the first starting point; nil means p = q = γ = 1.
	Start *Params
	// GradTol is the max-norm of the gradient of the mean negative
	// log-likelihood (log-parameters) at convergence. Zero means 1e-8.
	GradTol float64
	// MaxIter bounds the iterations per start. Zero means 1000.
	MaxIter int
	// SkipNonPositive leaves out of the fit, and counts in
	// FitInfo().Skipped, customers with repeat purchases whose
	// MonetaryValue is zero or negative (free items, returns), which the
	// model's likelihood cannot take. By default they are an error.
	SkipNonPositive bool
}

type data struct {
	xi              []int32 // index of each customer's x in xs
	m, lnm, lnx, w  []float64
	xs              []float64 // distinct frequencies
	wsum            float64
	xterm, xdp, xdq []float64 // per distinct x, per evaluation
	regime          []int8    // per distinct x, in limitLogLik
	start           []int     // after sort: the customers of xs[k] are start[k] to start[k+1]−1
	freq            *byFreq   // for many customers: logLik per frequency
}

// sort puts the customers in a canonical order, by frequency, mean value
// and weight: the sums over customers, and so the fit, do not depend on
// the order they came in (one slice, or merged from shards). It sets lnm
// and lnx (ln m̄ and ln x per customer) and start; callers fill xi, m, w
// and xs.
func (d *data) sort() {
	// By frequency with a counting sort (frequencies are few), after
	// putting xs in ascending order, then by value and weight within each
	// frequency.
	perm := make([]int32, len(d.xs))
	for k := range perm {
		perm[k] = int32(k)
	}
	slices.SortFunc(perm, func(a, b int32) int { return cmp.Compare(d.xs[a], d.xs[b]) })
	rank := make([]int32, len(d.xs))
	xs := make([]float64, len(d.xs))
	for r, k := range perm {
		rank[k], xs[r] = int32(r), d.xs[k]
	}
	d.xs = xs
	for i, k := range d.xi {
		d.xi[i] = rank[k]
	}
	start := make([]int, len(d.xs)+1)
	for _, k := range d.xi {
		start[k+1]++
	}
	for k := range d.xs {
		start[k+1] += start[k]
	}
	recs := make([]rec, len(d.m))
	next := slices.Clone(start[:len(d.xs)])
	for i, k := range d.xi {
		recs[next[k]] = rec{d.m[i], d.w[i]}
		next[k]++
	}
	tmp := make([]rec, len(recs))
	parallel.For(len(d.xs), func(k int) {
		sortRecs(recs[start[k]:start[k+1]], tmp[start[k]:start[k+1]])
	})
	n := len(d.m)
	d.lnm, d.lnx = model.Resize(d.lnm, n), model.Resize(d.lnx, n)
	lnx := make([]float64, len(d.xs))
	for k, x := range d.xs {
		lnx[k] = math.Log(x)
	}
	parallel.Map(n, func(lo, hi int) {
		// The frequency of customer lo, then the next at each start.
		k, _ := slices.BinarySearch(start, lo+1)
		k--
		for i := lo; i < hi; i++ {
			for i >= start[k+1] {
				k++
			}
			d.xi[i], d.lnx[i] = int32(k), lnx[k]
			d.m[i], d.w[i] = recs[i].m, recs[i].w
			d.lnm[i] = math.Log(recs[i].m)
		}
	})
	d.start = start
}

// rec is a customer of data being sorted: mean value and weight.
type rec struct{ m, w float64 }

// sortRecs sorts rs by value m, then weight w, using tmp (as long) as
// scratch. The values are positive and the weights ≥ 0 (not NaN), so that
// they compare as numbers. Many are sorted by an LSD radix sort on the
// bits of m (which order as the positive numbers do), 11 at a time and
// stable, skipping the digits all share, and then each run of equal
// values by weight.
func sortRecs(rs, tmp []rec) {
	byW := func(a, b rec) int {
		switch {
		case a.w < b.w:
			return -1
		case a.w > b.w:
			return 1
		}
		return 0
	}
	if len(rs) < 1<<12 {
		slices.SortFunc(rs, func(a, b rec) int {
			switch {
			case a.m < b.m:
				return -1
			case a.m > b.m:
				return 1
			}
			return byW(a, b)
		})
		return
	}
	const digit, passes = 11, (64 + 10) / 11
	// The counts of every digit in one pass: they do not depend on the
	// order.
	var counts [passes][1 << digit]int
	for _, r := range rs {
		b := math.Float64bits(r.m)
		for p := range passes {
			counts[p][b>>(p*digit)&(1<<digit-1)]++
		}
	}
	src, dst := rs, tmp
	for p := range passes {
		shift, count := p*digit, counts[p][:]
		if slices.Contains(count, len(src)) {
			continue // one digit for all: the pass would not move anything
		}
		sum := 0
		for b, c := range count {
			count[b], sum = sum, sum+c
		}
		for _, r := range src {
			b := math.Float64bits(r.m) >> shift & (1<<digit - 1)
			dst[count[b]] = r
			count[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &rs[0] {
		copy(rs, src)
	}
	for i := 0; i < len(rs); {
		j := i + 1
		for j < len(rs) && rs[j].m == rs[i].m {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(rs[i:j], byW)
		}
		i = j
	}
}

// logLik returns the log-likelihood (Fader & Hardie 2013, eq. 3 with the
// density of m̄), summed with weights,
//
//	LL = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m̄ + px ln x − (px+q) ln(γ + m̄x),
//
// and its gradient with respect to (p, q, γ) if grad is not nil. The gamma
// and digamma terms depend on x alone and are computed once per distinct x;
// with many customers (d.freq), every term is, and the sum runs over the
// frequencies (see byFreq).
func (d *data) logLik(p Params, grad []float64, part *[][4]float64) float64 {
	if d.freq != nil {
		return d.freq.logLik(d, p, grad)
	}
	lgq, _ := math.Lgamma(p.Q)
	psq := mathext.Digamma(p.Q)
	lng := math.Log(p.Gamma)
	want := grad != nil
	d.xterm, d.xdp, d.xdq = model.Resize(d.xterm, len(d.xs)), model.Resize(d.xdp, len(d.xs)), model.Resize(d.xdq, len(d.xs))
	for k, x := range d.xs {
		px := p.P * x
		lgpxq, _ := math.Lgamma(px + p.Q)
		lgpx, _ := math.Lgamma(px)
		d.xterm[k] = lgpxq - lgpx - lgq + p.Q*lng
		if want {
			pspxq := mathext.Digamma(px + p.Q)
			d.xdp[k] = x * (pspxq - mathext.Digamma(px))
			d.xdq[k] = pspxq - psq + lng
		}
	}
	n := len(d.m)
	chunks := parallel.Chunks(n)
	*part = slices.Grow((*part)[:0], chunks)[:chunks]
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Bounds(c, n)
		var ll, gp, gq, gg float64
		for i := lo; i < hi; i++ {
			k := d.xi[i]
			x, m, w := d.xs[k], d.m[i], d.w[i]
			px := p.P * x
			den := p.Gamma + m*x
			lden := math.Log(den)
			ll += w * (d.xterm[k] + (px-1)*d.lnm[i] + px*d.lnx[i] - (px+p.Q)*lden)
			if want {
				gp += w * (d.xdp[k] + x*(d.lnm[i]+d.lnx[i]-lden))
				gq += w * (d.xdq[k] - lden)
				gg += w * (p.Q/p.Gamma - (px+p.Q)/den)
			}
		}
		(*part)[c] = [4]float64{ll, gp, gq, gg}
	})
	var ll float64
	var g [3]float64
	for _, pt := range *part {
		ll += pt[0]
		g[0] += pt[1]
		g[1] += pt[2]
		g[2] += pt[3]
	}
	if want {
		copy(grad, g[:])
	}
	return ll
}

// every returns the data restricted to every k-th customer.
func (d *data) every(k int) *data {
	sub := &data{xs: d.xs}
	for i := 0; i < len(d.m); i += k {
		sub.xi = append(sub.xi, d.xi[i])
		sub.m = append(sub.m, d.m[i])
		sub.lnm = append(sub.lnm, d.lnm[i])
		sub.lnx = append(sub.lnx, d.lnx[i])
		sub.w = append(sub.w, d.w[i])
		sub.wsum += d.w[i]
	}
	return sub
}

// Fit estimates the parameters by maximum likelihood from the customers
// with repeat purchases (Frequency > 0), using Frequency and MonetaryValue.
// Customers with Frequency = 0 are left out and counted in
// FitInfo().Excluded; a customer with repeat purchases must have a positive,
// finite MonetaryValue, or Fit returns an error naming it.
func Fit(customers []clv.Customer, opts FitOptions) (*Model, error) {
	return FitContext(context.Background(), customers, opts)
}

// FitContext is Fit with a context. It uses the optimizer design of
// bgnbd.FitContext: BFGS on log-parameters with the analytic gradient, all
// cores, several starts, honest convergence reporting, standard errors from
// the Hessian in natural parameters. Above mle.WarmRows customers it starts
// warm from a subsample, and its likelihood runs per frequency rather than
// per customer (one or two passes over the customers in all: 10⁶ take
// about 0.1 CPU-second). A fit that does not converge, or is
// judged not identified, with the amounts as given is run again in units
// of the customers' mean amount, where the log-likelihood's large terms
// do not cancel and γ does not run off for the currency's sake (see
// meanUnit); its estimates are reported in the amounts' unit. So is a fit
// that stops at a limit: the interior maximum found there, if it has the
// higher log-likelihood, replaces the limit model (at amounts of 10⁶ and
// more the optimizer as given can head for p → ∞ with γ → 0).
//
// If the likelihood is highest in a limit of the model — q and γ running
// off together when the customers' mean amounts differ no more than single
// purchases do, p when each customer's purchases are all worth the same,
// both for one price throughout — the fit stops on the way there and fits
// the limit model instead (see the package documentation): it returns
// that model, usable, with FitInfo.Status
// clv.AtBoundary, the limit and its values in FitInfo.Reason, no standard
// errors, and an error wrapping clv.ErrBoundary.
func FitContext(ctx context.Context, customers []clv.Customer, opts FitOptions) (*Model, error) {
	if opts.Weights != nil && len(opts.Weights) != len(customers) {
		return nil, fmt.Errorf("gammagamma: %d weights for %d customers", len(opts.Weights), len(customers))
	}
	n := len(customers)
	d := &data{xi: make([]int32, 0, n), m: make([]float64, 0, n), w: make([]float64, 0, n)}
	xIndex := map[float64]int32{}
	// Frequencies below len(small) are looked up there (index+1), others
	// in xIndex.
	var small [1024]int32
	excluded, nonPos := 0, 0
	for i, c := range customers {
		x, m := c.Frequency, c.MonetaryValue
		if !(x >= 0) || x != math.Trunc(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("gammagamma: customers[%d]: %w: customer %q: frequency %v is not a whole number ≥ 0", i, clv.ErrInvalidCustomer, c.ID, x)
		}
		if x == 0 {
			excluded++
			continue
		}
		if m <= 0 && opts.SkipNonPositive {
			nonPos++
			continue
		}
		if !(m > 0) || math.IsInf(m, 0) {
			return nil, fmt.Errorf("gammagamma: customers[%d] (%q): monetary value %v with %v repeat purchases, want a finite number > 0 (see SkipNonPositive)", i, c.ID, m, x)
		}
		w := 1.0
		if opts.Weights != nil {
			if w = opts.Weights[i]; !(w >= 0) || math.IsInf(w, 0) {
				return nil, fmt.Errorf("gammagamma: weights[%d] = %v", i, w)
			}
		}
		var k int32
		if x < float64(len(small)) && small[int(x)] > 0 {
			k = small[int(x)] - 1
		} else {
			var ok bool
			if k, ok = xIndex[x]; !ok {
				k = int32(len(d.xs))
				xIndex[x] = k
				d.xs = append(d.xs, x)
				if x < float64(len(small)) {
					small[int(x)] = k + 1
				}
			}
		}
		d.xi, d.m, d.w = append(d.xi, k), append(d.m, m), append(d.w, w)
		d.wsum += w
	}
	d.sort()
	if d.wsum == 0 {
		return nil, errNoCustomers(excluded, nonPos)
	}
	if opts.Start != nil {
		if err := opts.Start.Validate(); err != nil {
			return nil, fmt.Errorf("gammagamma: start: %w", err)
		}
	}
	info := clv.FitInfo{Rows: len(d.m), Excluded: excluded, Skipped: nonPos, Penalizer: opts.Penalizer}
	m, err := fitFull(ctx, d, info, opts, 1)
	if m == nil || ctx.Err() != nil {
		return m, err
	}
	switch st := m.FitInfo().Status; st {
	case clv.NotConverged, clv.NotIdentified:
		// In units of the customers' mean amount (see meanUnit).
		if u := meanUnit(d); u != 1 {
			return fitFull(ctx, d, info, opts, u)
		}
	case clv.AtBoundary:
		// Large amounts can send the optimizer toward a limit (p off
		// with γ → 0 at amounts of 10⁶ and more) that is not where the
		// likelihood is highest: in units of the mean amount the fit
		// finds the interior maximum, kept only if it converged there
		// with a higher log-likelihood (TestLargeAmounts). A genuine
		// limit leaves the limit model as it was, to the bit.
		if u := meanUnit(d); u != 1 {
			if mu, errU := fitFull(ctx, d, info, opts, u); mu != nil && errU == nil &&
				mu.FitInfo().Status == clv.Converged && mu.FitInfo().LogLikelihood > m.FitInfo().LogLikelihood {
				return mu, nil
			}
		}
	}
	return m, err
}

// meanUnit returns the customers' weighted mean amount, or 1 if it is not
// a finite number > 0.
//
// A fit that does not converge, or is judged not identified, with the
// amounts as given is run again in units of their mean. There the terms
// (px−1)·ln m̄ and (px+q)·ln(γ + m̄x) of the log-likelihood, each of order
// px·|ln m̄|, no longer cancel to the objective's rounding — at amounts of
// 10⁶ (or 100 with p in the thousands) that rounding stalled the optimizer
// at gradients of 1e-7 to 5e-6 — and γ stays near p/q whatever the
// currency, so that the check of a parameter running off (beyond
// [1e-7, 1e7]) reads the data and not the unit of money (TestUnitSweep).
// A fit that converged as given is kept, to the bit; in units of the mean
// it gives the same estimates to 1e-9 (TestUnitInvariance).
func meanUnit(d *data) float64 {
	var mean float64
	for i, m := range d.m {
		mean += d.w[i] * m
	}
	mean /= d.wsum
	if !(mean > 0) || math.IsInf(mean, 0) {
		return 1
	}
	return mean
}

// scaled returns the data with every mean amount divided by unit (d
// itself for unit 1).
func (d *data) scaled(unit float64) *data {
	if unit == 1 {
		return d
	}
	s := &data{xi: d.xi, xs: d.xs, w: d.w, lnx: d.lnx, wsum: d.wsum, start: d.start, m: make([]float64, len(d.m)), lnm: make([]float64, len(d.m))}
	for i, m := range d.m {
		s.m[i] = m / unit
		s.lnm[i] = math.Log(s.m[i])
	}
	return s
}

// fitFull fits the full model to d with the amounts in the given unit of
// money (1, or meanUnit): γ/unit is estimated, and the log-likelihood of the
// scaled amounts is that of the amounts as given plus W·ln(unit), W the
// total weight (each m̄'s density scales by 1/unit). The penalty stays
// lifetimes' c·(p² + q² + γ²) in the amounts' own unit. The estimate,
// standard errors and log-likelihood are returned in the amounts' unit.
func fitFull(ctx context.Context, d *data, info clv.FitInfo, opts FitOptions, unit float64) (*Model, error) {
	ds := d.scaled(unit)
	if len(ds.m) > mle.WarmRows {
		// Many customers: each evaluation runs over the frequencies (the
		// subsample of the warm start, over its customers).
		ds.freq = newByFreq(ds, ds.start)
	}
	toParams := func(v []float64) Params { return Params{P: v[0], Q: v[1], Gamma: v[2] * unit} }
	starts := []Params{{1, 1, 1}, {5, 3, 10}, {0.5, 2, 0.5}, {10, 10, 100}}
	if opts.Start != nil {
		st := *opts.Start
		st.Gamma /= unit
		starts = append([]Params{st}, starts...)
	}
	var part [][4]float64
	pr := mle.Problem{
		LogLik:  func(p, grad []float64) float64 { return ds.logLik(paramsOf(p), grad, &part) },
		Valid:   func(p []float64) bool { return paramsOf(p).Validate() == nil },
		Weight:  ds.wsum,
		GradTol: opts.GradTol, MaxIter: opts.MaxIter, Penalizer: opts.Penalizer, // zero: mle's defaults
		AtBoundary: atBoundary, // a spread vanishing: see fitLimit
	}
	if unit != 1 {
		pr.PenaltyScale = []float64{1, 1, unit}
	}
	for _, p := range starts {
		pr.Starts = append(pr.Starts, []float64{p.P, p.Q, p.Gamma})
	}
	if opts.Start == nil && len(ds.m) > mle.WarmRows {
		// Warm start from every k-th customer (weights kept).
		sub := ds.every(len(ds.m) / (mle.WarmRows / 4))
		var spart [][4]float64
		pr.WarmFrom(func(p, grad []float64) float64 { return sub.logLik(paramsOf(p), grad, &spart) }, sub.wsum)
	}
	est, fitErr := mle.Fit(ctx, pr)
	if est.Params == nil {
		return nil, fmt.Errorf("gammagamma: fit: %w", fitErr)
	}
	if errors.Is(fitErr, mle.ErrBoundary) {
		return fitLimit(ctx, d, toParams(est.Params), info, opts)
	}
	if unit != 1 {
		est.LL -= ds.wsum * math.Log(unit)
	}
	// Judged in the fit's unit (est.Params), reported in the amounts'.
	b, idErr := model.FromEstimate(est, toParams, "p q gamma", d.wsum, info)
	if unit != 1 && est.StdErr != nil {
		se := toParams(est.StdErr)
		b = b.WithStdErrors(se)
	}
	m := &Model{b}
	if fitErr != nil {
		return m, fmt.Errorf("gammagamma: %w (best: %v)", fitErr, m)
	}
	if idErr != nil {
		return m, fmt.Errorf("gammagamma: %v: %w", m, idErr)
	}
	if q := m.Params().Q; q <= 1 {
		return m, fmt.Errorf("gammagamma: %v: %w: q = %.3g ≤ 1, the amounts are too heavy-tailed for the model "+
			"(cap outlier amounts, or check FrequencyValueCorrelation)", m, ErrInfiniteMean, q)
	}
	return m, nil
}
