package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/segment"
	"github.com/go-gota/gota/dataframe"
)

// Config holds the command's settings; the flags set it.
type Config struct {
	In, ID, Date, Amount, Delim, Layout  string
	NoHeader, SkipInvalid, AllowNegative bool
	Unit, End, CalibrationEnd            string
	Periods                              int
	Discount, Margin                     float64
	Out                                  string
	// Model is the purchase model: "auto" (fit all, compare, choose),
	// "bgnbd", "mbgnbd" or "paretonbd".
	Model string
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

// results is what Run computes, for the files and the report.
type results struct {
	cfg        Config
	unit       time.Duration
	start, end time.Time
	calEnd     time.Time
	txs        []clv.Transaction
	read       clv.Stats
	sum        *clv.Summary
	pm         purchaseModel
	choice     *choice
	sm         *gammagamma.Model
	indep      *gammagamma.Independence
	scored     dataframe.DataFrame
	segments   dataframe.DataFrame
	eval       *clv.Evaluation
	horizon    float64 // in model units
	files      []string
}

// Run executes the job, writing progress to progress.
func Run(c Config, progress io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(progress, format+"\n", args...) }
	r := &results{cfg: c}
	switch c.Unit {
	case "day":
		r.unit = 24 * time.Hour
	case "week":
		r.unit = 7 * 24 * time.Hour
	default:
		return fmt.Errorf("-unit %q: want day or week", c.Unit)
	}
	if c.Model != "auto" && modelTitles[c.Model] == "" {
		return fmt.Errorf("-model %q: want auto, %s", c.Model, strings.Join(modelNames, ", "))
	}
	if c.Periods < 1 {
		return fmt.Errorf("-horizon %d: want ≥ 1 month", c.Periods)
	}
	opts := clv.CSVOptions{ID: c.ID, Time: c.Date, Amount: c.Amount, NoHeader: c.NoHeader, SkipInvalid: c.SkipInvalid}
	switch c.Delim {
	case "tab", `\t`:
		opts.Delimiter = '\t'
	case "space", " ":
		opts.Delimiter = ' '
	default:
		if len(c.Delim) != 1 {
			return fmt.Errorf("-delim %q: want one character, tab or space", c.Delim)
		}
		opts.Delimiter = rune(c.Delim[0])
	}
	if c.Layout != "" {
		opts.Layouts = []string{c.Layout}
	}
	f, err := os.Open(c.In)
	if err != nil {
		return err
	}
	defer f.Close()
	rd, err := clv.NewReader(f, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", c.In, err)
	}
	say("reading %s", c.In)
	r.txs, err = rd.ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", c.In, err)
	}
	r.read = rd.Stats()
	if c.SkipInvalid && !c.AllowNegative {
		// Negative amounts are refused when summarizing; with -skip-invalid
		// they are skipped and counted here instead.
		kept := r.txs[:0]
		for _, t := range r.txs {
			if t.Amount < 0 {
				r.read.Skipped++
				if r.read.Reasons == nil {
					r.read.Reasons = map[string]int{}
				}
				r.read.Reasons[clv.ErrNegativeAmount.Error()]++
				continue
			}
			kept = append(kept, t)
		}
		r.txs = kept
		if len(r.txs) == 0 {
			return fmt.Errorf("%s: %w: every amount is negative", c.In, clv.ErrEmptyLog)
		}
	}
	say("read %v", r.read)
	slices.SortStableFunc(r.txs, func(a, b clv.Transaction) int { return a.Time.Compare(b.Time) })
	r.start = r.txs[0].Time
	if r.end, err = parseDay(c.End, r.txs[len(r.txs)-1].Time); err != nil {
		return fmt.Errorf("-end: %w", err)
	}
	if c.CalibrationEnd != "" {
		if r.calEnd, err = parseDay(c.CalibrationEnd, time.Time{}); err != nil {
			return fmt.Errorf("-calibration-end: %w", err)
		}
	}
	r.sum, err = clv.Summarize(r.txs, clv.SummaryOptions{End: r.end, CalibrationEnd: r.calEnd, Unit: r.unit, AllowNegative: c.AllowNegative})
	if err != nil {
		return err
	}
	cs := r.sum.Customers
	say("summarized %d customers (%d first seen in the holdout)", len(cs), r.sum.HoldoutOnly)

	say("fitting purchase model %s on %d customers", c.Model, len(cs))
	if r.choice, err = choosePurchaseModel(c.Model, cs, r.sum.Holdout, say); err != nil {
		return err
	}
	r.pm = r.choice.pm
	if c.Amount == "" {
		return errors.New("no -amount column: spend and lifetime value need amounts")
	}
	if ind, err := gammagamma.FrequencyValueCorrelation(cs); err == nil {
		r.indep = &ind
		say("  %s", ind.Verdict)
	}
	say("fitting gamma-gamma")
	if r.sm, err = gammagamma.Fit(cs, gammagamma.FitOptions{SkipNonPositive: true}); err != nil {
		return err
	}
	say("  %v", r.sm)
	if n := r.sm.FitInfo().Skipped; n > 0 {
		say("  left out of the spend fit: %d customers whose repeat purchases are worth 0 or less", n)
	}

	month := clv.MonthInWeeks
	if c.Unit == "day" {
		month = clv.MonthInDays
	}
	r.horizon = float64(c.Periods) * month
	say("scoring %d customers", len(cs))
	df := segment.FromCustomers(cs)
	if df, err = segment.Tiers(df, r.pm, r.sm, segment.TierOptions{Value: clv.ValueOptions{
		Periods: c.Periods, PeriodLength: month, DiscountRate: c.Discount, Margin: c.Margin}}); err != nil {
		return err
	}
	if r.scored, err = segment.Score(df, segment.ScoreOptions{}); err != nil {
		return err
	}
	if r.segments, err = segment.Summarize(r.scored, segment.ColSegment, segment.Columns{}); err != nil {
		return err
	}
	if r.sum.Holdout != nil {
		ev, err := clv.EvaluateHoldout(r.pm, cs, r.sum.Holdout, 7)
		if err != nil {
			return err
		}
		r.eval = &ev
		say("holdout: %.0f purchases, model predicted %.1f (MAE %.3f), regression baseline MAE %.3f",
			ev.TotalActual, ev.Model.TotalPredicted, ev.Model.MAE, ev.Baseline.MAE)
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return err
	}
	for _, w := range []func(*results) error{writeForecast, writeModel, writeSegments, writeHoldout, writeReport} {
		if err := w(r); err != nil {
			return err
		}
	}
	say("wrote %v", r.files)
	return nil
}

func parseDay(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	return time.Parse(time.DateOnly, s)
}

func (r *results) create(name string) (*os.File, error) {
	r.files = append(r.files, name)
	return os.Create(filepath.Join(r.cfg.Out, name))
}

func writeCSV(r *results, name string, rows [][]string) error {
	f, err := r.create(name)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func ff(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

// ForecastColumns are the columns of forecast.csv.
var ForecastColumns = []string{"customer_id", "frequency", "recency", "T", "monetary_value", "p_alive",
	"expected_purchases", "expected_avg_value", "clv", "r_score", "f_score", "m_score", "rfm_score",
	"segment", "churn_tier", "value_tier", "action"}

func writeForecast(r *results) error {
	cs := r.sum.Customers
	exp, err := r.pm.ConditionalExpectedPurchasesAll(cs, r.horizon)
	if err != nil {
		return err
	}
	val, err := r.sm.ConditionalExpectedValueAll(cs)
	if err != nil {
		return err
	}
	col := func(name string) []string { return r.scored.Col(name).Records() }
	pa, clvs := r.scored.Col(segment.ColPAlive).Float(), r.scored.Col(segment.ColCLV).Float()
	rs, fs, ms, rfm := col(segment.ColRScore), col(segment.ColFScore), col(segment.ColMScore), col(segment.ColRFMScore)
	seg, ct, vt, act := col(segment.ColSegment), col(segment.ColChurnTier), col(segment.ColValueTier), col(segment.ColAction)
	rows := [][]string{ForecastColumns}
	for i, c := range cs {
		rows = append(rows, []string{c.ID, ff(c.Frequency), ff(c.Recency), ff(c.T), ff(c.MonetaryValue), ff(pa[i]),
			ff(exp[i]), ff(val[i]), ff(clvs[i]), rs[i], fs[i], ms[i], rfm[i], seg[i], ct[i], vt[i], act[i]})
	}
	return writeCSV(r, "forecast.csv", rows)
}

func writeModel(r *results) error {
	data := map[string]any{
		"input": r.cfg.In, "transactions": len(r.txs), "customers": len(r.sum.Customers),
		"records_read": r.read.Records, "records_skipped": r.read.Skipped, "skipped_by_reason": r.read.Reasons,
		"holdout_only_customers": r.sum.HoldoutOnly, "time_unit": r.cfg.Unit,
		"first_transaction": r.start, "observation_end": r.end,
	}
	if !r.calEnd.IsZero() {
		data["calibration_end"] = r.calEnd
	}
	out := map[string]any{"purchase_model": r.choice.name, "purchase_models": r.choice.fitted, "gammagamma": r.sm, "data": data}
	if cmp := r.choice.comparison; cmp != nil {
		var scores []map[string]any
		for _, s := range cmp.Scores {
			row := map[string]any{"model": s.Name, "log_likelihood": s.LogLikelihood, "n_params": s.NumParams, "aic": s.AIC, "bic": s.BIC}
			if s.Holdout != nil {
				row["holdout_mae"], row["holdout_rmse"], row["holdout_total_error"] = s.Holdout.Model.MAE, s.Holdout.Model.RMSE, s.TotalError
			}
			scores = append(scores, row)
		}
		out["model_choice"] = map[string]any{"criterion": cmp.Criterion, "chosen": r.choice.name, "reason": cmp.Reason, "scores": scores}
	}
	if len(r.choice.failed) > 0 {
		out["failed_fits"] = r.choice.failed
	}
	if r.indep != nil {
		out["frequency_value_correlation"] = r.indep
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	f, err := r.create("model.json")
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeSegments(r *results) error {
	return writeCSV(r, "segments.csv", r.segments.Records())
}

func writeHoldout(r *results) error {
	if r.eval == nil {
		return nil
	}
	rows := [][]string{{"calibration_frequency", "customers", "actual_mean", "predicted_mean"}}
	for i, g := range r.eval.Groups {
		label := strconv.Itoa(g.Frequency)
		if i == len(r.eval.Groups)-1 {
			label += "+"
		}
		rows = append(rows, []string{label, strconv.Itoa(g.Customers), ff(g.Actual), ff(g.Predicted)})
	}
	return writeCSV(r, "holdout.csv", rows)
}

func customer(x, tx, T float64) clv.Customer { return clv.Customer{Frequency: x, Recency: tx, T: T} }
