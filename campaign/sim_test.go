package campaign_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/clvkit/clvkit/campaign"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
	"gonum.org/v1/gonum/stat/distuv"
)

// world is a simulated campaign: Pareto/NBD customers observed to the
// campaign date, half contacted at random, and what they bought in the
// window, the contacted buying at (1 + uplift) times their rate.
type world struct {
	in campaign.Input
	// truth and truthRevenue are the purchases and revenue the campaign
	// caused: the uplift's own purchases, thinned apart from the baseline
	// ones (a Poisson process of rate (1+u)λ is one of rate λ, what the
	// customer would have bought anyway, plus one of rate uλ).
	truth, truthRevenue float64
}

var (
	simPurchase = paretonbd.Params{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7} // weeks, as CDNOW
	simSpend    = gammagamma.Params{P: 6, Q: 4, Gamma: 15}
)

// simulate draws n customers whose first purchase falls in the 39 weeks
// before the campaign date, a window of w weeks, and contacts each with
// probability 1/2 (oneTime: only the one-time buyers take part, half of
// them contacted).
func simulate(seed uint64, n int, w, uplift float64, oneTime bool) world {
	src := rand.NewPCG(seed, 0xca)
	rng := rand.New(src)
	p, sp := simPurchase, simSpend
	var wd world
	for i := range n {
		id := fmt.Sprintf("c%d", i)
		T := 52 - 39*rng.Float64()
		lambda := distuv.Gamma{Alpha: p.R, Beta: p.Alpha, Src: src}.Rand()
		mu := distuv.Gamma{Alpha: p.S, Beta: p.Beta, Src: src}.Rand()
		nu := distuv.Gamma{Alpha: sp.Q, Beta: sp.Gamma, Src: src}.Rand()
		value := func() float64 { return distuv.Gamma{Alpha: sp.P, Beta: nu, Src: src}.Rand() }
		death := rng.ExpFloat64() / mu
		c := clv.Customer{ID: id, T: T}
		sum := 0.0
		for t := rng.ExpFloat64() / lambda; t <= min(T, death); t += rng.ExpFloat64() / lambda {
			c.Frequency++
			c.Recency = t
			sum += value()
		}
		if c.Frequency > 0 {
			c.MonetaryValue = sum / c.Frequency
		}
		part := !oneTime || c.Frequency == 0
		contacted := rng.IntN(2) == 0
		// The window (T, T+w]: alive in (T, min(death, T+w)].
		var o campaign.Outcome
		alive := max(0, min(death, T+w)-T)
		base := poisson(rng, lambda*alive)
		for range base {
			o.Revenue += value()
		}
		o.Purchases = float64(base)
		if part && contacted {
			extra := poisson(rng, uplift*lambda*alive)
			o.Purchases += float64(extra)
			for range extra {
				v := value()
				o.Revenue += v
				wd.truthRevenue += v
			}
			wd.truth += float64(extra)
		}
		wd.in.Customers = append(wd.in.Customers, c)
		wd.in.Outcomes = append(wd.in.Outcomes, o)
		if !part {
			continue
		}
		if contacted {
			wd.in.Contacted = append(wd.in.Contacted, id)
		} else {
			wd.in.Control = append(wd.in.Control, id)
		}
	}
	return wd
}

// poisson draws a Poisson count of mean m.
func poisson(rng *rand.Rand, m float64) int {
	if m <= 0 {
		return 0
	}
	k := 0
	for t := rng.ExpFloat64(); t < m; t += rng.ExpFloat64() {
		k++
	}
	return k
}

// measure fits Pareto/NBD and Gamma-Gamma to the customers at the date
// and measures the campaign with 100 parameter draws.
func measure(wd world, seed uint64, w float64, opts campaign.Options) (*campaign.Result, error) {
	pm, err := paretonbd.Fit(wd.in.Customers, paretonbd.FitOptions{})
	if err != nil {
		return nil, err
	}
	sm, err := gammagamma.Fit(wd.in.Customers, gammagamma.FitOptions{})
	if err != nil {
		return nil, err
	}
	ps, err := pm.SampleParams(rand.NewPCG(seed, 0xd4), 100)
	if err != nil {
		return nil, err
	}
	opts.Window = w
	for _, p := range ps {
		m, err := paretonbd.New(p)
		if err != nil {
			return nil, err
		}
		opts.Draws = append(opts.Draws, m)
	}
	return campaign.Measure(context.Background(), pm, sm, wd.in, opts)
}

func covers(e campaign.Estimate, truth float64) bool { return e.Low <= truth && truth <= e.High }
