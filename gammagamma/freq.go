package gammagamma

import (
	"math"
	"slices"

	"github.com/clvkit/clvkit/internal/parallel"
	"gonum.org/v1/gonum/mathext"
)

// Terms of the expansion of byFreq and the distance from its center at
// which it is redone: with ρ ≤ 1/8, the terms left out are below 1e-17 of
// the sums.
const (
	expTerms = 20
	expRho   = 1.0 / 8
)

// byFreq evaluates the log-likelihood of many customers per distinct
// frequency x rather than per customer. Every term of logLik but one is a
// function of x times a per-frequency sum: n_x = Σ w, Σ w ln m̄ (and ln x).
// The one term that needs each customer, Σ w (px+q) ln(γ + m̄x), is
// (px+q)·F_x(γ) with F_x(γ) = Σ w ln(γ + m̄x) a function of γ alone. Around
// a center γ₀, with c = 1/(γ₀ + m̄x) and δ = γ − γ₀,
//
//	F_x(γ) = F_x(γ₀) + Σ_{k≥1} (−1)^{k+1} δ^k S_k / k,   S_k = Σ w c^k,
//	F_x'(γ) = Σ_{k≥0} (−δ)^k S_{k+1},
//
// exact sums of power sums that converge geometrically with ratio
// ρ = |δ|·max c. One pass over the customers computes F_x(γ₀) and S_1 …
// S_expTerms; every evaluation with ρ ≤ expRho then costs a few
// operations per frequency, and one further away re-centres the expansion
// at its γ (a pass). The terms left out are below ρ^(K+1)/(1−ρ) of S_1/max c
// ≤ n_x and of F_x'. A fit moves γ little once it is near the optimum, so
// a fit from a warm start takes one or two passes in all.
type byFreq struct {
	start  []int     // the customers of frequency xs[k] are start[k] to start[k+1]−1
	n, lnm []float64 // per frequency: Σ w, Σ w ln m̄
	tasks  []freqTask
	part   [][expTerms + 1]float64 // per task: Σ w ln(γ₀+m̄x), S_1 … S_K
	g0     float64                 // the center γ₀; 0: none yet
	f0     []float64               // per frequency: F_x(γ₀)
	s      [][expTerms]float64     // per frequency: S_1 … S_K
	cmax   []float64               // per frequency: max c
}

// freqTask is a range of customers of one frequency, of at most
// parallel.ChunkSize: the sums of a pass are added task by task in order,
// so that they do not depend on the number of cores.
type freqTask struct{ k, lo, hi int }

// newByFreq returns the per-frequency sums of d, whose customers are sorted
// by frequency (d.sort) with start their offsets.
func newByFreq(d *data, start []int) *byFreq {
	f := &byFreq{start: start, n: make([]float64, len(d.xs)), lnm: make([]float64, len(d.xs))}
	for k := range d.xs {
		for i := start[k]; i < start[k+1]; i++ {
			f.n[k] += d.w[i]
			f.lnm[k] += d.w[i] * d.lnm[i]
		}
		for lo := start[k]; lo < start[k+1]; lo += parallel.ChunkSize {
			f.tasks = append(f.tasks, freqTask{k, lo, min(lo+parallel.ChunkSize, start[k+1])})
		}
	}
	f.part = make([][expTerms + 1]float64, len(f.tasks))
	f.f0, f.s, f.cmax = make([]float64, len(d.xs)), make([][expTerms]float64, len(d.xs)), make([]float64, len(d.xs))
	return f
}

// center re-centres the expansion at g: one pass over the customers.
func (f *byFreq) center(d *data, g float64) {
	parallel.For(len(f.tasks), func(t int) {
		tk := f.tasks[t]
		x := d.xs[tk.k]
		var acc [expTerms + 1]float64
		for i := tk.lo; i < tk.hi; i++ {
			u := g + d.m[i]*x
			c, w := 1/u, d.w[i]
			acc[0] += w * math.Log(u)
			// Two chains of powers, c^(2j+1) and c^(2j+2).
			c2, t := c*c, w*c
			for j := 0; j < expTerms; j += 2 {
				acc[j+1] += t
				acc[j+2] += t * c
				t *= c2
			}
		}
		f.part[t] = acc
	})
	clear(f.f0)
	clear(f.s)
	for t, tk := range f.tasks {
		f.f0[tk.k] += f.part[t][0]
		for j := range expTerms {
			f.s[tk.k][j] += f.part[t][j+1]
		}
	}
	for k := range d.xs {
		// Sorted by value within a frequency: the first customer has the
		// smallest m̄, so the largest c.
		f.cmax[k] = 1 / (g + d.m[f.start[k]]*d.xs[k])
	}
	f.g0 = g
}

// at returns F_x(γ) and F_x'(γ) for frequency k from the expansion, which
// must be within expRho of γ.
func (f *byFreq) at(k int, g float64) (F, dF float64) {
	delta := g - f.g0
	s := &f.s[k]
	// Horner in δ, from the last term.
	var a, b float64
	for j := expTerms - 1; j >= 0; j-- {
		sign := 1.0
		if j%2 == 1 {
			sign = -1
		}
		a = a*delta + sign*s[j]/float64(j+1)
		if j < expTerms-1 {
			b = b*delta + sign*s[j+1]
		}
	}
	// a = Σ_{j<K} (−1)^j S_{j+1} δ^j/(j+1); b = Σ_{j<K−1} (−1)^j S_{j+2} δ^j.
	return f.f0[k] + delta*a, s[0] - delta*b
}

// logLik is data.logLik from the per-frequency sums.
func (f *byFreq) logLik(d *data, p Params, grad []float64) float64 {
	delta := math.Abs(p.Gamma - f.g0)
	far := f.g0 == 0 || !(delta <= expRho/slices.Max(f.cmax))
	if far {
		f.center(d, p.Gamma)
	}
	lgq, _ := math.Lgamma(p.Q)
	lng := math.Log(p.Gamma)
	var psq float64
	want := grad != nil
	if want {
		psq = mathext.Digamma(p.Q)
	}
	var ll, gp, gq, gg float64
	for k, x := range d.xs {
		n := f.n[k]
		if n == 0 {
			continue
		}
		px := p.P * x
		lgpxq, _ := math.Lgamma(px + p.Q)
		lgpx, _ := math.Lgamma(px)
		lnx := math.Log(x)
		F, dF := f.at(k, p.Gamma)
		ll += n*(lgpxq-lgpx-lgq+p.Q*lng+px*lnx) + (px-1)*f.lnm[k] - (px+p.Q)*F
		if want {
			pspxq := mathext.Digamma(px + p.Q)
			gp += x * (n*(pspxq-mathext.Digamma(px)+lnx) + f.lnm[k] - F)
			gq += n*(pspxq-psq+lng) - F
			gg += n*p.Q/p.Gamma - (px+p.Q)*dF
		}
	}
	if want {
		grad[0], grad[1], grad[2] = gp, gq, gg
	}
	return ll
}
