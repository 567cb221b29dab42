package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
	"github.com/clvkit/clvkit/internal/cli"
	"github.com/jackc/pgx/v5"
)

// Config holds the command's settings; the flags set it.
type Config struct {
	DSN, Query, Table                     string
	StateTable                            string // the incremental state's table; "" for none
	Summaries, SkipInvalid, AllowNegative bool
	Unit, End, CalibrationEnd             string
	Horizon, Window                       int
	Discount, Margin, Penalizer           float64
	Interval                              float64
	IntervalDraws                         int
	FitBudget                             time.Duration
	Model, Out                            string
}

func defaultConfig() Config {
	return Config{Unit: "week", Horizon: 12, Window: forecast.DefaultWindow, Discount: 0.01, Margin: 1, Model: "auto"}
}

// register defines the flags on fs, writing into c.
func (c *Config) register(fs *flag.FlagSet) {
	fs.StringVar(&c.DSN, "dsn", c.DSN, "PostgreSQL connection string (postgres://user@host/db or key=value); empty: the PG* environment variables and libpq's defaults")
	fs.StringVar(&c.Query, "query", c.Query, "query giving customer id, time and amount (first three columns; two: no amounts), each customer's rows in time order (ORDER BY the time); with -summaries, customer_id, frequency, recency, T, monetary_value")
	fs.StringVar(&c.Table, "table", c.Table, "table (name or schema.name) the forecast rows are written to: created if absent, replaced atomically")
	fs.StringVar(&c.StateTable, "state-table", c.StateTable, "table (name or schema.name) of the incremental state: read at the start (none yet: the query reads the whole log), "+
		"saved with the forecast table in one transaction; the query then gives only the transactions after the state's last one, which it may take as $1")
	fs.BoolVar(&c.Summaries, "summaries", c.Summaries, "the query gives per-customer summaries (e.g. the README's SQL); needs -end")
	fs.BoolVar(&c.SkipInvalid, "skip-invalid", c.SkipInvalid, "skip and count unusable rows instead of stopping")
	fs.BoolVar(&c.AllowNegative, "allow-negative", c.AllowNegative, "accept negative amounts (returns)")
	fs.StringVar(&c.Unit, "unit", c.Unit, `time unit of the models: "day" or "week"`)
	fs.StringVar(&c.End, "end", c.End, "end of observation, YYYY-MM-DD, the whole day included (default: the time of the last transaction)")
	fs.StringVar(&c.CalibrationEnd, "calibration-end", c.CalibrationEnd, "end of calibration, YYYY-MM-DD: fit up to it, evaluate on the rest")
	fs.IntVar(&c.Horizon, "horizon", c.Horizon, fmt.Sprintf("forecast horizon in months, 1 to %d", forecast.MaxMonths))
	fs.Float64Var(&c.Discount, "discount", c.Discount, "discount rate per month")
	fs.IntVar(&c.Window, "window", c.Window, fmt.Sprintf("window in days of each customer's purchase and churn probabilities, 1 to %d", forecast.MaxWindow))
	fs.Float64Var(&c.Margin, "margin", c.Margin, "profit margin in (0, 1]")
	fs.Float64Var(&c.Interval, "interval", c.Interval, "level of confidence intervals (e.g. 0.9) from draws of the parameters; 0: none")
	fs.IntVar(&c.IntervalDraws, "interval-draws", c.IntervalDraws, fmt.Sprintf("number of parameter draws, with -interval (0: %d)", forecast.DefaultIntervalDraws))
	fs.Float64Var(&c.Penalizer, "penalizer", c.Penalizer, "L2 penalty of the fits (the lifetimes package's penalizer_coef); 0: none")
	fs.DurationVar(&c.FitBudget, "fit-budget", c.FitBudget, fmt.Sprintf("time each model fit may take (0: %v)", forecast.DefaultFitBudget))
	fs.StringVar(&c.Model, "model", c.Model, `purchase model: "auto", "bgnbd", "mbgnbd", "paretonbd" or "ggompertz"`)
	fs.StringVar(&c.Out, "out", c.Out, "also write the job's files (forecast.csv, model.json, report.html, ...) into this directory")
}

// run is the command: it parses args, runs the job on the query's rows and
// writes the forecast table; progress goes to stderr.
func run(args []string, stdout, stderr io.Writer) error {
	c := defaultConfig()
	fs := flag.NewFlagSet("pg", flag.ContinueOnError)
	c.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: pg -query SQL -table NAME [flags]\n\n")
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	if err := cli.NoArgs(fs); err != nil {
		return err
	}
	return Run(context.Background(), c, stdout, stderr)
}

// options turns the flags into the job's configuration.
func (c Config) options() (forecast.Config, error) {
	var fc forecast.Config
	switch {
	case c.Query == "":
		return fc, cli.Usagef("no -query: give the query that reads the transactions (or, with -summaries, the summaries)")
	case c.Table == "":
		return fc, cli.Usagef("no -table: give the table the forecast is written to")
	case c.StateTable != "" && (c.Summaries || c.CalibrationEnd != ""):
		return fc, cli.Usagef("-state-table with -summaries or -calibration-end: an incremental run reads transactions and has no holdout period")
	}
	switch c.Unit {
	case "day":
		fc.Unit = 24 * time.Hour
	case "week":
		fc.Unit = 7 * 24 * time.Hour
	default:
		return fc, cli.Usagef("-unit %q: want day or week", c.Unit)
	}
	var err error
	if fc.End, err = parseDay(c.End); err != nil {
		return fc, cli.Usagef("-end %q: want a date, YYYY-MM-DD", c.End)
	}
	if fc.CalibrationEnd, err = parseDay(c.CalibrationEnd); err != nil {
		return fc, cli.Usagef("-calibration-end %q: want a date, YYYY-MM-DD", c.CalibrationEnd)
	}
	fc.EndOfDay = true // -end and -calibration-end are dates: their whole day counts
	fc.Name, fc.Summaries, fc.AllowNegative, fc.Model = "the query", c.Summaries, c.AllowNegative, c.Model
	fc.CSV.SkipInvalid = c.SkipInvalid
	fc.Months, fc.Discount, fc.Margin, fc.Penalizer = c.Horizon, c.Discount, c.Margin, c.Penalizer
	// As the forecast command does: a flag given as 0 where the Config
	// reads 0 as its default is passed as -1, which the Config refuses.
	if c.Horizon == 0 {
		fc.Months = -1
	}
	if c.Margin == 0 {
		fc.Margin = -1
	}
	if fc.Window = c.Window; c.Window == 0 {
		fc.Window = -1
	}
	fc.Interval, fc.IntervalDraws, fc.FitBudget = c.Interval, c.IntervalDraws, c.FitBudget
	return fc, nil
}

// Run connects, runs the job on the query's rows and replaces the table
// with the forecast, writing progress to progress.
func Run(ctx context.Context, c Config, stdout, progress io.Writer) error {
	fc, err := c.options()
	if err != nil {
		return err
	}
	table, err := parseTable(c.Table)
	if err != nil {
		return err
	}
	var stateTable pgx.Identifier
	if c.StateTable != "" {
		if stateTable, err = parseTable(c.StateTable); err != nil {
			return fmt.Errorf("-state-table: %w", err)
		}
	}
	fc.Progress = progress
	conn, err := connect(ctx, c.DSN)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	var st *forecast.State
	if stateTable != nil {
		if st, err = loadStateTable(ctx, conn, stateTable); err != nil {
			return err
		}
	}
	res, err := runQuery(ctx, conn, c.Query, fc, st)
	if err != nil {
		return err
	}
	if c.Out != "" {
		files, err := res.WriteFiles(c.Out)
		if err != nil {
			return err
		}
		fmt.Fprintf(progress, "wrote %v to %s\n", files, c.Out)
	}
	var also func(pgx.Tx) error
	if st != nil {
		also = func(tx pgx.Tx) error { return saveStateTable(ctx, tx, stateTable, st) }
	}
	n, err := replaceTable(ctx, conn, table, forecastColumns(res), newRowSource(res), also)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d rows to %s\n", n, table.Sanitize())
	if st != nil {
		fmt.Fprintf(stdout, "saved the state of %d customers, %d transactions to %s, in %s\n",
			st.Customers(), st.Records, st.Last.Format(time.DateTime), stateTable.Sanitize())
	}
	return nil
}

// connect opens the connection of dsn ("" means the PG* variables).
func connect(ctx context.Context, dsn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, cli.Usagef("-dsn: %v", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		how := "-dsn"
		if dsn == "" {
			how = "no -dsn: the PG* variables and defaults"
		}
		return nil, fmt.Errorf("%s: %w", how, err)
	}
	return conn, nil
}

// runQuery runs the job on the query's rows, streamed to it as CSV
// through a pipe while it reads them: the rows are never all in memory.
//
// With a state st, it is an incremental run (forecast.RunIncremental) on
// the state and the query's rows, which should be the transactions after
// the state's last one: a query with a parameter gets it as $1 (the zero
// time, 0001-01-01, for an empty state).
func runQuery(ctx context.Context, conn *pgx.Conn, query string, fc forecast.Config, st *forecast.State) (*forecast.Result, error) {
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var args []any
	if st != nil {
		sd, err := conn.Prepare(qctx, "", query)
		if err != nil {
			return nil, fmt.Errorf("-query: %w", err)
		}
		switch len(sd.ParamOIDs) {
		case 0:
		case 1:
			args = []any{st.Last}
		default:
			return nil, cli.Usagef("-query has %d parameters: with -state-table it may have one, $1, the state's last transaction", len(sd.ParamOIDs))
		}
	}
	rows, err := conn.Query(qctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("-query: %w", err)
	}
	defer rows.Close()
	if len(rows.FieldDescriptions()) == 0 { // perhaps an error before the first row
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("-query: %w", err)
		}
	}
	if err := checkColumns(rows.FieldDescriptions(), &fc); err != nil {
		return nil, err
	}
	if !fc.Summaries {
		fc.CSV.ID, fc.CSV.Time, fc.CSV.Amount, fc.CSV.NoHeader = "1", "2", "3", true
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := streamCSV(rows, fc.Summaries, pw)
		pw.CloseWithError(err)
		done <- err
	}()
	var res *forecast.Result
	if st != nil {
		res, err = forecast.RunIncremental(ctx, st, pr, fc)
	} else {
		res, err = forecast.Run(ctx, pr, fc)
	}
	pr.CloseWithError(errJobDone) // the rows stop at the next one
	if err != nil {
		cancel()
	}
	qerr := <-done
	if qerr != nil && !errors.Is(qerr, errJobDone) && !errors.Is(qerr, context.Canceled) {
		return nil, qerr // the query's own error, which the job saw as a read error
	}
	if err != nil {
		return nil, explain(err, fc.Summaries)
	}
	return res, nil
}

func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, s)
}

// explain restates the job's error in the command's terms: the CSV's
// lines as the query's rows (with summaries, the CSV has a header line),
// what to do about rows out of order.
func explain(err error, summaries bool) error {
	var ce *forecast.ConfigError
	if errors.As(err, &ce) {
		return cli.Usagef("%s", ce.Explain(func(field string) string {
			if f, ok := flagOf[field]; ok {
				return "-" + f
			}
			return field
		}))
	}
	msg := lineRE.ReplaceAllStringFunc(err.Error(), func(m string) string {
		n, _ := strconv.Atoi(lineRE.FindStringSubmatch(m)[1])
		if summaries {
			n--
		}
		return "-query: row " + strconv.Itoa(n)
	})
	if errors.Is(err, clv.ErrOutOfOrder) {
		if i := strings.Index(msg, " (the log is not in time order"); i >= 0 {
			msg = msg[:i]
		}
		msg += "\n(the job reads the rows once: each customer's must come in time order; end -query with ORDER BY the time column)"
	}
	return explained{msg, err}
}

// lineRE matches the line a CSV error names.
var lineRE = regexp.MustCompile(`\bclv: line (\d+)`)

// explained is an error said again in the command's terms.
type explained struct {
	msg string
	err error
}

func (e explained) Error() string { return e.msg }
func (e explained) Unwrap() error { return e.err }

// flagOf maps the fields of forecast.Config to the flags that set them.
var flagOf = map[string]string{
	"Unit": "unit", "Model": "model", "Months": "horizon", "Window": "window", "Discount": "discount", "Interval": "interval",
	"IntervalDraws": "interval-draws", "Penalizer": "penalizer", "Margin": "margin", "End": "end",
	"CalibrationEnd": "calibration-end", "Summaries": "summaries", "FitBudget": "fit-budget",
}
