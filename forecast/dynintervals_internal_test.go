package forecast

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/clv/interval"
)

// TestDynamicIntervalsAlongPaths: the job's intervals for the model with
// time-varying covariates are, customer by customer, the quantiles of
// paretonbd.DynModel's P(alive) and expected purchases along the
// customer's own path under the run's draws, to 1e-12; two customers
// of equal (frequency, recency, T) on different paths get different
// intervals.
func TestDynamicIntervalsAlongPaths(t *testing.T) {
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
	cfg := Config{CSV: csvio.Options{ID: "id"}, End: day0.AddDate(0, 0, 7*100), Months: 6, Unit: 7 * 24 * time.Hour,
		Model: DynamicModelName, Interval: 0.8, IntervalDraws: 40, DynamicCovariates: strings.NewReader(cb.String())}
	res, err := Run(context.Background(), strings.NewReader(lb.String()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.draws) != 40 {
		t.Fatalf("%d draws", len(res.draws))
	}
	pa, ex := make([]float64, 40), make([]float64, 40)
	seen := map[[3]float64]int{}
	differ := 0
	for i, c := range res.Summary.Customers {
		for d, pm := range res.draws {
			dp := pm.(*dynPurchase)
			path := dp.tab.path(c)
			pa[d], ex[d] = dp.m.ProbabilityAlive(c, path), dp.m.ConditionalExpectedPurchases(c, path, res.Horizon)
		}
		iv := res.Intervals[i]
		for _, q := range []struct {
			what      string
			got, want interval.Interval
		}{{"P(alive)", iv.PAlive, interval.FromDraws(pa, 0.8)}, {"expected purchases", iv.ExpectedPurchases, interval.FromDraws(ex, 0.8)}} {
			if math.Abs(q.got.Low-q.want.Low) > 1e-12*math.Max(1, q.want.Low) || math.Abs(q.got.High-q.want.High) > 1e-12*math.Max(1, q.want.High) {
				t.Fatalf("customer %s: %s interval %+v, along the path %+v", c.ID, q.what, q.got, q.want)
			}
		}
		k := [3]float64{c.Frequency, c.Recency, c.T}
		if j, ok := seen[k]; ok && res.Intervals[j] != iv {
			differ++
		}
		seen[k] = i
	}
	if differ == 0 {
		t.Error("no customers of one (x, t_x, T) with different intervals")
	}
}
