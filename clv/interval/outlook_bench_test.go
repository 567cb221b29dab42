package interval_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// BenchmarkForecastOutlook: Forecast's 90% intervals from 200 draws for
// 10⁵ and 10⁶ customers of a log of dates (horizon 52 weeks, 12-month
// CLV), without and with the outlook's intervals (30-day window), for
// BG/NBD and Pareto/NBD; cpu-s/op is the process's CPU time per
// operation, what the work costs on a shared machine.
func BenchmarkForecastOutlook(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		for _, name := range []string{"BGNBD", "ParetoNBD"} {
			var cs []clv.Customer
			var purchases []clv.PurchaseModel
			setup := func(b *testing.B) {
				if cs != nil {
					return
				}
				truth := bgnbd.Params{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259}
				cs = dailyCustomers(b, truth, n, 3)
				if name == "BGNBD" {
					pm, err := bgnbd.New(truth)
					if err != nil {
						b.Fatal(err)
					}
					for _, m := range modelsOf(b, func(src rand.Source, k int) ([]bgnbd.Params, error) {
						return jitter(src, k, func(f func() float64) bgnbd.Params {
							p := pm.Params()
							return bgnbd.Params{R: p.R * f(), Alpha: p.Alpha * f(), A: p.A * f(), B: p.B * f()}
						}), nil
					}, bgnbd.New, rand.NewPCG(1, 1), 200) {
						purchases = append(purchases, m)
					}
				} else {
					p := paretonbd.Params{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67}
					for _, m := range modelsOf(b, func(src rand.Source, k int) ([]paretonbd.Params, error) {
						return jitter(src, k, func(f func() float64) paretonbd.Params {
							return paretonbd.Params{R: p.R * f(), Alpha: p.Alpha * f(), S: p.S * f(), Beta: p.Beta * f()}
						}), nil
					}, paretonbd.New, rand.NewPCG(1, 1), 200) {
						purchases = append(purchases, m)
					}
				}
			}
			sm, _ := gammagamma.New(gammagamma.Params{P: 6, Q: 4, Gamma: 15})
			for _, outlook := range []bool{false, true} {
				b.Run(fmt.Sprintf("%s/n=%d/outlook=%v", name, n, outlook), func(b *testing.B) {
					setup(b)
					draws := make([]interval.Draw, len(purchases))
					for d, m := range purchases {
						draws[d] = interval.Draw{Purchase: m, Spend: sm}
					}
					opts := interval.Options{Horizon: 52, Value: predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01}}
					if outlook {
						opts.Outlook = clv.OutlookOptions{Window: 30.0 / 7, Horizon: 52}
					}
					cpu0 := cpuSeconds()
					for b.Loop() {
						if _, err := interval.Forecast(context.Background(), draws, cs, opts); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
				})
			}
		}
	}
}

// jitter returns k parameter sets from mk, each parameter scaled by a
// lognormal factor of 5% spread (standing in for a fit's draws).
func jitter[P any](src rand.Source, k int, mk func(func() float64) P) []P {
	rng := rand.New(src)
	f := func() float64 { return 1 + 0.05*rng.NormFloat64() }
	out := make([]P, k)
	for i := range out {
		out[i] = mk(f)
	}
	return out
}

// cpuSeconds returns the process's user and system CPU time in seconds.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
