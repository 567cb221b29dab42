package forecast

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/clv/interval"
)

// Config configures Run; Run reports a field it cannot accept as a
// *ConfigError. The zero value reads a CSV with the columns
// customer_id, date and amount, observes to the last transaction, times in
// weeks, compares the purchase models, and values customers over 12 months
// with no discount at a margin of 1, without intervals. A zero field means
// its default, as each field's doc says.
type Config struct {
	// CSV says how to read the log: columns, delimiter, date layouts,
	// header, whether to skip unusable records (SkipInvalid). An empty
	// CSV.Amount means the column "amount", unless NoAmounts.
	CSV csvio.Options
	// NoAmounts runs the job without amounts: the log has no amount
	// column (CSV.Amount is then ignored; with Summaries, no spend model
	// reads the monetary values, RFM's M score still does). No spend
	// model is fitted (Result.Spend is
	// nil); each Forecast's ExpectedValue and CLV, and each period's
	// Revenue, are 0, and the outputs leave them empty; the value tiers
	// rank customers by expected purchases instead of CLV.
	NoAmounts bool
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
	// Window is the window, in days after the end of observation, of each
	// customer's probability of a purchase and of churn within it
	// (Answers), 1 to MaxWindow; zero means DefaultWindow (30).
	Window int
	// Interval, if not zero, is the level (e.g. 0.9) of confidence
	// intervals for each customer's P(alive), expected purchases and CLV,
	// for their totals and for each month's purchases and revenue, from
	// the parameters' uncertainty: the quantities are computed under
	// IntervalDraws draws of the models' parameters (interval.Forecast;
	// fixed seeds, so runs repeat). forecast.csv and periods.csv then have
	// lower and upper columns. Zero means none (unlike the level of
	// interval.Options, whose zero means 0.9: here there is no level
	// without intervals).
	Interval float64
	// IntervalDraws is the number of parameter draws, 2 to interval.MaxDraws,
	// with Interval; zero means DefaultIntervalDraws. Without Interval it
	// must be zero.
	IntervalDraws int
	// IntervalMethod is how the parameter draws of Interval are made
	// (interval.Method): the zero value, interval.MethodAuto, tests the
	// purchase model's fit against its limit model (where a heterogeneity
	// across customers vanishes) and, where the data do not reject the
	// limit, adds IntervalDraws draws of the limit model to the fit's and
	// takes the union of their intervals (interval.MethodMixture, at
	// twice the draws' cost and one fit more), which cover near the limit
	// where the normal approximation alone does not; elsewhere the normal
	// approximation (interval.MethodNormal). Either can be forced. The
	// covariate models and the GGompertz/NBD have no limit model to test
	// (limitFits): the normal approximation.
	// Without Interval it must be zero.
	IntervalMethod interval.Method
	// AnswerIntervals, with Interval, also gives the answer columns'
	// intervals (AnswerIntervalColumns; README): under the same draws,
	// they cost once to twice the other intervals' time again (the
	// next-order median of every draw), so they are asked for. False:
	// none. Without Interval it must be false.
	AnswerIntervals bool
	// PeriodsByCustomer also writes each customer's expected purchases per
	// calendar month (periods_by_customer.csv); the totals per month
	// (periods.csv, Result.Periods) are always computed.
	PeriodsByCustomer bool
	// Penalizer is the L2 penalty of every fit, the models'
	// FitOptions.Penalizer (the Python lifetimes package's penalizer_coef:
	// for Pareto/NBD, on the summed rather than the mean likelihood, so it
	// weighs as c/n per customer); zero means none. It shrinks the estimates toward 0; it does not make
	// data that cannot determine a model's parameters do so: such a fit
	// still fails with clv.ErrNotIdentified.
	Penalizer float64
	// Summaries says the input holds per-customer summaries (columns
	// csvio.SummaryColumns, in the model's time unit, e.g. from a warehouse
	// query) rather than transactions: the job then starts at the fits.
	// End is then required (the date the summaries were observed to, for
	// the monthly forecast), there is no holdout period and no tracking
	// plot. CSV.Delimiter and CSV.SkipInvalid apply.
	Summaries bool
	// FitBudget bounds the time each model fit may take; zero means
	// DefaultFitBudget. A purchase model whose fit runs out of it is left
	// out of the comparison with the reason (Choice.Failed); the job fails
	// only if no model can be fitted.
	FitBudget time.Duration
	// Progress, if not nil, receives one line per step.
	Progress io.Writer
	// Covariates, if not nil, is a CSV of static covariates of the
	// customers (what is known of each: a channel, a region, an age),
	// read after the log, with CSV's Delimiter, DecimalComma and
	// SkipInvalid: a header, then one row per customer, the customer id
	// in the column named like the log's (CSV.ID) or else the first. A
	// column whose values all parse as numbers is numeric; any other is
	// categorical, expanded to 0/1 indicators of its levels but the
	// reference level, the most frequent (ties to the first by name), at
	// most MaxLevels levels. Every customer of the log needs a row with
	// every value: a missing one is an error naming the customer, an
	// empty value or a malformed line an error naming the file's line and
	// column; with CSV.SkipInvalid such lines are skipped and counted, and
	// customers without a usable row are fitted and scored with the mean
	// profile (Covariates.Missing). Rows of customers not in the log are
	// counted and unused. The covariate models (CovariateModelNames) can
	// then be asked for by Model, and "auto" compares them with the
	// others; their fits take Penalizer as an L2 penalty on the
	// covariates' coefficients only (CovFitOptions.Penalizer). The
	// intervals of Interval draw the base parameters and the coefficients
	// together (the CovModels' SampleParams).
	// CovariatesName names the file in errors and the report.
	Covariates     io.Reader
	CovariatesName string
	// DynamicCovariates, if not nil, is a CSV of time-varying covariates
	// (ReadDynamicCovariates: rows of a customer id or "*", a date and
	// numbers, each in force from its date on), read once after the log,
	// whose purchase times the summaries' read keeps. The Pareto/NBD
	// model with them (DynamicModelName) can then be asked for by Model,
	// and "auto" compares it with ModelNames; it predicts each customer
	// along the customer's covariates, the last values carried forward
	// after the file's last row (DynamicInfo.Rule). Not with Summaries nor
	// Covariates (give static covariates as constant columns of this
	// file); CSV.SkipInvalid skips and counts unusable rows.
	// DynamicCovariatesName names the file in errors and the report.
	DynamicCovariates     io.Reader
	DynamicCovariatesName string
	// ProductColumn, if not empty, names the log's product (or category)
	// column, a header name or a 1-based number: the job then also suggests
	// products to cross-sell (package crosssell; see CrossSell). The column
	// is read in the same read of the input as the summaries. Empty means
	// no cross-sell. Not with Summaries.
	ProductColumn string
	// CrossSellK is the number of products suggested to each customer
	// whose action is cross-sell, and the k of the holdout's hit rate,
	// precision and recall@k, 1 to crosssell.MaxK; zero means
	// DefaultCrossSellK. It must be zero without ProductColumn.
	CrossSellK int
	// Campaign, if not nil, also measures a campaign's effect
	// (CampaignConfig, Result.Campaign). Not with Summaries.
	Campaign *CampaignConfig
}

// ConfigError reports a Config field that Run cannot accept. It wraps
// ErrConfig. Field is the field's name in Config ("Months", "CSV.Amount");
// Value is its value as text ("" where there is none to show); Want says
// what it should be, in words that name no field, completed by the field
// named With when the condition involves a second one ("a date before"
// With "End"). A program maps Field and With to its own names for them
// (e.g. its flags).
type ConfigError struct {
	Field, Value, Want, With string
}

// Error returns "forecast: invalid configuration: Field Value: want Want With".
func (e *ConfigError) Error() string {
	return fmt.Sprintf("%v: %s", ErrConfig, e.Explain(func(field string) string { return field }))
}

// Explain returns "Field Value: want Want With" with the fields named by
// name, e.g. a program's flags.
func (e *ConfigError) Explain(name func(field string) string) string {
	s := name(e.Field)
	if e.Value != "" {
		s += " " + e.Value
	}
	s += ": want " + e.Want
	if e.With != "" {
		s += " " + name(e.With)
	}
	return s
}

// Unwrap returns ErrConfig.
func (e *ConfigError) Unwrap() error { return ErrConfig }

// check fills in the defaults of c's zero fields and reports the first
// field Run cannot accept as a *ConfigError.
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
	if c.Window == 0 {
		c.Window = DefaultWindow
	}
	if c.IntervalDraws == 0 && c.Interval != 0 {
		c.IntervalDraws = DefaultIntervalDraws
	}
	if c.NoAmounts {
		c.CSV.Amount = ""
	} else if c.CSV.Amount == "" {
		c.CSV.Amount = "amount" // spend and value need amounts
	}
	bad := func(field string, value any, want string) error {
		return &ConfigError{Field: field, Value: fmt.Sprint(value), Want: want}
	}
	day := func(t time.Time) string {
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
			return t.Format(time.DateOnly)
		}
		return t.Format(time.RFC3339)
	}
	switch {
	case c.Unit < time.Second:
		return bad("Unit", c.Unit, "at least a second")
	case c.Model != "auto" && ModelTitle(c.Model) == "":
		return bad("Model", fmt.Sprintf("%q", c.Model), "auto, "+strings.Join(ModelNames, ", ")+" (with covariates also "+strings.Join(CovariateModelNames, ", ")+"; with time-varying covariates also "+DynamicModelName+")")
	case c.Covariates == nil && slices.Contains(CovariateModelNames, c.Model):
		return &ConfigError{Field: "Model", Value: fmt.Sprintf("%q", c.Model), Want: "a file of covariates with", With: "Covariates"}
	case c.Months < 1 || c.Months > MaxMonths:
		return bad("Months", c.Months, fmt.Sprintf("1 to %d months", MaxMonths))
	case c.Window < 1 || c.Window > MaxWindow:
		return bad("Window", c.Window, fmt.Sprintf("1 to %d days", MaxWindow))
	case !(c.Discount >= 0) || math.IsInf(c.Discount, 0):
		return bad("Discount", c.Discount, "a rate per month ≥ 0")
	case c.Interval != 0 && !(c.Interval > 0 && c.Interval < 1):
		return bad("Interval", c.Interval, "a level in (0, 1), e.g. 0.9")
	case c.Interval == 0 && c.AnswerIntervals:
		return &ConfigError{Field: "Interval", Value: "0", Want: "a level in (0, 1), e.g. 0.9, with", With: "AnswerIntervals"}
	case c.Interval == 0 && c.IntervalDraws != 0:
		return &ConfigError{Field: "IntervalDraws", Value: fmt.Sprint(c.IntervalDraws), Want: "none (the draws are for intervals) without", With: "Interval"}
	case c.Interval == 0 && c.IntervalMethod != interval.MethodAuto:
		return &ConfigError{Field: "IntervalMethod", Value: c.IntervalMethod.String(), Want: "auto (the method of the intervals) without", With: "Interval"}
	case c.IntervalMethod < interval.MethodAuto || c.IntervalMethod > interval.MethodMixture:
		return bad("IntervalMethod", c.IntervalMethod, "auto, normal or mixture")
	case c.Interval != 0 && (c.IntervalDraws < 2 || c.IntervalDraws > interval.MaxDraws):
		return bad("IntervalDraws", c.IntervalDraws, fmt.Sprintf("2 to %d", interval.MaxDraws))
	case !(c.Penalizer >= 0) || math.IsInf(c.Penalizer, 0):
		return bad("Penalizer", c.Penalizer, "a number ≥ 0")
	case !(c.Margin > 0 && c.Margin <= 1):
		return bad("Margin", c.Margin, "a share in (0, 1]")
	case c.FitBudget < 0:
		return bad("FitBudget", c.FitBudget, "a duration > 0, or zero for the default")
	case c.CSV.DecimalComma && (c.CSV.Delimiter == ',' || c.CSV.Delimiter == 0) && !c.Summaries:
		return &ConfigError{Field: "CSV.Delimiter", Value: "','", Want: "another delimiter (';' or tab) for amounts like 12,50, with", With: "CSV.DecimalComma"}
	case c.Summaries && c.End.IsZero():
		return &ConfigError{Field: "End", Want: "the date the summaries were observed to, with", With: "Summaries"}
	case c.Summaries && !c.CalibrationEnd.IsZero():
		return &ConfigError{Field: "CalibrationEnd", Value: day(c.CalibrationEnd), Want: "none (summaries have no holdout period), with", With: "Summaries"}
	case !c.End.IsZero() && !c.CalibrationEnd.IsZero() && !c.CalibrationEnd.Before(c.End):
		return &ConfigError{Field: "CalibrationEnd", Value: day(c.CalibrationEnd), Want: "a time before", With: "End"}
	}
	if err := c.checkDynamic(); err != nil {
		return err
	}
	if err := c.checkCrossSell(); err != nil {
		return err
	}
	return c.checkCampaign()
}
