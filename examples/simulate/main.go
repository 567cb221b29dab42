// Command simulate writes a synthetic transaction log drawn from BG/NBD and
// gamma-gamma parameters: who bought, when, for how much. It made
// testdata/transactions.csv:
//
//	go run ./examples/simulate -out testdata/transactions.csv
//
// Customers make their first purchase on a day drawn uniformly from the
// first quarter of the start year, buy as the BG/NBD model says (time unit:
// weeks) until the end of the year, and spend as the gamma-gamma model
// says. The output is deterministic for a given seed; the parameters are
// written beside it (the output name with .params.json).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/cli"
)

// Config is what the log is drawn from.
type Config struct {
	Customers int               `json:"customers"`
	Seed      uint64            `json:"seed"`
	Start     string            `json:"start"` // first day of the first-purchase quarter
	End       string            `json:"end"`   // last day observed
	Purchase  bgnbd.Params      `json:"bgnbd_weeks"`
	Spend     gammagamma.Params `json:"gammagamma"`
}

type tx struct {
	id     string
	day    time.Time
	amount float64
}

// Generate draws the log.
func Generate(c Config) ([]tx, error) {
	start, err := time.Parse(time.DateOnly, c.Start)
	if err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	end, err := time.Parse(time.DateOnly, c.End)
	if err != nil {
		return nil, fmt.Errorf("end: %w", err)
	}
	if err := c.Purchase.Validate(); err != nil {
		return nil, err
	}
	if err := c.Spend.Validate(); err != nil {
		return nil, err
	}
	src := rand.NewPCG(c.Seed, 0x5eed)
	rng := rand.New(src)
	var out []tx
	for i := range c.Customers {
		id := fmt.Sprintf("C%05d", i+1)
		first := start.AddDate(0, 0, rng.IntN(90))
		T := end.Sub(first).Hours() / (24 * 7)
		weeks := append([]float64{0}, c.Purchase.SimulatePurchases(src, T)...)
		values := c.Spend.SimulateValues(src, len(weeks))
		for k, w := range weeks {
			day := first.AddDate(0, 0, int(math.Floor(w*7)))
			out = append(out, tx{id, day, math.Round(values[k]*100) / 100})
		}
	}
	slices.SortStableFunc(out, func(a, b tx) int { return a.day.Compare(b.day) })
	return out, nil
}

// defaultConfig is the configuration that made testdata/transactions.csv.
func defaultConfig() Config {
	return Config{Customers: 3000, Seed: 1, Start: "2024-01-01", End: "2024-12-31",
		Purchase: bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5},
		Spend:    gammagamma.Params{P: 6, Q: 4, Gamma: 15}}
}

func main() { cli.Main("simulate", run) }

// maxCustomers bounds -customers: the log is built in memory, about 0.5 GB
// per 10⁶ customers.
const maxCustomers = 10_000_000

// run is the command: it parses args, writes the log and reports on stderr.
func run(args []string, stdout, stderr io.Writer) error {
	c := defaultConfig()
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	outPath := fs.String("out", "transactions.csv", "output CSV file")
	fs.IntVar(&c.Customers, "customers", c.Customers, "number of customers")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	if err := cli.NoArgs(fs); err != nil {
		return err
	}
	if c.Customers < 1 || c.Customers > maxCustomers {
		return cli.Usagef("-customers %d: want 1 to %d", c.Customers, maxCustomers)
	}
	n, err := write(c, *outPath)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %d transactions of %d customers to %s\n", n, c.Customers, *outPath)
	return nil
}

// write generates the log of c into outPath and its parameters beside it
// (.params.json), returning the number of transactions.
func write(c Config, outPath string) (int, error) {
	txs, err := Generate(c)
	if err != nil {
		return 0, err
	}
	var b strings.Builder
	b.WriteString("customer_id,date,amount\n")
	for _, t := range txs {
		fmt.Fprintf(&b, "%s,%s,%.2f\n", t.id, t.day.Format(time.DateOnly), t.amount)
	}
	if err := os.WriteFile(outPath, []byte(b.String()), 0o644); err != nil {
		return 0, err
	}
	params, _ := json.MarshalIndent(c, "", "  ")
	if err := os.WriteFile(strings.TrimSuffix(outPath, ".csv")+".params.json", append(params, '\n'), 0o644); err != nil {
		return 0, err
	}
	return len(txs), nil
}
