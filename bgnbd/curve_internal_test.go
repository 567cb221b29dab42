package bgnbd

import (
	"math"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// TestCurveAgrees: the interpolated curve (freshPlan.curve) equals
// freshExpected point by point to 1e-9 relative at every month's end of
// a 1,200-month horizon (in days, weeks and months), for both variants,
// the parameter sets of the reference tests and others (a < 1, where F
// grows as a power of t; a, b, r large), and (x, T) from a new customer
// to x = 200; it reports how often it interpolated (most cases; the rest
// fall back to the point values, which are exact).
func TestCurveAgrees(t *testing.T) {
	params := []Params{
		{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, // CDNOW
		{R: 0.25, Alpha: 4, A: 0.8, B: 2.5},
		{R: 0.5, Alpha: 30, A: 0.2, B: 3},
		{R: 2, Alpha: 10, A: 5, B: 20},
		{R: 0.05, Alpha: 0.5, A: 1.2, B: 0.4},
		{R: 30, Alpha: 300, A: 50, B: 400},
	}
	units := []float64{365.25 / 12, 365.25 / 12 / 7, 1} // a month in days, weeks, months
	worst, interp, total := 0.0, 0, 0
	var direct, fast time.Duration
	for _, p := range params {
		for _, v := range []Variant{BGNBD, MBGNBD} {
			f := family{Params: p, d: v.shift()}
			for _, month := range units {
				ts := make([]float64, 1200)
				for i := range ts {
					ts[i] = float64(i+1) * month
				}
				for _, xT := range [][2]float64{{0, 0}, {0, 10 * month}, {1, 3 * month}, {3, 24 * month}, {12, 12 * month}, {200, 60 * month}} {
					fp := f.plan(xT[0], xT[1])
					got := make([]float64, len(ts))
					start := time.Now()
					ok := fp.curve(ts, got)
					fast += time.Since(start)
					total++
					if ok {
						interp++
					}
					start = time.Now()
					for i, tt := range ts {
						want := fp.at(tt)
						if e := math.Abs(got[i]/want - 1); !(e <= 1e-9) {
							t.Errorf("%+v %v x=%v T=%v t=%v: %v, point by point %v (%.2g)", p, v, xT[0], xT[1], tt, got[i], want, e)
							break
						} else {
							worst = max(worst, e)
						}
					}
					direct += time.Since(start)
				}
			}
		}
	}
	t.Logf("%d curves, %d interpolated; worst relative difference %.2g; %v interpolating, %v point by point", total, interp, worst, fast, direct)
	if interp < total*3/4 {
		t.Errorf("only %d of %d curves interpolated", interp, total)
	}
}

// TestCurveBatch: the batch methods at 1,200 monthly horizons (in days)
// agree with ConditionalExpectedPurchases point by point to 1e-9
// relative, with the (x, T) table (10,000 customers of whole-day T) and
// without it (1,500 of continuous T), and DiscountedPurchasesAll with the
// discounted differences of the points; 12 horizons stay bit for bit.
func TestCurveBatch(t *testing.T) {
	for _, v := range []Variant{BGNBD, MBGNBD} {
		m, err := NewVariant(v, Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426})
		if err != nil {
			t.Fatal(err)
		}
		for _, days := range []bool{true, false} {
			n := 10000 // enough for the table
			if !days {
				n = 1500
			}
			cs := make([]clv.Customer, n)
			for i := range cs {
				T := float64(1 + i%400)
				if !days {
					T += 0.37 * float64(i%7) / 7
				}
				x := float64(i % 9)
				cs[i] = clv.Customer{Frequency: x, T: T}
				if x > 0 {
					cs[i].Recency = T * float64(1+i%5) / 6
				}
			}
			for _, k := range []int{12, 1200} {
				ts := make([]float64, k)
				w := make([]float64, k)
				for j := range ts {
					ts[j] = float64(j+1) * 365.25 / 12
					w[j] = math.Pow(1.01, -float64(j+1))
				}
				got, err := m.ConditionalExpectedPurchasesAtAll(cs, ts)
				if err != nil {
					t.Fatal(err)
				}
				dp, err := m.DiscountedPurchasesAll(cs, ts, w)
				if err != nil {
					t.Fatal(err)
				}
				tol := 1e-9
				if k < curveMin {
					tol = 0
				}
				for i := 0; i < len(cs); i += len(cs) / 15 {
					total, prev := 0.0, 0.0
					for j, tt := range ts {
						want := m.ConditionalExpectedPurchases(cs[i], tt)
						if e := math.Abs(got[i*k+j] - want); !(e <= tol*want) {
							t.Fatalf("%v days %v, %d horizons, %+v at %v: %v, point %v", v, days, k, cs[i], tt, got[i*k+j], want)
						}
						total += w[j] * (want - prev)
						prev = want
					}
					if e := math.Abs(dp[i] - total); !(e <= max(tol, 1e-14)*total) {
						t.Fatalf("%v days %v, %d horizons, %+v: discounted %v, from the points %v", v, days, k, cs[i], dp[i], total)
					}
				}
			}
		}
	}
}
