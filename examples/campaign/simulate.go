package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/clvkit/clvkit/campaign"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
	"gonum.org/v1/gonum/stat/distuv"
)

// The simulated population: Pareto/NBD in weeks (CDNOW's estimates) and
// Gamma-Gamma spend.
var (
	simPurchase = paretonbd.Params{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7}
	simSpend    = gammagamma.Params{P: 6, Q: 4, Gamma: 15}
)

// simulated is a simulated campaign.
type simulated struct {
	summary            *clv.Summary
	contacted, control []string
	truth              [2]float64 // purchases and revenue the uplift caused
}

// simulate draws the log: each customer's first purchase on a day of the
// 39 weeks before the date, purchases while alive at rate λ, and in the
// window, for the contacted, more at rate uplift·λ. The one-time buyers
// at the date are split at random. The truth is the difference between
// the contacted's window summarized with and without the uplift's
// purchases (same-day purchases merge, as Summarize merges them).
func simulate(c config) (simulated, error) {
	src := rand.NewPCG(c.seed, 0xca3)
	rng := rand.New(src)
	p, sp := simPurchase, simSpend
	dateEnd := c.date.AddDate(0, 0, 1) // the campaign date is the last day before the window
	end := c.date.AddDate(0, 0, c.window)
	at := func(first time.Time, weeks float64) time.Time {
		return first.AddDate(0, 0, int(math.Floor(weeks*7)))
	}
	var with, without []clv.Transaction
	var sim simulated
	for i := range c.customers {
		id := fmt.Sprintf("C%06d", i+1)
		first := c.date.AddDate(0, 0, -rng.IntN(273))
		lambda := distuv.Gamma{Alpha: p.R, Beta: p.Alpha, Src: src}.Rand()
		mu := distuv.Gamma{Alpha: p.S, Beta: p.Beta, Src: src}.Rand()
		nu := distuv.Gamma{Alpha: sp.Q, Beta: sp.Gamma, Src: src}.Rand()
		value := func() float64 {
			return math.Round(100*distuv.Gamma{Alpha: sp.P, Beta: nu, Src: src}.Rand()) / 100
		}
		death := rng.ExpFloat64() / mu // weeks after the first purchase
		horizon := end.Sub(first).Hours() / (24 * 7)
		tx := []clv.Transaction{{CustomerID: id, Time: first, Amount: value()}}
		before := 0
		for t := rng.ExpFloat64() / lambda; t <= min(death, horizon); t += rng.ExpFloat64() / lambda {
			day := at(first, t)
			if day.Before(dateEnd) && !day.Equal(tx[len(tx)-1].Time) {
				before++
			}
			tx = append(tx, clv.Transaction{CustomerID: id, Time: day, Amount: value()})
		}
		with = append(with, tx...)
		without = append(without, tx...)
		if before > 0 || c.date.Sub(first) < time.Duration(c.minAge)*24*time.Hour {
			continue // not a one-time buyer at the date, or too recent a one
		}
		if rng.IntN(2) == 1 {
			sim.control = append(sim.control, id)
			continue
		}
		sim.contacted = append(sim.contacted, id)
		// The uplift's own purchases, in (date, min(death, end)].
		from := dateEnd.Sub(first).Hours() / (24 * 7)
		for t := from + rng.ExpFloat64()/(c.uplift*lambda); t <= min(death, horizon); t += rng.ExpFloat64() / (c.uplift * lambda) {
			with = append(with, clv.Transaction{CustomerID: id, Time: at(first, t), Amount: value()})
		}
	}
	opts := clv.SummaryOptions{CalibrationEnd: c.date, End: end, Unit: week, EndOfDay: true}
	var err error
	if sim.summary, err = clv.Summarize(with, opts); err != nil {
		return sim, err
	}
	base, err := clv.Summarize(without, opts)
	if err != nil {
		return sim, err
	}
	// Both logs have the same customers in the same order.
	_, out, _, err := campaign.FromSummary(sim.summary)
	if err != nil {
		return sim, err
	}
	_, out0, _, err := campaign.FromSummary(base)
	if err != nil {
		return sim, err
	}
	contacted := map[string]bool{}
	for _, id := range sim.contacted {
		contacted[id] = true
	}
	for i, cu := range sim.summary.Customers {
		if contacted[cu.ID] {
			sim.truth[0] += out[i].Purchases - out0[i].Purchases
			sim.truth[1] += out[i].Revenue - out0[i].Revenue
		}
	}
	return sim, nil
}
