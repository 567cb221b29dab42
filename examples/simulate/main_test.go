package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/crosssell"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/clvkit/clvkit/internal/readme"
)

// TestREADME runs the README's commands from the repository's root, the
// output sent to a temporary directory: -out testdata/transactions.csv
// writes the synthetic log byte for byte; the 10⁶-customer log (15 s,
// 0.5 GB) is made only with CLVKIT_LONG set (.ci/run sets it).
func TestREADME(t *testing.T) {
	cmds := readme.For(t, "../../README.md", "", "./examples/simulate")
	t.Chdir("../..")
	for _, c := range cmds {
		t.Run(fmt.Sprintf("line%d", c.Line), func(t *testing.T) {
			if strings.Contains(c.String(), "-customers") && (testing.Short() || os.Getenv("CLVKIT_LONG") == "") {
				t.Skipf("%s takes 15 s and 0.5 GB (set CLVKIT_LONG=1 to run it)", c)
			}
			dir := t.TempDir()
			out := filepath.Join(dir, "transactions.csv")
			var stderr strings.Builder
			if err := run(readme.Redirect(c.Args, "-out", out), io.Discard, &stderr); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
			if !strings.HasPrefix(stderr.String(), "wrote ") {
				t.Errorf("%s: %s", c, stderr.String())
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(c.String(), "testdata/transactions.csv") {
				want, err := os.ReadFile("testdata/transactions.csv")
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s: the log differs from testdata/transactions.csv", c)
				}
			} else if strings.Contains(c.String(), "-products") {
				if !bytes.HasPrefix(got, []byte("customer_id,date,amount,product\n")) || bytes.Count(got, []byte("\n")) < 3000 {
					t.Errorf("%s: not a log with products", c)
				}
			} else if n := bytes.Count(got, []byte("\n")); n < 1_000_000 {
				t.Errorf("%s: %d lines", c, n)
			}
		})
	}
}

func TestArguments(t *testing.T) {
	for _, args := range [][]string{{"out.csv"}, {"-customers", "0"}, {"-customers", "x"}} {
		err := run(args, io.Discard, io.Discard)
		if code := cli.Status("simulate", err, io.Discard); code != 2 {
			t.Errorf("%q: %v, exit status %d", args, err, code)
		}
	}
}

func TestGenerate(t *testing.T) {
	c := Config{Customers: 500, Seed: 3, Start: "2024-01-01", End: "2024-12-31",
		Purchase: bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}, Spend: gammagamma.Params{P: 6, Q: 4, Gamma: 15}}
	a, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(c)
	if len(a) != len(b) || len(a) < 500 {
		t.Fatalf("%d and %d transactions", len(a), len(b))
	}
	ids := map[string]bool{}
	end, _ := time.Parse(time.DateOnly, c.End)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("not deterministic at %d", i)
		}
		if a[i].amount <= 0 || a[i].day.After(end) || (i > 0 && a[i].day.Before(a[i-1].day)) {
			t.Fatalf("transaction %d: %+v", i, a[i])
		}
		ids[a[i].id] = true
	}
	if len(ids) != 500 {
		t.Errorf("%d customers, want 500", len(ids))
	}
	c.Start = "Jan"
	if _, err := Generate(c); err == nil {
		t.Error("bad start accepted")
	}
}

// TestRegeneratesTestdata: the default configuration writes
// testdata/transactions.csv and its parameters byte for byte.
func TestRegeneratesTestdata(t *testing.T) {
	out := filepath.Join(t.TempDir(), "transactions.csv")
	if _, err := write(defaultConfig(), out); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"transactions.csv", "transactions.params.json"} {
		got, err := os.ReadFile(filepath.Join(filepath.Dir(out), name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from testdata/%s (%d vs %d bytes)", name, name, len(got), len(want))
		}
	}
}

// TestCrossSell: on a log with products from families (-products 200
// -families 8, 20,000 customers, seed 1), suggestions fitted on the
// purchases to September hit the products customers buy new from October
// to December far more often than the most popular products do, with every
// measure; confidence, the default, does best.
func TestCrossSell(t *testing.T) {
	c := defaultConfig()
	c.Customers, c.Products, c.Families = 20000, 200, 8
	txs, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	split := time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC)
	var cal, hold crosssell.Accumulator
	for _, x := range txs {
		acc := &cal
		if x.day.After(split) {
			acc = &hold
		}
		if err := acc.Add(x.id, fmt.Sprintf("P%03d", x.product)); err != nil {
			t.Fatal(err)
		}
	}
	cb, hb := cal.Baskets(), hold.Baskets()
	hit := map[crosssell.Measure]float64{}
	for _, m := range []crosssell.Measure{crosssell.Confidence, crosssell.Cosine, crosssell.Lift} {
		model, err := crosssell.Fit(cb, crosssell.Options{Measure: m})
		if err != nil {
			t.Fatal(err)
		}
		e, err := crosssell.Evaluate(model, cb, hb, 5)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-10v %d customers: hit rate@5 %.3f (popular %.3f), precision@5 %.4f (%.4f), recall@5 %.3f (%.3f)",
			m, e.Customers, e.Model.HitRate, e.Popular.HitRate, e.Model.Precision, e.Popular.Precision, e.Model.Recall, e.Popular.Recall)
		// The margin: popularity hits about 0.15, the family structure
		// lets neighbours reach about 0.45 (lift, misled by rare pairs,
		// about 0.17).
		margin := 0.2
		if m == crosssell.Lift {
			margin = 0.01
		}
		if e.Customers < 2000 || e.Model.HitRate < e.Popular.HitRate+margin || e.Model.Precision <= e.Popular.Precision {
			t.Errorf("%v: %+v", m, e)
		}
		hit[m] = e.Model.HitRate
	}
	if hit[crosssell.Confidence] < hit[crosssell.Cosine] || hit[crosssell.Confidence] < hit[crosssell.Lift] {
		t.Errorf("hit rates %v: confidence is not the best", hit)
	}
}

// TestProducts: with -products the log is the default one plus a product
// column, and every customer's products come mostly from one or two
// families.
func TestProducts(t *testing.T) {
	dir := t.TempDir()
	plain, prod := filepath.Join(dir, "plain.csv"), filepath.Join(dir, "prod.csv")
	if err := run([]string{"-out", plain}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-out", prod, "-products", "200", "-families", "8"}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(plain)
	b, _ := os.ReadFile(prod)
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	if len(al) != len(bl) || bl[0] != "customer_id,date,amount,product" {
		t.Fatalf("%d and %d lines, header %q", len(al), len(bl), bl[0])
	}
	inFamily, total := 0, 0
	fams := map[string]map[int]int{}
	for i := 1; i < len(al)-1; i++ {
		cut := strings.LastIndexByte(bl[i], ',')
		if bl[i][:cut] != al[i] {
			t.Fatalf("line %d: %q vs %q", i+1, bl[i], al[i])
		}
		var k int
		if _, err := fmt.Sscanf(bl[i][cut+1:], "P%03d", &k); err != nil || k < 1 || k > 200 {
			t.Fatalf("line %d: product %q", i+1, bl[i][cut+1:])
		}
		id := bl[i][:strings.IndexByte(bl[i], ',')]
		if fams[id] == nil {
			fams[id] = map[int]int{}
		}
		fams[id][(k-1)*8/200]++
	}
	// The two largest families of a customer hold at least 90% of their
	// purchases over all customers (noise 10% of new products).
	for _, f := range fams {
		counts := []int{}
		for _, n := range f {
			counts = append(counts, n)
			total += n
		}
		slices.Sort(counts)
		slices.Reverse(counts)
		for i := range min(2, len(counts)) {
			inFamily += counts[i]
		}
	}
	if share := float64(inFamily) / float64(total); share < 0.9 || share > 0.99 {
		t.Errorf("%.3f of purchases in a customer's two main families", share)
	}
	if err := run([]string{"-products", "5", "-families", "6"}, io.Discard, io.Discard); cli.Status("simulate", err, io.Discard) != 2 {
		t.Errorf("-families over -products: %v", err)
	}
	if err := run([]string{"-products", "-1"}, io.Discard, io.Discard); cli.Status("simulate", err, io.Discard) != 2 {
		t.Errorf("-products -1: %v", err)
	}
}
