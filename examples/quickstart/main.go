// Command quickstart is the shortest path through clvkit: summarize a log,
// fit, print churn risk, CLV and segments. Run: go run ./examples/quickstart
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/segment"
)

func main() { cli.Main("quickstart", run) }

// run is the command: it takes no arguments and prints to stdout.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	if err := cli.NoArgs(fs); err != nil {
		return err
	}
	return quickstart(stdout, cli.ModuleFile("testdata/transactions.csv"))
}

func quickstart(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	end := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC) // times in weeks:
	sum, err := csvio.Summarize(f, csvio.Options{Amount: "amount"}, clv.SummaryOptions{End: end, Unit: 7 * 24 * time.Hour})
	if err != nil {
		return err
	}
	purchases, err := bgnbd.Fit(sum.Customers, bgnbd.FitOptions{})
	if err != nil {
		return err
	}
	spend, err := gammagamma.Fit(sum.Customers, gammagamma.FitOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, purchases, spend)
	rfm, err := segment.ScoreCustomers(sum.Customers, segment.ScoreOptions{})
	if err != nil {
		return err
	}
	year := predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01} // 12 months
	fmt.Fprintf(w, "%-8s %5s %8s %9s %8s  %s\n", "customer", "x", "P(alive)", "E[12 mo]", "CLV", "segment")
	for i, c := range sum.Customers[:8] {
		value, err := predict.LifetimeValue(purchases, spend, c, year)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-8s %5.0f %8.3f %9.2f %8.2f  %s\n", c.ID, c.Frequency, purchases.ProbabilityAlive(c),
			purchases.ConditionalExpectedPurchases(c, 12*predict.MonthInWeeks), value, rfm[i].Segment)
	}
	return nil
}
