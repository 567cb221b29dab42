package ggompertz

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/internal/rows"
	"github.com/clvkit/clvkit/paretonbd"
)

// simCustomers draws n customers from p, observed for T uniform on
// [52, 104] weeks.
func simCustomers(p Params, n int, seed uint64) []clv.Customer {
	src := rand.NewPCG(seed, seed+1)
	rng := rand.New(rand.NewPCG(seed+2, seed+3))
	cs := make([]clv.Customer, n)
	for i := range cs {
		T := 52 + 52*rng.Float64()
		ts := p.SimulatePurchases(src, T)
		c := clv.Customer{T: T}
		if len(ts) > 0 {
			c.Frequency, c.Recency = float64(len(ts)), ts[len(ts)-1]
		}
		cs[i] = c
	}
	return cs
}

func rowsOf(t testing.TB, cs []clv.Customer) *rows.Data {
	t.Helper()
	d, err := model.Compress("ggompertz", cs, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestLimitScoreMatchesDifference: the raw score at b = 0⁺ is the slope of
// the log-likelihood in b there (forward differences at b·max T = 10⁻⁶
// and 2·10⁻⁶, extrapolated), and on these data (b = 0.02, 1,000
// customers: weak evidence) the score statistic is near the
// likelihood-ratio statistic of the fits, 2.93.
func TestLimitScoreMatchesDifference(t *testing.T) {
	cs := simCustomers(Params{R: 1, Alpha: 8, B: 0.02, S: 1, Beta: 0.5}, 1000, 1)
	d := rowsOf(t, cs)
	pm, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if pm == nil || err != nil {
		t.Fatal(err)
	}
	pp := pm.Params()
	p := inner{pp.R, pp.Alpha, 0, pp.S, pp.Beta}
	lt, err := limitTest(context.Background(), d, p)
	if err != nil {
		t.Fatal(err)
	}
	var st evalState
	ll := func(b float64) float64 { q := p; q.b = b; return logLik(context.Background(), d, q, nil, &st) }
	h := 1e-6 / d.MaxT
	l0 := ll(0)
	d1, d2 := (ll(h)-l0)/h, (ll(2*h)-l0)/(2*h)
	if slope := 2*d1 - d2; math.Abs(slope-lt.Raw) > 1e-3*math.Abs(lt.Raw) {
		t.Errorf("raw score %.8g, difference of the log-likelihood %.8g", lt.Raw, slope)
	}
	gm, _ := Fit(cs, FitOptions{})
	lr := 2 * (gm.LogLikelihood() - pm.LogLikelihood())
	if gm.FitInfo().Status != clv.Converged || math.Abs(lr-2.9328) > 1e-3 {
		t.Fatalf("%v: LR %v", gm, lr)
	}
	z := lt.Score / math.Sqrt(lt.Info)
	if !(lt.Score > 0) || math.Abs(lt.Stat-z*z) > 1e-12*lt.Stat || !(lt.Stat > lr/2 && lt.Stat < 2*lr) ||
		math.Abs(lt.P-0.5*math.Erfc(z/math.Sqrt2)) > 1e-12 {
		t.Errorf("LR %v, %+v", lr, lt)
	}
}

// TestLimitScoreBranches: on data from the limit (b·max T = 10⁻⁷) the
// test does not reject at 5% (forecast's TestGGompertzAutoInside has
// data where it rejects); a Pareto/NBD with invalid parameters is an
// error.
func TestLimitScoreBranches(t *testing.T) {
	for _, tc := range []struct {
		p      Params
		n      int
		reject bool
	}{
		{Params{R: 1, Alpha: 8, B: 1e-9, S: 1, Beta: 20e-9}, 2000, false},
	} {
		cs := simCustomers(tc.p, tc.n, 5)
		pm, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
		if pm == nil || err != nil {
			t.Fatal(err)
		}
		lt, err := LimitScoreTest(context.Background(), cs, pm.Params(), LimitTestOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rej := lt.Score > 0 && lt.P < 1e-6; rej != tc.reject || (!tc.reject && lt.P < 0.05) {
			t.Errorf("%+v: %+v", tc.p, lt)
		}
	}
	if _, err := LimitScoreTest(context.Background(), simCustomers(Params{R: 1, Alpha: 8, B: 0.01, S: 1, Beta: 1}, 10, 1), paretonbd.Params{}, LimitTestOptions{}); !errors.Is(err, clv.ErrInvalidParams) {
		t.Errorf("zero Pareto/NBD: %v", err)
	}
	lim := paretonbd.Params{R: 0.5, Alpha: 10, S: 0.9, Beta: 27}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cs := simCustomers(Params{R: 1, Alpha: 8, B: 0.01, S: 1, Beta: 1}, 50, 2)
	if _, err := LimitScoreTest(ctx, cs, lim, LimitTestOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := LimitScoreTest(nil, []clv.Customer{{T: 0}}, lim, LimitTestOptions{}); err == nil { //nolint:staticcheck // nil ctx is documented
		t.Errorf("no time observed: %v", err)
	}
	if _, err := LimitScoreTest(nil, cs, lim, LimitTestOptions{Weights: []float64{1}}); err == nil { //nolint:staticcheck
		t.Error("weights of another length: no error")
	}
	// One customer cannot determine five parameters.
	if _, err := LimitScoreTest(nil, cs[:1], lim, LimitTestOptions{}); !errors.Is(err, clv.ErrNotIdentified) { //nolint:staticcheck
		t.Errorf("one customer: %v", err)
	}
}
