package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/campaign"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/paretonbd"
)

// config is what run does.
type config struct {
	log, contacted, control string
	customers               int
	seed                    uint64
	uplift                  float64
	date                    time.Time
	window                  int // days
	minAge                  int // days since the first purchase for a one-time buyer to be eligible
	cost, margin, level     float64
	draws                   int
	model                   string
}

// maxCustomers bounds -customers (the log is built in memory).
const maxCustomers = 1_000_000

const week = 7 * 24 * time.Hour

func run(args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("campaign", flag.ContinueOnError)
	fs.StringVar(&c.log, "log", "", "transaction CSV (customer_id, date, amount) to measure; empty: simulate one")
	fs.StringVar(&c.contacted, "contacted", "", "with -log: file of the contacted customers' ids, one a line")
	fs.StringVar(&c.control, "control", "", "with -log: file of the control group's ids, one a line")
	fs.IntVar(&c.customers, "customers", 20000, "simulated customers")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed (simulation, the random split, parameter draws)")
	fs.Float64Var(&c.uplift, "uplift", 0.3, "simulated: the contacted buy at 1+uplift times their rate in the window")
	date := fs.String("date", "2024-10-01", "campaign date (the model is fitted on the log up to and including it)")
	fs.IntVar(&c.window, "window", 91, "days after the date the campaign is judged on")
	fs.IntVar(&c.minAge, "min-age", 30, "days since their first purchase for one-time buyers to be eligible")
	fs.Float64Var(&c.cost, "cost", 0.2, "cost per contacted customer (the mailing and the discounts it gives away)")
	fs.Float64Var(&c.margin, "margin", 0.3, "share of revenue that is profit, in (0, 1]")
	fs.Float64Var(&c.level, "level", 0.9, "level of the intervals")
	fs.IntVar(&c.draws, "draws", 200, "parameter draws for the intervals (0: process noise only)")
	fs.StringVar(&c.model, "model", "paretonbd", "purchase model: paretonbd or bgnbd")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	if err := cli.NoArgs(fs); err != nil {
		return err
	}
	var err error
	if c.date, err = time.Parse(time.DateOnly, *date); err != nil {
		return cli.Usagef("-date %q: want YYYY-MM-DD", *date)
	}
	switch {
	case c.customers < 1 || c.customers > maxCustomers:
		return cli.Usagef("-customers %d: want 1 to %d", c.customers, maxCustomers)
	case c.window < 1 || c.window > 3660:
		return cli.Usagef("-window %d: want 1 to 3660 days", c.window)
	case c.minAge < 0 || c.minAge > 3660:
		return cli.Usagef("-min-age %d: want 0 to 3660 days", c.minAge)
	case !(c.uplift >= 0 && c.uplift <= 10):
		return cli.Usagef("-uplift %v: want 0 to 10", c.uplift)
	case c.draws != 0 && (c.draws < 2 || c.draws > 10000):
		return cli.Usagef("-draws %d: want 0 or 2 to 10000", c.draws)
	case c.model != "paretonbd" && c.model != "bgnbd":
		return cli.Usagef("-model %q: want paretonbd or bgnbd", c.model)
	case !(c.cost >= 0 && c.cost < 1e12):
		return cli.Usagef("-cost %v: want a number ≥ 0", c.cost)
	case !(c.margin > 0 && c.margin <= 1):
		return cli.Usagef("-margin %v: want a share in (0, 1]", c.margin)
	case !(c.level > 0 && c.level < 1):
		return cli.Usagef("-level %v: want a share in (0, 1)", c.level)
	case c.log == "" && (c.contacted != "" || c.control != ""):
		return cli.Usagef("-contacted and -control go with -log")
	}
	return measure(c, stdout, stderr)
}

// measure builds the campaign, measures it and prints the table.
func measure(c config, stdout, stderr io.Writer) error {
	end := c.date.AddDate(0, 0, c.window)
	opts := clv.SummaryOptions{CalibrationEnd: c.date, End: end, Unit: week, EndOfDay: true}
	var (
		s     *clv.Summary
		truth *[2]float64 // simulated: the purchases and revenue the uplift caused
		in    campaign.Input
		err   error
	)
	if c.log == "" {
		var sim simulated
		if sim, err = simulate(c); err != nil {
			return err
		}
		s, truth, in.Contacted, in.Control = sim.summary, &sim.truth, sim.contacted, sim.control
	} else {
		f, err := os.Open(c.log)
		if err != nil {
			return err
		}
		defer f.Close()
		opts.SkipAfterEnd = true
		if s, err = csvio.Summarize(f, csvio.Options{Amount: "amount"}, opts); err != nil {
			return fmt.Errorf("%s: %w", c.log, err)
		}
		if !s.Last.After(c.date) {
			return fmt.Errorf("%s: the log ends on %s, not after the campaign date %s: nothing to measure", c.log, s.Last.Format(time.DateOnly), c.date.Format(time.DateOnly))
		}
		if c.contacted != "" {
			if in.Contacted, err = readIDs(c.contacted); err != nil {
				return err
			}
			if c.control != "" {
				if in.Control, err = readIDs(c.control); err != nil {
					return err
				}
			}
		} else {
			in.Contacted, in.Control = split(s.Customers, c)
		}
	}
	var window float64
	if in.Customers, in.Outcomes, window, err = campaign.FromSummary(s); err != nil {
		return err
	}
	// Labels: the cohort (quarter of the first purchase).
	in.Labels = make([]string, len(in.Customers))
	for i, cu := range in.Customers {
		first := c.date.Add(-time.Duration(cu.T * float64(week)))
		in.Labels[i] = fmt.Sprintf("%d-Q%d", first.Year(), (int(first.Month())+2)/3)
	}
	pm, draws, err := fitPurchase(c, in.Customers)
	if err != nil {
		return err
	}
	sm, err := gammagamma.Fit(in.Customers, gammagamma.FitOptions{})
	if err != nil && sm == nil {
		return fmt.Errorf("spend model: %w", err)
	}
	res, err := campaign.Measure(context.Background(), pm, sm, in, campaign.Options{
		Window: window, Level: c.level, Draws: draws, CostPerContact: c.cost, Margin: c.margin,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d customers at %s; %s fitted on the log up to it; %d contacted one-time buyers, %d in the control group; window %d days\n",
		len(in.Customers), c.date.Format(time.DateOnly), pm, res.Total.Contacted, res.Total.Control, c.window)
	printTable(stdout, res, truth, c)
	return nil
}

// fitPurchase fits the purchase model and draws its parameters.
func fitPurchase(c config, cs []clv.Customer) (clv.PurchaseModel, []clv.PurchaseModel, error) {
	src := rand.NewPCG(c.seed, 0xd4a5)
	var draws []clv.PurchaseModel
	if c.model == "bgnbd" {
		pm, err := bgnbd.Fit(cs, bgnbd.FitOptions{})
		if err != nil {
			return nil, nil, fmt.Errorf("BG/NBD: %w", err)
		}
		ps, err := pm.SampleParams(src, c.draws)
		if err != nil && c.draws > 0 {
			return nil, nil, err
		}
		for _, p := range ps {
			m, err := bgnbd.New(p)
			if err != nil {
				return nil, nil, err
			}
			draws = append(draws, m)
		}
		return pm, draws, nil
	}
	pm, err := paretonbd.Fit(cs, paretonbd.FitOptions{})
	if err != nil {
		return nil, nil, fmt.Errorf("Pareto/NBD: %w", err)
	}
	ps, err := pm.SampleParams(src, c.draws)
	if err != nil && c.draws > 0 {
		return nil, nil, err
	}
	for _, p := range ps {
		m, err := paretonbd.New(p)
		if err != nil {
			return nil, nil, err
		}
		draws = append(draws, m)
	}
	return pm, draws, nil
}

// split returns the eligible one-time buyers at the date (first purchase
// at least -min-age days before it), contacted or not at random
// (probability 1/2 each).
func split(cs []clv.Customer, cf config) (contacted, control []string) {
	rng := rand.New(rand.NewPCG(cf.seed, 0x5b17))
	for _, c := range cs {
		if c.Frequency != 0 || c.T*7 < float64(cf.minAge) {
			continue
		}
		if rng.IntN(2) == 0 {
			contacted = append(contacted, c.ID)
		} else {
			control = append(control, c.ID)
		}
	}
	return contacted, control
}

// readIDs reads a file of ids, one a line (blank lines skipped).
func readIDs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if id := strings.TrimSpace(sc.Text()); id != "" {
			ids = append(ids, id)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ids, nil
}

// printTable prints the effect, overall and by cohort.
func printTable(w io.Writer, res *campaign.Result, truth *[2]float64, c config) {
	pct := fmt.Sprintf("%g%%", 100*res.Level)
	iv := func(e campaign.Estimate, prec int) string {
		return fmt.Sprintf("%.*f [%.*f, %.*f]", prec, e.Value, prec, e.Low, prec, e.High)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	t := res.Total
	fmt.Fprintf(tw, "second-purchase discount\tpurchases\trevenue\n")
	fmt.Fprintf(tw, "contacted: bought\t%.0f\t%.0f\n", t.Purchases.Actual, t.Revenue.Actual)
	fmt.Fprintf(tw, "  expected without the campaign (%s)\t%s\t%s\n", pct, iv(t.Purchases.Expected, 0), iv(t.Revenue.Expected, 0))
	fmt.Fprintf(tw, "  incremental, model (%s)\t%s\t%s\n", pct, iv(t.Purchases.Incremental, 0), iv(t.Revenue.Incremental, 0))
	if t.Control > 0 {
		fmt.Fprintf(tw, "control: bought − expected\t%s\t%s\n", iv(t.ControlPurchases.Incremental, 0), iv(t.ControlRevenue.Incremental, 0))
		fmt.Fprintf(tw, "  incremental, difference in differences\t%s\t%s\n", iv(t.DiDPurchases, 0), iv(t.DiDRevenue, 0))
		fmt.Fprintf(tw, "  incremental, difference in means\t%s\t%s\n", iv(t.DiffPurchases, 0), iv(t.DiffRevenue, 0))
	}
	if truth != nil {
		fmt.Fprintf(tw, "  caused by the simulated uplift (truth)\t%.0f\t%.0f\n", truth[0], truth[1])
	}
	fmt.Fprintf(tw, "profit (margin %g, cost %g × %d)\t\t%s\n", c.margin, c.cost, t.Contacted, iv(t.Profit, 0))
	fmt.Fprintf(tw, "ROI\t\t%s\n", iv(t.ROI, 2))
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "cohort\tcontacted\tcontrol\tincremental purchases, model\tDiD\n")
	for _, g := range res.Groups {
		if g.Contacted == 0 && g.Control == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", g.Label, g.Contacted, g.Control, iv(g.Purchases.Incremental, 0), iv(g.DiDPurchases, 0))
	}
	tw.Flush()
}
