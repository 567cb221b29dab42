package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/crosssell"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/cli"
)

// Config holds the command's settings; the flags set it.
type Config struct {
	In, ID, Date, Amount, Delim, Layout  string
	NoHeader, SkipInvalid, AllowNegative bool
	Unit, End, CalibrationEnd            string
	Periods, Window                      int
	Discount, Margin, Penalizer          float64
	Interval                             float64
	IntervalDraws                        int
	AnswerIntervals                      bool
	IntervalMethod                       string
	FitBudget                            time.Duration
	Out                                  string
	Model                                string
	DecimalComma, PeriodsByCustomer      bool
	Summaries                            bool
	Covariates                           string
	DynamicCovariates                    string // file of time-varying covariates; "" for none
	ProductColumn                        string
	CrossSellK                           int
	Campaign                             campaignFlags
	State                                string            // directory of the incremental state; "" for none
	set                                  map[string]string // the flags given, with their values
	stdin                                io.Reader         // the input of -in -; nil means os.Stdin
}

func defaultConfig() Config {
	return Config{In: cli.ModuleFile("testdata/transactions.csv"), ID: "customer_id", Date: "date", Amount: "amount",
		Delim: ",", Unit: "week", Periods: 12, CrossSellK: forecast.DefaultCrossSellK,
		Campaign: campaignFlags{Window: forecast.DefaultCampaignWindow}, Window: forecast.DefaultWindow, Discount: 0.01, Margin: 1, Out: "out", Model: "auto"}
}

// run is the command: it parses args, runs the job and writes the files;
// progress goes to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	c := defaultConfig()
	fs := flag.NewFlagSet("forecast", flag.ContinueOnError)
	c.register(fs)
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	memprofile := fs.String("memprofile", "", "write a memory profile to this file at the end of the run: the allocations of the whole run (go tool pprof -sample_index=alloc_space) and what is still in use")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: forecast [flags] [input.csv]\n\nThe input is -in's file or the one argument.\n\n")
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	var err error
	if c.In, err = cli.Input(fs, "in"); err != nil {
		return err
	}
	inSet := fs.NArg() > 0
	fs.Visit(func(f *flag.Flag) { inSet = inSet || f.Name == "in" })
	if !inSet && !filepath.IsAbs(c.In) {
		// No module above the working directory: the example log is not
		// there to be the default.
		if _, err := os.Stat(c.In); err != nil {
			return cli.Usagef("no input: give the transaction log with -in FILE or as the argument (the example log, %s, is the default only inside clvkit's repository)", c.In)
		}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			return fmt.Errorf("-cpuprofile: %w", err)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	c.set = map[string]string{}
	fs.Visit(func(f *flag.Flag) { c.set[f.Name] = f.Value.String() })
	var memf *os.File // created before the run, so that a bad path fails fast
	if *memprofile != "" {
		if memf, err = os.Create(*memprofile); err != nil {
			return fmt.Errorf("-memprofile: %w", err)
		}
	}
	err = Run(c, stderr)
	if memf != nil {
		if perr := writeMemProfile(memf); perr != nil && err == nil {
			err = perr
		}
	}
	return err
}

// writeMemProfile writes the allocation profile of the run so far to f and
// closes it (pprof's "allocs": every sampled allocation and what of it is
// still in use after a garbage collection).
func writeMemProfile(f *os.File) error {
	runtime.GC() // the in-use figures as of the end of the run
	err := pprof.Lookup("allocs").WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("-memprofile: %w", err)
	}
	return nil
}

// register defines the flags on fs, writing into c.
func (c *Config) register(fs *flag.FlagSet) {
	fs.StringVar(&c.In, "in", c.In, `transaction CSV file, or "-" for standard input (or give it as the argument)`)
	fs.StringVar(&c.ID, "id", c.ID, "customer id column: header name or 1-based number")
	fs.StringVar(&c.Date, "date", c.Date, "date column: header name or 1-based number")
	fs.StringVar(&c.Amount, "amount", c.Amount, `amount column: header name or 1-based number; "" for a log without amounts (purchases only: no spend model, no CLV; value tiers by expected purchases)`)
	fs.StringVar(&c.Delim, "delim", c.Delim, `field delimiter: ",", ";", "tab" or "space" (runs of blanks)`)
	fs.StringVar(&c.Layout, "layout", c.Layout, "date layout (Go reference time); empty tries ISO, YYYYMMDD, ISO date-time, RFC 3339")
	fs.BoolVar(&c.NoHeader, "no-header", c.NoHeader, "the file has no header line")
	fs.BoolVar(&c.SkipInvalid, "skip-invalid", c.SkipInvalid, "skip and count unusable rows instead of stopping")
	fs.BoolVar(&c.AllowNegative, "allow-negative", c.AllowNegative, "accept negative amounts (returns)")
	fs.StringVar(&c.Unit, "unit", c.Unit, `time unit of the models: "day" or "week"`)
	fs.StringVar(&c.End, "end", c.End, "end of observation, YYYY-MM-DD, the whole day included (default: the time of the last transaction)")
	fs.StringVar(&c.CalibrationEnd, "calibration-end", c.CalibrationEnd, "end of calibration, YYYY-MM-DD: fit up to it, evaluate on the rest")
	fs.IntVar(&c.Periods, "horizon", c.Periods, fmt.Sprintf("forecast horizon in months, 1 to %d", forecast.MaxMonths))
	fs.Float64Var(&c.Discount, "discount", c.Discount, "discount rate per month")
	fs.IntVar(&c.Window, "window", c.Window, fmt.Sprintf("window in days of each customer's purchase and churn probabilities (p_purchase_window, p_churn_window), 1 to %d", forecast.MaxWindow))
	fs.Float64Var(&c.Margin, "margin", c.Margin, "profit margin in (0, 1]")
	fs.BoolVar(&c.Summaries, "summaries", c.Summaries, "the input holds per-customer summaries (customer_id, frequency, recency, T, monetary_value), e.g. from SQL; needs -end")
	fs.BoolVar(&c.PeriodsByCustomer, "periods-by-customer", c.PeriodsByCustomer, "also write each customer's expected purchases per month (periods_by_customer.csv)")
	fs.Float64Var(&c.Interval, "interval", c.Interval, "level of confidence intervals (e.g. 0.9) on P(alive), expected purchases, CLV, totals and months, from draws of the parameters; 0: none")
	fs.BoolVar(&c.AnswerIntervals, "answer-intervals", c.AnswerIntervals, "with -interval, also the intervals of the answer columns (discounted_purchases_low … model_days_between_orders_high; once to twice the intervals' time again)")
	fs.StringVar(&c.IntervalMethod, "interval-method", c.IntervalMethod, "with -interval, how the parameter draws are made: auto (the normal approximation, or near a limit of the model that the data do not reject, half the draws from its limit model and the union of the intervals), normal, or mixture")
	fs.IntVar(&c.IntervalDraws, "interval-draws", c.IntervalDraws, fmt.Sprintf("number of parameter draws the intervals come from, with -interval, up to %d (0: %d)", maxIntervalDraws, forecast.DefaultIntervalDraws))
	fs.Float64Var(&c.Penalizer, "penalizer", c.Penalizer, "L2 penalty of the fits, as the lifetimes package's penalizer_coef (see the models' FitOptions.Penalizer): it shrinks the estimates, but data that do not determine a model's parameters still fail; 0: none")
	fs.BoolVar(&c.DecimalComma, "decimal-comma", c.DecimalComma, `amounts with a decimal comma ("12,50 €", "1.234,50", "1 234,50"); use with -delim ";"`)
	fs.DurationVar(&c.FitBudget, "fit-budget", c.FitBudget, fmt.Sprintf("time each model fit may take (e.g. 30s); a model out of it is left out of auto, saying so (0: %v)", forecast.DefaultFitBudget))
	fs.StringVar(&c.Out, "out", c.Out, "output directory")
	fs.StringVar(&c.Model, "model", c.Model, `purchase model: "auto" (fit BG/NBD, MBG/NBD, Pareto/NBD, and the GGompertz/NBD unless the score test at an interior Pareto/NBD fit finds it at its Pareto/NBD limit; choose by holdout MAE, else BIC; with -interval only among models with parameter draws), "bgnbd", "mbgnbd", "paretonbd" or "ggompertz"; with -covariates also "bgnbd-cov", "mbgnbd-cov", "paretonbd-cov", "ggompertz-cov", which auto then compares too; with -dynamic-covariates also "paretonbd-dyn"`)
	fs.StringVar(&c.ProductColumn, "product-column", c.ProductColumn, "product (or category) column, header name or 1-based number: also suggests products to the customers whose action is cross-sell (cross_sell.csv), checks the suggestions on the holdout with -calibration-end, and adds products bought together to the report; empty: none")
	fs.IntVar(&c.CrossSellK, "cross-sell-k", c.CrossSellK, fmt.Sprintf("number of products suggested per customer with -product-column, 1 to %d", crosssell.MaxK))
	fs.StringVar(&c.State, "state", c.State, "directory of the state of incremental runs ("+stateFile+"): the first run reads the whole log and writes the state; "+
		"each later run reads only the new transactions given (all after the state's last one), merges them, refits (on the merged summaries, as a full run would) and rescores; "+
		"the outputs have no cohorts or tracking plot")
	fs.StringVar(&c.DynamicCovariates, "dynamic-covariates", c.DynamicCovariates, "CSV of time-varying covariates (header; rows of the customer id like -id, else the first column, or * for every customer; the date like -date, else the second column; numeric columns, from the date on, an empty value of a customer's row taking the * rows'): "+
		"the Pareto/NBD model with them, -model "+forecast.DynamicModelName+", which auto then compares too; it forecasts each customer along the customer's covariates, the last values carried forward after the file's last row; its effects in the report and model.json; not with -summaries, -state or -covariates")
	c.Campaign.register(fs)
	fs.StringVar(&c.Covariates, "covariates", c.Covariates, "CSV of static covariates per customer (header; the id column named like -id, else the first; numeric or categorical columns, categorical as indicators against the most frequent level): fits the models with covariates and reports the effects")
}

// maxIntervalDraws bounds -interval-draws, below the library's
// interval.MaxDraws: each draw costs a pass over the customers and memory
// (about 40 KB a draw on CDNOW).
const maxIntervalDraws = 10_000

// flagOf maps the fields of forecast.Config to the flags that set them,
// so that the job's *forecast.ConfigError names the flag.
var flagOf = map[string]string{
	"Unit": "unit", "Model": "model", "Months": "horizon", "Window": "window", "Discount": "discount", "Interval": "interval",
	"IntervalDraws": "interval-draws", "IntervalMethod": "interval-method", "AnswerIntervals": "answer-intervals", "Penalizer": "penalizer", "Margin": "margin", "End": "end",
	"CalibrationEnd": "calibration-end", "Summaries": "summaries", "CSV.Amount": "amount", "FitBudget": "fit-budget",
	"CSV.DecimalComma": "decimal-comma", "CSV.Delimiter": "delim", "Covariates": "covariates", "DynamicCovariates": "dynamic-covariates",
	"ProductColumn": "product-column", "CrossSellK": "cross-sell-k",
	"Campaign.Date": "campaign-date", "Campaign.Contacted": "campaign-contacted", "Campaign.Window": "campaign-window",
	"Campaign.CostPerContact": "campaign-cost",
}

// flagError restates a *forecast.ConfigError in flags: the flag's name and
// its value as given.
func (c Config) flagError(ce *forecast.ConfigError) error {
	name := func(field string) string {
		if f, ok := flagOf[field]; ok {
			return "-" + f
		}
		return field
	}
	ce2 := *ce
	if f, ok := flagOf[ce.Field]; ok && ce.Value != "" {
		if v, set := c.set[f]; set {
			ce2.Value = v
		}
	}
	return cli.Usagef("%s", ce2.Explain(name))
}

// options turns the flags into the library's configuration. It parses what
// the flags give as text and checks what forecast.Config does not bound
// (-interval-draws' own limit); every other check is the job's, whose
// *forecast.ConfigError flagError restates in flags.
func (c Config) options() (forecast.Config, error) {
	var fc forecast.Config
	switch c.Unit {
	case "day":
		fc.Unit = 24 * time.Hour
	case "week":
		fc.Unit = 7 * 24 * time.Hour
	default:
		return fc, cli.Usagef("-unit %q: want day or week", c.Unit)
	}
	// The library's bound is higher: say the command's own range, to
	// draws too few as well.
	if c.IntervalDraws > maxIntervalDraws || c.Interval != 0 && c.IntervalDraws != 0 && c.IntervalDraws < 2 {
		return fc, cli.Usagef("-interval-draws %d: want 2 to %d (time and memory grow with the draws: on CDNOW's 23,570 customers, "+
			"200 draws take 4 s and 84 MB, 2,000 take 19 s and 156 MB)", c.IntervalDraws, maxIntervalDraws)
	}
	fc.CSV = csvio.Options{ID: c.ID, Time: c.Date, Amount: c.Amount, NoHeader: c.NoHeader, SkipInvalid: c.SkipInvalid,
		DecimalComma: c.DecimalComma}
	switch c.Delim {
	case "tab", `\t`:
		fc.CSV.Delimiter = '\t'
	case "space", " ":
		fc.CSV.Delimiter = ' '
	default:
		if len(c.Delim) != 1 {
			return fc, cli.Usagef("-delim %q: want one character, tab or space", c.Delim)
		}
		fc.CSV.Delimiter = rune(c.Delim[0])
	}
	if c.Layout != "" {
		if err := checkLayout(c.Layout); err != nil { // layout.go
			return fc, err
		}
		fc.CSV.Layouts = []string{c.Layout}
	}
	var err error
	if fc.End, err = parseDay(c.End); err != nil {
		return fc, cli.Usagef("-end %q: want a date, YYYY-MM-DD", c.End)
	}
	if fc.CalibrationEnd, err = parseDay(c.CalibrationEnd); err != nil {
		return fc, cli.Usagef("-calibration-end %q: want a date, YYYY-MM-DD", c.CalibrationEnd)
	}
	fc.Name, fc.AllowNegative, fc.Model = c.In, c.AllowNegative, c.Model
	fc.EndOfDay = true // -end and -calibration-end are dates: their whole day counts
	fc.NoAmounts = c.Amount == ""
	fc.Months, fc.Discount, fc.Margin, fc.Penalizer = c.Periods, c.Discount, c.Margin, c.Penalizer
	// The Config reads a zero horizon or margin as its default; a flag
	// given as 0 is passed as -1 instead, which the Config refuses with
	// the range it accepts (flagError then shows the 0 given).
	if c.Periods == 0 {
		fc.Months = -1
	}
	if c.Margin == 0 {
		fc.Margin = -1
	}
	if fc.Window = c.Window; c.Window == 0 {
		fc.Window = -1
	}
	fc.PeriodsByCustomer, fc.Summaries = c.PeriodsByCustomer, c.Summaries
	fc.Interval, fc.IntervalDraws, fc.AnswerIntervals = c.Interval, c.IntervalDraws, c.AnswerIntervals
	fc.FitBudget = c.FitBudget
	if fc.IntervalMethod, err = interval.ParseMethod(c.IntervalMethod); err != nil {
		return fc, cli.Usagef("-interval-method %q: want auto, normal or mixture", c.IntervalMethod)
	}
	if fc.ProductColumn = c.ProductColumn; c.ProductColumn != "" {
		// The Config reads a zero k as its default: a flag given as 0 is
		// passed as -1, which it refuses (flagError shows the 0).
		if fc.CrossSellK = c.CrossSellK; c.CrossSellK == 0 {
			fc.CrossSellK = -1
		}
	} else if _, set := c.set["cross-sell-k"]; set {
		// Refused: suggestions need products (a 0 passed as -1, which
		// the Config does not read as its default).
		if fc.CrossSellK = c.CrossSellK; c.CrossSellK == 0 {
			fc.CrossSellK = -1
		}
	}
	if fc.Campaign, err = c.campaignOptions(); err != nil {
		return fc, err
	}
	return fc, nil
}

// Run executes the job, writing progress to progress.
func Run(c Config, progress io.Writer) error {
	fc, err := c.options()
	if err != nil {
		return err
	}
	fc.Progress = progress
	if c.Summaries {
		// The summaries' columns are read by their names: a column flag
		// would be ignored.
		for _, f := range []string{"id", "date", "amount"} {
			if v, set := c.set[f]; set && (f != "amount" || v != "") {
				return cli.Usagef("-%s %s: want none with -summaries (its columns are read by name: %s; rename the header's)", f, v, strings.Join(csvio.SummaryColumns, ", "))
			}
		}
	}
	if c.DynamicCovariates != "" && (c.Summaries || c.State != "") {
		return cli.Usagef("-dynamic-covariates: want a transaction log (its purchase times), without -summaries or -state")
	}
	var in io.Reader
	if fi, err := os.Stat(c.Out); err == nil && !fi.IsDir() {
		// Said before the run, not after its fits.
		return fmt.Errorf("-out %s: not a directory: give a directory for the outputs (created if missing)", c.Out)
	}
	if c.In == "-" {
		fc.Name = "standard input"
		in = c.stdin
		if in == nil {
			in = os.Stdin
		}
	} else {
		f, err := os.Open(c.In)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	if sk, ok := in.(io.Seeker); ok {
		if _, err := sk.Seek(0, io.SeekCurrent); err != nil {
			in = struct{ io.Reader }{in} // a pipe: it cannot be read twice
		}
	}
	if c.Covariates != "" {
		f, err := os.Open(c.Covariates)
		if err != nil {
			return fmt.Errorf("-covariates: %w", err)
		}
		defer f.Close()
		fc.Covariates, fc.CovariatesName = f, c.Covariates
	}
	if c.DynamicCovariates != "" {
		f, err := os.Open(c.DynamicCovariates)
		if err != nil {
			return fmt.Errorf("-dynamic-covariates: %w", err)
		}
		defer f.Close()
		fc.DynamicCovariates, fc.DynamicCovariatesName = f, c.DynamicCovariates
	}
	if fc.Campaign != nil {
		closeIDs, err := openCampaign(fc.Campaign, c.Campaign)
		if err != nil {
			return err
		}
		defer closeIDs()
	}
	var res *forecast.Result
	var st *forecast.State
	if c.State != "" {
		if st, err = loadState(c.State); err != nil {
			return err
		}
		res, err = forecast.RunIncremental(context.Background(), st, in, fc)
	} else {
		res, err = forecast.Run(context.Background(), in, fc)
	}
	if nm := (*forecast.NoModelError)(nil); errors.As(err, &nm) {
		// No forecast, but model.json says why, as it does for the
		// candidates left out of a comparison.
		if werr := writeNoModel(c.Out, nm); werr != nil {
			return errors.Join(c.explain(fc.Name, err), werr)
		}
		fmt.Fprintf(progress, "wrote model.json (every candidate's reason, no model) to %s\n", c.Out)
		// An earlier run's forecast beside it would be read as this run's.
		removed, rerr := removeStale(c.Out, []string{"model.json"})
		if len(removed) > 0 {
			fmt.Fprintf(progress, "removed %v from %s: an earlier run wrote them, this one does not\n", removed, c.Out)
		}
		if rerr != nil {
			return errors.Join(c.explain(fc.Name, err), rerr)
		}
	}
	if err != nil {
		return c.explain(fc.Name, err)
	}
	// What the job computed and no longer needs is collected before the
	// outputs are written, so that their buffers (forecast.csv's rows,
	// the plots) reuse its memory instead of adding to the peak: on 10⁶
	// customers one collection (~0.03 CPU-s) keeps the peak about 50 MB lower.
	runtime.GC()
	files, err := res.WriteFiles(c.Out)
	if err != nil {
		return err
	}
	fmt.Fprintf(progress, "wrote %v to %s\n", files, c.Out)
	removed, err := removeStale(c.Out, files)
	if len(removed) > 0 {
		fmt.Fprintf(progress, "removed %v from %s: an earlier run wrote them, this one does not\n", removed, c.Out)
	}
	if err != nil {
		return err
	}
	if st != nil {
		if err := saveState(c.State, st); err != nil {
			return err
		}
		fmt.Fprintf(progress, "saved the state of %d customers, %d transactions to %s, in %s\n",
			st.Customers(), st.Records, st.Last.Format(time.DateTime), filepath.Join(c.State, stateFile))
	}
	return nil
}

// writeNoModel writes nm's model.json into dir (created if needed).
func writeNoModel(dir string, nm *forecast.NoModelError) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "model.json"))
	if err != nil {
		return err
	}
	if err := nm.WriteModelJSON(f); err != nil {
		f.Close()
		return fmt.Errorf("model.json: %w", err)
	}
	return f.Close()
}

// outputNames are the files a run of the job may write into -out: the
// tables, model.json, the report and its plots, and -dynamic-covariates'
// files.
var outputNames = []string{
	"forecast.csv", "model.json", "segments.csv", "periods.csv", "cohorts.csv", "kpis.csv", "periods_by_customer.csv",
	"cross_sell.csv", "profiles.csv", "campaign.csv", "holdout.csv", "report.html",
	"frequency.png", "holdout.png", "tracking.png", "p_alive.png", "expected_purchases.png", "clv.png", "segments.png",
	"next_order.png", "cohorts.png", "kpis.png", "revenue.png",
	forecast.DynamicModelName + ".json", forecast.DynamicModelName + "_customers.csv",
}

// removeStale removes from dir the job's outputs (outputNames) that this
// run did not write (written): an earlier run with other flags, or the
// first run of -state, left them, and beside this run's files they would
// be read as this run's. It returns the names removed.
func removeStale(dir string, written []string) ([]string, error) {
	var removed []string
	for _, name := range outputNames {
		if slices.Contains(written, name) {
			continue
		}
		err := os.Remove(filepath.Join(dir, name))
		switch {
		case err == nil:
			removed = append(removed, name)
		case !errors.Is(err, fs.ErrNotExist):
			return removed, fmt.Errorf("removing the output of an earlier run: %w", err)
		}
	}
	return removed, nil
}

// stateFile is the file of the incremental state in -state's directory.
const stateFile = "state.clvkit"

// loadState reads the state in dir, or returns an empty one when there is
// none yet (the first run).
func loadState(dir string) (*forecast.State, error) {
	f, err := os.Open(filepath.Join(dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return &forecast.State{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("-state: %w", err)
	}
	defer f.Close()
	st, err := forecast.LoadState(f)
	if err != nil {
		return nil, explained{"-state " + f.Name() + ": " + inFlags(err.Error()), err}
	}
	return st, nil
}

// saveState writes st into dir, replacing the previous state only once
// the new one is whole on disk (a temporary file renamed over it).
func saveState(dir string, st *forecast.State) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("-state: %w", err)
	}
	f, err := os.CreateTemp(dir, stateFile+".*")
	if err != nil {
		return fmt.Errorf("-state: %w", err)
	}
	defer os.Remove(f.Name()) // after the rename, nothing to remove
	if err := st.Save(f); err != nil {
		f.Close()
		return fmt.Errorf("-state: writing %s: %w", f.Name(), err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("-state: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("-state: %w", err)
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, stateFile)); err != nil {
		return fmt.Errorf("-state: %w", err)
	}
	return nil
}

// explain restates the job's error in flags, with what to do about it.
func (c Config) explain(name string, err error) error {
	var (
		ce *forecast.ConfigError
		ae *clv.AfterEndError
		pe *clv.ParseError
		oe *forecast.AmountOutliersError
	)
	switch {
	case errors.As(err, &ce):
		return c.flagError(ce)
	case errors.As(err, &oe):
		// The spend model failed on a log the progress already noted
		// amounts far outside the bulk of: they, not the model, are
		// the first suspects. (-skip-invalid does not skip them: they
		// are numbers.)
		at := ""
		if oe.Outliers.WorstLine > 0 {
			at = fmt.Sprintf(", the largest on line %d", oe.Outliers.WorstLine)
		}
		return explained{name + ": " + inFlags(err.Error()) + fmt.Sprintf("\n(check the %d amounts far outside the log's bulk%s: "+
			"fix or remove typos and test orders, leave out wholesale buyers; or forecast purchases only, without the spend model: -amount \"\")",
			oe.Outliers.Count, at), err}
	case errors.Is(err, clv.ErrNotIdentified) && c.Penalizer > 0 && strings.Contains(err.Error(), "limit of the model"):
		// Without the penalty the fit reaches a limit of its model, which
		// the job uses; the penalty holds it short of there.
		return fmt.Errorf("%s: %w\n(without -penalizer the fit ends at that limit of the model and the job uses it: run without -penalizer)", name, err)
	case errors.Is(err, clv.ErrNotIdentified) && strings.Contains(err.Error(), "every customer has T = 0") && c.CalibrationEnd != "":
		return fmt.Errorf("%s: %w\n(every customer's first purchase is on -calibration-end %s: give a later -calibration-end, "+
			"so that the calibration period holds repeat purchases and time to make them)", name, err, c.CalibrationEnd)
	case errors.Is(err, clv.ErrNotIdentified) && strings.Contains(err.Error(), "every customer has T = 0"):
		return fmt.Errorf("%s: %w\n(every customer's first purchase is on the observation end: give a later -end, "+
			"or a log whose customers were first seen before it)", name, err)
	case errors.Is(err, clv.ErrNotIdentified) && strings.Contains(err.Error(), "gammagamma:"):
		return fmt.Errorf("%s: %w\n(the spend model: the customers' mean spends do not differ beyond what the spread of single "+
			"purchases explains, or too few customers bought twice; check the amounts, e.g. for a single price everyone pays)", name, err)
	case errors.Is(err, clv.ErrNotIdentified):
		// A penalizer would not help: it keeps the estimates finite, but
		// the fits are judged on the likelihood without it.
		return fmt.Errorf("%s: %w\n(the data do not determine the models' parameters: "+
			"they need more customers, a longer observation, or visible dropout and repeat purchases)", name, err)
	case errors.As(err, &ae) && errors.As(err, &pe):
		end := ae.End.Format(time.DateOnly)
		return explained{fmt.Sprintf("%s: line %d: a purchase at %s is after -end %s, which includes all of %s, to midnight: "+
			"give a later -end (-end %s includes this purchase), or leave -end out to observe to the last purchase",
			name, pe.Line, clock(ae.Time), end, end, ae.Time.Format(time.DateOnly)), err}
	case errors.Is(err, clv.ErrOutOfOrder):
		return fmt.Errorf("%s: %w\n(a log read once must have each customer's purchases in time order: sort it by date first, "+
			"e.g. with the date in column 2: (head -n 1 log.csv; tail -n +2 log.csv | sort -t, -k2,2) > sorted.csv; "+
			"or give the file itself, with -in or as the argument, and it is read a second time to sort it)", name, err)
	case errors.Is(err, forecast.ErrFitBudget):
		return fmt.Errorf("%s: %w\n(-fit-budget gives each fit more time; a fit of 10⁶ customers takes about a second)", name, err)
	case errors.Is(err, forecast.ErrNoIntervals):
		return fmt.Errorf("%s: %w\n(run without -interval; if it is the purchase model that is at a boundary, another -model may have intervals)", name, err)
	case errors.Is(err, clv.ErrInvalidCovariates) && c.Covariates != "":
		// The covariates file is at fault, not the log: name it first.
		msg := inFlags(err.Error())
		if strings.Contains(msg, "a header with the customer id and at least one covariate column, got") {
			// One field: most likely another delimiter than the log's.
			msg += fmt.Sprintf("\n(the file is read with the log's delimiter, -delim %q: write it with that one)", c.Delim)
		}
		if rest, ok := strings.CutPrefix(msg, clv.ErrInvalidCovariates.Error()+": "+c.Covariates+": "); ok {
			return explained{"-covariates " + c.Covariates + ": " + rest, err}
		}
		return explained{"-covariates " + c.Covariates + ": " + msg, err}
	case errors.Is(err, clv.ErrInvalidCovariates) && c.DynamicCovariates != "":
		// The time-varying covariates' file is at fault, not the log.
		msg := inFlags(err.Error())
		if _, rest, ok := strings.Cut(msg, c.DynamicCovariates+": "); ok {
			msg = rest
		}
		hint := ""
		if strings.Contains(msg, "has no covariates at the first purchase") {
			hint = "\n(the file must cover each customer from the first purchase: put the rows of the past before those of the future, or -skip-invalid carries a customer's earliest values back)"
		}
		return explained{"-dynamic-covariates " + c.DynamicCovariates + ": " + msg + hint, err}
	case errors.Is(err, crosssell.ErrMissingProduct):
		return explained{name + ": " + inFlags(err.Error()) + "\n(fill in the product, or -skip-invalid leaves such lines out of the suggestions only: " +
			"the summaries still count them)", err}
	case errors.Is(err, clv.ErrBadAmount) && !c.DecimalComma && commaThousands.MatchString(err.Error()):
		return explained{name + ": " + inFlags(err.Error()) + "\n(amounts with commas between thousands, such as 1,234.50, are not read: " +
			"export the column without the thousands separator; -decimal-comma is for 1.234,50)", err}
	case (errors.Is(err, clv.ErrBadTime) || errors.Is(err, clv.ErrBadAmount)) && c.NoHeader && strings.Contains(err.Error(), "line 1, "):
		return explained{name + ": " + inFlags(err.Error()) + "\n(line 1 looks like a header: without -no-header it is read as one, " +
			"and -id, -date and -amount may name its columns)", err}
	case errors.Is(err, clv.ErrBadTime) && c.Layout == "":
		return explained{name + ": " + inFlags(err.Error()) + "\n(dates written otherwise: -layout, in Go's reference time" + layoutHint(err.Error()) + ")", err}
	case errors.Is(err, clv.ErrUnknownColumn) && c.Delim != ";" && oneFieldWithSemicolon.MatchString(err.Error()):
		return explained{name + ": " + inFlags(err.Error()) + "\n(the header is one field holding ';': -delim ';')", err}
	case errors.Is(err, clv.ErrUnknownColumn) && c.Summaries:
		return explained{name + ": " + inFlags(err.Error()) + "\n(-summaries reads the columns by name, " + strings.Join(csvio.SummaryColumns, ", ") +
			" (monetary_value optional): rename the header's, e.g. ID,x,t_x,T,zbar to customer_id,frequency,recency,T,monetary_value)", err}
	case errors.Is(err, clv.ErrUnknownColumn) && c.set["amount"] == "" && strings.Contains(inFlags(err.Error()), "-amount column"):
		return explained{name + ": " + inFlags(err.Error()) + "\n(-amount names the amount column; a log without amounts: -amount \"\")", err}
	case errors.Is(err, clv.ErrUnknownColumn) && c.Delim != "," && oneFieldWithComma.MatchString(err.Error()):
		hint := "-delim ','"
		if _, set := c.set["delim"]; set {
			hint += "; or leave -delim out"
		}
		return explained{name + ": " + inFlags(err.Error()) + "\n(the header is one field holding ',': " + hint + ")", err}
	case errors.Is(err, clv.ErrUnknownColumn) && unknownIDOrDate.MatchString(inFlags(err.Error())):
		return explained{name + ": " + inFlags(err.Error()) + "\n(-id, -date and -amount name the log's columns: a name of its header, " +
			"quoted if it has spaces, e.g. -id \"Customer ID\", or a 1-based number; -no-header for a file without a header)", err}
	case errors.Is(err, clv.ErrNoCustomers) && strings.Contains(err.Error(), "whose monetary value is ≤ 0"):
		return explained{name + ": " + inFlags(err.Error()) + "\n(the spend model needs amounts > 0: check that -amount names the amount column " +
			"(with -summaries, monetary_value); for purchases only, without amounts: -amount \"\")", err}
	case errors.Is(err, clv.ErrBadAmount) && !c.DecimalComma && commaAmount.MatchString(err.Error()):
		return explained{name + ": " + inFlags(err.Error()) + "\n(amounts with a decimal comma, such as 12,50 or 1 234,50: -decimal-comma)", err}
	}
	return explained{name + ": " + inFlags(err.Error()), err}
}

var (
	// commaThousands matches an amount such as "1,234.50" in an error.
	commaThousands = regexp.MustCompile(`unparseable amount "[^"]*[0-9],[0-9]{3}[.,]`)
	// oneFieldWithComma matches a header of one field holding ','.
	oneFieldWithComma = regexp.MustCompile(`is not in the header \["[^"]*,[^"]*"\]$`)
	// oneFieldWithSemicolon matches a header of one field holding ';'.
	oneFieldWithSemicolon = regexp.MustCompile(`is not in the header \["[^"]*;[^"]*"\]$`)
	// commaAmount matches an amount with a comma in an error (not the
	// comma of "line 2, column 3").
	commaAmount = regexp.MustCompile(`unparseable amount "[^"]*,`)
	// unknownIDOrDate matches a missing -id or -date column in an error.
	unknownIDOrDate = regexp.MustCompile(`-(id|date) column "[^"]*" is not in the header`)
	// badDate finds the date of an "unparseable date" error.
	badDate = regexp.MustCompile(`unparseable date "([^"]*)"`)
)

// layoutHint returns the -layout for the date quoted in msg, for the
// layouts shops' exports use most ("; for 31.12.2024, -layout
// 02.01.2006"), or "".
func layoutHint(msg string) string {
	m := badDate.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	for _, l := range [...]struct{ re, layout string }{
		{`^[0-9]{2}\.[0-9]{2}\.[0-9]{4}$`, "02.01.2006"},
		{`^[0-9]{2}\.[0-9]{2}\.[0-9]{4} [0-9]{2}:[0-9]{2}$`, `"02.01.2006 15:04"`},
		{`^[0-9]{2}\.[0-9]{2}\.[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}$`, `"02.01.2006 15:04:05"`},
		{`^[0-9]{2}/[0-9]{2}/[0-9]{4}$`, "01/02/2006 if the month comes first, -layout 02/01/2006 if the day does"},
		{`^[0-9]{4}/[0-9]{2}/[0-9]{2}$`, "2006/01/02"},
	} {
		if regexp.MustCompile(l.re).MatchString(m[1]) {
			return "; for " + m[1] + ", -layout " + l.layout
		}
	}
	return ""
}

// libraryTerms are phrases of the library's errors and what they are in
// the command's terms: its flags, customers by id rather than by index.
var libraryTerms = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\(set AllowNegative to accept returns\)`), "(-allow-negative accepts returns)"},
	{regexp.MustCompile(`\bwith SkipInvalid\b`), "with -skip-invalid"},
	{regexp.MustCompile(`\bcustomers\[\d+\] \(("(?:[^"\\]|\\.)*")\)`), "customer $1"},
	{regexp.MustCompile(`\bID column\b`), "-id column"},
	{regexp.MustCompile(`\bTime column\b`), "-date column"},
	{regexp.MustCompile(`\bAmount column\b`), "-amount column"},
	{regexp.MustCompile(`\bCalibrationEnd\b`), "-calibration-end"},
	{regexp.MustCompile(`\bproduct column ("(?:[^"\\]|\\.)*"): `), "-product-column $1: "},
}

// inFlags restates a library error message in the command's terms,
// without the library's package prefix (the command names itself).
func inFlags(msg string) string {
	msg = strings.TrimPrefix(msg, "forecast: ")
	for _, t := range libraryTerms {
		msg = t.re.ReplaceAllString(msg, t.with)
	}
	return msg
}

// explained is an error said again in the command's terms.
type explained struct {
	msg string
	err error
}

func (e explained) Error() string { return e.msg }
func (e explained) Unwrap() error { return e.err }

// clock formats t as a date, with the time of day if it is not midnight.
func clock(t time.Time) string {
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.DateTime)
}

func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, s)
}
