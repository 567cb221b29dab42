package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/x/beamx"
	"github.com/clvkit/clvkit/internal/cli"
)

func main() { cli.Main("beam", run) }

// run is the command: it parses args, ours and Beam's (-runner, ...), and
// runs the pipeline with the runner Beam's flags select (Prism by default).
func run(args []string, stdout, stderr io.Writer) error {
	return runWith(args, stderr, beamx.Run)
}

// runWith is run with the pipeline's executor.
func runWith(args []string, stderr io.Writer, execute func(context.Context, *beam.Pipeline) error) error {
	var cfg Config
	var end, cal, unit string
	var id, date, amount int
	fs := flag.NewFlagSet("beam", flag.ContinueOnError)
	fs.StringVar(&cfg.Input, "input", "../../testdata/transactions.csv", "transaction files (glob; .gz read transparently)")
	fs.StringVar(&cfg.Output, "output", "out", "output directory (forecast-*-of-*.csv, model.json)")
	fs.StringVar(&cfg.Delim, "delim", ",", `field delimiter: "," or "space" (runs of blanks)`)
	fs.BoolVar(&cfg.Header, "header", true, "each file starts with a header line")
	// Beam's worker harness has an -id flag: our columns are -*-column.
	fs.IntVar(&id, "id-column", 1, "customer id column (1-based)")
	fs.IntVar(&date, "date-column", 2, "date column (1-based)")
	fs.IntVar(&amount, "amount-column", 3, "amount column (1-based)")
	fs.StringVar(&end, "end", "2024-12-30", "end of observation, YYYY-MM-DD (required: a distributed job cannot wait for the last transaction)")
	fs.StringVar(&cal, "calibration-end", "", "end of calibration, YYYY-MM-DD")
	fs.StringVar(&unit, "unit", "week", "time unit: day or week")
	fs.IntVar(&cfg.Months, "horizon", 12, "CLV horizon in months, 1 to 1200")
	fs.Float64Var(&cfg.Discount, "discount", 0.01, "discount rate per month")
	fs.Float64Var(&cfg.Margin, "margin", 1, "profit margin in (0, 1]")
	fs.IntVar(&cfg.Shards, "shards", 4, "number of forecast files, 1 to 10000")
	if err := forwardBeamFlags(fs); err != nil {
		return err
	}
	if err := cli.Parse(fs, args, stderr); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["id"] && !set["worker"] {
		return cli.Usagef("-id is Beam's worker harness flag: the customer id column is -id-column")
	}
	// A worker started by a runner's harness (-worker) runs and exits here.
	beam.Init()
	if err := cli.NoArgs(fs); err != nil {
		return err
	}
	var err error
	if cfg.End, err = time.Parse(time.DateOnly, end); err != nil {
		return cli.Usagef("-end %q: want a date, YYYY-MM-DD", end)
	}
	if cal != "" {
		if cfg.CalibrationEnd, err = time.Parse(time.DateOnly, cal); err != nil {
			return cli.Usagef("-calibration-end %q: want a date, YYYY-MM-DD", cal)
		}
		if !cfg.CalibrationEnd.Before(cfg.End) {
			return cli.Usagef("-calibration-end %s: want a date before -end (%s)", cal, end)
		}
	}
	switch unit {
	case "week":
		cfg.Unit = 7 * 24 * time.Hour
	case "day":
		cfg.Unit = 24 * time.Hour
	default:
		return cli.Usagef("-unit %q: want day or week", unit)
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"id-column", id}, {"date-column", date}, {"amount-column", amount}} {
		if c.v < 1 || c.v > 1<<16 {
			return cli.Usagef("-%s %d: want a 1-based column number", c.name, c.v)
		}
	}
	cfg.ID, cfg.Date, cfg.Amount = id-1, date-1, amount-1
	switch {
	case cfg.Delim == "":
		return cli.Usagef(`-delim "": want "," or "space"`)
	case cfg.Months < 1 || cfg.Months > 1200:
		return cli.Usagef("-horizon %d: want 1 to 1200 months", cfg.Months)
	case !(cfg.Discount >= 0) || math.IsInf(cfg.Discount, 0):
		return cli.Usagef("-discount %v: want a rate per month ≥ 0", cfg.Discount)
	case !(cfg.Margin > 0 && cfg.Margin <= 1):
		return cli.Usagef("-margin %v: want a share in (0, 1]", cfg.Margin)
	case cfg.Shards < 1 || cfg.Shards > 10000:
		return cli.Usagef("-shards %d: want 1 to 10000", cfg.Shards)
	}
	return runPipeline(context.Background(), cfg, execute)
}

// forwardBeamFlags defines on fs each flag Beam's packages define on the
// command line's flag set (-runner, -job_name, the worker harness's -id
// ...), passing its values on to that set, so that one parse reads ours
// and Beam's and Beam sees its own as set (flag.Visit). A name that is
// already ours is an error.
func forwardBeamFlags(fs *flag.FlagSet) error {
	var err error
	flag.CommandLine.VisitAll(func(f *flag.Flag) {
		if fs.Lookup(f.Name) != nil {
			if err == nil {
				err = fmt.Errorf("flag -%s is both Beam's and ours", f.Name)
			}
			return
		}
		fs.Var(forward{f}, f.Name, f.Usage)
	})
	return err
}

// forward is a flag.Value that sets a flag of flag.CommandLine.
type forward struct{ f *flag.Flag }

func (v forward) String() string {
	if v.f == nil {
		return ""
	}
	return v.f.Value.String()
}

func (v forward) Set(s string) error { return flag.CommandLine.Set(v.f.Name, s) }

func (v forward) IsBoolFlag() bool {
	b, ok := v.f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
