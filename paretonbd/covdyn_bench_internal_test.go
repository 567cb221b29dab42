//go:build unix

package paretonbd

import (
	"context"
	"syscall"
	"testing"
	"time"
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
