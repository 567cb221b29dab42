package forecast

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image/color"
	"io"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

var (
	actualColor = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	modelColor  = color.RGBA{R: 255, G: 127, B: 14, A: 255}
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

func bars(vals []float64, c color.Color, offset vg.Length) (*plotter.BarChart, error) {
	b, err := plotter.NewBarChart(plotter.Values(vals), vg.Points(12))
	if err != nil {
		return nil, err
	}
	b.Color, b.LineStyle.Width, b.Offset = c, 0, offset
	return b, nil
}

// frequencyPlot compares the observed number of customers with each
// calibration frequency with the model's expectation Σ_i P(X(T_i) = x).
func frequencyPlot(r *Result) (*plot.Plot, error) {
	const k = 8 // 0..6 and 7+
	obs := make([]float64, k)
	for _, c := range r.Summary.Customers {
		obs[min(int(c.Frequency), k-1)]++
	}
	exp, err := r.Choice.Model.ExpectedFrequencyCounts(r.Summary.Customers, k-1)
	if err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Customers by number of repeat purchases: observed vs " + ModelTitle(r.Choice.Name)
	p.Y.Label.Text = "customers"
	p.X.Label.Text = "repeat purchases in the calibration period"
	a, err := bars(obs, actualColor, -vg.Points(6))
	if err != nil {
		return nil, err
	}
	m, err := bars(exp, modelColor, vg.Points(6))
	if err != nil {
		return nil, err
	}
	p.Add(a, m)
	p.Legend.Add("observed", a)
	p.Legend.Add("model", m)
	p.Legend.Top = true
	p.NominalX("0", "1", "2", "3", "4", "5", "6", "7+")
	return p, nil
}

// holdoutPlot shows mean holdout purchases by calibration frequency.
func holdoutPlot(r *Result) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Holdout purchases by calibration frequency: actual vs predicted"
	p.X.Label.Text = "repeat purchases in the calibration period (7 = 7 or more)"
	p.Y.Label.Text = "mean purchases in the holdout"
	var act, pred plotter.XYs
	for _, g := range r.Holdout.Groups {
		if g.Customers > 0 {
			act = append(act, plotter.XY{X: float64(g.Frequency), Y: g.Actual})
			pred = append(pred, plotter.XY{X: float64(g.Frequency), Y: g.Predicted})
		}
	}
	if err := addLines(p, "actual", act, actualColor, "model", pred, modelColor); err != nil {
		return nil, err
	}
	return p, nil
}

func addLines(p *plot.Plot, n1 string, a plotter.XYs, c1 color.Color, n2 string, b plotter.XYs, c2 color.Color) error {
	l1, s1, err := plotter.NewLinePoints(a)
	if err != nil {
		return err
	}
	l2, s2, err := plotter.NewLinePoints(b)
	if err != nil {
		return err
	}
	l1.Color, s1.Color = c1, c1
	l2.Color, s2.Color = c2, c2
	l2.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(l1, s1, l2, s2)
	p.Legend.Add(n1, l1, s1)
	p.Legend.Add(n2, l2, s2)
	p.Legend.Top, p.Legend.Left = true, true
	return nil
}

// trackingPlot shows cumulative repeat purchases over time: actual
// (Summary.Repeats, purchases on one day merged) and the model's
// (clv.ExpectedCumulativeRepeats), from the first transaction.
func trackingPlot(r *Result) (*plot.Plot, error) {
	sum := r.Summary
	unit := float64(r.Config.Unit)
	since := func(t time.Time) float64 { return float64(t.Sub(sum.First)) / unit }
	horizon := since(sum.End)
	const steps = 60
	at := make([]float64, steps+1)
	for i := range at {
		at[i] = horizon * float64(i) / steps
	}
	exp, err := clv.ExpectedCumulativeRepeats(r.Choice.Model, sum.Customers, at)
	if err != nil {
		return nil, err
	}
	var act, mod plotter.XYs
	k, n := 0, 0
	for i, tm := range at {
		// A repeat purchase counts from the end of its day.
		for k < len(sum.Repeats) && since(sum.Repeats[k].Day.Add(24*time.Hour)) <= tm+1e-9 {
			n += sum.Repeats[k].Count
			k++
		}
		act = append(act, plotter.XY{X: tm, Y: float64(n)})
		mod = append(mod, plotter.XY{X: tm, Y: exp[i]})
	}
	cal := sum.End
	if !r.Config.CalibrationEnd.IsZero() {
		cal = r.Config.CalibrationEnd
	}
	p := plot.New()
	p.Title.Text = "Cumulative repeat purchases: actual vs " + ModelTitle(r.Choice.Name)
	p.X.Label.Text = fmt.Sprintf("%s since the first transaction (calibration ends at %.1f)", unitName(r.Config.Unit), since(cal))
	p.Y.Label.Text = "repeat purchases"
	if err := addLines(p, "actual", act, actualColor, "model", mod, modelColor); err != nil {
		return nil, err
	}
	return p, nil
}

// unitName names the time unit in plural: "weeks", "days", or a duration.
func unitName(u time.Duration) string {
	switch u {
	case 7 * 24 * time.Hour:
		return "weeks"
	case 24 * time.Hour:
		return "days"
	}
	return "units of " + u.String()
}

// grid is a frequency × recency matrix for plotter.HeatMap.
type grid struct {
	xs, ys []float64
	z      [][]float64 // z[row=frequency][col=recency]
}

func (g grid) Dims() (c, r int)   { return len(g.xs), len(g.ys) }
func (g grid) Z(c, r int) float64 { return g.z[r][c] }
func (g grid) X(c int) float64    { return g.xs[c] }
func (g grid) Y(r int) float64    { return g.ys[r] }

// heatPlot maps a quantity over frequency and recency for a customer
// observed for the longest T.
func heatPlot(r *Result, title string, f func(m PurchaseModel, x, tx, T float64) float64) (*plot.Plot, error) {
	T, maxX := 0.0, 0.0
	for _, c := range r.Summary.Customers {
		T = math.Max(T, c.T)
		maxX = math.Max(maxX, c.Frequency)
	}
	maxX = math.Min(maxX, 40)
	g := grid{}
	for x := 0.0; x <= maxX; x++ {
		g.ys = append(g.ys, x)
	}
	const cols = 40
	for j := range cols {
		g.xs = append(g.xs, T*float64(j)/(cols-1))
	}
	for _, x := range g.ys {
		row := make([]float64, cols)
		for j, tx := range g.xs {
			if x == 0 {
				tx = 0
			}
			row[j] = f(r.Choice.Model, x, tx, T)
		}
		g.z = append(g.z, row)
	}
	pal := moreland.SmoothBlueRed().Palette(64)
	h := plotter.NewHeatMap(g, pal)
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = fmt.Sprintf("recency (%s from first to last purchase), T = %.1f", unitName(r.Config.Unit), T)
	p.Y.Label.Text = "frequency (repeat purchases)"
	p.Add(h)
	lo, hi := h.Min, h.Max
	p.Legend.Add(fmt.Sprintf("%.3g", hi), colorThumb(pal.Colors()[len(pal.Colors())-1]))
	p.Legend.Add(fmt.Sprintf("%.3g", (lo+hi)/2), colorThumb(pal.Colors()[len(pal.Colors())/2]))
	p.Legend.Add(fmt.Sprintf("%.3g", lo), colorThumb(pal.Colors()[0]))
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

func colorThumb(c color.Color) plot.Thumbnailer {
	b, _ := plotter.NewBarChart(plotter.Values{1}, 1)
	b.Color, b.LineStyle.Width = c, 0
	return b
}

// clvPlot is a histogram of predicted CLV up to its 99th percentile.
func clvPlot(r *Result) (*plot.Plot, error) {
	v := make([]float64, len(r.Forecasts))
	for i, f := range r.Forecasts {
		v[i] = f.CLV
	}
	slices.Sort(v)
	cut := v[min(len(v)-1, int(0.99*float64(len(v))))]
	var shown plotter.Values
	for _, x := range v {
		if x <= cut {
			shown = append(shown, x)
		}
	}
	h, err := plotter.NewHist(shown, 40)
	if err != nil {
		return nil, err
	}
	h.FillColor, h.LineStyle.Width = actualColor, 0
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Predicted %d-month CLV per customer (99%% of customers shown)", r.Config.Months)
	p.X.Label.Text = "CLV"
	p.Y.Label.Text = "customers"
	p.Add(h)
	return p, nil
}

func segmentPlot(r *Result) (*plot.Plot, error) {
	names := make([]string, len(r.Segments))
	counts := make([]float64, len(r.Segments))
	for i, g := range r.Segments {
		names[i], counts[i] = g.Key, float64(g.Customers)
	}
	b, err := bars(counts, actualColor, 0)
	if err != nil {
		return nil, err
	}
	b.Width = vg.Points(20)
	p := plot.New()
	p.Title.Text = "Customers by RFM segment"
	p.Y.Label.Text = "customers"
	p.Add(b)
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = math.Pi / 6
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = -1, -0.5
	return p, nil
}

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>clvkit forecast</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f4f4f4}img{max-width:100%}figcaption{color:#555;font-size:.9em}</style></head><body>
<h1>Customer forecast</h1>
<p>{{.Input}}: {{.Transactions}} transactions, {{.Customers}} customers, times in {{.Unit}}s;
observation ends {{.End}}{{if .CalEnd}}, calibration ends {{.CalEnd}}{{end}}.</p>
<h2>Models</h2>
<table><tr><th>model</th><th>parameters</th><th>log-likelihood</th><th>converged</th></tr>
<tr><td>{{.PMTitle}} (purchases, dropout)</td><td>{{.PM}}</td><td>{{printf "%.2f" .PMLL}}</td><td>{{.PMConv}}</td></tr>
<tr><td>Gamma-Gamma (spend)</td><td>{{.GG}}</td><td>{{printf "%.2f" .GGLL}}</td><td>{{.GGConv}}</td></tr></table>
{{if .Cmp}}<h3>Choice of the purchase model</h3>
<table><tr><th>model</th><th>log-likelihood</th><th>parameters</th><th>AIC</th><th>BIC</th>{{if .Eval}}<th>holdout MAE</th><th>holdout RMSE</th><th>total error</th>{{end}}</tr>
{{range .Cmp}}<tr><td style="text-align:left">{{.Title}}{{if .Chosen}} (chosen){{end}}</td><td>{{printf "%.2f" .LL}}</td><td>{{.K}}</td><td>{{printf "%.2f" .AIC}}</td><td>{{printf "%.2f" .BIC}}</td>{{if .HasHoldout}}<td>{{printf "%.4f" .MAE}}</td><td>{{printf "%.4f" .RMSE}}</td><td>{{printf "%+.1f" .TotalError}}</td>{{end}}</tr>{{end}}</table>
<p>{{.CmpReason}}. BG/NBD lets a customer drop out only after a repeat purchase; MBG/NBD also right after the first purchase;
Pareto/NBD at any time. P(alive), churn tiers and CLV below come from the chosen model.</p>{{end}}
{{if .Indep}}<p>Spend model check: {{.Indep}}.</p>{{end}}
<h2>Key numbers</h2>
<table><tr><th>customers likely active (P(alive) ≥ 0.7)</th><td>{{.Active}}</td></tr>
<tr><th>expected purchases, next {{.Months}} months</th><td>{{printf "%.0f" .ExpPurchases}}{{if .TotalIv}} ({{.IvLevel}}% interval {{printf "%.0f" .TotalIv.Low}} to {{printf "%.0f" .TotalIv.High}}){{end}}</td></tr>
<tr><th>total predicted CLV, {{.Months}} months</th><td>{{printf "%.2f" .TotalCLV}}</td></tr>
<tr><th>share of CLV held by the top 10% of customers</th><td>{{printf "%.1f%%" .TopShare}}</td></tr></table>
<h3>Expected by month</h3>
<table><tr><th>month</th><th>from</th><th>purchases</th><th>revenue</th></tr>
{{range .Periods}}<tr><td>{{(.End.AddDate 0 0 -1).Format "2006-01"}}</td><td>{{.Start.Format "2006-01-02"}}</td><td>{{printf "%.1f" .Purchases}}</td><td>{{printf "%.2f" .Revenue}}</td></tr>{{end}}</table>
<h2>Segments</h2>
<table><tr><th>segment</th><th>customers</th><th>share</th><th>mean CLV</th><th>total CLV</th><th>mean P(alive)</th></tr>
{{range .Segments}}<tr><td style="text-align:left">{{.Name}}</td><td>{{.N}}</td><td>{{printf "%.1f%%" .Share}}</td><td>{{printf "%.2f" .MeanCLV}}</td><td>{{printf "%.0f" .TotalCLV}}</td><td>{{printf "%.2f" .PAlive}}</td></tr>{{end}}</table>
{{if .BGNote}}<p>Note: in the BG/NBD model a customer can drop out only after a repeat purchase, so customers who bought once have
P(alive) = 1 however long ago that was (segments such as Lost and Hibernating). For them, look at the expected purchases and
CLV, which are low, rather than at P(alive); or run with -model mbgnbd or paretonbd, where dropout can happen at any time.</p>{{end}}
<h2>What to do: value tier × churn risk</h2>
<table><tr><th>value tier</th>{{range .ChurnTiers}}<th>{{.}}</th>{{end}}</tr>
{{range .Actions}}<tr><td style="text-align:left">{{.Tier}}</td>{{range .Cells}}<td style="text-align:left">{{.N}} customers: {{.Action}}</td>{{end}}</tr>{{end}}</table>
{{if .Eval}}<h2>Holdout check</h2>
<table><tr><th>calibration frequency</th><th>customers</th><th>actual mean</th><th>predicted mean</th></tr>
{{range .Eval.Groups}}<tr><td>{{.Frequency}}</td><td>{{.Customers}}</td><td>{{printf "%.3f" .Actual}}</td><td>{{printf "%.3f" .Predicted}}</td></tr>{{end}}</table>
<p>Total holdout purchases {{printf "%.0f" .Eval.TotalActual}}, predicted {{printf "%.1f" .Eval.Model.TotalPredicted}}.
Per customer: model MAE {{printf "%.3f" .Eval.Model.MAE}}, RMSE {{printf "%.3f" .Eval.Model.RMSE}};
regression baseline (in-sample OLS on frequency, recency, T) MAE {{printf "%.3f" .Eval.Baseline.MAE}}, RMSE {{printf "%.3f" .Eval.Baseline.RMSE}}.</p>{{end}}
<h2>Plots</h2>
{{range .Figures}}<figure><img src="{{.DataURL}}" alt="{{.Title}}"><figcaption>{{.Caption}} ({{.File}})</figcaption></figure>{{end}}
</body></html>
`))

// Figures renders the report's plots: the calibration fit by frequency,
// the holdout check (with a holdout period), the tracking curve, P(alive)
// and expected purchases over frequency × recency, the CLV distribution and
// the segment sizes.
func (r *Result) Figures() ([]Figure, error) {
	type maker struct {
		file, caption string
		make          func(*Result) (*plot.Plot, error)
	}
	makers := []maker{
		{"frequency.png", "How well the model fits the calibration data: customers by number of repeat purchases.", frequencyPlot},
		{"tracking.png", "Repeat purchases over time, actual and expected; after the calibration end the model forecasts.", trackingPlot},
		{"p_alive.png", "Probability a customer is still active, by frequency and recency.", func(r *Result) (*plot.Plot, error) {
			return heatPlot(r, "P(alive) by frequency and recency", func(m PurchaseModel, x, tx, T float64) float64 {
				return m.ProbabilityAlive(clv.Customer{Frequency: x, Recency: tx, T: T})
			})
		}},
		{"expected_purchases.png", "Expected purchases over the forecast horizon, by frequency and recency.", func(r *Result) (*plot.Plot, error) {
			return heatPlot(r, fmt.Sprintf("Expected purchases in the next %d months", r.Config.Months), func(m PurchaseModel, x, tx, T float64) float64 {
				return m.ConditionalExpectedPurchases(clv.Customer{Frequency: x, Recency: tx, T: T}, r.Horizon)
			})
		}},
		{"clv.png", "Distribution of predicted lifetime value.", clvPlot},
		{"segments.png", "Size of each RFM segment.", segmentPlot},
	}
	if r.Holdout != nil {
		makers = slices.Insert(makers, 1, maker{"holdout.png", "Model check on the holdout period: mean purchases by calibration frequency.", holdoutPlot})
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

// WriteReport writes the HTML report with the figures inlined (no network
// access needed to view it): the inputs, the models and their comparison,
// the key numbers, the segments, the action grid, the holdout check and
// the plots.
func (r *Result) WriteReport(w io.Writer, figs []Figure) error {
	n := len(r.Forecasts)
	clvs := make([]float64, n)
	active, total, expSum := 0, 0.0, 0.0
	for i, f := range r.Forecasts {
		if f.Tier.Churn == segment.Active {
			active++
		}
		clvs[i] = f.CLV
		total += f.CLV
		expSum += f.ExpectedPurchases
	}
	sorted := slices.Clone(clvs)
	slices.Sort(sorted)
	top := 0.0
	for _, v := range sorted[len(sorted)-int(math.Ceil(0.1*float64(len(sorted)))):] {
		top += v
	}
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
	var tiers []string
	grid := map[[2]string]*cell{}
	for _, f := range r.Forecasts {
		t := f.Tier
		if !slices.Contains(tiers, t.Value) {
			tiers = append(tiers, t.Value)
		}
		k := [2]string{t.Value, t.Churn}
		if grid[k] == nil {
			grid[k] = &cell{Action: t.Action}
		}
		grid[k].N++
	}
	slices.SortFunc(tiers, func(a, b string) int { return tierRank(a) - tierRank(b) })
	var actions []actRow
	for _, t := range tiers {
		row := actRow{Tier: t}
		for _, c := range churnTiers {
			if g := grid[[2]string{t, c}]; g != nil {
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
		"Unit": unitName(r.Config.Unit), "End": r.Summary.End.Format("2006-01-02 15:04"), "CalEnd": "",
		"PMTitle": ModelTitle(r.Choice.Name), "PM": r.Choice.Model.String(), "BGNote": r.Choice.Name == "bgnbd",
		"PMLL": r.Choice.Model.FitInfo().LogLikelihood, "PMConv": r.Choice.Model.FitInfo().Status == clv.Converged,
		"GG":   fmt.Sprintf("p=%.4f q=%.4f γ=%.4f", r.Spend.Params().P, r.Spend.Params().Q, r.Spend.Params().Gamma),
		"GGLL": r.Spend.LogLikelihood(), "GGConv": r.Spend.FitInfo().Status == clv.Converged,
		"Indep": "", "Active": active, "Months": r.Config.Months, "ExpPurchases": expSum, "TotalCLV": total,
		"TopShare": 100 * top / total, "Eval": r.Holdout, "Figures": figs, "Periods": r.Periods,
		"TotalIv": (*Interval)(nil), "IvLevel": fmt.Sprintf("%.0f", 100*r.Config.Interval),
	}
	if !r.Config.CalibrationEnd.IsZero() {
		data["CalEnd"] = r.Config.CalibrationEnd.Format("2006-01-02")
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
		iv := r.TotalPurchases
		data["TotalIv"] = &iv
	}
	return page.Execute(w, data)
}

// tierRank orders value tiers: "top 1%" before "top 10%" before "rest".
func tierRank(t string) int {
	var pct float64
	if _, err := fmt.Sscanf(t, "top %g%%", &pct); err == nil {
		return int(pct * 1000)
	}
	return math.MaxInt32
}
