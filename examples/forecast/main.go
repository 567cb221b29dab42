// Command forecast is clvkit's main job: from a transaction CSV to
// per-customer forecasts, segments, a holdout check and a report.
//
//	go run ./examples/forecast                       # the synthetic log in testdata/
//	go run ./examples/forecast -in log.csv -id customer -date day -amount value -out out/
//
// It writes to the output directory: forecast.csv (one row per customer),
// model.json (both fitted models), segments.csv (the segment summary),
// holdout.csv (with -calibration-end), and report.html with its PNG plots.
// Progress goes to stderr; bad input ends it with a message naming the line
// and a non-zero exit status.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
)

func main() {
	c := defaultConfig()
	flag.StringVar(&c.In, "in", c.In, "transaction CSV file")
	flag.StringVar(&c.ID, "id", c.ID, "customer id column: header name or 1-based number")
	flag.StringVar(&c.Date, "date", c.Date, "date column: header name or 1-based number")
	flag.StringVar(&c.Amount, "amount", c.Amount, `amount column ("" for none: spend and CLV are then skipped)`)
	flag.StringVar(&c.Delim, "delim", c.Delim, `field delimiter: ",", ";", "tab" or "space" (runs of blanks)`)
	flag.StringVar(&c.Layout, "layout", c.Layout, "date layout (Go reference time); empty tries ISO, YYYYMMDD, ISO date-time, RFC 3339")
	flag.BoolVar(&c.NoHeader, "no-header", c.NoHeader, "the file has no header line")
	flag.BoolVar(&c.SkipInvalid, "skip-invalid", c.SkipInvalid, "skip and count unusable rows instead of stopping")
	flag.BoolVar(&c.AllowNegative, "allow-negative", c.AllowNegative, "accept negative amounts (returns)")
	flag.StringVar(&c.Unit, "unit", c.Unit, `time unit of the models: "day" or "week"`)
	flag.StringVar(&c.End, "end", c.End, "end of observation, YYYY-MM-DD (default: the time of the last transaction)")
	flag.StringVar(&c.CalibrationEnd, "calibration-end", c.CalibrationEnd, "end of calibration, YYYY-MM-DD: fit up to it, evaluate on the rest")
	flag.IntVar(&c.Periods, "horizon", c.Periods, "forecast horizon in months")
	flag.Float64Var(&c.Discount, "discount", c.Discount, "discount rate per month")
	flag.Float64Var(&c.Margin, "margin", c.Margin, "profit margin in (0, 1]")
	flag.BoolVar(&c.Summaries, "summaries", c.Summaries, "the input holds per-customer summaries (customer_id, frequency, recency, T, monetary_value), e.g. from SQL; needs -end")
	flag.BoolVar(&c.PeriodsByCustomer, "periods-by-customer", c.PeriodsByCustomer, "also write each customer's expected purchases per month (periods_by_customer.csv)")
	flag.Float64Var(&c.Interval, "interval", c.Interval, "level of confidence intervals (e.g. 0.9) on P(alive), expected purchases, CLV, totals and months, from draws of the parameters; 0: none")
	flag.IntVar(&c.IntervalDraws, "interval-draws", 0, "number of parameter draws the intervals come from (0: 200)")
	flag.Float64Var(&c.Penalizer, "penalizer", c.Penalizer, "L2 penalty of the fits, as the lifetimes package's penalizer_coef (see the models' FitOptions.Penalizer): it shrinks the estimates, but data that do not determine a model's parameters still fail; 0: none")
	flag.BoolVar(&c.DecimalComma, "decimal-comma", c.DecimalComma, `amounts with a decimal comma ("12,50 €", "1.234,50"); use with -delim ";"`)
	flag.StringVar(&c.Out, "out", c.Out, "output directory")
	flag.StringVar(&c.Model, "model", c.Model, `purchase model: "auto" (fit BG/NBD, MBG/NBD and Pareto/NBD, choose by holdout MAE, else BIC), "bgnbd", "mbgnbd" or "paretonbd"`)
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "forecast: -cpuprofile:", err)
			os.Exit(2)
		}
		defer f.Close()
	}
	err := Run(c, os.Stderr)
	pprof.StopCPUProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, "forecast:", err)
		os.Exit(1)
	}
}
