package campaign_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/campaign"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// benchInput simulates n BG/NBD customers (CDNOW's parameters, weeks) with
// cohorts over a year and times rounded to whole days, as Summarize gives
// for a log of dates, all in the campaign: half contacted, half control,
// in 10 labels, with made-up outcomes.
func benchInput(b *testing.B, n int) campaign.Input {
	T := make([]float64, n)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	cs, err := bgnbd.Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}.Simulate(rand.NewPCG(1, 1), T)
	if err != nil {
		b.Fatal(err)
	}
	in := campaign.Input{Customers: cs, Outcomes: make([]campaign.Outcome, n), Labels: make([]string, n)}
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency*7) / 7
		if cs[i].Frequency > 0 {
			cs[i].MonetaryValue = 10 + float64(rng.IntN(50))
		}
		in.Outcomes[i] = campaign.Outcome{Purchases: float64(rng.IntN(2)), Revenue: 30}
		in.Labels[i] = fmt.Sprint("tier", i%10)
		if i%2 == 0 {
			in.Contacted = append(in.Contacted, cs[i].ID)
		} else {
			in.Control = append(in.Control, cs[i].ID)
		}
	}
	return in
}

// BenchmarkMeasure1e6: the campaign effect of 10⁶ customers (half
// contacted, half control, 10 labels) over 13 weeks, with 0, 40 and 100
// parameter draws (and with 0 and 40, the groups by indices rather than
// ids), BG/NBD and Pareto/NBD; CPU-s/op is the CPU time (all cores) per
// Measure.
func BenchmarkMeasure1e6(b *testing.B) {
	in := benchInput(b, 1_000_000)
	sm, err := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	if err != nil {
		b.Fatal(err)
	}
	models := map[string][]clv.PurchaseModel{}
	bp := []bgnbd.Params{{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}}
	pp := []paretonbd.Params{{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669}}
	rng := rand.New(rand.NewPCG(3, 3))
	jitter := func(v float64) float64 { return v * (1 + 0.05*rng.NormFloat64()) }
	for range 100 {
		p, q := bp[0], pp[0]
		bp = append(bp, bgnbd.Params{R: jitter(p.R), Alpha: jitter(p.Alpha), A: jitter(p.A), B: jitter(p.B)})
		pp = append(pp, paretonbd.Params{R: jitter(q.R), Alpha: jitter(q.Alpha), S: jitter(q.S), Beta: jitter(q.Beta)})
	}
	for _, p := range bp {
		m, _ := bgnbd.New(p)
		models["bgnbd"] = append(models["bgnbd"], m)
	}
	for _, p := range pp {
		m, _ := paretonbd.New(p)
		models["paretonbd"] = append(models["paretonbd"], m)
	}
	byIndex := in
	byIndex.Contacted, byIndex.Control = nil, nil
	for i := range in.Customers {
		if i%2 == 0 {
			byIndex.ContactedAt = append(byIndex.ContactedAt, i)
		} else {
			byIndex.ControlAt = append(byIndex.ControlAt, i)
		}
	}
	for _, name := range []string{"bgnbd", "paretonbd"} {
		for _, d := range []int{0, 40} {
			ms := models[name]
			var draws []clv.PurchaseModel
			if d > 0 {
				draws = ms[1 : 1+d]
			}
			b.Run(fmt.Sprintf("%s/draws=%d/indices", name, d), func(b *testing.B) {
				runtime.GC()
				cpu0 := cpuSeconds()
				for b.Loop() {
					if _, err := campaign.Measure(context.Background(), ms[0], sm, byIndex, campaign.Options{Window: 13, Draws: draws, CostPerContact: 1}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "CPU-s/op")
			})
		}
		for _, d := range []int{0, 40, 100} {
			ms := models[name]
			var draws []clv.PurchaseModel
			if d > 0 {
				draws = ms[1 : 1+d]
			}
			b.Run(fmt.Sprintf("%s/draws=%d", name, d), func(b *testing.B) {
				runtime.GC() // the setup's garbage is not the benchmark's
				cpu0 := cpuSeconds()
				for b.Loop() {
					if _, err := campaign.Measure(context.Background(), ms[0], sm, in, campaign.Options{Window: 13, Draws: draws, CostPerContact: 1}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "CPU-s/op")
				b.ReportMetric(float64(len(in.Customers))*float64(b.N)/b.Elapsed().Seconds(), "customers/s")
			})
		}
	}
}

// cpuSeconds returns the process's user and system CPU time so far: on a
// machine shared with other work, CPU time is steadier than elapsed time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
