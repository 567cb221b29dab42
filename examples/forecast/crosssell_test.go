package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/crosssell"
	"github.com/clvkit/clvkit/internal/cli"
)

// withProducts returns the synthetic log with a product column from 200
// products in 8 families, as examples/simulate -products 200 -families 8
// draws it (a main family per customer, half of them a second one, 30%
// repeats, 10% noise; within a family, weights 1/rank).
func withProducts(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(defaultConfig().In)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 7))
	pick := func(f int) int {
		w := make([]float64, 25)
		for r := range w {
			w[r] = 1 / float64(r+1)
		}
		u := rng.Float64() * 3.8159581777535068 // H(25)
		for r := range w {
			if u -= w[r]; u < 0 {
				return 25*f + r + 1
			}
		}
		return 25*f + 25
	}
	type cust struct {
		fam, second int
		bought      []int
	}
	custs := map[string]*cust{}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	var b strings.Builder
	b.WriteString(lines[0] + ",product\n")
	for _, l := range lines[1:] {
		id, _, _ := strings.Cut(l, ",")
		c := custs[id]
		if c == nil {
			c = &cust{fam: rng.IntN(8), second: -1}
			if rng.Float64() < 0.5 {
				c.second = (c.fam + 1 + rng.IntN(7)) % 8
			}
			custs[id] = c
		}
		var p int
		switch {
		case len(c.bought) > 0 && rng.Float64() < 0.3:
			p = c.bought[rng.IntN(len(c.bought))]
		case rng.Float64() < 0.1:
			p = 1 + rng.IntN(200)
		case c.second >= 0 && rng.Float64() >= 0.7:
			p = pick(c.second)
		default:
			p = pick(c.fam)
		}
		c.bought = append(c.bought, p)
		fmt.Fprintf(&b, "%s,P%03d\n", l, p)
	}
	return b.String()
}

// TestCrossSell: -product-column on standard input (read once) writes
// cross_sell.csv for the customers whose action is cross-sell, and with
// -calibration-end model.json's holdout check, where the suggestions beat
// the most popular products; without the flag there is no such file.
func TestCrossSell(t *testing.T) {
	log := withProducts(t)
	c := defaultConfig()
	c.In, c.Out, c.stdin = "-", t.TempDir(), struct{ io.Reader }{strings.NewReader(log)}
	c.ProductColumn, c.CrossSellK, c.CalibrationEnd = "product", 4, "2024-09-30"
	if err := Run(c, io.Discard); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(c.Out, "cross_sell.csv"))
	forecasts := readCSV(t, filepath.Join(c.Out, "forecast.csv"))
	action := slices.Index(forecasts[0], "action")
	n := 0
	for _, r := range forecasts[1:] {
		if r[action] == "cross-sell" {
			n++
		}
	}
	if len(rows)-1 != n || n < 100 || !slices.Equal(rows[0], []string{"customer_id", "suggested_1", "suggested_2", "suggested_3", "suggested_4",
		"score_1", "score_2", "score_3", "score_4"}) {
		t.Errorf("cross_sell.csv: %d rows for %d cross-sell customers, header %v", len(rows)-1, n, rows[0])
	}
	var mj struct {
		CrossSell struct {
			Evaluation crosssell.Evaluation `json:"evaluation"`
		} `json:"cross_sell"`
	}
	b, _ := os.ReadFile(filepath.Join(c.Out, "model.json"))
	if err := json.Unmarshal(b, &mj); err != nil {
		t.Fatal(err)
	}
	ev := mj.CrossSell.Evaluation
	t.Logf("%+v", ev)
	if ev.K != 4 || ev.Customers < 200 || ev.Model.HitRate < ev.Popular.HitRate+0.1 || ev.Model.Precision <= ev.Popular.Precision {
		t.Errorf("evaluation %+v", ev)
	}
	c.stdin, c.ProductColumn = strings.NewReader(log), ""
	c.Out = t.TempDir()
	if err := Run(c, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(c.Out, "cross_sell.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cross_sell.csv without -product-column: %v", err)
	}
}

// TestCrossSellFlags: the errors name the flags.
func TestCrossSellFlags(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "products.csv")
	os.WriteFile(in, []byte(withProducts(t)), 0o644)
	// An empty product: the line, the flag and what to do.
	lines := strings.Split(withProducts(t), "\n")
	lines[100] = lines[100][:strings.LastIndexByte(lines[100], ',')+1]
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte(strings.Join(lines, "\n")), 0o644)
	err := run([]string{"-in", bad, "-product-column", "product", "-out", dir}, io.Discard, io.Discard)
	if !errors.Is(err, crosssell.ErrMissingProduct) || !strings.Contains(err.Error(), `-product-column "product": clv: line 101, column 4 ("product"): missing product`) ||
		!strings.Contains(err.Error(), "-skip-invalid") {
		t.Errorf("empty product: %v", err)
	}
	if err := run([]string{"-in", bad, "-product-column", "product", "-skip-invalid", "-out", dir}, io.Discard, io.Discard); err != nil {
		t.Errorf("empty product with -skip-invalid: %v", err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-product-column", "sku"}, `-product-column sku: want a column of the log, by header name or 1-based number (column "sku" is not in the header ["customer_id" "date" "amount" "product"])`},
		{[]string{"-product-column", "product", "-cross-sell-k", "0"}, "-cross-sell-k 0: want 1 to 100 suggestions"},
		{[]string{"-product-column", "product", "-cross-sell-k", "101"}, "-cross-sell-k 101: want 1 to 100 suggestions"},
		{[]string{"-cross-sell-k", "3"}, "-cross-sell-k 3: want none (suggestions need products) without -product-column"},
		{[]string{"-cross-sell-k", "0"}, "-cross-sell-k 0: want none (suggestions need products) without -product-column"},
	} {
		err := run(append(tc.args, "-in", in, "-out", dir), io.Discard, io.Discard)
		if err == nil || err.Error() != tc.want || !errors.Is(err, cli.ErrUsage) {
			t.Errorf("%q: error %v, want a usage error %q", tc.args, err, tc.want)
		}
	}
}
