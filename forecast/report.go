package forecast

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/plots"
	"github.com/clvkit/clvkit/segment"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Figure is one plot of the report: its file name, title, caption, and
// the PNG image.
type Figure struct {
	File, Title, Caption string
	PNG                  []byte
}

// DataURL returns the image as a data: URL, for a self-contained page.
func (f Figure) DataURL() template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(f.PNG))
}

func render(p *plot.Plot, file, caption string) (Figure, error) {
	w, err := p.WriterTo(7*vg.Inch, 4.2*vg.Inch, "png")
	if err != nil {
		return Figure{}, err
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return Figure{}, err
	}
	return Figure{File: file, Title: p.Title.Text, Caption: caption, PNG: buf.Bytes()}, nil
}

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>clvkit forecast</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f4f4f4}img{max-width:100%}figcaption{color:#555;font-size:.9em}</style></head><body>
<h1>Customer forecast</h1>
<p>{{.Input}}: {{.Transactions}} transactions{{with .Skipped}} ({{.}}){{end}}, {{.Customers}} customers, times in {{.Unit}};
observation ends {{.End}}{{if .CalEnd}}, calibration ends {{.CalEnd}}{{end}}.</p>
{{if .Outliers}}<p><strong>Amounts far outside the log's bulk:</strong> {{.Outliers}}. Check them (typos, test orders, wholesale buyers): they pull the spend model.</p>{{end}}
<h2>Models</h2>
<table><tr><th>model</th><th>parameters</th><th>log-likelihood</th><th>fit</th></tr>
<tr><td>{{.PMTitle}} (purchases, dropout)</td><td>{{.PM}}</td><td>{{printf "%.2f" .PMLL}}</td><td>{{.PMStatus}}</td></tr>
{{if .Valued}}<tr><td>Gamma-Gamma (spend)</td><td>{{.GG}}</td><td>{{printf "%.2f" .GGLL}}</td><td>{{.GGStatus}}</td></tr>{{end}}</table>{{if not .Valued}}
<p>The log has no amounts: no spend model, no lifetime values; value tiers rank customers by expected purchases.</p>{{end}}
<p>{{if .Valued}}Both models are{{else}}The purchase model is{{end}} fitted on the whole observation to {{.End}}; every forecast, segment and tier below comes from {{if .Valued}}them{{else}}it{{end}}.
{{if .CalEnd}}The comparison of the purchase models and the holdout check use fits on the calibration period only (to {{.CalEnd}}),
checked against what the customers then did up to {{.End}}.{{end}}</p>
{{if .PMBoundary}}<p>The {{.PMTitle}} fit is at a boundary of the model, whose limit it uses: {{.PMBoundary}}.{{if .TotalIv}} Its intervals are conditional on the limit: the held shape carries no uncertainty.{{end}}</p>{{end}}{{if .GGBoundary}}
<p>The Gamma-Gamma fit is at a boundary of the model, whose limit it uses: {{.GGBoundary}}.{{if .TotalIv}} Its intervals are conditional on the limit: the held shape carries no uncertainty.{{end}}</p>{{end}}{{if .Fallback}}
<p><strong>Model used instead of the comparison's choice:</strong> {{.Fallback}}.</p>{{end}}
{{if .Failed}}<p>Left out of the comparison:</p><ul>{{range .Failed}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Cmp}}<h3>Choice of the purchase model{{if .CalEnd}} (fitted on the calibration period, to {{.CalEnd}}){{end}}</h3>
<table><tr><th>model</th><th>log-likelihood</th><th>parameters</th><th>AIC</th><th>BIC</th>{{if .Eval}}<th>holdout MAE</th><th>holdout RMSE</th><th>total error</th>{{end}}</tr>
{{range .Cmp}}<tr><td style="text-align:left">{{.Title}}{{if .Chosen}} (chosen){{end}}</td><td>{{printf "%.2f" .LL}}</td><td>{{.K}}</td><td>{{printf "%.2f" .AIC}}</td><td>{{printf "%.2f" .BIC}}</td>{{if .HasHoldout}}<td>{{printf "%.4f" .MAE}}</td><td>{{printf "%.4f" .RMSE}}</td><td>{{printf "%+.1f" .TotalError}}</td>{{end}}</tr>{{end}}</table>
<p>{{.CmpReason}}. BG/NBD lets a customer drop out only after a repeat purchase; MBG/NBD also right after the first purchase;
Pareto/NBD at any time. P(alive), churn tiers and CLV below come from the chosen model.</p>{{end}}
{{with .Cov}}<h3>Covariates ({{.Name}})</h3>
<p>Columns: {{range $i, $c := .Columns}}{{if $i}}; {{end}}{{$c}}{{end}}. {{.Used}}</p>
{{if .Rows}}<ul>{{range .Sentences}}<li>{{.}}.</li>{{end}}</ul>
<table><tr><th>covariate</th><th>process</th><th>multiplies</th><th>effect</th><th>{{.Level}}% interval</th><th>likelihood-ratio p</th></tr>
{{range .Rows}}<tr><td style="text-align:left">{{.Covariate}}</td><td style="text-align:left">{{.Process}}</td><td style="text-align:left">{{.Quantity}}</td><td>{{.Ratio}}</td><td>{{.Interval}}</td><td>{{.P}}</td></tr>{{end}}</table>
{{if .BGNote}}<p>{{.BGNote}}</p>{{end}}{{end}}{{range .Notes}}<p>{{.}}</p>{{end}}{{if .Spend}}<p>{{.Spend}}</p>{{end}}
{{with .Profiles}}{{$v := .Valued}}{{$iv := .Interval}}<h3>Value of a new customer by profile</h3><p>{{.What}}</p>
<table><tr><th>profile</th><th>customers</th><th>expected purchases</th>{{if $v}}<th>mean spend per purchase</th><th>value</th>{{else}}<th>discounted purchases</th>{{end}}{{if $iv}}<th>{{.IvLevel}}% interval</th>{{end}}</tr>
{{range .Rows}}<tr><td style="text-align:left">{{.Label}}</td><td>{{.Customers}}</td><td>{{.Purchases}}</td>{{if $v}}<td>{{.MeanSpend}}</td>{{end}}<td>{{.Value}}</td>{{if $iv}}<td>{{.Interval}}</td>{{end}}</tr>{{end}}</table>{{end}}
{{end}}{{if .Indep}}<p>Spend model check: {{.Indep}}.</p>{{end}}
<h2>Key numbers</h2>
<p>For the {{.Customers}} customers observed to {{.End}}, over the {{.Months}} months that follow.</p>
{{if .FewCustomers}}<p><strong>Caveat, few customers:</strong> {{.FewCustomers}}.</p>{{end}}
<table><tr><th>customers likely active (P(alive) ≥ 0.7)</th><td>{{.Active}}</td></tr>
<tr><th>expected purchases, next {{.Months}} months</th><td>{{printf "%.0f" .ExpPurchases}}{{if .TotalIv}} ({{.IvLevel}}% interval {{printf "%.0f" .TotalIv.Low}} to {{printf "%.0f" .TotalIv.High}}){{end}}</td></tr>
{{if .Valued}}<tr><th>total predicted CLV, {{.Months}} months</th><td>{{printf "%.2f" .TotalCLV}}{{if .TotalCLVIv}} ({{.IvLevel}}% interval {{printf "%.0f" .TotalCLVIv.Low}} to {{printf "%.0f" .TotalCLVIv.High}}){{end}}</td></tr>
<tr><th>share of CLV held by the top 10% of customers</th><td>{{printf "%.1f%%" .TopShare}}</td></tr>{{end}}</table>
<h3>Expected by month</h3>
<table><tr><th>month</th><th>from</th><th>purchases</th>{{if .Valued}}<th>revenue</th>{{end}}{{if .TotalIv}}<th>purchases, {{.IvLevel}}% interval</th>{{if .Valued}}<th>revenue, {{.IvLevel}}% interval</th>{{end}}{{end}}</tr>
{{range .Periods}}<tr><td>{{.Start.Format "2006-01"}}</td><td>{{.Start.Format "2006-01-02"}}</td><td>{{printf "%.1f" .Purchases}}</td>{{if $.Valued}}<td>{{printf "%.2f" .Revenue}}</td>{{end}}{{with .Interval}}<td>{{printf "%.1f" .Purchases.Low}} to {{printf "%.1f" .Purchases.High}}</td>{{if $.Valued}}<td>{{printf "%.2f" .Revenue.Low}} to {{printf "%.2f" .Revenue.High}}</td>{{end}}{{end}}</tr>{{end}}</table>
{{if .TotalIv}}<p>Intervals come from {{.IvDraws}} draws of the models' parameters: they show how sure the fits are of the expected values, not how much actual purchases will vary around them.{{with .IvMethod}} Draws: {{.Method}} ({{.Reason}}).{{end}}</p>{{end}}
<h2>Segments</h2>
<table><tr><th>segment</th><th>customers</th><th>share</th>{{if .Valued}}<th>mean CLV</th><th>total CLV</th>{{end}}<th>mean P(alive)</th></tr>
{{range .Segments}}<tr><td style="text-align:left">{{.Name}}</td><td>{{.N}}</td><td>{{printf "%.1f%%" .Share}}</td>{{if $.Valued}}<td>{{printf "%.2f" .MeanCLV}}</td><td>{{printf "%.0f" .TotalCLV}}</td>{{end}}<td>{{printf "%.2f" .PAlive}}</td></tr>{{end}}</table>
{{if .ModelNote}}<p>Note: {{.ModelNote}}</p>{{end}}
<h2>What to do: value tier × churn risk</h2>
<table><tr><th>value tier</th>{{range .ChurnTiers}}<th>{{.}}</th>{{end}}</tr>
{{range .Actions}}<tr><td style="text-align:left">{{.Tier}}</td>{{range .Cells}}<td style="text-align:left">{{.N}} customers: {{.Action}}</td>{{end}}</tr>{{end}}</table>
{{if .Month}}<h2>What to do this month</h2>
<p>Customers by their probability of no order in the next {{.Window}} days (p_churn_window: likely to order below {{.BandLow}}, unlikely to order from {{.BandHigh}}) and value tier:
how many, what they are worth over the {{.Months}} months ({{if .Valued}}CLV, {{end}}expected purchases), how many of them are expected to order within the {{.Window}} days, and what to do.</p>
<table><tr><th>value tier</th><th>within {{.Window}} days</th><th>customers</th>{{if .Valued}}<th>CLV at stake</th>{{end}}<th>expected purchases</th><th>expected to order</th><th>action</th></tr>
{{range .Month}}{{if .Customers}}<tr><td style="text-align:left">{{.Value}}</td><td style="text-align:left">{{.Band}}</td><td>{{.Customers}}</td>{{if $.Valued}}<td>{{printf "%.0f" .CLV}}</td>{{end}}<td>{{printf "%.1f" .ExpectedPurchases}}</td><td>{{printf "%.1f" .Ordering}}</td><td style="text-align:left">{{.Action}}</td></tr>{{end}}{{end}}</table>{{end}}
<h3>Next order's expected date</h3>
<p>{{.NextDefined}} customers have an expected date of the next order within the horizon (next_order_date, the median of the time to it; by week in next_order.png){{if .NextWeeks}}, the most in the week from {{.NextPeak}}{{end}};
{{.NextUndefined}} have none: their next order is unlikely within the {{.Months}} months{{if not .Month}} (the purchase model gives no distribution of the next order){{end}}.</p>
{{if .Eval}}<h2>Holdout check</h2>
<p>The {{.PMTitle}} model fitted on the calibration period (to {{.CalEnd}}, {{.CalCustomers}} customers first seen in it) predicts their
purchases from {{.CalEnd}} to {{.End}}; the forecasts above come from the refit on the whole observation.</p>
<table><tr><th>calibration frequency</th><th>customers</th><th>actual mean</th><th>predicted mean</th></tr>
{{range .Eval.Groups}}<tr><td>{{.Frequency}}</td><td>{{.Customers}}</td><td>{{printf "%.3f" .Actual}}</td><td>{{printf "%.3f" .Predicted}}</td></tr>{{end}}</table>
<p>Total holdout purchases {{printf "%.0f" .Eval.TotalActual}}, predicted {{printf "%.1f" .Eval.Model.TotalPredicted}}.
Per customer: model MAE {{printf "%.3f" .Eval.Model.MAE}}, RMSE {{printf "%.3f" .Eval.Model.RMSE}};
regression baseline (in-sample OLS on frequency, recency, T) MAE {{printf "%.3f" .Eval.Baseline.MAE}}, RMSE {{printf "%.3f" .Eval.Baseline.RMSE}}.</p>{{end}}
{{template "crosssell" .CrossSell}}{{template "campaign" .Campaign}}<h2>Plots</h2>
{{range .Figures}}<figure><img src="{{.DataURL}}" alt="{{.Title}}"><figcaption>{{.Caption}} ({{.File}})</figcaption></figure>{{end}}
</body></html>
`))

// A maker makes one of the report's plots.
type maker struct {
	file, caption string
	make          func(*Result) (*plot.Plot, error)
}

// Figures renders the report's plots (package plots): the calibration
// fit by frequency, the holdout check (with a holdout period), the
// tracking curve, P(alive) and expected purchases over frequency ×
// recency, the CLV distribution, the segment sizes, the next order's
// expected date by week (NextOrderWeeks), and from a log the
// cohort heat map and the monthly KPI and revenue lines continued by the
// forecast.
func (r *Result) Figures() ([]Figure, error) {
	name := ModelTitle(r.Choice.Name)
	unit := plots.UnitName(r.Config.Unit)
	sum := r.Summary
	T, maxX := 0.0, 0.0
	for _, c := range sum.Customers {
		T = math.Max(T, c.T)
		maxX = math.Max(maxX, c.Frequency)
	}
	maxX = math.Min(maxX, 40)
	// A model with covariates predicts a customer with the customer's own
	// covariates; the frequency × recency matrices, of customers known by
	// their summary alone, are those of the mean profile.
	profile := ""
	if _, ok := r.Choice.Model.(*covPurchase); ok {
		profile = " For a customer with the mean covariate profile (each covariate at its mean, as customers without a row)."
	} else if _, ok := r.Choice.Model.(*dynPurchase); ok {
		profile = " For a customer whose covariates stay at the customers' mean at the end of observation."
	}
	makers := []maker{
		{"frequency.png", "How well the model fits the data it was fitted on (the whole observation): customers by number of repeat purchases.", func(r *Result) (*plot.Plot, error) {
			return plots.CalibrationFitCounts(r.Frequencies, name)
		}},
		{"tracking.png", trackingCaption(r), func(r *Result) (*plot.Plot, error) {
			return plots.TrackingPlot(*r.Tracking, plots.TrackingOptions{CalibrationEnd: r.Config.CalibrationEnd, Level: r.Config.Interval})
		}},
		{"p_alive.png", "Probability a customer is still active, by frequency and recency." + profile, func(r *Result) (*plot.Plot, error) {
			return plots.FrequencyRecency("P(alive) by frequency and recency", int(maxX), T, unit, r.Choice.Model.ProbabilityAlive)
		}},
		{"expected_purchases.png", "Expected purchases over the forecast horizon, by frequency and recency." + profile, func(r *Result) (*plot.Plot, error) {
			return plots.FrequencyRecency(fmt.Sprintf("Expected purchases in the next %d months", r.Config.Months), int(maxX), T, unit,
				func(c clv.Customer) float64 { return r.Choice.Model.ConditionalExpectedPurchases(c, r.Horizon) })
		}},
		{"clv.png", "Distribution of predicted lifetime value.", func(r *Result) (*plot.Plot, error) {
			v := make([]float64, len(r.Forecasts))
			for i, f := range r.Forecasts {
				v[i] = f.CLV
			}
			return plots.CLVDistribution(v, fmt.Sprintf("Predicted %d-month CLV per customer (99%% of customers shown)", r.Config.Months))
		}},
		{"segments.png", "Size of each RFM segment.", func(r *Result) (*plot.Plot, error) {
			return plots.SegmentSizes(r.Segments, "Customers by RFM segment")
		}},
	}
	if r.Spend == nil { // no amounts: no values
		makers = slices.DeleteFunc(makers, func(m maker) bool { return m.file == "clv.png" })
	}
	if r.Tracking == nil { // summaries as input: no transactions to track
		makers = slices.Delete(makers, 1, 2)
	}
	makers = append(makers, r.nextOrderFigure())
	makers = append(makers, r.cohortFigures()...)
	if r.Holdout != nil {
		makers = slices.Insert(makers, 1, maker{"holdout.png", "Model check on the holdout period: mean purchases by calibration frequency.",
			func(r *Result) (*plot.Plot, error) { return plots.HoldoutByFrequency(*r.Holdout, r.HoldoutIntervals) }})
	}
	// The plots are independent: they render concurrently, into their
	// own slots.
	figs := make([]Figure, len(makers))
	errs := make([]error, len(makers))
	var wg sync.WaitGroup
	for i, m := range makers {
		wg.Go(func() {
			p, err := m.make(r)
			if err == nil {
				figs[i], err = render(p, m.file, m.caption)
			}
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", m.file, err)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return figs, nil
}

// trackingCaption says what the tracking plot shows: with a calibration
// end, the calibration fit's customers and their forecast checked against
// what they did in the holdout.
func trackingCaption(r *Result) string {
	if r.Calibration != nil {
		return "Repeat purchases over time of the customers first seen in the calibration period, actual and expected by the model fitted on it; after the calibration end the model forecasts and the holdout checks it."
	}
	return "Repeat purchases over time, actual and as the model fitted on them expects."
}

// WriteReport writes the HTML report with the figures inlined (no network
// access needed to view it): the inputs, the models and their comparison,
// the key numbers, the segments, the action grid, what to do this month
// (MonthPlan) and the next order's date (NextOrderWeeks), the holdout
// check, the cross-sell section (with Config.ProductColumn) and the plots.
func (r *Result) WriteReport(w io.Writer, figs []Figure) error {
	type segRow struct {
		Name                             string
		N                                int
		Share, MeanCLV, TotalCLV, PAlive float64
	}
	var segs []segRow
	for _, g := range r.Segments {
		segs = append(segs, segRow{g.Key, g.Customers, 100 * g.Share, g.MeanCLV, g.TotalCLV, g.MeanPAlive})
	}
	type cell struct {
		N      int
		Action string
	}
	type actRow struct {
		Tier  string
		Cells []cell
	}
	churnTiers := []string{segment.Active, segment.AtRisk, segment.LikelyLost}
	var tiers []segment.Tier // one of each value tier, by rank
	grid := map[[2]string]*cell{}
	// The grid's cells by value rank and churn tier, for the customers
	// whose value tier is the first seen of its rank: they count there
	// without hashing their tiers' names.
	type rankCells struct {
		value string
		cells [3]*cell
	}
	var byRank []*rankCells
	for _, k := range r.Tiers.Of {
		t := r.Tiers.Kinds[k]
		ci := slices.Index(churnTiers, t.Churn)
		if ci >= 0 && t.Rank >= 0 && t.Rank < len(byRank) {
			if rc := byRank[t.Rank]; rc != nil && rc.value == t.Value && rc.cells[ci] != nil {
				rc.cells[ci].N++
				continue
			}
		}
		if !slices.ContainsFunc(tiers, func(u segment.Tier) bool { return u.Rank == t.Rank }) {
			tiers = append(tiers, t)
		}
		k := [2]string{t.Value, t.Churn}
		if grid[k] == nil {
			grid[k] = &cell{Action: t.Action}
		}
		grid[k].N++
		if ci >= 0 && t.Rank >= 0 && t.Rank < 1024 {
			if t.Rank >= len(byRank) {
				byRank = append(byRank, make([]*rankCells, t.Rank+1-len(byRank))...)
			}
			if byRank[t.Rank] == nil {
				byRank[t.Rank] = &rankCells{value: t.Value}
			}
			if byRank[t.Rank].value == t.Value {
				byRank[t.Rank].cells[ci] = grid[k]
			}
		}
	}
	slices.SortFunc(tiers, func(a, b segment.Tier) int { return a.Rank - b.Rank })
	var actions []actRow
	for _, t := range tiers {
		row := actRow{Tier: t.Value}
		for _, c := range churnTiers {
			if g := grid[[2]string{t.Value, c}]; g != nil {
				row.Cells = append(row.Cells, *g)
			} else {
				row.Cells = append(row.Cells, cell{Action: "—"})
			}
		}
		actions = append(actions, row)
	}
	data := map[string]any{
		"Segments": segs, "ChurnTiers": churnTiers, "Actions": actions,
		"Input": r.Config.Name, "Transactions": r.Summary.Stats.Records - r.Summary.Stats.Skipped, "Customers": len(r.Summary.Customers),
		"Unit": plots.UnitName(r.Config.Unit), "End": r.Summary.End.Format("2006-01-02 15:04"), "CalEnd": "",
		"PMTitle": ModelTitle(r.Choice.Name), "PM": r.Choice.Model.String(), "ModelNote": "", "Cov": r.covariatesReport(),
		"PMLL": r.Choice.Model.FitInfo().LogLikelihood, "PMStatus": r.Choice.Model.FitInfo().Status,
		"Indep": "", "Active": r.Totals.Active, "Months": r.Config.Months, "ExpPurchases": r.Totals.ExpectedPurchases,
		"TotalCLV": r.Totals.CLV, "TopShare": 100 * r.Totals.TopShare, "Valued": r.Spend != nil, "Fallback": r.Choice.Fallback, "Eval": r.Holdout, "Figures": figs, "Periods": r.Periods,
		"TotalIv": (*Interval)(nil), "TotalCLVIv": (*Interval)(nil), "IvLevel": fmt.Sprintf("%.0f", 100*r.Config.Interval),
		"IvDraws": r.Config.IntervalDraws, "IvMethod": r.IntervalMethod, "CrossSell": r.crossSellReport(), "Campaign": r.campaignReport(),
	}
	data["Month"], data["Window"] = r.MonthPlan(), r.Config.Window
	data["Skipped"] = joinNotes(skippedNote(r.Summary.Stats), mergedNote(r.Summary.Stats))
	data["BandLow"], data["BandHigh"] = ChurnBandLow, ChurnBandHigh
	weeks, undefined := r.NextOrderWeeks()
	peak, defined := 0, 0
	for k, n := range weeks {
		defined += n
		if n > weeks[peak] {
			peak = k
		}
	}
	data["NextDefined"], data["NextUndefined"], data["NextWeeks"] = defined, undefined, defined > 0
	data["NextPeak"] = r.Summary.End.AddDate(0, 0, 7*peak).Format("2006-01-02")
	if r.Spend != nil {
		p := r.Spend.Params()
		data["GG"] = fmt.Sprintf("p=%.4f q=%.4f γ=%.4f", p.P, p.Q, p.Gamma)
		data["GGLL"], data["GGStatus"] = r.Spend.LogLikelihood(), r.Spend.FitInfo().Status
	}
	if !r.Config.CalibrationEnd.IsZero() {
		data["CalEnd"] = r.Config.CalibrationEnd.Format("2006-01-02")
	}
	if r.Calibration != nil {
		data["CalCustomers"] = len(r.Calibration.Customers)
	}
	var failed []string
	for _, n := range ModelNames {
		if why, ok := r.Choice.Failed[n]; ok {
			failed = append(failed, ModelTitle(n)+": "+why)
		}
		if why, ok := r.Choice.NotFitted[n]; ok {
			failed = append(failed, ModelTitle(n)+": "+why)
		}
	}
	data["Failed"] = failed
	if data["GGBoundary"] = spendBoundary(r.Spend); data["GGBoundary"] != "" {
		// A limit's held shapes and γ run to 1e10 and down to 1e-10.
		p := r.Spend.Params()
		data["GG"] = fmt.Sprintf("p=%.6g q=%.6g γ=%.6g", p.P, p.Q, p.Gamma)
	}
	if m := lookup(r.Choice.Name); m != nil {
		data["ModelNote"] = m.note
	}
	data["PMBoundary"] = ""
	if fi := r.Choice.Model.FitInfo(); fi.Status == clv.AtBoundary {
		data["PMBoundary"] = fi.Reason
	}
	_, _, data["FewCustomers"] = fewCustomers(r.Summary, r.Calibration)
	data["Outliers"] = ""
	if o := r.Summary.Stats.Amounts.Outliers(); o.Count > 0 {
		data["Outliers"] = o.String()
	}
	if cmp := r.Choice.Comparison; cmp != nil {
		type cmpRow struct {
			Title                 string
			Chosen, HasHoldout    bool
			LL, AIC, BIC          float64
			K                     int
			MAE, RMSE, TotalError float64
		}
		var rows []cmpRow
		for i, s := range cmp.Scores {
			row := cmpRow{Title: ModelTitle(s.Name), Chosen: i == cmp.Chosen, LL: s.LogLikelihood, K: s.NumParams, AIC: s.AIC, BIC: s.BIC}
			if s.Holdout != nil {
				row.HasHoldout, row.MAE, row.RMSE, row.TotalError = true, s.Holdout.Model.MAE, s.Holdout.Model.RMSE, s.TotalError
			}
			rows = append(rows, row)
		}
		data["Cmp"], data["CmpReason"] = rows, cmp.Reason
	}
	if r.Independence != nil {
		data["Indep"] = r.Independence.Verdict
	}
	if r.Intervals != nil {
		iv, ivc := r.TotalPurchases, r.TotalCLV
		data["TotalIv"], data["TotalCLVIv"] = &iv, &ivc
	}
	return page.Execute(w, data)
}

// skippedNote says how many lines of the log SkipInvalid left out and
// why ("2 lines skipped: unparseable amount: 1, unparseable date: 1"), or
// "" if none.
func skippedNote(st clv.Stats) string {
	if st.Skipped == 0 {
		return ""
	}
	lines := "lines"
	if st.Skipped == 1 {
		lines = "line"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s skipped", st.Skipped, lines)
	for k, reason := range slices.Sorted(maps.Keys(st.Reasons)) {
		sep := ", "
		if k == 0 {
			sep = ": "
		}
		fmt.Fprintf(&b, "%s%s: %d", sep, reason, st.Reasons[reason])
	}
	return b.String()
}
