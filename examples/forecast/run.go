package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/forecast"
)

// Config holds the command's settings; the flags set it.
type Config struct {
	In, ID, Date, Amount, Delim, Layout  string
	NoHeader, SkipInvalid, AllowNegative bool
	Unit, End, CalibrationEnd            string
	Periods                              int
	Discount, Margin, Penalizer          float64
	Interval                             float64
	IntervalDraws                        int
	Out                                  string
	Model                                string
	DecimalComma, PeriodsByCustomer      bool
	Summaries                            bool
}

func defaultConfig() Config {
	return Config{In: findDefault("testdata/transactions.csv"), ID: "customer_id", Date: "date", Amount: "amount",
		Delim: ",", Unit: "week", Periods: 12, Discount: 0.01, Margin: 1, Out: "out", Model: "auto"}
}

// findDefault resolves a path relative to the module root, so that the
// default input is found from any directory inside the repository.
func findDefault(rel string) string {
	wd, err := os.Getwd()
	if err != nil {
		return rel
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, rel)
		}
		if filepath.Dir(d) == d {
			return rel
		}
	}
}

// options turns the flags into the library's configuration, with errors
// that name the flags.
func (c Config) options() (forecast.Config, error) {
	var fc forecast.Config
	switch c.Unit {
	case "day":
		fc.Unit = 24 * time.Hour
	case "week":
		fc.Unit = 7 * 24 * time.Hour
	default:
		return fc, fmt.Errorf("-unit %q: want day or week", c.Unit)
	}
	switch {
	case c.Periods < 1 || c.Periods > forecast.MaxMonths:
		return fc, fmt.Errorf("-horizon %d: want 1 to %d months", c.Periods, forecast.MaxMonths)
	case !(c.Discount >= 0):
		return fc, fmt.Errorf("-discount %v: want a monthly rate ≥ 0", c.Discount)
	case !(c.Margin > 0 && c.Margin <= 1):
		return fc, fmt.Errorf("-margin %v: want a share in (0, 1]", c.Margin)
	case c.Model != "auto" && forecast.ModelTitle(c.Model) == "":
		return fc, fmt.Errorf("-model %q: want auto, %s", c.Model, strings.Join(forecast.ModelNames, ", "))
	case c.Amount == "":
		return fc, errors.New("-amount is empty: spend and lifetime value need an amount column")
	}
	if !(c.Penalizer >= 0) {
		return fc, fmt.Errorf("-penalizer %v: want a number ≥ 0", c.Penalizer)
	}
	fc.CSV = clv.CSVOptions{ID: c.ID, Time: c.Date, Amount: c.Amount, NoHeader: c.NoHeader, SkipInvalid: c.SkipInvalid,
		DecimalComma: c.DecimalComma}
	switch c.Delim {
	case "tab", `\t`:
		fc.CSV.Delimiter = '\t'
	case "space", " ":
		fc.CSV.Delimiter = ' '
	default:
		if len(c.Delim) != 1 {
			return fc, fmt.Errorf("-delim %q: want one character, tab or space", c.Delim)
		}
		fc.CSV.Delimiter = rune(c.Delim[0])
	}
	if c.Layout != "" {
		fc.CSV.Layouts = []string{c.Layout}
	}
	var err error
	if fc.End, err = parseDay(c.End); err != nil {
		return fc, fmt.Errorf("-end: %w", err)
	}
	if fc.CalibrationEnd, err = parseDay(c.CalibrationEnd); err != nil {
		return fc, fmt.Errorf("-calibration-end: %w", err)
	}
	if !fc.End.IsZero() && !fc.CalibrationEnd.IsZero() && !fc.CalibrationEnd.Before(fc.End) {
		return fc, fmt.Errorf("-calibration-end %s is not before -end %s", c.CalibrationEnd, c.End)
	}
	fc.Name, fc.AllowNegative, fc.Model = c.In, c.AllowNegative, c.Model
	fc.EndOfDay = true // -end and -calibration-end are dates: their whole day counts
	fc.Months, fc.Discount, fc.Margin, fc.Penalizer = c.Periods, c.Discount, c.Margin, c.Penalizer
	fc.PeriodsByCustomer, fc.Summaries = c.PeriodsByCustomer, c.Summaries
	if c.Summaries && c.End == "" {
		return fc, errors.New("-summaries needs -end, the date the summaries were observed to")
	}
	if c.Interval != 0 && !(c.Interval > 0 && c.Interval < 1) {
		return fc, fmt.Errorf("-interval %v: want a level in (0, 1), e.g. 0.9", c.Interval)
	}
	if c.IntervalDraws != 0 && (c.IntervalDraws < 2 || c.IntervalDraws > clv.MaxDraws) {
		return fc, fmt.Errorf("-interval-draws %d: want 2 to %d", c.IntervalDraws, clv.MaxDraws)
	}
	fc.Interval, fc.IntervalDraws = c.Interval, c.IntervalDraws
	return fc, nil
}

// Run executes the job, writing progress to progress.
func Run(c Config, progress io.Writer) error {
	fc, err := c.options()
	if err != nil {
		return err
	}
	fc.Progress = progress
	f, err := os.Open(c.In)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := forecast.Run(context.Background(), f, fc)
	if errors.Is(err, clv.ErrNotIdentified) {
		// A penalizer would not help: it keeps the estimates finite, but
		// the fits are judged on the likelihood without it.
		return fmt.Errorf("%s: %w\n(the data do not determine the models' parameters: "+
			"they need more customers, a longer observation, or visible dropout and repeat purchases)", c.In, err)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", c.In, err)
	}
	files, err := res.WriteFiles(c.Out)
	if err != nil {
		return err
	}
	fmt.Fprintf(progress, "wrote %v to %s\n", files, c.Out)
	return nil
}

func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, s)
}
