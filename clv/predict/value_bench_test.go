package predict_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// BenchmarkLifetimeValues1e6 computes 12-month discounted CLV for 10^6
// customers with the CDNOW parameters; times in weeks of whole days, as
// summaries of a log of dates are.
func BenchmarkLifetimeValues1e6(b *testing.B) {
	p := bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}
	T := make([]float64, 1_000_000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	cs, err := p.Simulate(rand.NewPCG(3, 4), T)
	if err != nil {
		b.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency*7) / 7
		if cs[i].Frequency > 0 {
			cs[i].MonetaryValue = 10 + 50*rng.Float64()
		}
	}
	pm, _ := bgnbd.New(p)
	sm, _ := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	opts := predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01}
	for b.Loop() {
		if _, err := predict.LifetimeValues(pm, sm, cs, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}

// BenchmarkLifetimeValuesParetoNBD1e6 is BenchmarkLifetimeValues1e6 with
// a model that leaves the grouping by distinct (frequency, recency, T) to
// LifetimeValues.
func BenchmarkLifetimeValuesParetoNBD1e6(b *testing.B) {
	p := bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}
	T := make([]float64, 1_000_000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	cs, err := p.Simulate(rand.NewPCG(3, 4), T)
	if err != nil {
		b.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency*7) / 7
		if cs[i].Frequency > 0 {
			cs[i].MonetaryValue = 10 + 50*rng.Float64()
		}
	}
	pm, _ := paretonbd.New(paretonbd.Params{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67})
	sm, _ := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	opts := predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01}
	for b.Loop() {
		if _, err := predict.LifetimeValues(pm, sm, cs, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}

// BenchmarkHistogram1e6 adds 10⁶ customers of a log of dates to a
// Histogram and lists its rows.
func BenchmarkHistogram1e6(b *testing.B) {
	p := bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}
	T := make([]float64, 1_000_000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	cs, err := p.Simulate(rand.NewPCG(3, 4), T)
	if err != nil {
		b.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency*7) / 7
	}
	for b.Loop() {
		var h clv.Histogram
		for _, c := range cs {
			if err := h.Add(c, 1); err != nil {
				b.Fatal(err)
			}
		}
		if len(h.Rows()) == 0 {
			b.Fatal("no rows")
		}
	}
	b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}
