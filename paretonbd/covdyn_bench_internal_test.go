//go:build unix

package paretonbd

import (
	"context"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// cpuTime returns the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFitDynamicApparel: FitDynamic on the apparel data with the
// weekly High.Season flag (600 customers; CLVTools: 521 s), with the CPU
// time per fit (cpu-ns/op) beside the wall time: on a shared machine the
// wall time is that of the cores it gets.
func BenchmarkFitDynamicApparel(b *testing.B) {
	cs, z := apparelDynamic(b)
	c0 := cpuTime()
	for b.Loop() {
		if m, _ := FitDynamic(context.Background(), cs, z, CovFitOptions{}); m == nil {
			b.Fatal("no model")
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkDynLogLikApparel: one evaluation of the log-likelihood and its
// gradient over the apparel customers.
func BenchmarkDynLogLikApparel(b *testing.B) {
	cs, z := apparelDynamic(b)
	d, err := prepDynamic(cs, z, nil)
	if err != nil {
		b.Fatal(err)
	}
	e := newDynEval(Params{R: 2, Alpha: 120, S: 1.3, Beta: 85}, []float64{0.7, 0.26, 0.62}, []float64{-3, -0.5, 0.5}, d.zs)
	g := make([]float64, 10)
	c0 := cpuTime()
	for b.Loop() {
		d.logLik(e, g)
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkDynOutlookApparel: OutlookAll (30-day window, 52-week horizon,
// the percentiles where the median lies within it) of the apparel
// customers along their weekly paths, with the CPU time per pass.
func BenchmarkDynOutlookApparel(b *testing.B) {
	cs, z := apparelDynamic(b)
	m, err := NewDynamic(CovParams{Params: Params{R: 2, Alpha: 120, S: 1.3, Beta: 85}, Names: z.Names,
		Trans: []float64{0.7, 0.26, 0.62}, Life: []float64{-3, -0.5, 0.5}})
	if err != nil {
		b.Fatal(err)
	}
	opts := clv.OutlookOptions{Window: 30.0 / 7, Horizon: 52}
	c0 := cpuTime()
	for b.Loop() {
		if _, err := m.OutlookAll(cs, z.Paths, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkDynOutlookSimulated: OutlookAll of 10⁴ simulated customers,
// each on a weekly seasonal path of its own phase over two years and the
// 52-week horizon.
func BenchmarkDynOutlookSimulated(b *testing.B) {
	m, err := NewDynamic(CovParams{Params: Params{R: 0.9, Alpha: 6, S: 0.8, Beta: 30}, Names: []string{"season"},
		Trans: []float64{1}, Life: []float64{-0.7}})
	if err != nil {
		b.Fatal(err)
	}
	const n = 10_000
	Ts := make([]float64, n)
	paths := make([]clv.CovariatePath, n)
	for i := range n {
		Ts[i] = 52 + float64(i%52)
		for w := range 160 {
			v := 0.0
			if (w+i)%52 < 10 {
				v = 1
			}
			paths[i].Start = append(paths[i].Start, float64(w))
			paths[i].Values = append(paths[i].Values, []float64{v})
		}
	}
	cs, _, err := m.Simulate(rand.NewPCG(1, 2), Ts, paths)
	if err != nil {
		b.Fatal(err)
	}
	opts := clv.OutlookOptions{Window: 30.0 / 7, Horizon: 52}
	c0 := cpuTime()
	for b.Loop() {
		if _, err := m.OutlookAll(cs, paths, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkDynCumulativeRepeatsSimulated: the tracking curve
// (ExpectedCumulativeRepeats) of 10⁴ customers, each on a weekly seasonal
// path of its own phase, at the 160 weeks, with the CPU time per call.
func BenchmarkDynCumulativeRepeatsSimulated(b *testing.B) {
	m, err := NewDynamic(CovParams{Params: Params{R: 0.9, Alpha: 6, S: 0.8, Beta: 30}, Names: []string{"season"},
		Trans: []float64{1}, Life: []float64{-0.7}})
	if err != nil {
		b.Fatal(err)
	}
	const n = 10_000
	cs := make([]clv.Customer, n)
	paths := make([]clv.CovariatePath, n)
	for i := range n {
		cs[i] = clv.Customer{ID: "c", T: 52 + float64(i%52)}
		for w := range 160 {
			v := 0.0
			if (w+i)%52 < 10 {
				v = 1
			}
			paths[i].Start = append(paths[i].Start, float64(w))
			paths[i].Values = append(paths[i].Values, []float64{v})
		}
	}
	at := make([]float64, 160)
	for k := range at {
		at[k] = float64(k + 1)
	}
	c0 := cpuTime()
	for b.Loop() {
		if _, err := m.ExpectedCumulativeRepeats(cs, paths, at); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}
