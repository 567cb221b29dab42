// Command beam runs clvkit's job on Apache Beam: read transaction files by
// glob, combine each customer's transactions with the mergeable
// clv.CustomerState (any sharding, any merge order), build the histogram
// of distinct (x, t_x, T) rows, fit BG/NBD and gamma-gamma once, broadcast
// the models as a side input, score every customer in parallel, and write
// the forecasts in sharded files and model.json. It is its own Go module, so that importing
// clvkit never pulls Beam in.
//
//	go run . -input '../../testdata/transactions*.csv' -output /tmp/out   # Prism, in process
//	go run . -input 'gs://bucket/logs/*.csv.gz' -runner dataflow ...      # any Beam runner
//
// Our flags and Beam's (-runner, -job_name, ...) are parsed together; the
// columns are -id-column, -date-column and -amount-column (1-based), as
// Beam's worker harness has an -id flag of its own.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/textio"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
)

// Config is the pipeline's settings (the flags).
type Config struct {
	Input, Output string
	// Delim is the field delimiter: "," (default) or "space" (runs of
	// blanks, as in CDNOW's files). Header says each file starts with a
	// header line; ID, Date and Amount are 0-based column numbers.
	Delim               string
	Header              bool
	ID, Date, Amount    int
	End, CalibrationEnd time.Time // End is required: a distributed job cannot wait for the last transaction
	Unit                time.Duration
	Months              int
	Discount, Margin    float64
	// Shards is the number of forecast files (forecast-SSSSS-of-NNNNN.csv);
	// zero means 4.
	Shards int
}

// tx is one parsed transaction.
type tx struct {
	ID     string
	Sec    int64 // Unix seconds (UTC)
	Amount float64
}

// parseFn parses lines into (customer, transaction).
type parseFn struct {
	Delim            string
	Header           bool
	ID, Date, Amount int
	End              int64
}

func (f *parseFn) ProcessElement(line string, emit func(string, tx)) error {
	var fields []string
	if f.Delim == "space" {
		fields = strings.Fields(line)
	} else {
		fields = strings.Split(line, f.Delim)
	}
	if len(strings.TrimSpace(line)) == 0 {
		return nil
	}
	if len(fields) <= max(f.ID, f.Date, f.Amount) {
		return fmt.Errorf("line %q: %d fields", clip(line), len(fields))
	}
	ds := strings.TrimSpace(fields[f.Date])
	var t time.Time
	var err error
	for _, layout := range []string{time.DateOnly, "20060102", time.DateTime, time.RFC3339} {
		if t, err = time.Parse(layout, ds); err == nil {
			break
		}
	}
	if err != nil {
		if f.Header {
			return nil // a header line (each file has one)
		}
		return fmt.Errorf("line %q: date %q", clip(line), clip(ds))
	}
	amt, err := strconv.ParseFloat(strings.TrimSpace(fields[f.Amount]), 64)
	if err != nil || math.IsNaN(amt) || math.IsInf(amt, 0) || amt < 0 {
		return fmt.Errorf("line %q: amount %q", clip(line), clip(fields[f.Amount]))
	}
	if t.Unix() > f.End {
		return nil // after the end of observation
	}
	emit(strings.TrimSpace(fields[f.ID]), tx{ID: strings.TrimSpace(fields[f.ID]), Sec: t.Unix(), Amount: amt})
	return nil
}

func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}

// stateFn combines a customer's transactions into a clv.CustomerState;
// states of any shards merge in any order.
type stateFn struct {
	Opts summaryOpts
}

// summaryOpts are the clv.SummaryOptions the pipeline sets, in a form
// Beam can serialize with its DoFns (clv.SummaryOptions also holds an
// Observer interface, which has no schema).
type summaryOpts struct {
	End, CalibrationEnd time.Time
	Unit                time.Duration
}

func (o summaryOpts) clv() clv.SummaryOptions {
	return clv.SummaryOptions{End: o.End, CalibrationEnd: o.CalibrationEnd, Unit: o.Unit}
}

func (f *stateFn) CreateAccumulator() clv.CustomerState { return clv.CustomerState{} }

func (f *stateFn) AddInput(a clv.CustomerState, t tx) (clv.CustomerState, error) {
	err := a.Add(clv.Transaction{CustomerID: t.ID, Time: time.Unix(t.Sec, 0).UTC(), Amount: t.Amount}, f.Opts.clv())
	return a, err
}

func (f *stateFn) MergeAccumulators(a, b clv.CustomerState) (clv.CustomerState, error) {
	err := a.Merge(&b)
	return a, err
}

// customer is a summarized customer with the holdout record.
type customer struct {
	C clv.Customer
	H clv.Holdout
}

// summaryFn turns each state into the customer's summary.
type summaryFn struct {
	Opts summaryOpts
}

func (f *summaryFn) ProcessElement(id string, st clv.CustomerState, emit func(customer)) error {
	c, h, err := st.Summary(f.Opts.clv())
	if err == clv.ErrHoldoutOnly {
		return nil
	}
	if err != nil {
		return err
	}
	emit(customer{c, h})
	return nil
}

// histFn builds the histogram of the customers (and the spend rows).
type histFn struct{}

type fitData struct {
	Hist  clv.Histogram
	Spend []clv.Customer // customers with repeat purchases: x and m̄
}

func (histFn) CreateAccumulator() fitData { return fitData{} }

func (histFn) AddInput(a fitData, c customer) (fitData, error) {
	if err := a.Hist.Add(clv.Customer{Frequency: c.C.Frequency, Recency: c.C.Recency, T: c.C.T}, 1); err != nil {
		return a, err
	}
	if c.C.Frequency > 0 {
		a.Spend = append(a.Spend, clv.Customer{Frequency: c.C.Frequency, MonetaryValue: c.C.MonetaryValue})
	}
	return a, nil
}

func (histFn) MergeAccumulators(a, b fitData) fitData {
	a.Hist.Merge(&b.Hist)
	a.Spend = append(a.Spend, b.Spend...)
	return a
}

// models is what the fit broadcasts.
type models struct {
	BGNBD      *bgnbd.Model      `json:"bgnbd"`
	GammaGamma *gammagamma.Model `json:"gammagamma"`
}

// fit fits the models once, from the histogram and the spend rows, and
// returns them as JSON (the side input of the scoring and model.json).
func fit(d fitData) (string, error) {
	cs, w := d.Hist.Customers()
	pm, err := bgnbd.Fit(cs, bgnbd.FitOptions{Weights: w})
	if err != nil {
		return "", err
	}
	// The spend fit needs each repeat customer's (x, m̄): sorted, so that
	// the sum does not depend on the merge order.
	spend := d.Spend
	sortSpend(spend)
	sm, err := gammagamma.Fit(spend, gammagamma.FitOptions{SkipNonPositive: true})
	if err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(models{pm, sm}, "", "  ")
	return string(b), err
}

// scoreFn scores each customer with the broadcast models.
type scoreFn struct {
	Months           int
	Discount, Margin float64
	Unit             time.Duration
	m                *models
}

func (f *scoreFn) ProcessElement(c customer, side func(*string) bool, emit func(string)) error {
	if f.m == nil {
		var s string
		side(&s)
		f.m = &models{}
		if err := json.Unmarshal([]byte(s), f.m); err != nil {
			return err
		}
	}
	month := predict.MonthInWeeks
	if f.Unit == 24*time.Hour {
		month = predict.MonthInDays
	}
	pa := f.m.BGNBD.ProbabilityAlive(c.C)
	exp := f.m.BGNBD.ConditionalExpectedPurchases(c.C, float64(f.Months)*month)
	val, err := predict.LifetimeValue(f.m.BGNBD, f.m.GammaGamma, c.C, predict.ValueOptions{Periods: f.Months, PeriodLength: month,
		DiscountRate: f.Discount, Margin: f.Margin})
	if err != nil {
		return err
	}
	emit(fmt.Sprintf("%s,%s,%s,%s,%s,%s,%s,%s", c.C.ID, g(c.C.Frequency), g(c.C.Recency), g(c.C.T), g(c.C.MonetaryValue), g(pa), g(exp), g(val)))
	return nil
}

func g(v float64) string { return strconv.FormatFloat(v, 'g', 17, 64) }

func init() {
	beam.RegisterCoder(reflect.TypeFor[clv.CustomerState](),
		func(s clv.CustomerState) ([]byte, error) { return s.MarshalBinary() },
		func(b []byte) (clv.CustomerState, error) {
			var s clv.CustomerState
			err := s.UnmarshalBinary(b)
			return s, err
		})
	beam.RegisterCoder(reflect.TypeFor[fitData](), encodeFitData, decodeFitData)
	register.DoFn2x1[string, func(string, tx), error](&parseFn{})
	register.Emitter2[string, tx]()
	register.Combiner2[clv.CustomerState, tx](&stateFn{})
	register.DoFn3x1[string, clv.CustomerState, func(customer), error](&summaryFn{})
	register.Emitter1[customer]()
	register.Combiner2[fitData, customer](&histFn{})
	register.Function1x2(fit)
	register.DoFn3x1[customer, func(*string) bool, func(string), error](&scoreFn{})
	register.Iter1[string]()
	register.Emitter1[string]()
}

// build adds the job to the pipeline.
func build(s beam.Scope, cfg Config) {
	opts := summaryOpts{End: cfg.End, CalibrationEnd: cfg.CalibrationEnd, Unit: cfg.Unit}
	lines := textio.Read(s, cfg.Input, textio.ReadAutoCompression())
	txs := beam.ParDo(s, &parseFn{Delim: cfg.Delim, Header: cfg.Header, ID: cfg.ID, Date: cfg.Date, Amount: cfg.Amount, End: cfg.End.Unix()}, lines)
	states := beam.CombinePerKey(s, &stateFn{Opts: opts}, txs)
	customers := beam.ParDo(s, &summaryFn{Opts: opts}, states)
	data := beam.Combine(s, &histFn{}, customers)
	model := beam.ParDo(s, fit, data)
	scored := beam.ParDo(s, &scoreFn{Months: cfg.Months, Discount: cfg.Discount, Margin: cfg.Margin, Unit: cfg.Unit},
		customers, beam.SideInput{Input: model})
	writeSharded(s, cfg.Output, max(cfg.Shards, 1), scored)
	textio.Write(s, filepath.Join(cfg.Output, "model.json"), model)
}

// runPipeline builds and executes the pipeline with the runner of execute.
func runPipeline(ctx context.Context, cfg Config, execute func(context.Context, *beam.Pipeline) error) error {
	if cfg.End.IsZero() {
		return fmt.Errorf("the end of observation is required")
	}
	if cfg.Shards == 0 {
		cfg.Shards = 4
	}
	p, s := beam.NewPipelineWithRoot()
	build(s, cfg)
	return execute(ctx, p)
}
