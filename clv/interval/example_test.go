package interval_test

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
)

// Intervals of the forecasts from 200 draws of the fitted models'
// parameters: one customer's P(alive), expected purchases next year and
// 12-month CLV, and the total purchases the customer base is expected to
// make next year.
func ExampleForecast() {
	truth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	T := make([]float64, 5000)
	for i := range T {
		T[i] = 39 + float64(i%14) // weeks
	}
	cs, _ := truth.Simulate(rand.NewPCG(1, 2), T)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range cs {
		if cs[i].Frequency > 0 {
			cs[i].MonetaryValue = 20 + 20*rng.Float64()
		}
	}
	pm, _ := bgnbd.Fit(cs, bgnbd.FitOptions{})
	sm, _ := gammagamma.Fit(cs, gammagamma.FitOptions{})

	pp, _ := pm.SampleParams(rand.NewPCG(5, 6), 200)
	sp, _ := sm.SampleParams(rand.NewPCG(7, 8), 200)
	draws := make([]interval.Draw, 200)
	for d := range draws {
		p, _ := bgnbd.New(pp[d])
		s, _ := gammagamma.New(sp[d])
		draws[d] = interval.Draw{Purchase: p, Spend: s}
	}
	c := clv.Customer{Frequency: 4, Recency: 30, T: 45, MonetaryValue: 35}
	iv, err := interval.Forecast(context.Background(), draws, append(cs, c), interval.Options{
		Level:   0.9,
		Horizon: 52,
		Value:   predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ci := iv.Customers[len(cs)]
	fmt.Printf("P(alive) %.2f, 90%% interval [%.2f, %.2f]\n", pm.ProbabilityAlive(c), ci.PAlive.Low, ci.PAlive.High)
	fmt.Printf("purchases next year: [%.1f, %.1f]\n", ci.ExpectedPurchases.Low, ci.ExpectedPurchases.High)
	fmt.Printf("12-month CLV: [%.0f, %.0f]\n", ci.CLV.Low, ci.CLV.High)
	fmt.Printf("all customers, purchases next year: [%.0f, %.0f]\n", iv.TotalPurchases.Low, iv.TotalPurchases.High)
	// Output:
	// P(alive) 0.61, 90% interval [0.58, 0.63]
	// purchases next year: [2.0, 2.3]
	// 12-month CLV: [66, 77]
	// all customers, purchases next year: [4153, 4579]
}

// The interval of the total purchases 1,000 customers will actually make
// next year: the customers' own randomness plus the parameters'
// uncertainty, from the expected totals under 100 parameter draws.
func ExamplePredictiveTotal() {
	truth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	T := make([]float64, 1000)
	for i := range T {
		T[i] = 39 + float64(i%14)
	}
	cs, _ := truth.Simulate(rand.NewPCG(1, 2), T)
	pm, _ := bgnbd.Fit(cs, bgnbd.FitOptions{})
	pp, _ := pm.SampleParams(rand.NewPCG(3, 4), 100)
	totals := make([]float64, len(pp))
	for d, p := range pp {
		m, _ := bgnbd.New(p)
		e, _ := m.ConditionalExpectedPurchasesAll(cs, 52)
		for _, v := range e {
			totals[d] += v
		}
	}
	mean, lo, hi, err := interval.PredictiveTotal(pm, cs, 52, 0.9, totals)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("expected %.0f purchases next year, 90%% predictive interval %.0f to %.0f\n", mean, lo, hi)
	// Output:
	// expected 737 purchases next year, 90% predictive interval 625 to 850
}

// A customer's predictive interval: how many purchases the customer will
// actually make next year, at 90%. With parameter draws (SampleParams of
// a fitted model) in the slice instead of one model, the interval also
// carries the parameters' uncertainty.
func ExamplePredictive() {
	m, err := bgnbd.New(bgnbd.Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426})
	if err != nil {
		log.Fatal(err)
	}
	c := clv.Customer{Frequency: 4, Recency: 30, T: 38}
	lo, hi, err := interval.Predictive([]interval.ConditionalPMF{m}, c, 52, 0.9)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("expected %.2f purchases, 90%% predictive interval %d to %d\n", m.ConditionalExpectedPurchases(c, 52), lo, hi)
	// Output:
	// expected 2.94 purchases, 90% predictive interval 0 to 9
}
