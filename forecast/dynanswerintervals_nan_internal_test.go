package forecast

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestDynOutlookDrawsErrors: a draw whose discounted purchases are NaN
// (here a NaN discount weight) stops dynOutlookDraws at once with an
// error wrapping both clv.ErrInvalidCovariates and interval.ErrBadDraws,
// as does an error of interval.OutlookOfDraws (one draw); the same
// draws with finite weights give every customer an interval (the data of
// TestDynamicAnswerIntervalsAlongPaths).
func TestDynOutlookDrawsErrors(t *testing.T) {
	day0 := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	var lb, cb strings.Builder
	lb.WriteString("id,date,amount\n")
	cb.WriteString("id,date,promo\n")
	rng := rand.New(rand.NewPCG(1, 9))
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
		Model: DynamicModelName, Interval: 0.8, IntervalDraws: 4, DynamicCovariates: strings.NewReader(cb.String())}
	res, err := Run(context.Background(), strings.NewReader(lb.String()), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.draws) != 4 {
		t.Fatalf("%d draws", len(res.draws))
	}
	dps := make([]*dynPurchase, len(res.draws))
	ons := make([]*paretonbd.DynOnPaths, len(res.draws))
	for d, pm := range res.draws {
		dps[d] = pm.(*dynPurchase)
	}
	pp, err := dps[0].tab.prep()
	if err != nil {
		t.Fatal(err)
	}
	for d, dp := range dps {
		if ons[d], err = dp.m.On(pp); err != nil {
			t.Fatal(err)
		}
	}
	cs := res.Summary.Customers
	opts := clv.OutlookOptions{Window: res.window(), Horizon: res.Horizon}
	ts := []float64{4, 8}
	got, err := dynOutlookDraws(context.Background(), dps, ons, cs, opts, ts, []float64{1, 0.9}, 0.8)
	if err != nil || got.Len() != len(cs) {
		t.Fatalf("finite weights: %v", err)
	}
	_, err = dynOutlookDraws(context.Background(), dps, ons, cs, opts, ts, []float64{1, math.NaN()}, 0.8)
	if !errors.Is(err, clv.ErrInvalidCovariates) || !errors.Is(err, interval.ErrBadDraws) || !strings.Contains(err.Error(), "draw 0's discounted purchases are NaN") {
		t.Errorf("NaN weight: %v", err)
	}
	_, err = dynOutlookDraws(context.Background(), dps[:1], ons[:1], cs, opts, nil, nil, 0.8)
	if !errors.Is(err, clv.ErrInvalidCovariates) || !errors.Is(err, interval.ErrBadDraws) {
		t.Errorf("one draw: %v", err)
	}
}
