package forecast

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// type7 returns the q-quantile of v (R's type 7), a quantile between a
// finite order statistic and +Inf being +Inf.
func type7(v []float64, q float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	h := q * float64(len(s)-1)
	k := int(math.Floor(h))
	switch {
	case h == float64(k) || k+1 >= len(s):
		return s[k]
	case math.IsInf(s[k+1], 1):
		return math.Inf(1)
	}
	return s[k] + (h-float64(k))*(s[k+1]-s[k])
}

// TestDynamicAnswerIntervalsAlongPaths: the job's answer intervals for
// the model with time-varying covariates are, customer by customer, the
// type-7 quantiles of paretonbd.DynModel.Outlook along the customer's own
// path under the run's draws (the median beyond the horizon as +Inf), to
// 1e-12; customers of equal (frequency, recency, T) on different paths
// get different intervals.
func TestDynamicAnswerIntervalsAlongPaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	day0 := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	var lb, cb strings.Builder
	lb.WriteString("id,date,amount\n")
	cb.WriteString("id,date,promo\n")
	for i := range 200 {
		id := fmt.Sprintf("c%03d", i)
		first := day0.AddDate(0, 0, i%3)
		fmt.Fprintf(&lb, "%s,%s,10\n", id, first.Format(time.DateOnly))
		lam, death := rng.ExpFloat64(), 5+rng.ExpFloat64()*80
		for w := 1; w < 100; w++ {
			on := (w+i)%9 < 3
			if w%4 == 0 {
				fmt.Fprintf(&cb, "%s,%s,%d\n", id, first.AddDate(0, 0, 7*w).Format(time.DateOnly), map[bool]int{true: 1}[on])
			}
			p := 0.15 * lam
			if on {
				p *= 2
			}
			if rng.Float64() < p && float64(w) < death {
				fmt.Fprintf(&lb, "%s,%s,%d\n", id, first.AddDate(0, 0, 7*w).Format(time.DateOnly), 5+w%7)
			}
		}
		fmt.Fprintf(&cb, "%s,%s,0\n", id, first.Format(time.DateOnly))
	}
	const D = 30
	cfg := Config{CSV: csvio.Options{ID: "id"}, End: day0.AddDate(0, 0, 7*100), Months: 6, Unit: 7 * 24 * time.Hour,
		Model: DynamicModelName, Interval: 0.8, IntervalDraws: D, AnswerIntervals: true, DynamicCovariates: strings.NewReader(cb.String())}
	res, err := Run(context.Background(), strings.NewReader(lb.String()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.draws) != D || res.AnswerIntervals == nil {
		t.Fatalf("%d draws, answer intervals %v", len(res.draws), res.AnswerIntervals)
	}
	opts := clv.OutlookOptions{Window: res.window(), Horizon: res.Horizon}
	var pw, ah, tb, md [D]float64
	seen := map[[3]float64]int{}
	differ := 0
	near := func(a, b float64) bool { return a == b || math.Abs(a-b) <= 1e-12*math.Abs(b) }
	for i, c := range res.Summary.Customers {
		for d, pm := range res.draws {
			dp := pm.(*dynPurchase)
			o := dp.m.Outlook(c, dp.tab.path(c), opts)
			pw[d], ah[d], tb[d], md[d] = o.PurchaseWithin, o.AliveAtHorizon, 1/o.PurchaseRate, o.NextPurchase[1]
			if math.IsNaN(md[d]) {
				md[d] = math.Inf(1)
			}
		}
		g := res.AnswerIntervals.At(i)
		for _, f := range []struct {
			name   string
			lo, hi float64
			vals   []float64
		}{
			{"purchase within window", g.PurchaseWithin.Low, g.PurchaseWithin.High, pw[:]},
			{"alive at horizon", g.AliveAtHorizon.Low, g.AliveAtHorizon.High, ah[:]},
			{"time between purchases", g.TimeBetweenPurchases.Low, g.TimeBetweenPurchases.High, tb[:]},
			{"median", g.NextPurchaseMedian.Low, g.NextPurchaseMedian.High, md[:]},
		} {
			if lo, hi := type7(f.vals, 0.1), type7(f.vals, 0.9); !near(f.lo, lo) || !near(f.hi, hi) {
				t.Fatalf("customer %s: %s [%v, %v], along the path [%v, %v]", c.ID, f.name, f.lo, f.hi, lo, hi)
			}
		}
		if !(g.DiscountedPurchases.Low <= g.DiscountedPurchases.High) {
			t.Fatalf("customer %s: discounted purchases %v", c.ID, g.DiscountedPurchases)
		}
		k := [3]float64{c.Frequency, c.Recency, c.T}
		if j, ok := seen[k]; ok && res.AnswerIntervals.At(j) != g {
			differ++
		}
		seen[k] = i
	}
	if differ == 0 {
		t.Error("no two customers of one (frequency, recency, T) with different answer intervals")
	}
	t.Logf("%d pairs of one row with different answer intervals", differ)
}
