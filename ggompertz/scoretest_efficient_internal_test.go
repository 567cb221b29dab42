package ggompertz

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
	"gonum.org/v1/gonum/mat"
)

// custLogLik is one customer's GGompertz/NBD log-likelihood at p.
func custLogLik(t testing.TB, c clv.Customer, p inner) float64 {
	t.Helper()
	var st evalState
	return logLik(context.Background(), rowsOf(t, []clv.Customer{c}), p, nil, &st)
}

// fdTest is the OPG score test computed independently of limitTest's
// pass: each customer's score vector in the parameters x (b = x[0]) by
// differences of its log-likelihood at(i, x) (a forward difference
// extrapolated for b at 0⁺, central ones for the others, relative steps
// 10⁻⁵), then O = Σ g gᵀ, Info = O_bb − O_bθ O_θθ⁻¹ O_θb and the efficient
// score S_b − O_bθ O_θθ⁻¹ S_θ by a plain dense solve, unscaled.
func fdTest(t testing.TB, n int, x0 []float64, maxT float64, at func(i int, x []float64) float64) (raw, eff, info float64) {
	t.Helper()
	P := len(x0)
	o := mat.NewDense(P, P, nil)
	s := make([]float64, P)
	x := make([]float64, P)
	g := make([]float64, P)
	for i := range n {
		copy(x, x0)
		l0 := at(i, x)
		h := 1e-5 / maxT
		x[0] = h
		l1 := at(i, x)
		x[0] = 2 * h
		l2 := at(i, x)
		x[0] = 0
		g[0] = 2*(l1-l0)/h - (l2-l0)/(2*h)
		for a := 1; a < P; a++ {
			h := 1e-5 * max(math.Abs(x0[a]), 1)
			x[a] = x0[a] + h
			lp := at(i, x)
			x[a] = x0[a] - h
			lm := at(i, x)
			x[a] = x0[a]
			g[a] = (lp - lm) / (2 * h)
		}
		for a := range P {
			s[a] += g[a]
			for b := range P {
				o.Set(a, b, o.At(a, b)+g[a]*g[b])
			}
		}
	}
	ott := mat.DenseCopyOf(o.Slice(1, P, 1, P))
	otb := mat.NewVecDense(P-1, nil)
	st := mat.NewVecDense(P-1, s[1:])
	for a := 1; a < P; a++ {
		otb.SetVec(a-1, o.At(a, 0))
	}
	var sol mat.VecDense
	if err := sol.SolveVec(ott, otb); err != nil {
		t.Fatal(err)
	}
	return s[0], s[0] - mat.Dot(&sol, st), o.At(0, 0) - mat.Dot(&sol, otb)
}

// TestLimitScoreEfficient: at the Pareto/NBD's estimate the efficient
// score is the raw one (the other scores vanish there up to the fit's
// tolerance: 1e-6 standard errors); at a point away from it (r, α, s, β moved by 10-30%) the
// two differ by more than a standard error, and Score, Raw and Info
// agree with fdTest's independent differences of the log-likelihood
// (1e-5 relative, Score to 1e-5 of √Info).
func TestLimitScoreEfficient(t *testing.T) {
	cs := simCustomers(Params{R: 1, Alpha: 8, B: 0.02, S: 1, Beta: 0.5}, 400, 3)
	d := rowsOf(t, cs)
	pm, err := paretonbd.Fit(cs, paretonbd.FitOptions{GradTol: 1e-11})
	if err != nil {
		t.Fatal(err)
	}
	pp := pm.Params()
	lt, err := limitTest(context.Background(), d, inner{pp.R, pp.Alpha, 0, pp.S, pp.Beta})
	if err != nil {
		t.Fatal(err)
	}
	// paretonbd.Fit stops with the other scores at ~1e-6 (here 2.4e-7
	// relative on Score, 4e-8 standard errors), even asked for 1e-11.
	if !(math.Abs(lt.Score-lt.Raw) <= 1e-6*math.Sqrt(lt.Info)) {
		t.Errorf("at the estimate: score %.12g, raw %.12g", lt.Score, lt.Raw)
	}
	t.Logf("at the estimate: %+v (relative difference %.2g)", lt, (lt.Score-lt.Raw)/lt.Raw)

	q := inner{pp.R * 1.3, pp.Alpha * 0.8, 0, pp.S * 0.9, pp.Beta * 1.2}
	lt, err = limitTest(context.Background(), d, q)
	if err != nil {
		t.Fatal(err)
	}
	raw, eff, info := fdTest(t, len(cs), []float64{0, q.r, q.alpha, q.s, q.kappa}, d.MaxT, func(i int, x []float64) float64 {
		return custLogLik(t, cs[i], inner{x[1], x[2], x[0], x[3], x[4]})
	})
	t.Logf("away: %+v; differences: raw %.10g, efficient %.10g, info %.10g", lt, raw, eff, info)
	if !(math.Abs(lt.Score-lt.Raw) > math.Sqrt(lt.Info)) {
		t.Errorf("away from the estimate the efficient score %v is within a standard error of the raw %v", lt.Score, lt.Raw)
	}
	if !(math.Abs(lt.Raw-raw) <= 1e-5*math.Abs(raw)) || !(math.Abs(lt.Info-info) <= 1e-5*info) ||
		!(math.Abs(lt.Score-eff) <= 1e-5*math.Sqrt(info)) {
		t.Errorf("away: %+v; differences: raw %.10g, efficient %.10g, info %.10g", lt, raw, eff, info)
	}
	if z := lt.Score / math.Sqrt(lt.Info); !(math.Abs(lt.P-0.5*math.Erfc(z/math.Sqrt2)) <= 1e-12) {
		t.Errorf("P %v for z %v", lt.P, z)
	}
}

// TestCovLimitScoreEfficient: as TestLimitScoreEfficient for
// CovLimitScoreTest, the differences taken in (b, r, α, s, κ, γ_trans,
// γ_life) through α_z = α·exp(−γ_trans·z), κ_z = κ·exp(−γ_life·z): at
// the Pareto/NBD with covariates' estimate Score is Raw (1e-8 relative);
// away from it (the base parameters moved by 10-30%, the coefficients
// by 0.1) Score differs from Raw and agrees with the differences, as do
// Raw and Info (1e-5 relative).
func TestCovLimitScoreEfficient(t *testing.T) {
	n := 400
	T := make([]float64, n)
	z := clv.Covariates{Names: []string{"member"}, Values: make([][]float64, n)}
	for i := range T {
		T[i] = 26 + 52*float64(i%7)/6
		z.Values[i] = []float64{float64(i % 2)}
	}
	gm, err := NewCovariates(CovParams{Params: Params{R: 1, Alpha: 8, B: 0.03, S: 0.5, Beta: 0.2}, Names: z.Names, Trans: []float64{0.4}, Life: []float64{-0.5}})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := gm.Simulate(rand.NewPCG(9, 10), T, z)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := paretonbd.FitCovariates(context.Background(), cs, z, paretonbd.CovFitOptions{GradTol: 1e-11})
	if err != nil {
		t.Fatal(err)
	}
	lim := pm.Params()
	lt, err := CovLimitScoreTest(context.Background(), cs, z, lim)
	if err != nil {
		t.Fatal(err)
	}
	if !(math.Abs(lt.Score-lt.Raw) <= 1e-8*math.Abs(lt.Raw)) {
		t.Errorf("at the estimate: score %.12g, raw %.12g", lt.Score, lt.Raw)
	}
	t.Logf("at the estimate: %+v (relative difference %.2g)", lt, (lt.Score-lt.Raw)/lt.Raw)

	lim.R *= 1.3
	lim.Alpha *= 0.8
	lim.S *= 0.9
	lim.Beta *= 1.2
	lim.Trans = []float64{lim.Trans[0] + 0.1}
	lim.Life = []float64{lim.Life[0] - 0.1}
	lt, err = CovLimitScoreTest(context.Background(), cs, z, lim)
	if err != nil {
		t.Fatal(err)
	}
	maxT := 0.0
	for _, c := range cs {
		maxT = max(maxT, c.T)
	}
	x0 := []float64{0, lim.R, lim.Alpha, lim.S, lim.Beta, lim.Trans[0], lim.Life[0]}
	raw, eff, info := fdTest(t, n, x0, maxT, func(i int, x []float64) float64 {
		zi := z.Values[i][0]
		return custLogLik(t, cs[i], inner{x[1], x[2] * math.Exp(-x[5]*zi), x[0], x[3], x[4] * math.Exp(-x[6]*zi)})
	})
	t.Logf("away: %+v; differences: raw %.10g, efficient %.10g, info %.10g", lt, raw, eff, info)
	if !(math.Abs(lt.Score-lt.Raw) > math.Sqrt(lt.Info)) {
		t.Errorf("away from the estimate the efficient score %v is within a standard error of the raw %v", lt.Score, lt.Raw)
	}
	if !(math.Abs(lt.Raw-raw) <= 1e-5*math.Abs(raw)) || !(math.Abs(lt.Info-info) <= 1e-5*info) ||
		!(math.Abs(lt.Score-eff) <= 1e-5*math.Sqrt(info)) {
		t.Errorf("away: %+v; differences: raw %.10g, efficient %.10g, info %.10g", lt, raw, eff, info)
	}
}
