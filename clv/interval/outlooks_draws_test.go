package interval_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestOutlookOfDraws: a customer's intervals from the draws' outlooks and
// discounted purchases, customer by customer, are Forecast's (its
// Outlooks computed row by row over the same draws), every field to
// 1e-12 (the probabilities' and median's bit for bit); NewOutlooks gives
// each customer its own row; invalid arguments are errors.
func TestOutlookOfDraws(t *testing.T) {
	truth := paretonbd.Params{R: 0.6, Alpha: 8, S: 0.7, Beta: 12}
	cs := dailyCustomers(t, truth, 200, 9)
	pn, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const D = 30
	ms := modelsOf(t, pn.SampleParams, paretonbd.New, rand.NewPCG(5, 6), D)
	draws := make([]interval.Draw, D)
	for d, m := range ms {
		draws[d] = interval.Draw{Purchase: m, Spend: unitValue{}}
	}
	unit := predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01, Margin: 1}
	oopts := clv.OutlookOptions{Window: 30.0 / 7, Horizon: 52}
	res, err := interval.Forecast(context.Background(), draws, cs, interval.Options{Level: 0.8, Horizon: 52, Value: unit, Outlook: oopts})
	if err != nil {
		t.Fatal(err)
	}
	rows := make([]interval.Outlook, len(cs))
	os, disc := make([]clv.Outlook, D), make([]float64, D)
	for i, c := range cs {
		for d, m := range ms {
			os[d] = m.Outlook(c, oopts)
			if disc[d], err = predict.LifetimeValue(m, unitValue{}, c, unit); err != nil {
				t.Fatal(err)
			}
		}
		if rows[i], err = interval.OutlookOfDraws(os, disc, 0.8); err != nil {
			t.Fatal(err)
		}
		want := res.Outlooks.At(i)
		a, b := rows[i], want
		if !relClose(a.DiscountedPurchases.Low, b.DiscountedPurchases.Low, 1e-12) || !relClose(a.DiscountedPurchases.High, b.DiscountedPurchases.High, 1e-12) ||
			!relClose(a.TimeBetweenPurchases.Low, b.TimeBetweenPurchases.Low, 1e-12) || !relClose(a.TimeBetweenPurchases.High, b.TimeBetweenPurchases.High, 1e-12) {
			t.Fatalf("customer %d: %+v, Forecast's %+v", i, a, b)
		}
		a.DiscountedPurchases, b.DiscountedPurchases, a.TimeBetweenPurchases, b.TimeBetweenPurchases = interval.Interval{}, interval.Interval{}, interval.Interval{}, interval.Interval{}
		if a != b {
			t.Fatalf("customer %d: %+v, Forecast's %+v", i, a, b)
		}
	}
	all := interval.NewOutlooks(rows)
	if all.Len() != len(cs) || all.Distinct() != len(cs) || all.At(7) != rows[7] || all.Index(7) != 7 {
		t.Errorf("NewOutlooks: %d customers, %d rows", all.Len(), all.Distinct())
	}
	if o, err := interval.OutlookOfDraws(os, nil, 0.8); err != nil || !math.IsNaN(o.DiscountedPurchases.Low) {
		t.Errorf("no discounted purchases: %+v, %v", o, err)
	}
	nanO := os[3]
	nanO.AliveAtHorizon = math.NaN()
	for name, f := range map[string]func() error{
		"one draw":   func() error { _, err := interval.OutlookOfDraws(os[:1], nil, 0.8); return err },
		"short disc": func() error { _, err := interval.OutlookOfDraws(os, disc[:3], 0.8); return err },
		"level":      func() error { _, err := interval.OutlookOfDraws(os, nil, 1); return err },
		"NaN":        func() error { _, err := interval.OutlookOfDraws([]clv.Outlook{os[0], nanO}, nil, 0.8); return err },
		"NaN disc":   func() error { _, err := interval.OutlookOfDraws(os[:2], []float64{1, math.NaN()}, 0.8); return err },
	} {
		err := f()
		if err == nil || (name == "one draw" || name == "short disc") && !errors.Is(err, interval.ErrBadDraws) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
