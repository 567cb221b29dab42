package gammagamma

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// TestUnitInvariance: the fit in units of the customers' mean amount
// (meanUnit, FitContext's fallback for a fit that failed as given) is the
// same fit as with the amounts as given: over 60 simulated logs with mean
// amounts from 0.01 to 10⁴, the log-likelihood of the scaled amounts minus
// W·ln(unit) equals that of the amounts as given to 1e-12 at the
// estimate, and where both fits converge at gradient tolerance 1e-10, the
// parameters agree to 5e-8, the log-likelihoods to 1e-12 and the standard
// errors to 1e-5 (at the default tolerance, 1e-8, the parameters differ by
// up to 3e-6: the difference is the optimizer's tolerance, not the unit's,
// and it shrinks with it). A fit that converges as given is kept as it
// is, so those fits are unchanged to the bit.
func TestUnitInvariance(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	worst := [3]float64{}
	compared := 0
	for trial := range 60 {
		scale := math.Pow(10, float64(rng.IntN(7)-2))
		p, q := 1+9*rng.Float64(), 2+6*rng.Float64()
		truth := Params{P: p, Q: q, Gamma: scale * (q - 1) / p}
		src := rand.NewPCG(uint64(trial), 9)
		var cs []clv.Customer
		for range 300 + rng.IntN(2000) {
			x := 1 + rng.IntN(8)
			var sum float64
			for _, v := range truth.SimulateValues(src, x) {
				sum += v
			}
			cs = append(cs, clv.Customer{Frequency: float64(x), MonetaryValue: sum / float64(x), T: 1, Recency: 1})
		}
		plain, err := Fit(cs, FitOptions{GradTol: 1e-10})
		if err != nil || plain.FitInfo().Status != clv.Converged {
			continue
		}
		d := plain.data(t, cs)
		u := meanUnit(d)
		if u == 1 {
			continue
		}
		scaled, err := fitFull(context.Background(), d, clv.FitInfo{}, FitOptions{GradTol: 1e-10}, u)
		if err != nil {
			t.Logf("trial %d: %v", trial, err)
			continue
		}
		compared++
		var part [][4]float64
		pp := plain.Params()
		ll := d.logLik(pp, nil, &part)
		sp := pp
		sp.Gamma /= u
		if lls := d.scaled(u).logLik(sp, nil, &part) - d.wsum*math.Log(u); math.Abs(lls/ll-1) > 1e-12 {
			t.Errorf("trial %d: log-likelihood %v as given, %v scaled", trial, ll, lls)
		}
		a, b := plain.Params().Vector(), scaled.Params().Vector()
		sa, _ := plain.StdErrors()
		sb, _ := scaled.StdErrors()
		for i := range a {
			worst[0] = max(worst[0], math.Abs(b[i]/a[i]-1))
			worst[1] = max(worst[1], math.Abs(sb.Vector()[i]/sa.Vector()[i]-1))
		}
		worst[2] = max(worst[2], math.Abs(scaled.LogLikelihood()/plain.LogLikelihood()-1))
	}
	t.Logf("%d fits compared; worst relative differences: parameters %.2g, standard errors %.2g, log-likelihood %.2g", compared, worst[0], worst[1], worst[2])
	if compared < 30 || worst[0] > 5e-8 || worst[1] > 1e-5 || worst[2] > 1e-12 {
		t.Errorf("%d fits compared; worst: parameters %.2g, standard errors %.2g, log-likelihood %.2g", compared, worst[0], worst[1], worst[2])
	}
}

// data returns the fit data of cs, as FitContext builds it.
func (m *Model) data(t *testing.T, cs []clv.Customer) *data {
	t.Helper()
	d := &data{}
	idx := map[float64]int32{}
	for _, c := range cs {
		k, ok := idx[c.Frequency]
		if !ok {
			k = int32(len(d.xs))
			idx[c.Frequency] = k
			d.xs = append(d.xs, c.Frequency)
		}
		d.xi, d.m, d.w = append(d.xi, k), append(d.m, c.MonetaryValue), append(d.w, 1)
		d.lnm, d.lnx = append(d.lnm, math.Log(c.MonetaryValue)), append(d.lnx, math.Log(c.Frequency))
		d.wsum++
	}
	d.sort()
	return d
}
