package campaign

import (
	"math"
	"slices"

	"github.com/clvkit/clvkit/clv/interval"
)

// effectWork builds the effects from the sums.
type effectWork struct {
	b             *sums
	level, margin float64
	cost          float64
}

// group is the sums of one group of customers (contacted or control).
type group struct {
	n, a, a2, r, r2, e, er, v, vr float64
	mu, mur                       []float64 // per draw
}

// collect sums the cells of the given labels, contacted (ctl 0) or
// control (ctl 1).
func (w *effectWork) collect(labels []int, ctl int) group {
	b := w.b
	g := group{mu: make([]float64, b.D), mur: make([]float64, b.D)}
	for _, l := range labels {
		k := 2*l + ctl
		g.n += b.n[k]
		g.a += b.a[k]
		g.a2 += b.a2[k]
		g.r += b.r[k]
		g.r2 += b.r2[k]
		g.e += b.e[k]
		g.er += b.er[k]
		g.v += b.v[k]
		g.vr += b.vr[k]
		for d := range b.D {
			g.mu[d] += b.mu[d*b.cells+k]
			g.mur[d] += b.mur[d*b.cells+k]
		}
	}
	return g
}

// effect returns the effect on the customers of the given labels.
func (w *effectWork) effect(label string, labels []int) Effect {
	T, C := w.collect(labels, 0), w.collect(labels, 1)
	nan := Estimate{math.NaN(), math.NaN(), math.NaN()}
	ef := Effect{
		Label: label, Contacted: int(T.n), Control: int(C.n),
		Purchases: w.compare(T.a, T.e, T.v, T.mu),
		Revenue:   w.compare(T.r, T.er, T.vr, T.mur),
		Profit:    nan, ROI: nan,
		DiDPurchases: nan, DiDRevenue: nan, DiffPurchases: nan, DiffRevenue: nan,
		ControlPurchases: Comparison{math.NaN(), nan, nan},
		ControlRevenue:   Comparison{math.NaN(), nan, nan},
	}
	inc := ef.Revenue.Incremental
	cost := w.cost * T.n
	ef.Profit = Estimate{w.margin*inc.Value - cost, w.margin*inc.Low - cost, w.margin*inc.High - cost}
	if cost > 0 {
		p := ef.Profit
		ef.ROI = Estimate{p.Value / cost, p.Low / cost, p.High / cost}
	}
	if C.n == 0 {
		return ef
	}
	ef.ControlPurchases = w.compare(C.a, C.e, C.v, C.mu)
	ef.ControlRevenue = w.compare(C.r, C.er, C.vr, C.mur)
	r := T.n / C.n
	ef.DiDPurchases = w.did(T.a, T.e, T.v, T.mu, C.a, C.e, C.v, C.mu, r)
	ef.DiDRevenue = w.did(T.r, T.er, T.vr, T.mur, C.r, C.er, C.vr, C.mur, r)
	ef.DiffPurchases = w.diff(T.a, C.a, C.a2, T.n, C.n)
	ef.DiffRevenue = w.diff(T.r, C.r, C.r2, T.n, C.n)
	return ef
}

// mcError returns the Monte-Carlo error of the draws in the intervals
// of the expected purchases and revenue of the labels' contacted
// customers: the larger, over the four ends, of the end's standard error
// over its interval's half-width (mixtureMCError); 0 without draws.
func (w *effectWork) mcError(labels []int) float64 {
	if w.b.D < 2 {
		return 0
	}
	T := w.collect(labels, 0)
	worst := 0.0
	for _, q := range [...]struct {
		e, v float64
		mu   []float64
	}{{T.e, T.v, T.mu}, {T.er, T.vr, T.mur}} {
		if !(q.v > 0) {
			continue
		}
		off := make([]float64, len(q.mu))
		for d, m := range q.mu {
			off[d] = m - q.e
		}
		worst = max(worst, mixtureMCError(off, q.v, w.level))
	}
	return worst
}

// mixtureMCError returns the Monte-Carlo standard error of the ends of
// mixtureBand(off, v, level) from the D draws' offsets, as a share of the
// band's half-width: at a quantile b of F̂(b) = (1/D) Σ_d Φ((b − o_d)/s),
// s = √v, the delta method gives
//
//	se(b) = sd_d[Φ((b − o_d)/s)] / (√D f̂(b)),  f̂(b) = (1/D) Σ_d φ((b − o_d)/h)/h,
//
// the larger of the two ends', with h = s, or where the draws' spread
// dwarfs s the kernel bandwidth 1.06 sd(o) D^(−1/5) (the mixture's own
// density is then a comb of spikes). For D draws, f the share of the
// mixture's variance that comes from them and z the level's normal
// quantile, it is about √(f/(z²D) + f²/(2D)): the error of the draws'
// mean, then of their spread.
func mixtureMCError(off []float64, v, level float64) float64 {
	D := float64(len(off))
	s := math.Sqrt(v)
	lo, hi := mixtureBand(off, v, level)
	half := (hi - lo) / 2
	if len(off) < 2 || !(s > 0) || !(half > 0) {
		return 0
	}
	var om, om2 float64
	for _, o := range off {
		om += o / D
		om2 += o * o / D
	}
	h := max(s, 1.06*math.Sqrt(max(0, om2-om*om))*math.Pow(D, -0.2))
	worst := 0.0
	for _, b := range [...]float64{lo, hi} {
		var m, m2, f float64
		for _, o := range off {
			z := (b - o) / s
			p := 0.5 * math.Erfc(-z/math.Sqrt2)
			m += p
			m2 += p * p
			zh := (b - o) / h
			f += math.Exp(-zh*zh/2) / (math.Sqrt(2*math.Pi) * h)
		}
		m, m2, f = m/D, m2/D, f/D
		se := math.Sqrt(max(0, m2-m*m)*D/(D-1)/D) / f
		worst = max(worst, se/half)
	}
	return worst
}

// compare compares actual a with the baseline B of expectation e (the
// fitted model), process variance v and expectations mu under the draws.
func (w *effectWork) compare(a, e, v float64, mu []float64) Comparison {
	off := make([]float64, len(mu))
	for d, m := range mu {
		off[d] = m - e
	}
	lo, hi := mixtureBand(off, v, w.level)
	return Comparison{
		Actual:      a,
		Expected:    Estimate{e, e + lo, e + hi},
		Incremental: Estimate{a - e, a - e - hi, a - e - lo},
	}
}

// did is the difference-in-differences estimate (a − e) − r(ac − ec),
// whose error is (B − e) − r(B_C − ec).
func (w *effectWork) did(a, e, v float64, mu []float64, ac, ec, vc float64, muc []float64, r float64) Estimate {
	off := make([]float64, len(mu))
	for d := range mu {
		off[d] = (mu[d] - e) - r*(muc[d]-ec)
	}
	lo, hi := mixtureBand(off, v+r*r*vc, w.level)
	est := (a - e) - r*(ac-ec)
	return Estimate{est, est - hi, est - lo}
}

// diff is the difference in means scaled to the contacted, a − r·ac, with
// the normal interval of variance (n + r²m)·s², s² the sample variance of
// the control customers' outcomes (sum ac, sum of squares ac2, m ≥ 2).
func (w *effectWork) diff(a, ac, ac2, n, m float64) Estimate {
	r := n / m
	est := a - r*ac
	if m < 2 {
		return Estimate{est, math.NaN(), math.NaN()}
	}
	mean := ac / m
	s2 := max(0, (ac2-m*mean*mean)/(m-1))
	z := math.Sqrt2 * math.Erfinv(w.level)
	h := z * math.Sqrt((n+r*r*m)*s2)
	return Estimate{est, est - h, est + h}
}

// mixtureBand returns the (1−level)/2 and (1+level)/2 quantiles of the
// mixture with equal weights of N(off_d, v) (of N(0, v) when off is
// empty), by bisection on its distribution function.
func mixtureBand(off []float64, v, level float64) (lo, hi float64) {
	if len(off) == 0 {
		off = []float64{0}
	}
	sd := math.Sqrt(v)
	if !(sd > 0) {
		if len(off) == 1 {
			return off[0], off[0]
		}
		iv := interval.FromDraws(off, level)
		return iv.Low, iv.High
	}
	if slices.ContainsFunc(off, func(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }) || math.IsInf(sd, 0) {
		return math.NaN(), math.NaN()
	}
	return mixtureQuantile(off, sd, (1-level)/2), mixtureQuantile(off, sd, (1+level)/2)
}

// mixtureQuantile returns x with (1/D) Σ_d Φ((x − off_d)/sd) = q.
func mixtureQuantile(off []float64, sd, q float64) float64 {
	cdf := func(x float64) float64 {
		s := 0.0
		for _, o := range off {
			s += 0.5 * math.Erfc(-(x-o)/(sd*math.Sqrt2))
		}
		return s / float64(len(off))
	}
	lo, hi := slices.Min(off)-10*sd, slices.Max(off)+10*sd
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid == lo || mid == hi {
			break
		}
		if cdf(mid) < q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2
}
