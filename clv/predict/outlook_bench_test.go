package predict_test

import (
	"math"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/paretonbd"
)

// BenchmarkOutlookAll1e6 computes every customer's outlook (30 days,
// 52 weeks) for 10⁶ simulated customers with times in weeks rounded to
// whole days, as a log of dates gives, under each purchase model.
func BenchmarkOutlookAll1e6(b *testing.B) {
	const n = 1_000_000
	T := make([]float64, n)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	bp := bgnbd.Params{R: 0.2426, Alpha: 4.414, A: 0.7929, B: 2.426}
	cs, err := bp.Simulate(rand.NewPCG(1, 1), T)
	if err != nil {
		b.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency*7) / 7
	}
	bg, _ := bgnbd.New(bp)
	mbg, _ := bgnbd.NewVariant(bgnbd.MBGNBD, bp)
	pnbd, _ := paretonbd.New(paretonbd.Params{R: 0.5533, Alpha: 10.58, S: 0.6062, Beta: 11.67})
	for _, m := range []clv.NextPurchaseModel{bg, mbg, pnbd} {
		b.Run(m.(interface{ String() string }).String()[:3], func(b *testing.B) {
			var o *predict.Outlooks
			cpu0 := cpuTime()
			for b.Loop() {
				if o, err = predict.OutlookAll(m, cs, clv.OutlookOptions{Window: 30.0 / 7, Horizon: 365.0 / 7}); err != nil {
					b.Fatal(err)
				}
			}
			// CPU seconds per operation: what the work costs on a shared
			// machine, where the wall time also counts others' load.
			b.ReportMetric((cpuTime()-cpu0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(o.Distinct()), "rows")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
		})
	}
}

// cpuTime returns the process's user and system CPU time in seconds.
func cpuTime() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
