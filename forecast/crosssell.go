package forecast

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/crosssell"
)

// DefaultCrossSellK is the number of products suggested per customer when
// Config.CrossSellK is zero.
const DefaultCrossSellK = 5

// CrossSellAction is the action (segment.Tier.Action) of the customers the
// job suggests products to: the top half by value among the active.
const CrossSellAction = "cross-sell"

// CrossSellPairs is the number of pairs of the affinity table in the
// report (model.json has the model's whole table, crosssell.DefaultPairs).
const CrossSellPairs = 20

// CrossSell is the cross-sell part of a Result (Config.ProductColumn): the
// baskets of the log's products (each customer's distinct products),
// package crosssell's item-based suggestions from them (each product's 20
// most similar products by confidence c_ij / n_i; a customer's score of a
// product not yet bought is the sum of its confidences from the products
// bought), the holdout evaluation and the affinity table.
type CrossSell struct {
	// Column is the product column, K the number of suggestions per
	// customer (Config.CrossSellK).
	Column string
	K      int
	// Stats counts the records the product column was read from (those
	// skipped with CSV.SkipInvalid, e.g. an empty product, included).
	Stats crosssell.Stats
	// Customers and Products count the customers with a product and the
	// distinct products over the whole observation; Pairs the distinct
	// (customer, product) pairs.
	Customers, Products, Pairs int
	// Evaluation, with a calibration end, is the check of suggestions
	// fitted on the calibration period's baskets against the products
	// each customer bought new (not bought before) in the holdout period:
	// hit rate, precision and recall at K beside the popularity baseline
	// (crosssell.Evaluate). Nil without a calibration end, and when no
	// customer of the calibration period bought a product new to them in
	// the holdout.
	Evaluation *crosssell.Evaluation
	// Model is fitted on the whole observation's baskets: it makes the
	// suggestions and the affinity table (Model.Pairs: the pairs of
	// highest lift bought together by at least 10 customers).
	Model *crosssell.Model
	// Suggested are the suggestions of the customers whose action is
	// CrossSellAction and who have a product in the log, in the order of
	// Result.Summary.Customers.
	Suggested []Suggested
}

// Suggested are the products suggested to one customer, best first.
type Suggested struct {
	Customer int // index in Result.Summary.Customers
	Products []crosssell.Suggestion
}

// checkCrossSell checks the cross-sell fields, filling in the default k.
func (c *Config) checkCrossSell() error {
	if c.ProductColumn == "" {
		if c.CrossSellK != 0 {
			return &ConfigError{Field: "CrossSellK", Value: strconv.Itoa(c.CrossSellK), Want: "none (suggestions need products) without", With: "ProductColumn"}
		}
		return nil
	}
	if c.CrossSellK == 0 {
		c.CrossSellK = DefaultCrossSellK
	}
	switch {
	case c.Summaries:
		return &ConfigError{Field: "ProductColumn", Value: strconv.Quote(c.ProductColumn), Want: "none (summaries have no products), with", With: "Summaries"}
	case c.CrossSellK < 1 || c.CrossSellK > crosssell.MaxK:
		return &ConfigError{Field: "CrossSellK", Value: strconv.Itoa(c.CrossSellK), Want: fmt.Sprintf("1 to %d suggestions", crosssell.MaxK)}
	}
	return nil
}

// productBaskets are the log's products, read beside the summaries, and
// the reader's counts: as numbers aligned with the summarizer's customer
// numbers (the usual case), else as the baskets of the calibration and
// holdout periods (hold is empty without a calibration end).
type productBaskets struct {
	stats crosssell.Stats
	// Numbers, when numbered: record r is customer cust[r] of the whole
	// observation's summaries buying product names[prods[r]], in the
	// holdout when after[r].
	numbered    bool
	names       []string
	prods, cust []int32
	after       []bool
	// Otherwise the baskets, customers matched to the summaries by id.
	cal, hold *crosssell.Baskets
}

// errSummaryStopped ends the product reader when the summarizer stopped
// reading before the end of the log; errProducts ends the summarizer's
// read when the product reader failed.
var (
	errSummaryStopped = errors.New("forecast: the summaries stopped reading the log")
	errProducts       = errors.New("forecast: reading the product column failed")
)

// productRead is one read of the log's product column beside the
// summarizer's read of the same bytes: the summarizer reads r through a
// tee that passes every byte, through a pipe, to a crosssell.Reader on its
// own goroutine. The input is read once (a pipe or standard input will
// do); it is parsed twice, concurrently.
//
// The customers are the summarizer's: an Observer beside the summaries'
// (clv.SummaryOptions.Observer) keeps each record's customer number, and
// the product reader only each record's product number, so that no table
// of the ids is built twice. This needs the two reads to see the same
// records in the same order: csvio.Summarize shows the Observer the log's
// order, and without SkipInvalid every record is in both or the read
// fails. With SkipInvalid (the two readers skip different records) and
// for csvio.SummarizeAnyOrder (which shows the records in time order), the
// product reader numbers the customers itself, into baskets
// (crosssell.ReadBaskets), matched to the summaries by id.
type productRead struct {
	in   io.Reader
	pw   *io.PipeWriter
	done chan struct{}
	obs  *customerNumbers // nil: the product reader's own baskets
	b    *productBaskets
	err  error
}

// customerNumbers is a clv.Observer that keeps each record's customer
// number, and whether it is after the split (the holdout).
type customerNumbers struct {
	split time.Time // zero: no holdout
	cust  []int32
	after []bool
}

func (o *customerNumbers) Observe(ks []int32, ts []clv.Transaction) {
	o.cust = append(o.cust, ks...)
	for i := range ts {
		o.after = append(o.after, !o.split.IsZero() && ts[i].Time.After(o.split))
	}
}

// observers show the transactions to several Observers in turn.
type observers []clv.Observer

func (os observers) Observe(ks []int32, ts []clv.Transaction) {
	for _, o := range os {
		o.Observe(ks, ts)
	}
}

// readProducts starts reading the product column of the log r, when
// Config.ProductColumn asks for it; the summarizer reads input(). With
// sopts, the options of a csvio.Summarize of input(), it adds an Observer
// to them that numbers the records' customers (see productRead); with nil
// the product reader numbers them.
func (j *job) readProducts(r io.Reader, sopts *clv.SummaryOptions) *productRead {
	cfg := j.cfg
	if cfg.ProductColumn == "" {
		return &productRead{in: r}
	}
	split := cfg.CalibrationEnd
	if !split.IsZero() && cfg.EndOfDay {
		split = split.Add(24*time.Hour - time.Microsecond) // as the summarizer splits: the whole day
	}
	pr, pw := io.Pipe()
	p := &productRead{in: io.TeeReader(r, pw), pw: pw, done: make(chan struct{})}
	if sopts != nil && !cfg.CSV.SkipInvalid {
		p.obs = &customerNumbers{split: split}
		if sopts.Observer != nil {
			sopts.Observer = observers{sopts.Observer, p.obs}
		} else {
			sopts.Observer = p.obs
		}
	}
	go func() {
		defer close(p.done)
		p.b, p.err = readBaskets(pr, cfg, split, p.obs != nil)
		if p.err != nil {
			// Stop the summarizer's read (the tee's writes fail), unless
			// it has stopped already.
			pr.CloseWithError(fmt.Errorf("%w: %w", errProducts, p.err))
			return
		}
		io.Copy(io.Discard, pr) // nothing after the end, but never block the tee
	}()
	return p
}

func (p *productRead) input() io.Reader { return p.in }

// wait ends the product read after the summarizer's, whose error is err,
// and returns the products, or the error of the two reads to report: the
// summarizer's, unless it failed because the product reader did.
func (p *productRead) wait(err error) (*productBaskets, error) {
	if p.pw == nil {
		return nil, err
	}
	if err != nil {
		p.pw.CloseWithError(errSummaryStopped)
	} else {
		p.pw.Close()
	}
	<-p.done
	switch {
	case p.err != nil && (err == nil || errors.Is(err, errProducts)):
		return nil, p.err
	case err != nil:
		return nil, err
	}
	if p.obs != nil {
		if len(p.obs.cust) != len(p.b.prods) {
			return nil, fmt.Errorf("forecast: the product column's %d records do not match the %d the summaries read", len(p.b.prods), len(p.obs.cust))
		}
		p.b.numbered, p.b.cust, p.b.after = true, p.obs.cust, p.obs.after
	}
	return p.b, nil
}

// readBaskets reads the product column from r: the products as numbers
// with numbers, else the baskets.
func readBaskets(r io.Reader, cfg Config, split time.Time, numbers bool) (*productBaskets, error) {
	rd, err := crosssell.NewReader(r, crosssell.CSVOptions{Options: cfg.CSV, Product: cfg.ProductColumn})
	if err != nil {
		// The id and time columns are the summarizer's too, which reports
		// them: only the product column is this reader's to name.
		if errors.Is(err, clv.ErrUnknownColumn) && strings.Contains(err.Error(), "Product column") {
			detail := err.Error()
			if i := strings.Index(detail, "Product column"); i >= 0 {
				detail = detail[i+len("Product "):]
			}
			return nil, &ConfigError{Field: "ProductColumn", Value: strconv.Quote(cfg.ProductColumn),
				Want: "a column of the log, by header name or 1-based number (" + detail + ")"}
		}
		return nil, err
	}
	pb := &productBaskets{}
	if numbers {
		pb.names, pb.prods, err = rd.ReadProducts()
	} else {
		pb.cal, pb.hold, err = crosssell.ReadBaskets(rd, split)
	}
	if err != nil {
		return nil, fmt.Errorf("product column %q: %w", cfg.ProductColumn, err)
	}
	pb.stats = rd.Stats()
	return pb, nil
}

// customerIDs returns the ids of the summary's customers, which the
// products' customer numbers index; nil when the products have baskets.
func (pb *productBaskets) customerIDs(s *clv.Summary) []string {
	if !pb.numbered {
		return nil
	}
	ids := make([]string, len(s.Customers))
	for i := range s.Customers {
		ids[i] = s.Customers[i].ID
	}
	return ids
}

// periods returns the baskets of the calibration period and of the
// holdout; ids are customerIDs'.
func (pb *productBaskets) periods(ids []string) (cal, hold *crosssell.Baskets, err error) {
	if !pb.numbered {
		return pb.cal, pb.hold, nil
	}
	nhold := 0
	for _, a := range pb.after {
		if a {
			nhold++
		}
	}
	var bs [2]*crosssell.Baskets
	for k, after := range []bool{false, true} {
		n := len(pb.after) - nhold
		if after {
			n = nhold
		}
		cust, prods := make([]int32, 0, n), make([]int32, 0, n)
		for r, a := range pb.after {
			if a == after {
				cust, prods = append(cust, pb.cust[r]), append(prods, pb.prods[r])
			}
		}
		if bs[k], err = crosssell.NewBaskets(ids, pb.names, cust, prods); err != nil {
			return nil, nil, err
		}
	}
	return bs[0], bs[1], nil
}

// whole returns the baskets of the whole observation; ids are
// customerIDs'. The records' numbers are let go: they are not needed
// after it.
func (pb *productBaskets) whole(ids []string, calibration bool) (*crosssell.Baskets, error) {
	switch {
	case pb.numbered:
		b, err := crosssell.NewBaskets(ids, pb.names, pb.cust, pb.prods)
		pb.cust, pb.prods, pb.after = nil, nil, nil
		return b, err
	case calibration:
		return crosssell.Join(pb.cal, pb.hold), nil
	}
	return pb.cal, nil
}

// crossSell evaluates the suggestions on the holdout (with a calibration
// end), fits them on the whole observation and suggests products to the
// customers whose action is cross-sell.
func (j *job) crossSell(ctx context.Context, res *Result, pb *productBaskets) (*CrossSell, error) {
	k := j.cfg.CrossSellK
	cs := &CrossSell{Column: j.cfg.ProductColumn, K: k, Stats: pb.stats}
	ids := pb.customerIDs(res.Summary)
	if res.Calibration != nil {
		cal, hold, err := pb.periods(ids)
		if err != nil {
			return nil, fmt.Errorf("cross-sell: %w", err)
		}
		m, err := crosssell.Fit(cal, crosssell.Options{})
		if err != nil {
			return nil, fmt.Errorf("cross-sell on the calibration period: %w", err)
		}
		ev, err := crosssell.Evaluate(m, cal, hold, k)
		switch {
		case errors.Is(err, crosssell.ErrNoHoldout):
			// Nothing to check the suggestions on: a note, not a failure.
			j.say("note: no cross-sell holdout check: no customer of the calibration period bought a product new to them in the holdout")
		case err != nil:
			return nil, fmt.Errorf("cross-sell holdout check: %w", err)
		default:
			cs.Evaluation = &ev
			j.say("cross-sell holdout check: %d customers bought %d new products; hit rate@%d %.3f (popularity %.3f), precision@%d %.3f (%.3f), recall@%d %.3f (%.3f)",
				ev.Customers, ev.NewProducts, k, ev.Model.HitRate, ev.Popular.HitRate, k, ev.Model.Precision, ev.Popular.Precision,
				k, ev.Model.Recall, ev.Popular.Recall)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	whole, err := pb.whole(ids, res.Calibration != nil)
	if err != nil {
		return nil, fmt.Errorf("cross-sell: %w", err)
	}
	m, err := crosssell.Fit(whole, crosssell.Options{})
	if err != nil {
		return nil, fmt.Errorf("cross-sell: %w", err)
	}
	cs.Model, cs.Customers, cs.Products, cs.Pairs = m, whole.NumCustomers(), len(whole.Products()), whole.Pairs()
	// Suggest to the customers of the action only. The baskets' customers
	// are the summaries' when they are as many (from numbers, the
	// summaries' order), else they are matched by id.
	var want, at []int // the customers of the action, in the summaries and in the baskets
	for i, k := range res.Tiers.Of {
		if res.Tiers.Kinds[k].Action == CrossSellAction {
			want = append(want, i)
		}
	}
	nwant := len(want)
	if pb.numbered && whole.NumCustomers() == len(res.Summary.Customers) {
		at = want
	} else {
		byID := make(map[string]int, len(want))
		for _, i := range want {
			byID[res.Summary.Customers[i].ID] = i
		}
		want = want[:0]
		for c := range whole.NumCustomers() {
			if i, ok := byID[whole.Customer(c)]; ok {
				want, at = append(want, i), append(at, c)
			}
		}
	}
	sugg, err := m.SuggestFor(whole, at, k) // on all cores, 12 bytes a suggestion
	if err != nil {
		return nil, err
	}
	for n, i := range want {
		cs.Suggested = append(cs.Suggested, Suggested{Customer: i, Products: sugg.For(n)})
	}
	slices.SortFunc(cs.Suggested, func(a, b Suggested) int { return a.Customer - b.Customer })
	j.say("cross-sell: %d customers and %d products; suggestions for %d customers whose action is %s (of %d)",
		cs.Customers, cs.Products, len(cs.Suggested), CrossSellAction, nwant)
	return cs, ctx.Err()
}

// CrossSellColumns returns the columns of cross_sell.csv for k
// suggestions: customer_id, suggested_1 … suggested_k (the products, best
// first), score_1 … score_k (each one's score: the sum of the confidences
// c_ij / n_i from the products i the customer bought; empty for a product
// that fills the list from popularity).
func CrossSellColumns(k int) []string {
	cols := []string{"customer_id"}
	for i := 1; i <= k; i++ {
		cols = append(cols, "suggested_"+strconv.Itoa(i))
	}
	for i := 1; i <= k; i++ {
		cols = append(cols, "score_"+strconv.Itoa(i))
	}
	return cols
}

// WriteCrossSellCSV writes cross_sell.csv (CrossSellColumns): one row per
// customer whose action is cross-sell and who has a product in the log, in
// the order of forecast.csv; a customer with fewer than K products to
// suggest has empty cells at the end. It writes nothing without
// Config.ProductColumn.
func (res *Result) WriteCrossSellCSV(w io.Writer) error {
	x := res.CrossSell
	if x == nil {
		return nil
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CrossSellColumns(x.K)); err != nil {
		return err
	}
	row := make([]string, 1+2*x.K)
	for _, s := range x.Suggested {
		if s.Customer < 0 || s.Customer >= len(res.Summary.Customers) || len(s.Products) > x.K {
			return fmt.Errorf("forecast: cross-sell suggestion for customer %d with %d products: want a customer of the summary and at most %d", s.Customer, len(s.Products), x.K)
		}
		clear(row)
		row[0] = res.Summary.Customers[s.Customer].ID
		for i, p := range s.Products {
			row[1+i] = p.Product
			if !p.Popular {
				row[1+x.K+i] = ff(p.Score)
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// crossSellJSON is model.json's "cross_sell".
func (res *Result) crossSellJSON() map[string]any {
	x := res.CrossSell
	var pairs []crosssell.Pair
	if x.Model != nil {
		pairs = x.Model.Pairs()
	}
	out := map[string]any{"product_column": x.Column, "k": x.K, "customers": x.Customers, "products": x.Products,
		"customer_products": x.Pairs, "records_read": x.Stats.Records, "records_skipped": x.Stats.Skipped,
		"measure": "confidence", "neighbors": crosssell.DefaultNeighbors, "suggested_customers": len(x.Suggested),
		"affinity": nonNil(pairs)}
	if x.Evaluation != nil {
		out["evaluation"] = x.Evaluation
	}
	return out
}

func nonNil(p []crosssell.Pair) []crosssell.Pair {
	if p == nil {
		return []crosssell.Pair{}
	}
	return p
}

// crossSellReport is the data of the report's cross-sell section, nil
// without Config.ProductColumn.
func (res *Result) crossSellReport() map[string]any {
	x := res.CrossSell
	if x == nil {
		return nil
	}
	var pairs []crosssell.Pair
	if x.Model != nil {
		pairs = x.Model.Pairs()
	}
	if len(pairs) > CrossSellPairs {
		pairs = pairs[:CrossSellPairs]
	}
	data := map[string]any{"X": x, "Pairs": pairs, "N": len(x.Suggested), "Ev": x.Evaluation, "CalEnd": ""}
	if ce := res.Config.CalibrationEnd; !ce.IsZero() {
		switch {
		case res.Config.EndOfDay:
			data["CalEnd"] = "the end of " + ce.Format(time.DateOnly)
		case ce.Equal(ce.Truncate(24 * time.Hour)):
			data["CalEnd"] = ce.Format(time.DateOnly)
		default:
			data["CalEnd"] = ce.Format(time.RFC3339)
		}
	}
	return data
}

// crossSellHTML is the report's cross-sell section, a template of page's.
var crossSellHTML = template.Must(page.New("crosssell").Parse(`{{with .}}<h2>Cross-sell</h2>
<p>Products (column {{.X.Column}}): {{.X.Customers}} customers bought {{.X.Products}} distinct products.
Each customer is suggested the {{.X.K}} products j not yet bought with the highest score: the sum of the confidences
P(j | i) = c<sub>ij</sub> / n<sub>i</sub> (c<sub>ij</sub> customers bought both, n<sub>i</sub> bought i) over the products i the customer bought
that have j among their 20 most similar; when fewer products score, the most popular fill the list.
The {{.N}} customers whose action is cross-sell get their suggestions in cross_sell.csv.</p>
{{with .Ev}}<h3>Holdout check of the suggestions</h3>
<p>Fitted on the products bought to {{$.CalEnd}}, checked against the products each customer bought for the first time after it:
{{.Customers}} customers bought {{.NewProducts}} new products.</p>
<table><tr><th>suggestions</th><th>hit rate@{{.K}}</th><th>precision@{{.K}}</th><th>recall@{{.K}}</th></tr>
<tr><td style="text-align:left">by affinity</td><td>{{printf "%.3f" .Model.HitRate}}</td><td>{{printf "%.3f" .Model.Precision}}</td><td>{{printf "%.3f" .Model.Recall}}</td></tr>
<tr><td style="text-align:left">most popular not yet bought</td><td>{{printf "%.3f" .Popular.HitRate}}</td><td>{{printf "%.3f" .Popular.Precision}}</td><td>{{printf "%.3f" .Popular.Recall}}</td></tr></table>
<p>Hit rate: the share of customers who bought at least one suggestion; precision: the share of suggestions bought; recall: the share of new products that were suggested.</p>{{else}}{{if .CalEnd}}<p>No holdout check of the suggestions: no customer of the calibration period (to {{.CalEnd}}) bought a product new to them after it.</p>{{end}}{{end}}
<h3>Products bought together</h3>
{{if .Pairs}}<table><tr><th>product A</th><th>product B</th><th>customers with both</th><th>support</th><th>confidence A→B</th><th>confidence B→A</th><th>lift</th></tr>
{{range .Pairs}}<tr><td style="text-align:left">{{.A}}</td><td style="text-align:left">{{.B}}</td><td>{{.Count}}</td><td>{{printf "%.4f" .Support}}</td><td>{{printf "%.3f" .ConfidenceAB}}</td><td>{{printf "%.3f" .ConfidenceBA}}</td><td>{{printf "%.2f" .Lift}}</td></tr>{{end}}</table>
<p>The pairs of highest lift (how many times more often they are bought together than by chance) among those bought together by at least 10 customers;
support is the share of all customers who bought both.</p>{{else}}<p>No pair of products was bought together by 10 customers or more.</p>{{end}}
{{end}}`))
