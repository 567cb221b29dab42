package mle

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// exponential is the MLE of an exponential rate: λ̂ = n/Σx, with standard
// error λ̂/√n, known in closed form.
func exponential(xs []float64) Problem {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	n := float64(len(xs))
	return Problem{
		LogLik: func(p, grad []float64) float64 {
			if grad != nil {
				grad[0] = n/p[0] - sum
			}
			return n*math.Log(p[0]) - p[0]*sum
		},
		Valid:   func(p []float64) bool { return p[0] > 0 && !math.IsInf(p[0], 0) },
		Weight:  n,
		Starts:  [][]float64{{1}},
		GradTol: 1e-10,
		MaxIter: 100,
	}
}

func TestFitExponential(t *testing.T) {
	xs := []float64{0.5, 1.5, 2, 0.25, 3, 1, 0.75, 2.5}
	pr := exponential(xs)
	est, err := Fit(context.Background(), pr)
	if err != nil {
		t.Fatal(err)
	}
	want := 8 / 11.5
	if math.Abs(est.Params[0]-want) > 1e-9*want {
		t.Errorf("λ̂ = %.12g, want %.12g", est.Params[0], want)
	}
	if se := want / math.Sqrt(8); math.Abs(est.StdErr[0]-se) > 1e-5*se {
		t.Errorf("SE = %.8g, want %.8g", est.StdErr[0], se)
	}
	if wantLL := 8*math.Log(want) - want*11.5; math.Abs(est.LL-wantLL) > 1e-12 {
		t.Errorf("LL = %v, want %v", est.LL, wantLL)
	}
	if !est.Converged || est.Evals == 0 {
		t.Errorf("result %+v", est.Result)
	}
	// A penalty c·λ² pulls the estimate down: the optimum of
	// LL/n − cλ² solves 1/λ − mean − 2cλ = 0.
	pr.Penalizer = 0.1
	pen, err := Fit(context.Background(), pr)
	if err != nil {
		t.Fatal(err)
	}
	m := 11.5 / 8
	wantPen := (-m + math.Sqrt(m*m+4*0.2)) / (2 * 0.2)
	if math.Abs(pen.Params[0]-wantPen) > 1e-8 {
		t.Errorf("penalized λ̂ = %.10g, want %.10g", pen.Params[0], wantPen)
	}
	// Without the penalty, from there: the maximum likelihood estimate.
	if est.Free != nil || pen.Free == nil || !pen.Free.Converged || math.Abs(pen.Free.Params[0]-want) > 1e-9*want ||
		pen.Free.StdErr == nil || pen.Free.Free != nil {
		t.Errorf("free fit: unpenalized %+v, penalized %+v", est.Free, pen.Free)
	}
	// The warm path gives the same answer.
	w := exponential(xs[:4])
	pr.Penalizer = 0
	pr.Warm = &w
	warm, err := Fit(context.Background(), pr)
	if err != nil || math.Abs(warm.Params[0]-want) > 1e-9*want {
		t.Errorf("warm: %v, %v", warm.Params, err)
	}
	// Penalized and warm: the fit without the penalty warms up too.
	pr.Penalizer, w.Penalizer = 0.1, 0.1
	warm, err = Fit(context.Background(), pr)
	if err != nil || math.Abs(warm.Params[0]-wantPen) > 1e-8 || warm.Free == nil || math.Abs(warm.Free.Params[0]-want) > 1e-9*want {
		t.Errorf("warm, penalized: %+v, %v", warm, err)
	}
}

func TestMinimizeFailures(t *testing.T) {
	inf := func(x, g []float64) float64 { return math.Inf(1) }
	_, err := Minimize(context.Background(), inf, Settings{Starts: [][]float64{{0}}, GradTol: 1e-8, MaxIter: 10})
	if !errors.Is(err, ErrNotConverged) {
		t.Errorf("objective +Inf everywhere: %v", err)
	}
	// Rosenbrock in 2 iterations cannot converge: the best point comes
	// back with the error.
	rosen := func(x, g []float64) float64 {
		a, b := 1-x[0], x[1]-x[0]*x[0]
		g[0] = -2*a - 400*x[0]*b
		g[1] = 200 * b
		return a*a + 100*b*b
	}
	res, err := Minimize(context.Background(), rosen, Settings{Starts: [][]float64{{-1.2, 1}}, GradTol: 1e-10, MaxIter: 2})
	if !errors.Is(err, ErrNotConverged) || res.X == nil || res.Converged {
		t.Errorf("2 iterations: %+v, %v", res, err)
	}
	res, err = Minimize(context.Background(), rosen, Settings{Starts: [][]float64{{-1.2, 1}}, GradTol: 1e-10, MaxIter: 1000})
	if err != nil || math.Abs(res.X[0]-1) > 1e-6 || math.Abs(res.X[1]-1) > 1e-6 {
		t.Errorf("Rosenbrock: %+v, %v", res, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Minimize(ctx, rosen, Settings{Starts: [][]float64{{-1.2, 1}}, GradTol: 1e-10, MaxIter: 1000}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}

func TestPolishQuadratic(t *testing.T) {
	// f = ½ (x−c)ᵀ A (x−c): one Newton step with the exact Hessian lands on c.
	a := mat.NewSymDense(2, []float64{4, 1, 1, 3})
	c := []float64{0.5, -2}
	obj := func(x, g []float64) float64 {
		d := []float64{x[0] - c[0], x[1] - c[1]}
		g[0] = a.At(0, 0)*d[0] + a.At(0, 1)*d[1]
		g[1] = a.At(1, 0)*d[0] + a.At(1, 1)*d[1]
		return 0.5 * (d[0]*g[0] + d[1]*g[1])
	}
	x := Polish(obj, []float64{3, 3}, a, 1e-12, 1)
	if math.Abs(x[0]-c[0]) > 1e-12 || math.Abs(x[1]-c[1]) > 1e-12 {
		t.Errorf("Polish: %v, want %v", x, c)
	}
	// A Hessian that is not positive definite: no step, the start returns.
	bad := mat.NewSymDense(2, []float64{1, 2, 2, 1})
	if x := Polish(obj, []float64{3, 3}, bad, 1e-12, 5); x[0] != 3 || x[1] != 3 {
		t.Errorf("indefinite Hessian: %v", x)
	}
	if _, err := StdErrors(bad); err == nil {
		t.Error("StdErrors of an indefinite matrix")
	}
}

// TestFreeRunsOff: LL = −n/p rises toward 0 as p → ∞ and has no maximum.
// The penalized objective 1/p + c·p² has its minimum at p = (2c)^(−1/3);
// the fit without the penalty from there runs off, and stops as soon as p
// passes MaxParam.
func TestFreeRunsOff(t *testing.T) {
	pr := Problem{
		LogLik: func(p, grad []float64) float64 {
			if grad != nil {
				grad[0] = 3 / (p[0] * p[0])
			}
			return -3 / p[0]
		},
		Valid:     func(p []float64) bool { return p[0] > 0 && !math.IsInf(p[0], 0) },
		Weight:    3,
		Starts:    [][]float64{{1}},
		Penalizer: 0.01,
		GradTol:   1e-12,
	}
	est, err := Fit(context.Background(), pr)
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Cbrt(1 / 0.02); math.Abs(est.Params[0]-want) > 1e-8*want {
		t.Errorf("penalized p̂ = %.10g, want %.10g", est.Params[0], want)
	}
	f := est.Free
	if f == nil || !(f.Params[0] > MaxParam) || f.Params[0] > 1e9 || f.Evals > 200 {
		t.Errorf("free fit %+v", f)
	}
}

// TestFitAtBoundary: a likelihood that keeps rising as its parameter runs
// off toward infinity, LL = −1/p (sup at p = ∞), stops at the first
// iterate past the bound with an error wrapping ErrBoundary, its point and
// no standard errors; without AtBoundary the same fit runs on.
func TestFitAtBoundary(t *testing.T) {
	pr := Problem{
		LogLik: func(p, grad []float64) float64 {
			if grad != nil {
				grad[0] = 1 / (p[0] * p[0])
			}
			return -1 / p[0]
		},
		Valid:      func(p []float64) bool { return p[0] > 0 && !math.IsInf(p[0], 0) },
		Weight:     1,
		Starts:     [][]float64{{1}},
		AtBoundary: func(p []float64) bool { return p[0] > 1e4 },
	}
	est, err := Fit(context.Background(), pr)
	if !errors.Is(err, ErrBoundary) || !est.AtBoundary || !(est.Params[0] > 1e4) || est.StdErr != nil {
		t.Errorf("err %v, estimate %+v", err, est)
	}
	pr.AtBoundary = nil
	if est, err := Fit(context.Background(), pr); errors.Is(err, ErrBoundary) || est.AtBoundary {
		t.Errorf("without AtBoundary: err %v, estimate %+v", err, est)
	}
}

// TestHold: Expand puts the free entries back among the held ones, Pick
// takes them out, and the held vector is a copy.
func TestHold(t *testing.T) {
	full := []float64{1, 2, 3, 4}
	h := Hold(full, []bool{true, false, true, false})
	full[1] = 99
	if !slices.Equal(h.Free, []int{1, 3}) || !slices.Equal(h.Expand([]float64{7, 8}), []float64{1, 7, 3, 8}) ||
		!slices.Equal(h.Pick([]float64{5, 6, 7, 8}), []float64{6, 8}) || h.Full[1] != 2 {
		t.Errorf("%+v", h)
	}
}

// TestTrigamma: ψ₁ at known values, and its recurrence across the switch
// to the asymptotic series.
func TestTrigamma(t *testing.T) {
	for _, c := range []struct{ z, want float64 }{
		{1, math.Pi * math.Pi / 6},
		{0.5, math.Pi * math.Pi / 2},
		{2, math.Pi*math.Pi/6 - 1},
		{4, math.Pi*math.Pi/6 - 1 - 1.0/4 - 1.0/9},
		{1e-3, 1e6 + 1.6425331958}, // 1/z² + π²/6 − 2ζ(3)z + 3ζ(4)z² − …
	} {
		if got := Trigamma(c.z); math.Abs(got-c.want) > 1e-13*c.want {
			t.Errorf("Trigamma(%v) = %.17g, want %.17g", c.z, got, c.want)
		}
	}
	for _, z := range []float64{14.5, 15.5, 30, 1e4} {
		if got, want := Trigamma(z)-Trigamma(z+1), 1/(z*z); math.Abs(got-want) > 1e-12*want {
			t.Errorf("Trigamma(%v) − Trigamma(%v) = %.17g, want %.17g", z, z+1, got, want)
		}
	}
}

// TestCovarianceScaled: a Hessian whose condition number comes only from
// the sizes of the parameters (a shape near 0.5 beside a rate near 10⁸:
// entries from 1e3 to 1e-15, condition number 10¹⁸, equilibrated 3) is
// inverted, to the analytic inverse within 1e-12; a singular one is
// still refused.
func TestCovarianceScaled(t *testing.T) {
	a, b, c := 2e3, 5e-16, 6e-7 // det = ab − c² = 6.4e-13
	h := mat.NewSymDense(2, []float64{a, c, c, b})
	se, cov, err := Covariance(h)
	if err != nil {
		t.Fatal(err)
	}
	det := a*b - c*c
	want := []float64{b / det, -c / det, -c / det, a / det}
	for i, w := range want {
		if math.Abs(cov[i]/w-1) > 1e-12 {
			t.Errorf("cov[%d] = %v, want %v", i, cov[i], w)
		}
	}
	if math.Abs(se[1]/math.Sqrt(a/det)-1) > 1e-12 {
		t.Errorf("se %v", se)
	}
	if _, _, err := Covariance(mat.NewSymDense(2, []float64{a, math.Sqrt(a * b), math.Sqrt(a * b), b})); err == nil {
		t.Error("a singular Hessian inverted")
	}
}
