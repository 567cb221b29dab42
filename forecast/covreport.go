package forecast

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/clv"
)

// UnmarshalJSON refuses: a model with covariates decodes with its package
// (paretonbd.CovModel, bgnbd.CovModel).
func (m *covPurchase) UnmarshalJSON([]byte) error {
	return errors.New("forecast: decode a model with covariates with paretonbd.CovModel or bgnbd.CovModel")
}

// EffectLevel is the confidence level of the covariates' effects in
// Result.Covariates, the report and model.json.
const EffectLevel = 0.95

// readCovariates is the covariates stage: it reads Config.Covariates for
// the log's customers and gives the fitter the covariate models.
func (j *job) readCovariates(obs observation) (*Covariates, error) {
	name := j.cfg.CovariatesName
	if name == "" {
		name = "covariates"
	}
	j.say("reading covariates %s", name)
	t, err := readCovariates(j.cfg.Covariates, name, j.cfg.CSV, obs.whole.Customers)
	if err != nil {
		return nil, err
	}
	j.fits.cov = t
	c := t.info
	j.say("  %d rows, covariates %s", c.Rows, strings.Join(c.Names, ", "))
	if c.NotInLog > 0 {
		j.say("  %d rows of customers not in the log, unused", c.NotInLog)
	}
	if c.SkippedLines > 0 {
		j.say("  %d lines skipped as unusable, e.g. %s", c.SkippedLines, c.FirstSkipped[0])
	}
	if c.Missing > 0 {
		j.say("  %d customers of the log without a usable row: fitted and scored with the mean profile", c.Missing)
	}
	return c, nil
}

// covariateEffects fills Result.Covariates' effects: those of the chosen
// model if it has covariates, else of the best covariate model by the
// comparison's criterion, with likelihood-ratio tests (one refit per
// effect; without them if a refit fails, as the progress says).
func (j *job) covariateEffects(ctx context.Context, res *Result) {
	ch := res.Choice
	var cp *covPurchase
	if m, ok := ch.Model.(*covPurchase); ok {
		cp, res.Covariates.EffectsUsed = m, true
	} else if ch.Comparison != nil {
		for _, name := range ranked(ch.Comparison) {
			if m, ok := ch.Fitted[name].(*covPurchase); ok {
				cp = m
				break
			}
		}
	}
	if cp == nil {
		return
	}
	res.Covariates.purchase = cp
	j.say("testing the covariates' effects in %s (one refit per effect)", ModelTitle(cp.name))
	eff, err := cp.tests(ctx, EffectLevel)
	if err != nil {
		j.say("  without likelihood-ratio tests: %v", err)
		if eff, err = cp.fitted.Effects(EffectLevel); err != nil {
			return
		}
	}
	res.Covariates.Effects, res.Covariates.EffectsModel = eff, cp.name
	for _, s := range res.Covariates.Sentences() {
		j.say("  %s", s)
	}
}

// subject returns the customers a covariate's effect is about, e.g.
// "customers with Channel = online (rather than offline)".
func (c *Covariates) subject(name string) string {
	for _, col := range c.Columns {
		switch {
		case col.Categorical && strings.HasPrefix(name, col.Name+"="):
			return fmt.Sprintf("customers with %s = %s (rather than %s)", col.Name, strings.TrimPrefix(name, col.Name+"="), col.Reference)
		case !col.Categorical && name == col.Name && col.Binary:
			return fmt.Sprintf("customers with %s = 1 (rather than 0)", name)
		case !col.Categorical && name == col.Name:
			return fmt.Sprintf("customers with %s one unit higher", name)
		}
	}
	return "customers with " + name
}

// times writes a ratio, the words how, its interval and p-value, e.g.
// "1.87× as often [1.52, 2.29] (p < 0.001)".
func times(e clv.CovariateEffect, how string) string {
	s := fmt.Sprintf("%.3g× %s", e.Ratio, how)
	if !math.IsNaN(e.Lo) {
		s += fmt.Sprintf(" [%.3g, %.3g]", e.Lo, e.Hi)
	}
	switch {
	case math.IsNaN(e.P):
	case e.P < 0.001:
		s += " (p < 0.001)"
	default:
		s += fmt.Sprintf(" (p = %.2g)", e.P)
	}
	return s
}

// Sentences says the effects in words, one sentence per covariate, e.g.
// "Customers with Channel = 1 (rather than 0) buy 1.87× as often [1.52,
// 2.29] (p < 0.001), drop out 2.2× as fast [1.5, 3.2] (p = 0.0004) and
// spend 1.3× as much per purchase [1.1, 1.5] (p = 0.002)" (the
// effects of Effects, then of SpendEffects),
// in the terms of the model (BG/NBD and MBG/NBD: a dropout effect scales
// the concentration of the dropout probability, not its mean).
func (c *Covariates) Sentences() []string {
	bg := c.EffectsModel != "paretonbd-cov" && c.EffectsModel != "ggompertz-cov"
	var out []string
	byName := map[string][]string{}
	var order []string
	for _, e := range slices.Concat(c.Effects, c.SpendEffects) {
		var clause string
		switch {
		case e.Process == clv.SpendProcess:
			clause = "spend " + times(e, "as much per purchase")
		case e.Process == clv.PurchaseProcess:
			clause = "buy " + times(e, "as often")
		case !bg:
			clause = "drop out " + times(e, "as fast")
		default:
			more := "fewer"
			if e.Ratio < 1 {
				more = "more"
			}
			clause = "have their chance of dropping out after a purchase " + times(e, "as concentrated around the same mean") + ", so " +
				more + " of them stay almost for ever or leave almost at once"
		}
		if _, ok := byName[e.Covariate]; !ok {
			order = append(order, e.Covariate)
		}
		byName[e.Covariate] = append(byName[e.Covariate], clause)
	}
	for _, n := range order {
		cl := byName[n]
		all := cl[len(cl)-1]
		if len(cl) > 1 {
			all = strings.Join(cl[:len(cl)-1], ", ") + " and " + all
		}
		out = append(out, "C"+strings.TrimPrefix(c.subject(n), "c")+" "+all)
	}
	return out
}

// covariatesJSON is model.json's "covariates".
func (res *Result) covariatesJSON() map[string]any {
	c := res.Covariates
	cols := make([]map[string]any, len(c.Columns))
	for i, col := range c.Columns {
		cols[i] = map[string]any{"name": col.Name, "categorical": col.Categorical, "binary": col.Binary}
		if col.Categorical {
			cols[i]["levels"], cols[i]["reference"] = col.Levels, col.Reference
		}
	}
	// How a row is read (LoadModels encodes a customer's raw values as the
	// job encoded the file's): the id column, the delimiter, the decimal comma.
	delim := res.Config.CSV.Delimiter
	if delim == 0 {
		delim = ','
	}
	out := map[string]any{"file": c.Name, "columns": cols, "covariates": c.Names, "rows": c.Rows,
		"id_column": c.IDColumn, "delimiter": string(delim), "decimal_comma": res.Config.CSV.DecimalComma,
		"rows_not_in_log": c.NotInLog, "lines_skipped": c.SkippedLines,
		"customers_without_row": c.Missing, "mean_profile": c.Mean,
		"missing_rule": "customers of the log without a usable row are fitted and scored with the mean profile"}
	if c.EffectsModel != "" {
		eff := effectsJSON(c.Effects)
		out["effects"] = map[string]any{"model": c.EffectsModel, "used_for_forecasts": c.EffectsUsed, "level": EffectLevel,
			"effects": eff, "sentences": c.Sentences()}
	}
	if c.Spend != nil {
		sp := map[string]any{"model": SpendModelName, "used_for_forecasts": true, "level": EffectLevel,
			"fit": c.Spend, "effects": effectsJSON(c.SpendEffects)}
		if !math.IsNaN(c.SpendLR) {
			sp["joint_lr"], sp["joint_p"] = c.SpendLR, c.SpendP
		}
		out["spend"] = sp
	} else if c.SpendNote != "" {
		out["spend"] = map[string]any{"model": SpendModelName, "used_for_forecasts": false, "note": c.SpendNote}
	}
	if len(c.Profiles) > 0 {
		var rows []map[string]any
		for _, p := range c.Profiles {
			r := map[string]any{"profile": p.Label, "covariates": p.Z, "customers": p.Customers,
				"expected_purchases": p.Purchases, "discounted_purchases": p.Discounted}
			if !math.IsNaN(p.Value) {
				r["mean_spend_per_purchase"], r["value"] = p.MeanSpend, p.Value
			}
			if p.Interval != nil && !math.IsNaN(p.Interval.Low) {
				r["lo"], r["hi"] = p.Interval.Low, p.Interval.High
			}
			rows = append(rows, r)
		}
		out["new_customer_value"] = map[string]any{"purchase_model": c.ProfilesModel, "horizon_months": res.Config.Months,
			"discount": res.Config.Discount, "margin": res.Config.Margin, "interval_level": res.Config.Interval,
			"what":     "the expected discounted margin of the repeat purchases over the horizon of a customer whose first purchase is at the end of observation, the first purchase left out",
			"profiles": rows}
	}
	return out
}

// effectsJSON is a list of effects in model.json, without the numbers not
// computed.
func effectsJSON(effs []clv.CovariateEffect) []map[string]any {
	eff := make([]map[string]any, len(effs))
	for i, e := range effs {
		eff[i] = map[string]any{"covariate": e.Covariate, "process": e.Process, "quantity": e.Quantity,
			"gamma": e.Gamma, "ratio": e.Ratio}
		for k, v := range map[string]float64{"std_error": e.StdErr, "lo": e.Lo, "hi": e.Hi, "lr": e.LR, "p": e.P} {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				eff[i][k] = v
			}
		}
	}
	return eff
}

// covEffectRow is one row of the report's effects table.
type covEffectRow struct {
	Covariate, Process, Quantity, Ratio, Interval, P string
}

// covariatesReport is the report's data of the covariates section.
func (res *Result) covariatesReport() map[string]any {
	c := res.Covariates
	if c == nil && res.Dynamic != nil {
		return res.dynamicReport()
	}
	if c == nil {
		return nil
	}
	var rows []covEffectRow
	for _, e := range slices.Concat(c.Effects, c.SpendEffects) {
		r := covEffectRow{Covariate: e.Covariate, Process: e.Process, Quantity: e.Quantity, Ratio: fmt.Sprintf("×%.3g", e.Ratio),
			Interval: "—", P: "—"}
		if !math.IsNaN(e.Lo) {
			r.Interval = fmt.Sprintf("%.3g to %.3g", e.Lo, e.Hi)
		}
		if !math.IsNaN(e.P) {
			r.P = fmt.Sprintf("%.2g", e.P)
		}
		rows = append(rows, r)
	}
	var cols []string
	for _, col := range c.Columns {
		if col.Categorical {
			cols = append(cols, fmt.Sprintf("%s (categorical: %s; reference %s)", col.Name, strings.Join(col.Levels, ", "), col.Reference))
		} else {
			cols = append(cols, col.Name+" (numeric)")
		}
	}
	var notes []string
	if c.NotInLog > 0 {
		notes = append(notes, fmt.Sprintf("%d rows of customers not in the log were not used.", c.NotInLog))
	}
	if c.SkippedLines > 0 {
		notes = append(notes, fmt.Sprintf("%d lines were skipped as unusable (e.g. %s).", c.SkippedLines, c.FirstSkipped[0]))
	}
	if c.Missing > 0 {
		notes = append(notes, fmt.Sprintf("%d customers of the log have no usable row: they are fitted and scored with the mean profile (each covariate at its mean, an indicator at its level's share).", c.Missing))
	}
	used := ""
	switch {
	case c.EffectsModel == "":
		used = "No model with covariates was fitted (a model without them was asked for)."
	case c.EffectsUsed:
		used = fmt.Sprintf("%s makes the forecasts below.", ModelTitle(c.EffectsModel))
	default:
		used = fmt.Sprintf("The comparison chose %s, without covariates; these are the effects in %s, the best model with covariates, which the forecasts do not use.",
			ModelTitle(res.Choice.Name), ModelTitle(c.EffectsModel))
	}
	d := map[string]any{"Name": c.Name, "Columns": cols, "Rows": rows, "Sentences": c.Sentences(), "Notes": notes,
		"Used": used, "Model": ModelTitle(c.EffectsModel), "Level": fmt.Sprintf("%.0f", 100*EffectLevel),
		"Spend": c.spendSentence(), "Profiles": res.profilesReport()}
	if c.EffectsModel != "" && c.EffectsModel != "paretonbd-cov" && c.EffectsModel != "ggompertz-cov" {
		d["BGNote"] = "In " + ModelTitle(c.EffectsModel) + " a dropout effect multiplies both a and b: the chance of dropping out after a purchase keeps its mean a/(a+b), " +
			"and its spread across customers narrows (×>1) or widens (×<1); it is not a dropout rate."
	}
	return d
}

// spendSentence says which spend model values the purchases, "" in a run
// without amounts.
func (c *Covariates) spendSentence() string {
	switch {
	case c.Spend != nil:
		s := "The Gamma-Gamma spend model with the same covariates on the scale of spend values the purchases (each customer's expected spend per purchase from the customer's own profile and purchases)"
		if !math.IsNaN(c.SpendLR) {
			p := fmt.Sprintf("p = %.2g", c.SpendP)
			if c.SpendP < 0.001 {
				p = "p < 0.001"
			}
			s += fmt.Sprintf("; against the model without them, the covariates together raise its log-likelihood by %.2f (likelihood-ratio test, %s)", c.SpendLR/2, p)
		}
		return s + "."
	default:
		return c.SpendNote
	}
}

// profileReportRow is one row of the report's table of new-customer
// values.
type profileReportRow struct {
	Label, Customers, Purchases, MeanSpend, Value, Interval string
}

// profilesReport is the report's table of new-customer values per
// profile, nil without profiles.
func (res *Result) profilesReport() map[string]any {
	c := res.Covariates
	if len(c.Profiles) == 0 {
		return nil
	}
	valued := res.Spend != nil
	var rows []profileReportRow
	for _, p := range c.Profiles {
		r := profileReportRow{Label: p.Label, Customers: fmt.Sprint(p.Customers), Purchases: fmt.Sprintf("%.2f", p.Purchases), MeanSpend: "—", Value: "—", Interval: "—"}
		if valued {
			r.MeanSpend, r.Value = fmt.Sprintf("%.2f", p.MeanSpend), fmt.Sprintf("%.2f", p.Value)
		} else {
			r.Value = fmt.Sprintf("%.2f", p.Discounted)
		}
		if p.Interval != nil && !math.IsNaN(p.Interval.Low) {
			r.Interval = fmt.Sprintf("%.2f to %.2f", p.Interval.Low, p.Interval.High)
		}
		rows = append(rows, r)
	}
	what := fmt.Sprintf("The value of a new customer with each profile: the expected margin (%.0f%%) of the repeat purchases over the next %d months of a customer "+
		"whose first purchase is today, discounted as the CLV is (%.3g a month), from %s and the spend model at the profile; the first purchase is left out. "+
		"Set it against what acquiring such a customer costs.", 100*res.Config.Margin, res.Config.Months, res.Config.Discount, ModelTitle(c.ProfilesModel))
	if res.Config.Margin == 1 {
		what = strings.Replace(what, " margin (100%)", " revenue", 1)
	}
	if !valued {
		what = fmt.Sprintf("The expected repeat purchases of a new customer with each profile over the next %d months, and the same discounted as the CLV is (%.3g a month) "+
			"(no amounts in the log: no values), from %s.", res.Config.Months, res.Config.Discount, ModelTitle(c.ProfilesModel))
	}
	if _, ok := res.Choice.Model.(*covPurchase); !ok && c.purchase == nil {
		what += " The purchase model has no covariates: the profiles differ only in their spend."
	}
	return map[string]any{"Rows": rows, "What": what, "Valued": valued, "Interval": res.Config.Interval > 0,
		"IvLevel": fmt.Sprintf("%.0f", 100*res.Config.Interval)}
}
