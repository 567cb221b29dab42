package bgnbd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"gonum.org/v1/gonum/integrate/quad"
)

// slow returns a time bound, ten times longer under the race detector.
func slow(d time.Duration) time.Duration {
	if raceEnabled {
		return 10 * d
	}
	return d
}

// fitBoundary fits cs and checks what every fit at a limit of the model
// gives: an error wrapping clv.ErrBoundary, a usable model with status
// AtBoundary, the held shapes, NumParams and a reason naming the limits,
// all within bound.
func fitBoundary(t *testing.T, cs []clv.Customer, opts bgnbd.FitOptions, holdA, holdR bool, bound time.Duration) *bgnbd.Model {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	start := time.Now()
	m, err := bgnbd.FitContext(ctx, cs, opts)
	el := time.Since(start)
	if !errors.Is(err, clv.ErrBoundary) || m == nil {
		t.Fatalf("after %v: err %v, model %v", el, err, m)
	}
	info, p := m.FitInfo(), m.Params()
	t.Logf("%d customers, %v: %v; %+v", len(cs), el, m, info)
	wantN := 4
	if holdA {
		wantN--
		if p.A != 1e8 || !strings.Contains(info.Reason, fmt.Sprintf("p = %.6g", p.A/(p.A+p.B))) {
			t.Errorf("a = %v, reason %q: want a held at 1e8 and the reason to give p", p.A, info.Reason)
		}
	}
	if holdR {
		wantN--
		if p.R != 1e8 || !strings.Contains(info.Reason, fmt.Sprintf("λ = %.6g", p.R/p.Alpha)) {
			t.Errorf("r = %v, reason %q: want r held at 1e8 and the reason to give λ", p.R, info.Reason)
		}
	}
	if !holdA && p.A == 1e8 || !holdR && p.R == 1e8 {
		t.Errorf("%v: a limit too many", m)
	}
	if info.Status != clv.AtBoundary || info.NumParams != wantN || !strings.Contains(err.Error(), info.Reason) {
		t.Errorf("status %v, %d parameters (want %d), reason %q, error %v", info.Status, info.NumParams, wantN, info.Reason, err)
	}
	// Standard errors and draws of the free parameters; the held shapes
	// carry no uncertainty (the intervals are conditional on the limit).
	se, ok := m.StdErrors()
	draws, err := m.SampleParams(rand.NewPCG(1, 1), 20)
	if !ok || err != nil {
		t.Fatalf("standard errors %v, draws %v: want both at the boundary", ok, err)
	}
	v, sv := p.Vector(), se.Vector()
	held := []bool{holdR, false, holdA, false}
	for i := range v {
		if held[i] != (sv[i] == 0) || !(sv[i] >= 0) || math.IsInf(sv[i], 0) {
			t.Errorf("parameter %d (held %v): standard error %v", i, held[i], sv[i])
		}
		for _, d := range draws {
			if held[i] != (d.Vector()[i] == v[i]) {
				t.Errorf("parameter %d (held %v): draw %v, estimate %v", i, held[i], d.Vector()[i], v[i])
				break
			}
		}
	}
	if el > slow(8*bound) { // a guard against endless fits (bound: measured alone), not a speed measurement
		t.Errorf("the fit took %v", el)
	}
	return m
}

// simulate draws n customers with T uniform on [1, 53) from p.
func simulate(t *testing.T, v bgnbd.Variant, p bgnbd.Params, n int, seed uint64) []clv.Customer {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	T := make([]float64, n)
	for i := range T {
		T[i] = 1 + 52*rng.Float64()
	}
	m, err := bgnbd.NewVariant(v, p)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := m.Simulate(rand.NewPCG(seed, 2), T)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestBoundarySimulated: data simulated from a limit of the model — every
// customer dropping out with the same p (a, b = 10⁹·(p, 1−p)), or buying
// at the same rate λ (r, α = 10⁹·(1, 1/λ)), or both — have their
// likelihood highest at that limit for these seeds (for others, about
// half, the maximum is inside, at large but finite shapes: the
// heterogeneity that the sample shows by chance). The fit ends fast, with
// the limit model, and recovers the limit's rates within sampling error:
// 4% for p and 2% for λ, some 5 standard errors (p from some 4·10⁴
// dropout opportunities, se 0.8%; λ from some 5·10⁴ purchases, se 0.5%);
// the differences measured are 0.09% to 1.5% and 0.1% to 0.5%.
func TestBoundarySimulated(t *testing.T) {
	const n = 20_000
	cases := []struct {
		name         string
		v            bgnbd.Variant
		p, lambda    float64 // 0: heterogeneous (a, b = 3, 6; r, α = 0.5, 4)
		seed         uint64
		holdA, holdR bool
	}{
		{"BG/NBD fixed p", bgnbd.BGNBD, 0.3, 0, 1, true, false},
		{"MBG/NBD fixed p", bgnbd.MBGNBD, 0.3, 0, 1, true, false},
		{"BG/NBD fixed λ", bgnbd.BGNBD, 0, 0.2, 1, false, true},
		{"MBG/NBD fixed λ", bgnbd.MBGNBD, 0, 0.2, 1, false, true},
		{"BG/NBD fixed p and λ", bgnbd.BGNBD, 0.3, 0.2, 2, true, true},
		{"MBG/NBD fixed p and λ", bgnbd.MBGNBD, 0.3, 0.2, 1, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := bgnbd.Params{R: 0.5, Alpha: 4, A: 3, B: 6}
			if c.p > 0 {
				p.A, p.B = 1e9*c.p, 1e9*(1-c.p)
			}
			if c.lambda > 0 {
				p.R, p.Alpha = 1e9, 1e9/c.lambda
			}
			cs := simulate(t, c.v, p, n, c.seed)
			m := fitBoundary(t, cs, bgnbd.FitOptions{Variant: c.v}, c.holdA, c.holdR, 2*time.Second)
			q := m.Params()
			if c.holdA {
				got := q.A / (q.A + q.B)
				t.Logf("p = %.5g (%+.2g relative)", got, got/c.p-1)
				if math.Abs(got/c.p-1) > 0.04 {
					t.Errorf("p = %.5g, simulated %v", got, c.p)
				}
			}
			if c.holdR {
				got := q.R / q.Alpha
				t.Logf("λ = %.5g (%+.2g relative)", got, got/c.lambda-1)
				if math.Abs(got/c.lambda-1) > 0.02 {
					t.Errorf("λ = %.5g, simulated %v", got, c.lambda)
				}
			}
		})
	}
}

// droppedLog writes a transaction log of the forecast job's property test
// shape "all dropped out": 150 to 300 customers acquired over the first
// half of 2023, buying at exponential intervals (rate per day from an
// exponential distribution, mean 1/20), each dropping out within 30 days.
func droppedLog(rng *rand.Rand) []byte {
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	stop := start.AddDate(1, 0, 0)
	n := 150 + rng.IntN(150)
	type tx struct {
		id int
		at time.Time
	}
	var txs []tx
	for c := range n {
		at := start.Add(time.Duration(rng.Float64()*180*24) * time.Hour)
		rate := rng.ExpFloat64() / 20
		death := at.Add(time.Duration(rng.Float64()*30*24) * time.Hour)
		for {
			txs = append(txs, tx{c, at})
			at = at.Add(time.Duration(rng.ExpFloat64()/rate*24) * time.Hour)
			if at.After(death) || !at.Before(stop) {
				break
			}
		}
	}
	slices.SortStableFunc(txs, func(a, b tx) int { return a.at.Compare(b.at) })
	var b bytes.Buffer
	b.WriteString("customer_id,date\n")
	for _, t := range txs {
		fmt.Fprintf(&b, "c%04d,%s\n", t.id, t.at.Format(time.DateOnly))
	}
	return b.Bytes()
}

// TestBoundaryDroppedOut: logs of the forecast job's shape "all dropped
// out", summarized in weeks as the job does, used to end as "fit did not
// converge from 4 starts" with a and b (BG/NBD) or r and α (MBG/NBD)
// beyond 10⁶. The fit ends in milliseconds at the limit model, which is
// usable (P(alive) in [0, 1]), is stored and read back with its status
// and reason, has Laplace draws (the held shape fixed) that survive the
// round trip, and has bootstrap replicates, each at the same limit.
func TestBoundaryDroppedOut(t *testing.T) {
	cases := []struct {
		seed         uint64
		v            bgnbd.Variant
		holdA, holdR bool
	}{
		{0, bgnbd.BGNBD, true, false},
		{2, bgnbd.MBGNBD, false, true},
		{0, bgnbd.MBGNBD, true, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.seed, c.v), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(c.seed, 1))
			sum, err := csvio.Summarize(bytes.NewReader(droppedLog(rng)), csvio.Options{},
				clv.SummaryOptions{Unit: 7 * 24 * time.Hour, EndOfDay: true})
			if err != nil {
				t.Fatal(err)
			}
			cs := sum.Customers
			opts := bgnbd.FitOptions{Variant: c.v}
			m := fitBoundary(t, cs, opts, c.holdA, c.holdR, 200*time.Millisecond)
			p, info := m.Params(), m.FitInfo()

			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			var back bgnbd.Model
			if err := json.Unmarshal(b, &back); err != nil || back.Params() != p || back.FitInfo() != info || back.Variant() != c.v {
				t.Errorf("JSON round trip: %v, %+v, %v", &back, back.FitInfo(), err)
			}

			d, err := m.SampleParams(rand.NewPCG(1, 1), 10)
			if bd, berr := back.SampleParams(rand.NewPCG(1, 1), 10); err != nil || berr != nil || bd[9] != d[9] {
				t.Errorf("SampleParams after the JSON round trip: %v (%v), were %v (%v)", bd, berr, d, err)
			}
			reps, err := m.Bootstrap(context.Background(), cs, opts, 4, 1)
			if err != nil || len(reps) != 4 {
				t.Fatalf("bootstrap: %v, %v", reps, err)
			}
			for _, q := range reps {
				if c.holdA && (q.A != 1e8 || math.Abs(q.B/p.B-1) > 0.3) || c.holdR && (q.R != 1e8 || math.Abs(q.Alpha/p.Alpha-1) > 0.3) {
					t.Errorf("bootstrap replicate %+v, estimate %+v", q, p)
				}
			}

			pa, err := m.ProbabilityAliveAll(cs)
			if err != nil {
				t.Fatal(err)
			}
			ey, err := m.ConditionalExpectedPurchasesAll(cs, 52)
			if err != nil {
				t.Fatal(err)
			}
			for i := range pa {
				if !(pa[i] >= 0 && pa[i] <= 1) || !(ey[i] >= 0) || math.IsInf(ey[i], 0) {
					t.Fatalf("customer %+v: P(alive) %v, E[Y(52)] %v", cs[i], pa[i], ey[i])
				}
			}
		})
	}
}

// TestBoundaryPredictions: a model with a shape held at 10⁸, as fitLimit
// returns it, predicts what its limit does, computed here independently
// of the package's formulas. At fixed p (a, b → ∞) and λ ~ Gamma(r, α), a
// customer alive at T with x repeat purchases has λ ~ Gamma(r+x, α+T)
// and, buying at λ and dropping out after each purchase with probability
// p, expects (1 − E e^−λpt)/p purchases in t; at fixed λ and p ~ Beta(a, b)
// the posterior of p is Beta(a, b+x+d) (d = 1 for MBG/NBD) and the
// expectation over p is a 400-point Gauss–Legendre quadrature. P(alive)
// has odds p/(1−p) (or a/(b+x+d−1)) times ((α+T)/(α+t_x))^(r+x) (or
// e^λ(T−t_x)), and P(X(t) = n) = E(1−p)^(n+d)·NB(n) + E p(1−p)^(n+d−1)·(1 −
// Σ_{j<n} NB(j)), with NB the negative binomial (or Poisson) pmf. The
// model with shapes held at 10⁸ differs from the limit by O(x/a) and
// O((λt)²/r): at most 5.4e-7 relative here (P(X(52) = 0) at fixed λ,
// λt = 10.4), hence the tolerance 1e-6.
func TestBoundaryPredictions(t *testing.T) {
	const r0, alpha0, a0, b0 = 0.6, 8.0, 3.0, 6.0
	const p0, lambda0 = 0.3, 0.2
	lg := func(v float64) float64 { l, _ := math.Lgamma(v); return l }
	customers := []clv.Customer{{T: 30}, {Frequency: 1, Recency: 2, T: 40}, {Frequency: 3, Recency: 20, T: 52}, {Frequency: 10, Recency: 45, T: 50}}
	for _, v := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
		d := 0.0
		if v == bgnbd.MBGNBD {
			d = 1
		}
		for _, lim := range []struct {
			name        string
			fixP, fixLm bool
		}{{"fixed p", true, false}, {"fixed λ", false, true}, {"fixed p and λ", true, true}} {
			p := bgnbd.Params{R: r0, Alpha: alpha0, A: a0, B: b0}
			if lim.fixP {
				p.A, p.B = 1e8, 1e8*(1-p0)/p0
			}
			if lim.fixLm {
				p.R, p.Alpha = 1e8, 1e8/lambda0
			}
			m, err := bgnbd.NewVariant(v, p)
			if err != nil {
				t.Fatal(err)
			}
			// ep returns E f(p) under Beta(a, b), or f(p0).
			ep := func(f func(q float64) float64, a, b float64) float64 {
				if lim.fixP {
					return f(p0)
				}
				lb := lg(a) + lg(b) - lg(a+b)
				return quad.Fixed(func(q float64) float64 {
					return f(q) * math.Exp((a-1)*math.Log(q)+(b-1)*math.Log1p(-q)-lb)
				}, 0, 1, 400, quad.Legendre{}, 0)
			}
			// lapl returns E e^−λs under Gamma(r, α), or e^−λ0·s.
			lapl := func(s, r, alpha float64) float64 {
				if lim.fixLm {
					return math.Exp(-lambda0 * s)
				}
				return math.Exp(-r * math.Log1p(s/alpha))
			}
			// nb returns P(N(t) = n) of the purchase process.
			nb := func(n, t float64) float64 {
				if lim.fixLm {
					return math.Exp(n*math.Log(lambda0*t) - lambda0*t - lg(n+1))
				}
				return math.Exp(lg(r0+n) - lg(r0) - lg(n+1) + r0*math.Log(alpha0/(alpha0+t)) + n*math.Log(t/(alpha0+t)))
			}
			check := func(what string, got, want float64) {
				t.Helper()
				if e := math.Abs(got-want) / want; !(e <= 1e-6) {
					t.Errorf("%v %s: %s %.12g, limit %.12g (%.2g)", v, lim.name, what, got, want, e)
				}
			}
			for _, c := range customers {
				x := c.Frequency
				pa := 1.0
				if x+d > 0 {
					odds := p0 / (1 - p0)
					if !lim.fixP {
						odds = a0 / (b0 + x + d - 1)
					}
					if lim.fixLm {
						odds *= math.Exp(lambda0 * (c.T - c.Recency))
					} else {
						odds *= math.Pow((alpha0+c.T)/(alpha0+c.Recency), r0+x)
					}
					pa = 1 / (1 + odds)
				}
				check(fmt.Sprintf("P(alive %+v)", c), m.ProbabilityAlive(c), pa)
				for _, h := range []float64{4, 52, 520} {
					ifAlive := ep(func(q float64) float64 { return (1 - lapl(q*h, r0+x, alpha0+c.T)) / q }, a0, b0+x+d)
					check(fmt.Sprintf("E[Y(%v) | %+v]", h, c), m.ConditionalExpectedPurchases(c, h), pa*ifAlive)
					check(fmt.Sprintf("IfAlive(%+v, %v)", c, h), m.IfAlive(x, 1, 600)(c.T, h), ifAlive)
				}
			}
			for _, h := range []float64{4, 52} {
				want := ep(func(q float64) float64 { return math.Pow(1-q, d) * (1 - lapl(q*h, r0, alpha0)) / q }, a0, b0)
				check(fmt.Sprintf("E[X(%v)]", h), m.ExpectedPurchases(h), want)
				below := 0.0
				for k := range 6 {
					n := float64(k)
					want := ep(func(q float64) float64 { return math.Pow(1-q, n+d) }, a0, b0) * nb(n, h)
					if n+d > 0 {
						want += ep(func(q float64) float64 { return q * math.Pow(1-q, n+d-1) }, a0, b0) * (1 - below)
					}
					below += nb(n, h)
					check(fmt.Sprintf("P(X(%v) = %v)", h, n), m.ProbabilityOfPurchasesUnconditional(k, h), want)
				}
			}
			ey, err := m.ConditionalExpectedPurchasesAll(customers, 52)
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range customers {
				if s := m.ConditionalExpectedPurchases(c, 52); ey[i] != s {
					t.Errorf("%v %s: batch %v, single %v", v, lim.name, ey[i], s)
				}
			}
		}
	}
}

// TestBoundaryJSONSmallP: a limit model whose dropout probability is
// small (b = a·(1−p)/p far above a) is written and read back.
func TestBoundaryJSONSmallP(t *testing.T) {
	for _, v := range []bgnbd.Variant{bgnbd.BGNBD, bgnbd.MBGNBD} {
		m, err := bgnbd.NewVariant(v, bgnbd.Params{R: 0.5, Alpha: 4, A: 1e8, B: 1.9e9})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back bgnbd.Model
		if err := json.Unmarshal(b, &back); err != nil || back.Params() != m.Params() {
			t.Errorf("%v: round trip: %v", v, err)
		}
		c := clv.Customer{Frequency: 3, Recency: 20, T: 30}
		if pa, e := back.ProbabilityAlive(c), back.ConditionalExpectedPurchases(c, 52); !(pa > 0 && pa <= 1) || !(e > 0) || math.IsInf(e, 0) {
			t.Errorf("%v: P(alive) %v, E %v", v, pa, e)
		}
	}
}

// TestLimitUnpenalized: the fit of a limit model is not penalized, and
// its FitInfo says so (Penalizer 0): a fit with a penalty too weak to hold
// the shapes short of the limit (1e-20) ends at the limit model of the fit
// without a penalty, to 1e-9 relative (paretonbd does the same).
func TestLimitUnpenalized(t *testing.T) {
	cs := simulate(t, bgnbd.BGNBD, bgnbd.Params{R: 0.5, Alpha: 4, A: 3e8, B: 7e8}, 20_000, 1)
	free, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
	if !errors.Is(err, clv.ErrBoundary) {
		t.Fatalf("without a penalty: %v", err)
	}
	pen, err := bgnbd.Fit(cs, bgnbd.FitOptions{Penalizer: 1e-20})
	if !errors.Is(err, clv.ErrBoundary) {
		t.Fatalf("with a penalty of 1e-20: %v", err)
	}
	if info := pen.FitInfo(); info.Status != clv.AtBoundary || info.Penalizer != 0 {
		t.Errorf("status %v, penalizer %v, want boundary and 0", info.Status, info.Penalizer)
	}
	p, q := pen.Params().Vector(), free.Params().Vector()
	for i := range p {
		if math.Abs(p[i]/q[i]-1) > 1e-9 {
			t.Errorf("penalized %v, unpenalized %v", pen, free)
			break
		}
	}
}
