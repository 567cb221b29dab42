package forecast

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// Config configures Run. The zero value reads a CSV with the columns
// customer_id, date and amount, observes to the last transaction, times in
// weeks, compares the purchase models, and values customers over 12 months
// with no discount at a margin of 1.
type Config struct {
	// CSV says how to read the log: columns, delimiter, date layouts,
	// header, whether to skip unusable records (SkipInvalid).
	CSV clv.CSVOptions
	// Name names the input in the report and model.json (e.g. its path).
	Name string
	// End is the end of observation; zero means the last transaction.
	// CalibrationEnd, if not zero, fits the models up to it and checks
	// them on the rest (the holdout period). With EndOfDay both name
	// whole days (clv.SummaryOptions.EndOfDay), as dates given by people do.
	End, CalibrationEnd time.Time
	EndOfDay            bool
	// Unit is the models' time unit; zero means a week.
	Unit time.Duration
	// AllowNegative accepts negative amounts (returns). Customers whose
	// mean repeat purchase is then ≤ 0 are left out of the spend fit and
	// valued at the population's mean spend (Result.NonPositiveSpend).
	AllowNegative bool
	// Model is the purchase model: "auto" or "" (fit BG/NBD, MBG/NBD and
	// Pareto/NBD, choose by the holdout MAE when there is a holdout
	// period, else by BIC), or one of ModelNames.
	Model string
	// Months is the horizon of expected purchases and CLV, 1 to MaxMonths;
	// zero means 12. Discount is the discount rate per month (≥ 0) and
	// Margin the profit margin in (0, 1]; zero means 1.
	Months   int
	Discount float64
	Margin   float64
	// Interval, if not zero, is the level (e.g. 0.9) of confidence
	// intervals for each customer's P(alive), expected purchases and CLV,
	// for their totals and for each month's purchases and revenue, from
	// the parameters' uncertainty: the quantities are computed under
	// IntervalDraws draws of the models' parameters (clv.ForecastIntervals;
	// fixed seeds, so runs repeat). forecast.csv and periods.csv then have
	// lower and upper columns. Zero means none.
	Interval float64
	// IntervalDraws is the number of parameter draws, 2 to clv.MaxDraws;
	// zero means DefaultIntervalDraws.
	IntervalDraws int
	// PeriodsByCustomer also writes each customer's expected purchases per
	// calendar month (periods_by_customer.csv); the totals per month
	// (periods.csv, Result.Periods) are always computed.
	PeriodsByCustomer bool
	// Penalizer is the L2 penalty of every fit (the models'
	// FitOptions.Penalizer); zero means none. A small one (0.001) keeps a
	// fit on thin data from running off to infinite parameters.
	Penalizer float64
	// Summaries says the input holds per-customer summaries (columns
	// clv.SummaryColumns, in the model's time unit, e.g. from a warehouse
	// query) rather than transactions: the job then starts at the fits.
	// End is then required (the date the summaries were observed to, for
	// the monthly forecast), there is no holdout period and no tracking
	// plot. CSV.Delimiter and CSV.SkipInvalid apply.
	Summaries bool
	// Progress, if not nil, receives one line per step.
	Progress io.Writer
}

func (c *Config) check() error {
	if c.Unit == 0 {
		c.Unit = 7 * 24 * time.Hour
	}
	if c.Model == "" {
		c.Model = "auto"
	}
	if c.Months == 0 {
		c.Months = 12
	}
	if c.Margin == 0 {
		c.Margin = 1
	}
	if c.IntervalDraws == 0 {
		c.IntervalDraws = DefaultIntervalDraws
	}
	switch {
	case c.Unit < time.Second:
		return fmt.Errorf("%w: unit %v", ErrConfig, c.Unit)
	case c.Model != "auto" && ModelTitle(c.Model) == "":
		return fmt.Errorf("%w: model %q: want auto, bgnbd, mbgnbd or paretonbd", ErrConfig, c.Model)
	case c.Months < 1 || c.Months > MaxMonths:
		return fmt.Errorf("%w: horizon of %d months: want 1 to %d", ErrConfig, c.Months, MaxMonths)
	case !(c.Discount >= 0) || math.IsInf(c.Discount, 0):
		return fmt.Errorf("%w: discount rate %v per month: want a number ≥ 0", ErrConfig, c.Discount)
	case c.Interval != 0 && !(c.Interval > 0 && c.Interval < 1):
		return fmt.Errorf("%w: interval level %v: want a share in (0, 1), e.g. 0.9", ErrConfig, c.Interval)
	case c.IntervalDraws < 2 || c.IntervalDraws > clv.MaxDraws:
		return fmt.Errorf("%w: %d interval draws: want 2 to %d", ErrConfig, c.IntervalDraws, clv.MaxDraws)
	case !(c.Penalizer >= 0) || math.IsInf(c.Penalizer, 0):
		return fmt.Errorf("%w: penalizer %v: want a number ≥ 0", ErrConfig, c.Penalizer)
	case !(c.Margin > 0 && c.Margin <= 1):
		return fmt.Errorf("%w: margin %v: want a share in (0, 1]", ErrConfig, c.Margin)
	case c.Summaries && (c.End.IsZero() || !c.CalibrationEnd.IsZero()):
		return fmt.Errorf("%w: summaries as input need the end of observation (End) and no calibration end", ErrConfig)
	case !c.End.IsZero() && !c.CalibrationEnd.IsZero() && !c.CalibrationEnd.Before(c.End):
		return fmt.Errorf("%w: calibration end %v is not before the end %v", ErrConfig, c.CalibrationEnd, c.End)
	}
	return nil
}
