package forecast

import (
	"context"
	"fmt"
	"math"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a confidence interval, [Low, High].
type Interval struct{ Low, High float64 }

// Intervals are the confidence intervals of one customer's forecast, from
// the parameters' uncertainty (Config.Interval).
type Intervals struct {
	PAlive, ExpectedPurchases, CLV Interval
}

// step is the relative step of the central differences on the log
// parameters.
const step = 1e-4

// paramVector returns the purchase model's parameters and a function that
// builds the same kind of model from others.
func paramVector(pm PurchaseModel) ([]float64, func([]float64) (PurchaseModel, error), bool) {
	switch m := pm.(type) {
	case *bgnbd.Model:
		return m.Params().Vector(), func(v []float64) (PurchaseModel, error) {
			return bgnbd.NewVariant(m.Variant(), bgnbd.Params{R: v[0], Alpha: v[1], A: v[2], B: v[3]})
		}, true
	case *paretonbd.Model:
		return m.Params().Vector(), func(v []float64) (PurchaseModel, error) {
			return paretonbd.New(paretonbd.Params{R: v[0], Alpha: v[1], S: v[2], Beta: v[3]})
		}, true
	}
	return nil, nil, false
}

// intervals computes Result.Intervals and Result.TotalPurchases by the
// delta method: the gradient of each quantity with respect to the
// log-parameters (central differences), on the scale where the normal
// approximation is better (logit for P(alive), log for expectations and
// values), with the models' log-covariances; the purchase and spend fits
// are independent.
func (res *Result) intervals(ctx context.Context, pa, exp, clvs []float64) error {
	level := res.Config.Interval
	pm := res.Choice.Model
	cs := res.Summary.Customers
	v, rebuild, ok := paramVector(pm)
	covP, okP := pm.LogCovariance()
	covS, okS := res.Spend.LogCovariance()
	if !ok || !okP || !okS {
		return fmt.Errorf("intervals: the fits have no covariance (Hessian not positive definite)")
	}
	k := len(covP)
	n := len(cs)
	// Gradients per customer: g[q][i*k+j] for quantity q (0 logit P(alive),
	// 1 log E, 2 log CLV) and parameter j.
	var g [3][]float64
	for q := range g {
		g[q] = make([]float64, n*k)
	}
	logit := func(p float64) float64 { return math.Log(p) - math.Log1p(-p) }
	month := monthLength(res.Config.Unit)
	vopts := clv.ValueOptions{Periods: res.Config.Months, PeriodLength: month, DiscountRate: res.Config.Discount, Margin: res.Config.Margin}
	sm := spend{res.Spend}
	for j := range k {
		var f [2][3][]float64
		for s, sign := range [2]float64{1, -1} {
			w := append([]float64(nil), v...)
			w[j] *= math.Exp(sign * step)
			m, err := rebuild(w)
			if err != nil {
				return err
			}
			if f[s][0], err = m.ProbabilityAliveAll(cs); err != nil {
				return err
			}
			if f[s][1], err = m.ConditionalExpectedPurchasesAll(cs, res.Horizon); err != nil {
				return err
			}
			if f[s][2], err = clv.LifetimeValues(m, sm, cs, vopts); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for i := range n {
			// On the natural scale where P(alive) is within 1e-9 of 0 or 1
			// (logits would overflow); see the interval below.
			if nearBound(pa[i]) {
				g[0][i*k+j] = (f[0][0][i] - f[1][0][i]) / (2 * step)
			} else {
				g[0][i*k+j] = (logit(f[0][0][i]) - logit(f[1][0][i])) / (2 * step)
			}
			g[1][i*k+j] = (math.Log(f[0][1][i]) - math.Log(f[1][1][i])) / (2 * step)
			g[2][i*k+j] = (math.Log(f[0][2][i]) - math.Log(f[1][2][i])) / (2 * step)
		}
		// The total's gradient, on the log scale of the total.
		var tp, tm float64
		for i := range n {
			tp += f[0][1][i]
			tm += f[1][1][i]
		}
		res.totalGrad = append(res.totalGrad, (math.Log(tp)-math.Log(tm))/(2*step))
	}
	// The spend model moves only the value per purchase: log CLV gains
	// d log E[M | x, m̄] per spend parameter.
	sv := res.Spend.Params().Vector()
	ks := len(covS)
	gs := make([]float64, n*ks)
	for j := range ks {
		var vals [2][]float64
		for s, sign := range [2]float64{1, -1} {
			w := append([]float64(nil), sv...)
			w[j] *= math.Exp(sign * step)
			m, err := newSpend(w)
			if err != nil {
				return err
			}
			vals[s] = make([]float64, n)
			for i, c := range cs {
				vals[s][i] = spend{m}.ConditionalExpectedValue(c)
			}
		}
		for i := range n {
			gs[i*ks+j] = (math.Log(vals[0][i]) - math.Log(vals[1][i])) / (2 * step)
		}
	}
	z := distuv.UnitNormal.Quantile(0.5 + level/2)
	quad := func(gr []float64, cov [][]float64) float64 {
		var s float64
		for a := range gr {
			for b := range gr {
				s += gr[a] * cov[a][b] * gr[b]
			}
		}
		return s
	}
	res.Intervals = make([]Intervals, n)
	for i := range n {
		sdP := math.Sqrt(quad(g[0][i*k:(i+1)*k], covP))
		sdE := math.Sqrt(quad(g[1][i*k:(i+1)*k], covP))
		sdC := math.Sqrt(quad(g[2][i*k:(i+1)*k], covP) + quad(gs[i*ks:(i+1)*ks], covS))
		lp := logit(pa[i])
		pIv := Interval{1 / (1 + math.Exp(-(lp - z*sdP))), 1 / (1 + math.Exp(-(lp + z*sdP)))}
		if nearBound(pa[i]) {
			pIv = Interval{math.Max(0, pa[i]-z*sdP), math.Min(1, pa[i]+z*sdP)}
		}
		iv := Intervals{
			PAlive:            pIv,
			ExpectedPurchases: Interval{exp[i] * math.Exp(-z*sdE), exp[i] * math.Exp(z*sdE)},
			CLV:               Interval{clvs[i] * math.Exp(-z*sdC), clvs[i] * math.Exp(z*sdC)},
		}
		if pa[i] >= 1 { // BG/NBD one-time buyers: certain
			iv.PAlive = Interval{1, 1}
		}
		for _, x := range [...]*Interval{&iv.PAlive, &iv.ExpectedPurchases, &iv.CLV} {
			if math.IsNaN(x.Low) || math.IsNaN(x.High) {
				*x = Interval{math.NaN(), math.NaN()}
			}
		}
		res.Intervals[i] = iv
	}
	var total float64
	for _, e := range exp {
		total += e
	}
	sd := math.Sqrt(quad(res.totalGrad, covP))
	res.TotalPurchases = Interval{total * math.Exp(-z*sd), total * math.Exp(z*sd)}
	return nil
}

// nearBound reports a probability within 1e-9 of 0 or 1.
func nearBound(p float64) bool { return p < 1e-9 || p > 1-1e-9 }

func newSpend(v []float64) (*gammagamma.Model, error) {
	return gammagamma.New(gammagamma.Params{P: v[0], Q: v[1], Gamma: v[2]})
}
