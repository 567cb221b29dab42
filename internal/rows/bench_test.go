package rows_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/rows"
)

// benchCustomers simulates 10⁶ customers with the CDNOW parameters,
// cohorts over a year; with days, times in weeks of whole days (as
// summaries of a log of dates are: few distinct rows), else continuous
// (every row distinct, the worst case).
func benchCustomers(b *testing.B, days bool) []clv.Customer {
	T := make([]float64, 1_000_000)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range T {
		if days {
			T[i] = float64(rng.IntN(365)+1) / 7
		} else {
			T[i] = 1 + 51*rng.Float64()
		}
	}
	p := bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}
	cs, err := p.Simulate(rand.NewPCG(1, 1), T)
	if err != nil {
		b.Fatal(err)
	}
	if days {
		for i := range cs {
			cs[i].Recency = math.Round(cs[i].Recency*7) / 7
		}
	}
	return cs
}

// BenchmarkCompress1e6 validates and compresses 10⁶ customers into the
// fitting data, as a fit does first.
func BenchmarkCompress1e6(b *testing.B) {
	for _, c := range []struct {
		name string
		days bool
	}{{"days", true}, {"continuous", false}} {
		cs := benchCustomers(b, c.days)
		b.Run(c.name, func(b *testing.B) {
			var d *rows.Data
			for b.Loop() {
				var err error
				if d, err = benchCompress(cs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(d.Rows)), "rows")
			b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
		})
	}
}

func benchCompress(cs []clv.Customer) (*rows.Data, error) {
	if err := clv.ValidateAll(cs); err != nil {
		return nil, err
	}
	return compress(cs, nil)
}

// BenchmarkGroup1e6 groups 10⁶ customers by (x, t_x, T), then by (x, T)
// through Map.
func BenchmarkGroup1e6(b *testing.B) {
	cs := benchCustomers(b, true)
	for b.Loop() {
		g := rows.Group(len(cs), func(i int) (rows.Key, bool) {
			return rows.Key{A: cs[i].Frequency, B: cs[i].Recency, C: cs[i].T}, true
		})
		rows.Map(g, func(k rows.Key) rows.Key { return rows.Key{A: k.A, B: k.C} })
	}
	b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
}
