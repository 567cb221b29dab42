//go:build unix

package ggompertz_test

import (
	"math"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ggompertz"
)

// dayCustomers simulates n customers of p whose first purchases fall on
// the days of a quarter, observed to day 365, times in weeks of whole
// days as the summary of a log of dates has them.
func dayCustomers(b *testing.B, p ggompertz.Params, n int) []clv.Customer {
	rng := rand.New(rand.NewPCG(5, 6))
	T := make([]float64, n)
	for i := range T {
		T[i] = float64(365-rng.IntN(90)) / 7
	}
	cs, err := p.Simulate(rand.NewPCG(7, 8), T)
	if err != nil {
		b.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Min(math.Round(cs[i].Recency*7)/7, cs[i].T)
	}
	return cs
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkFit100k fits 10⁵ customers of a log of dates: "limit" drawn
// from a model at the Pareto/NBD limit (b·T ≈ 5·10⁻⁸; the fit of this
// draw ends inside, at b = 0.006), "interior" from one with a clear age
// effect. It reports the CPU seconds per fit (on all cores) beside the
// wall time, and the distinct rows.
func BenchmarkFit100k(b *testing.B) {
	for _, c := range []struct {
		name string
		p    ggompertz.Params
	}{
		{"limit", ggompertz.Params{R: 0.5, Alpha: 10, B: 1e-9, S: 0.9, Beta: 27e-9}},
		{"interior", ggompertz.Params{R: 0.5, Alpha: 10, B: 0.05, S: 1, Beta: 0.5}},
	} {
		cs := dayCustomers(b, c.p, 100000)
		b.Run(c.name, func(b *testing.B) {
			var m *ggompertz.Model
			cpu := cpuSeconds()
			for b.Loop() {
				m, _ = ggompertz.Fit(cs, ggompertz.FitOptions{})
			}
			b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "CPU-s/op")
			b.ReportMetric(float64(m.FitInfo().Rows), "rows")
			b.Logf("%v: %+v", m, m.FitInfo().Status)
		})
	}
}
