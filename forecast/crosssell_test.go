package forecast_test

import (
	"bytes"
	"context"
	"encoding/csv"
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
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/crosssell"
	"github.com/clvkit/clvkit/forecast"
)

// productLog returns the project's synthetic log (testdata/transactions.csv,
// 3,000 customers in 2024) with a product column drawn as examples/simulate
// -products 200 -families 8 draws it: products P001…P200 in 8 families of
// consecutive numbers; each customer has a main family and, with
// probability 0.5, a second one (30% of the family purchases); a purchase
// repeats one of the customer's earlier products with probability 0.3, is
// any product with probability 0.1, else a product of a family drawn with
// weights 1/rank.
func productLog(t testing.TB) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	const products, families = 200, 8
	rng := rand.New(rand.NewPCG(1, 0x9f0d))
	pick := func(f int) int {
		lo, size := f*products/families, (f+1)*products/families-f*products/families
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
	type cust struct {
		main, second int
		bought       []int
	}
	custs := map[string]*cust{}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	var b strings.Builder
	b.WriteString(lines[0] + ",product\n")
	for _, l := range lines[1:] {
		id, _, _ := strings.Cut(l, ",")
		c := custs[id]
		if c == nil {
			c = &cust{main: rng.IntN(families), second: -1}
			if rng.Float64() < 0.5 {
				c.second = (c.main + 1 + rng.IntN(families-1)) % families
			}
			custs[id] = c
		}
		var p int
		switch {
		case len(c.bought) > 0 && rng.Float64() < 0.3:
			p = c.bought[rng.IntN(len(c.bought))]
		case rng.Float64() < 0.1:
			p = 1 + rng.IntN(products)
		case c.second >= 0 && rng.Float64() >= 0.7:
			p = pick(c.second)
		default:
			p = pick(c.main)
		}
		c.bought = append(c.bought, p)
		fmt.Fprintf(&b, "%s,P%03d\n", l, p)
	}
	return []byte(b.String())
}

func crossSellConfig() forecast.Config {
	return forecast.Config{CSV: csvio.Options{Amount: "amount"}, Name: "products.csv", Discount: 0.01,
		CalibrationEnd: time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC), EndOfDay: true, ProductColumn: "product"}
}

// TestCrossSellJob: on a log with products from families, the job read
// from a pipe (the product column in the same read as the summaries)
// checks suggestions fitted to September on October to December, where
// they beat the most popular products by far; it suggests k products not
// yet bought to exactly the customers whose action is cross-sell; and the
// forecasts are those of the run without the product column.
func TestCrossSellJob(t *testing.T) {
	log := productLog(t)
	res, err := forecast.Run(context.Background(), struct{ io.Reader }{bytes.NewReader(log)}, crossSellConfig())
	if err != nil {
		t.Fatal(err)
	}
	x := res.CrossSell
	if x == nil || x.Evaluation == nil || x.K != forecast.DefaultCrossSellK {
		t.Fatalf("cross-sell %+v", x)
	}
	ev := x.Evaluation
	t.Logf("%d customers, %d new products: hit rate@5 %.3f (popular %.3f), precision@5 %.3f (%.3f), recall@5 %.3f (%.3f)",
		ev.Customers, ev.NewProducts, ev.Model.HitRate, ev.Popular.HitRate, ev.Model.Precision, ev.Popular.Precision, ev.Model.Recall, ev.Popular.Recall)
	// On examples/simulate's 20,000 customers the hit rates are 0.435 and
	// 0.119 (crosssell's doc); a few hundred customers evaluated here put
	// a standard error of about 0.03 on each.
	if ev.Customers < 200 || ev.Model.HitRate < ev.Popular.HitRate+0.15 || ev.Model.Precision < 1.5*ev.Popular.Precision ||
		ev.Model.Recall <= ev.Popular.Recall {
		t.Errorf("evaluation %+v", ev)
	}
	if x.Customers != 3000 || x.Products < 150 || x.Products > 200 || x.Stats.Records != 7348 || x.Stats.Skipped != 0 {
		t.Errorf("%d customers, %d products, %+v", x.Customers, x.Products, x.Stats)
	}
	// The suggestions: every cross-sell customer (all have products), in
	// order, k products each, none already bought, best first.
	bought := map[string]map[string]bool{}
	rd := csv.NewReader(bytes.NewReader(log))
	recs, _ := rd.ReadAll()
	for _, r := range recs[1:] {
		if bought[r[0]] == nil {
			bought[r[0]] = map[string]bool{}
		}
		bought[r[0]][r[3]] = true
	}
	var want []int
	for i := range res.Tiers.Len() {
		if res.Tiers.At(i).Action == forecast.CrossSellAction {
			want = append(want, i)
		}
	}
	if len(x.Suggested) != len(want) || len(want) < 100 {
		t.Fatalf("%d customers suggested to, %d with the action", len(x.Suggested), len(want))
	}
	for n, s := range x.Suggested {
		id := res.Summary.Customers[s.Customer].ID
		if s.Customer != want[n] || len(s.Products) != x.K {
			t.Fatalf("suggestion %d: customer %d (%s), %d products", n, s.Customer, id, len(s.Products))
		}
		for k, p := range s.Products {
			if bought[id][p.Product] || (k > 0 && !s.Products[k-1].Popular && !p.Popular && p.Score > s.Products[k-1].Score) {
				t.Fatalf("customer %s: %+v (bought %v)", id, s.Products, bought[id])
			}
		}
	}
	// The products change nothing else.
	plain, err := forecast.Run(context.Background(), bytes.NewReader(log), forecast.Config{CSV: csvio.Options{Amount: "amount"},
		Name: "products.csv", Discount: 0.01, CalibrationEnd: time.Date(2024, 9, 30, 0, 0, 0, 0, time.UTC), EndOfDay: true})
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := res.WriteForecastCSV(&a); err != nil {
		t.Fatal(err)
	}
	if err := plain.WriteForecastCSV(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) || plain.CrossSell != nil {
		t.Error("forecast.csv differs with the product column")
	}

	// The files: cross_sell.csv, model.json's cross_sell, the report.
	dir := t.TempDir()
	names, err := res.WriteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names, "cross_sell.csv") {
		t.Fatalf("wrote %v", names)
	}
	f, _ := os.ReadFile(filepath.Join(dir, "cross_sell.csv"))
	rows, err := csv.NewReader(bytes.NewReader(f)).ReadAll()
	if err != nil || len(rows) != len(want)+1 || !slices.Equal(rows[0], forecast.CrossSellColumns(5)) ||
		!slices.Equal(rows[0][:3], []string{"customer_id", "suggested_1", "suggested_2"}) || rows[0][10] != "score_5" {
		t.Fatalf("cross_sell.csv: %v, %d rows, header %v", err, len(rows), rows[0])
	}
	if first := x.Suggested[0]; rows[1][0] != res.Summary.Customers[first.Customer].ID || rows[1][1] != first.Products[0].Product {
		t.Errorf("cross_sell.csv row 1 %v, want %+v", rows[1], first)
	}
	var mj struct {
		CrossSell struct {
			ProductColumn string               `json:"product_column"`
			K             int                  `json:"k"`
			Evaluation    crosssell.Evaluation `json:"evaluation"`
			Affinity      []crosssell.Pair     `json:"affinity"`
		} `json:"cross_sell"`
	}
	mb, _ := os.ReadFile(filepath.Join(dir, "model.json"))
	if err := json.Unmarshal(mb, &mj); err != nil {
		t.Fatal(err)
	}
	if mj.CrossSell.ProductColumn != "product" || mj.CrossSell.K != 5 || mj.CrossSell.Evaluation != *ev || len(mj.CrossSell.Affinity) == 0 {
		t.Errorf("model.json cross_sell: %+v", mj.CrossSell)
	}
	if _, err := forecast.LoadModels(bytes.NewReader(mb), forecast.ScorerOptions{}); err != nil {
		t.Errorf("LoadModels with cross_sell: %v", err)
	}
	for i, p := range mj.CrossSell.Affinity {
		if p.Count < crosssell.DefaultPairMinCount || (i > 0 && p.Lift > mj.CrossSell.Affinity[i-1].Lift) || p.Lift <= 1 {
			t.Errorf("affinity pair %d: %+v", i, p)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	for _, s := range []string{"<h2>Cross-sell</h2>", "hit rate@5", "most popular not yet bought", "Products bought together", mj.CrossSell.Affinity[0].A} {
		if !bytes.Contains(html, []byte(s)) {
			t.Errorf("the report lacks %q", s)
		}
	}
}

// TestCrossSellWhole: without a calibration end there is no evaluation,
// the suggestions still come; an unordered log read twice (a file) gives
// the same.
func TestCrossSellWhole(t *testing.T) {
	log := productLog(t)
	cfg := crossSellConfig()
	cfg.CalibrationEnd, cfg.CrossSellK = time.Time{}, 3
	res, err := forecast.Run(context.Background(), bytes.NewReader(log), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if x := res.CrossSell; x == nil || x.Evaluation != nil || len(x.Suggested) == 0 || len(x.Suggested[0].Products) != 3 {
		t.Fatalf("%+v", x)
	}
	// Reverse the records: out of order, reread from the seekable input.
	lines := strings.Split(strings.TrimSuffix(string(log), "\n"), "\n")
	slices.Reverse(lines[1:])
	rev := []byte(strings.Join(lines, "\n") + "\n")
	res2, err := forecast.Run(context.Background(), bytes.NewReader(rev), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	res.WriteCrossSellCSV(&a)
	res2.WriteCrossSellCSV(&b)
	sorted := func(b []byte) []string { // the customers are in the order of the log
		l := strings.Split(string(b), "\n")
		slices.Sort(l)
		return l
	}
	if a.Len() < 100 || !slices.Equal(sorted(a.Bytes()), sorted(b.Bytes())) {
		t.Errorf("cross_sell.csv differs on the reversed log (%d, %d bytes)", a.Len(), b.Len())
	}
}

// TestCrossSellErrors: the configuration's errors name the field; a record
// without a product names its line, or is skipped with SkipInvalid.
func TestCrossSellErrors(t *testing.T) {
	log := productLog(t)
	for _, c := range []struct {
		cfg   func(*forecast.Config)
		field string
	}{
		{func(c *forecast.Config) { c.ProductColumn = "sku" }, "ProductColumn"},
		{func(c *forecast.Config) { c.ProductColumn = "9" }, "ProductColumn"},
		{func(c *forecast.Config) { c.CrossSellK = crosssell.MaxK + 1 }, "CrossSellK"},
		{func(c *forecast.Config) { c.CrossSellK = -1 }, "CrossSellK"},
		{func(c *forecast.Config) { c.ProductColumn, c.CrossSellK = "", 5 }, "CrossSellK"},
	} {
		cfg := crossSellConfig()
		c.cfg(&cfg)
		_, err := forecast.Run(context.Background(), struct{ io.Reader }{bytes.NewReader(log)}, cfg)
		var ce *forecast.ConfigError
		if !errors.As(err, &ce) || ce.Field != c.field {
			t.Errorf("%s: %v", c.field, err)
		} else if c.field == "ProductColumn" && !strings.Contains(err.Error(), "amount") {
			t.Errorf("%v: does not show the header", err)
		}
	}
	cfg := crossSellConfig()
	cfg.Summaries, cfg.End, cfg.CalibrationEnd = true, time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), time.Time{}
	var ce *forecast.ConfigError
	if _, err := forecast.Run(context.Background(), strings.NewReader(""), cfg); !errors.As(err, &ce) || ce.Field != "ProductColumn" {
		t.Errorf("summaries: %v", err)
	}
	// An empty product on line 101.
	lines := strings.Split(string(log), "\n")
	lines[100] = strings.TrimSuffix(lines[100], lines[100][strings.LastIndexByte(lines[100], ',')+1:])
	bad := []byte(strings.Join(lines, "\n"))
	_, err := forecast.Run(context.Background(), struct{ io.Reader }{bytes.NewReader(bad)}, crossSellConfig())
	var pe *clv.ParseError
	if !errors.Is(err, crosssell.ErrMissingProduct) || !errors.As(err, &pe) || pe.Line != 101 {
		t.Errorf("empty product: %v", err)
	}
	cfg = crossSellConfig()
	cfg.CSV.SkipInvalid = true
	res, err := forecast.Run(context.Background(), struct{ io.Reader }{bytes.NewReader(bad)}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if st := res.CrossSell.Stats; st.Skipped != 1 || st.Records != 7348 || res.Summary.Stats.Skipped != 0 {
		t.Errorf("skipped: %+v, summaries %+v", st, res.Summary.Stats)
	}
	// A bad date fails both readers: the summarizer's error is reported.
	lines = strings.Split(string(log), "\n")
	lines[50] = strings.Replace(lines[50], "2024-", "20x4-", 1)
	_, err = forecast.Run(context.Background(), struct{ io.Reader }{strings.NewReader(strings.Join(lines, "\n"))}, crossSellConfig())
	if !errors.Is(err, clv.ErrBadTime) || !errors.As(err, &pe) || pe.Line != 51 {
		t.Errorf("bad date: %v", err)
	}
}

// TestCrossSellOneProduct: a log of one product has nothing to suggest,
// no pair and no holdout check; the job still runs and says so.
func TestCrossSellOneProduct(t *testing.T) {
	log := productLog(t)
	lines := strings.Split(strings.TrimSuffix(string(log), "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = lines[i][:strings.LastIndexByte(lines[i], ',')+1] + "gift card"
	}
	var progress strings.Builder
	cfg := crossSellConfig()
	cfg.Progress = &progress
	res, err := forecast.Run(context.Background(), strings.NewReader(strings.Join(lines, "\n")), cfg)
	if err != nil {
		t.Fatal(err)
	}
	x := res.CrossSell
	if x == nil || x.Evaluation != nil || x.Products != 1 || len(x.Model.Pairs()) != 0 || len(x.Suggested) == 0 || len(x.Suggested[0].Products) != 0 {
		t.Fatalf("%+v", x)
	}
	if !strings.Contains(progress.String(), "no cross-sell holdout check") {
		t.Errorf("progress:\n%s", progress.String())
	}
	dir := t.TempDir()
	if _, err := res.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	f, _ := os.ReadFile(filepath.Join(dir, "cross_sell.csv"))
	if !strings.HasSuffix(string(f), ",,,,,,,,,,\n") {
		t.Errorf("cross_sell.csv ends %q", f[len(f)-40:])
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	for _, s := range []string{"No holdout check of the suggestions", "No pair of products was bought together"} {
		if !strings.Contains(string(html), s) {
			t.Errorf("the report lacks %q", s)
		}
	}
}

// TestCrossSellPaths: the job's two ways to the baskets, from the
// summarizer's customer numbers and from the product reader's own (with
// SkipInvalid, on a log with nothing to skip), give the same cross-sell
// results, byte for byte.
func TestCrossSellPaths(t *testing.T) {
	log := productLog(t)
	var outs [2]struct {
		csv  bytes.Buffer
		json []byte
	}
	for i, skip := range []bool{false, true} {
		cfg := crossSellConfig()
		cfg.CSV.SkipInvalid = skip
		res, err := forecast.Run(context.Background(), struct{ io.Reader }{bytes.NewReader(log)}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := res.WriteCrossSellCSV(&outs[i].csv); err != nil {
			t.Fatal(err)
		}
		x := res.CrossSell
		if outs[i].json, err = json.Marshal([]any{x.Evaluation, x.Model.Pairs(), x.Customers, x.Products, x.Pairs, x.Stats.Records}); err != nil {
			t.Fatal(err)
		}
	}
	if outs[0].csv.Len() < 1000 || !bytes.Equal(outs[0].csv.Bytes(), outs[1].csv.Bytes()) {
		t.Errorf("cross_sell.csv differs (%d and %d bytes)", outs[0].csv.Len(), outs[1].csv.Len())
	}
	if !bytes.Equal(outs[0].json, outs[1].json) {
		t.Errorf("results differ:\n%s\n%s", outs[0].json, outs[1].json)
	}
}
