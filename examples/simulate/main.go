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
//
// With -products P (and -families F, default 8), each purchase also names a
// product, in a column "product", from a known affinity structure:
// products P001... are split into F families of consecutive numbers
// (product k, 1-based, is in family ⌊(k−1)F/P⌋); each customer has a main
// family and, one time in two, a second one. A purchase repeats one of the
// customer's earlier products with probability 0.3; otherwise it is a
// product of any family with probability 0.1 and else one of the main
// family (0.7 when there is a second family, which gets the other 0.3),
// products within a family drawn with weights 1/rank. Products come from
// their own random stream: the customers, days and amounts are those of the
// log without -products, which stays as it was byte for byte.
//
//	go run ./examples/simulate -products 200 -families 8 -out purchases.csv
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
	"strconv"
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
	Products  int               `json:"products,omitempty"` // 0: no product column
	Families  int               `json:"families,omitempty"`
}

type tx struct {
	id      string
	day     time.Time
	amount  float64
	product int // 1-based; 0: none
}

// Probabilities of the product structure (see the command's comment).
const (
	repeatProb = 0.3 // a purchase repeats an earlier product
	noiseProb  = 0.1 // a new product from any family
	secondProb = 0.5 // a customer has a second family
	mainShare  = 0.7 // of family purchases, from the main family when there is a second
)

// products draws the products of a customer's n purchases.
func (c Config) products(rng *rand.Rand, n int) []int {
	fam := func(f int) (lo, size int) {
		lo = f * c.Products / c.Families
		return lo, (f+1)*c.Products/c.Families - lo
	}
	// pick draws a product of family f with weights 1/rank.
	pick := func(f int) int {
		lo, size := fam(f)
		h := 0.0
		for r := 1; r <= size; r++ {
			h += 1 / float64(r)
		}
		u := rng.Float64() * h
		for r := 1; r <= size; r++ {
			if u -= 1 / float64(r); u < 0 {
				return lo + r
			}
		}
		return lo + size
	}
	main, second := rng.IntN(c.Families), -1
	if c.Families > 1 && rng.Float64() < secondProb {
		second = (main + 1 + rng.IntN(c.Families-1)) % c.Families
	}
	out := make([]int, n)
	for k := range out {
		switch {
		case k > 0 && rng.Float64() < repeatProb:
			out[k] = out[rng.IntN(k)]
		case rng.Float64() < noiseProb:
			out[k] = 1 + rng.IntN(c.Products)
		case second >= 0 && rng.Float64() >= mainShare:
			out[k] = pick(second)
		default:
			out[k] = pick(main)
		}
	}
	return out
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
	if c.Products < 0 || (c.Products > 0 && (c.Families < 1 || c.Families > c.Products)) {
		return nil, fmt.Errorf("products %d, families %d: want 1 ≤ families ≤ products", c.Products, c.Families)
	}
	src := rand.NewPCG(c.Seed, 0x5eed)
	rng := rand.New(src)
	prng := rand.New(rand.NewPCG(c.Seed, 0x9f0d)) // products: their own stream
	var out []tx
	for i := range c.Customers {
		id := fmt.Sprintf("C%05d", i+1)
		first := start.AddDate(0, 0, rng.IntN(90))
		T := end.Sub(first).Hours() / (24 * 7)
		weeks := append([]float64{0}, c.Purchase.SimulatePurchases(src, T)...)
		values := c.Spend.SimulateValues(src, len(weeks))
		var prods []int
		if c.Products > 0 {
			prods = c.products(prng, len(weeks))
		}
		for k, w := range weeks {
			day := first.AddDate(0, 0, int(math.Floor(w*7)))
			t := tx{id: id, day: day, amount: math.Round(values[k]*100) / 100}
			if prods != nil {
				t.product = prods[k]
			}
			out = append(out, t)
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

// maxProducts bounds -products.
const maxProducts = 1_000_000

// run is the command: it parses args, writes the log and reports on stderr.
func run(args []string, stdout, stderr io.Writer) error {
	c := defaultConfig()
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	outPath := fs.String("out", "transactions.csv", "output CSV file")
	fs.IntVar(&c.Customers, "customers", c.Customers, "number of customers")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed")
	fs.IntVar(&c.Products, "products", 0, "number of products: adds a product column (0: none)")
	families := fs.Int("families", 8, "number of product families (with -products)")
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	if err := cli.NoArgs(fs); err != nil {
		return err
	}
	if c.Customers < 1 || c.Customers > maxCustomers {
		return cli.Usagef("-customers %d: want 1 to %d", c.Customers, maxCustomers)
	}
	if c.Products < 0 || c.Products > maxProducts {
		return cli.Usagef("-products %d: want 0 to %d", c.Products, maxProducts)
	}
	if c.Products > 0 {
		if *families < 1 || *families > c.Products {
			return cli.Usagef("-families %d: want 1 to -products (%d)", *families, c.Products)
		}
		c.Families = *families
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
	if c.Products == 0 {
		b.WriteString("customer_id,date,amount\n")
		for _, t := range txs {
			fmt.Fprintf(&b, "%s,%s,%.2f\n", t.id, t.day.Format(time.DateOnly), t.amount)
		}
	} else {
		b.WriteString("customer_id,date,amount,product\n")
		width := len(strconv.Itoa(c.Products))
		for _, t := range txs {
			fmt.Fprintf(&b, "%s,%s,%.2f,P%0*d\n", t.id, t.day.Format(time.DateOnly), t.amount, width, t.product)
		}
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
