package forecast

import (
	"encoding/csv"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/cohort"
	"github.com/clvkit/clvkit/plots"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// CohortColumns are the columns of cohorts.csv: one row per cohort (month
// of first order) and month since it, to the month of the end of
// observation (the months after the log's last order as zero months).
var CohortColumns = []string{"cohort", "months_since", "month", "cohort_customers", "active_customers", "active_share",
	"orders", "revenue", "cumulative_revenue_per_customer"}

// KPIColumns are the columns of kpis.csv: one row per calendar month from
// the log's first to the month of the end of observation (Config.End).
var KPIColumns = []string{"month", "active_customers", "new_customers", "returning_customers", "orders", "revenue",
	"average_order_value", "customers_to_date", "repeat_customers_to_date", "repeat_purchase_rate",
	"retained_12m", "retention_12m"}

// cohortRead is the cohort accumulator of one read of the log, which sees
// the records on a goroutine of its own (asyncObserver).
type cohortRead struct {
	acc   *cohort.Accumulator
	async *asyncObserver
}

// cohortObserver returns a fresh cohort accumulator for one read of the
// log and sets it, behind an asyncObserver, as opts' Observer. Its close
// must be called once the read is over.
func cohortObserver(opts *clv.SummaryOptions) *cohortRead {
	cr := &cohortRead{acc: cohort.New()}
	cr.async = newAsyncObserver(cr.acc)
	opts.Observer = cr.async
	return cr
}

// close waits until the accumulator has seen every record shown.
func (cr *cohortRead) close() {
	if cr != nil {
		cr.async.close()
	}
}

// cohortTable returns the table of cr's accumulator, or nil (saying why)
// if it refused a transaction: the tables are a by-product of the read
// that never fails the job. The read must be over.
func (j *job) cohortTable(cr *cohortRead) *cohort.Table {
	cr.close()
	acc := cr.acc
	if err := acc.Err(); err != nil {
		j.say("note: no cohort tables: %v", err)
		return nil
	}
	t := acc.Table()
	return &t
}

// WriteCohortsCSV writes the cohort table (CohortColumns; package cohort
// defines the figures): for each cohort and each month s since its first,
// the cohort's size, its customers active in the month and their share of
// the size, their orders (customer-days) and revenue in the month, and the
// cohort's revenue in months 0 to s divided by its size. Without amounts
// (Config.NoAmounts) the revenue cells are empty. It writes only the
// header when the input was summaries (no transactions).
func (res *Result) WriteCohortsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CohortColumns); err != nil {
		return err
	}
	if res.Cohorts == nil {
		cw.Flush()
		return cw.Error()
	}
	money := res.money()
	for _, c := range res.Cohorts.Cohorts {
		var cum float64
		for s, cell := range c.Months {
			cum += cell.Revenue
			err := cw.Write([]string{c.Month.String(), strconv.Itoa(s), (c.Month + cohort.Month(s)).String(), strconv.Itoa(c.Size),
				strconv.Itoa(cell.Customers), ff(float64(cell.Customers) / float64(c.Size)), strconv.Itoa(cell.Orders),
				money(cell.Revenue), money(cum / float64(c.Size))})
			if err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteKPIsCSV writes the monthly KPIs (KPIColumns; cohort.KPI defines
// each): active, new and returning customers, orders (customer-days),
// revenue, average order value, the customers and repeat customers to date
// and their ratio, the repeat-purchase rate, and the customers active both
// in the month and twelve months before, with their share of that month's
// active customers (both empty in the log's first twelve months). A ratio
// without a denominator is empty; without
// amounts (Config.NoAmounts) revenue and average order value are empty. It
// writes only the header when the input was summaries.
func (res *Result) WriteKPIsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(KPIColumns); err != nil {
		return err
	}
	if res.Cohorts == nil || len(res.Cohorts.KPIs) == 0 {
		cw.Flush()
		return cw.Error()
	}
	money := res.money()
	ratio := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return ff(v)
	}
	first := res.Cohorts.KPIs[0].Month
	for _, k := range res.Cohorts.KPIs {
		retained := strconv.Itoa(k.Retained12)
		if k.Month-first < 12 { // the month a year before is not in the log
			retained = ""
		}
		aov := ""
		if !math.IsNaN(k.AverageOrderValue) {
			aov = money(k.AverageOrderValue)
		}
		err := cw.Write([]string{k.Month.String(), strconv.Itoa(k.Active), strconv.Itoa(k.New), strconv.Itoa(k.Returning),
			strconv.Itoa(k.Orders), money(k.Revenue), aov, strconv.Itoa(k.Customers), strconv.Itoa(k.Repeat),
			ratio(k.RepeatPurchaseRate), retained, ratio(k.Retention12)})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// money formats an amount, or nothing in a run without amounts.
func (res *Result) money() func(float64) string {
	if res.Spend == nil {
		return func(float64) string { return "" }
	}
	return ff
}

// cohortGrid is the cohort table as a heat map: active share by cohort
// (row) and months since (column); NaN past the log's end.
type cohortGrid struct {
	z        [][]float64
	cols     int
	min, max float64
}

func (g cohortGrid) Dims() (c, r int) { return g.cols, len(g.z) }
func (g cohortGrid) Z(c, r int) float64 {
	if c < len(g.z[r]) {
		return g.z[r][c]
	}
	return math.NaN()
}
func (g cohortGrid) X(c int) float64 { return float64(c) }
func (g cohortGrid) Y(r int) float64 { return float64(r) }
func (g cohortGrid) Min() float64    { return g.min }
func (g cohortGrid) Max() float64    { return g.max }

// cohortHeatmap draws the share of each cohort's customers active in each
// month since its first; the colours span the shares of months 1 on
// (month 0 is 100% by definition, drawn in the top colour).
func cohortHeatmap(t *cohort.Table) (*plot.Plot, error) {
	if t == nil || len(t.Cohorts) == 0 {
		return nil, fmt.Errorf("no cohorts")
	}
	g := cohortGrid{min: math.Inf(1), max: math.Inf(-1)}
	for _, c := range t.Cohorts {
		row := make([]float64, len(c.Months))
		for s, cell := range c.Months {
			row[s] = float64(cell.Customers) / float64(c.Size)
			if s > 0 {
				g.min, g.max = math.Min(g.min, row[s]), math.Max(g.max, row[s])
			}
		}
		g.z = append(g.z, row)
		g.cols = max(g.cols, len(row))
	}
	if g.min > g.max { // one month only
		g.min, g.max = 0, 1
	}
	if g.max == g.min {
		g.max = g.min + 0.01
	}
	pal := moreland.SmoothBlueRed().Palette(64)
	h := plotter.NewHeatMap(g, pal)
	h.NaN = color.White
	h.Overflow = pal.Colors()[len(pal.Colors())-1]
	p := plot.New()
	p.Title.Text = "Cohorts: share of each cohort's customers active, by months since their first order"
	p.X.Label.Text = "months since the first order"
	p.Y.Label.Text = "cohort (month of first order)"
	p.Add(h)
	var ticks []plot.Tick
	step := max(1, len(t.Cohorts)/12)
	for r, c := range t.Cohorts {
		tk := plot.Tick{Value: float64(r)}
		if r%step == 0 {
			tk.Label = c.Month.String()
		}
		ticks = append(ticks, tk)
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Legend.Add(fmt.Sprintf("%.1f%%", 100*h.Max), plotsThumb(pal.Colors()[len(pal.Colors())-1]))
	p.Legend.Add(fmt.Sprintf("%.1f%%", 100*(h.Min+h.Max)/2), plotsThumb(pal.Colors()[len(pal.Colors())/2]))
	p.Legend.Add(fmt.Sprintf("%.1f%%", 100*h.Min), plotsThumb(pal.Colors()[0]))
	p.Legend.Top = true
	return p, nil
}

func plotsThumb(c color.Color) plot.Thumbnailer {
	b, _ := plotter.NewBarChart(plotter.Values{1}, 1)
	b.Color, b.LineStyle.Width = c, 0
	return b
}

// forecastMonths continues a monthly series past the end of observation
// with the model's expected values per calendar month (Result.Periods):
// the month of the end is its actual value so far (actual, by month) plus
// what is expected in the rest of it. lo and hi are the interval's bounds
// (nil without intervals).
func (res *Result) forecastMonths(actual map[cohort.Month]float64, value func(Period) (v, lo, hi float64)) (pts plotter.XYs, lo, hi []float64) {
	for i, p := range res.Periods {
		m := cohort.MonthOf(p.Start)
		v, l, h := value(p)
		if i == 0 {
			a := actual[m]
			v, l, h = v+a, l+a, h+a
		}
		pts = append(pts, plotter.XY{X: float64(m.Start().Unix()), Y: v})
		if p.Interval != nil {
			lo, hi = append(lo, l), append(hi, h)
		}
	}
	return pts, lo, hi
}

// kpiLines draws the monthly active and new customers and orders of the
// log, and the orders the model expects per month after it (with the
// interval's band when there is one).
func (res *Result) kpiLines() (*plot.Plot, error) {
	t := res.Cohorts
	p := plot.New()
	p.Title.Text = "Customers and orders by month"
	p.X.Label.Text = "month"
	p.Y.Label.Text = "customers, orders"
	p.X.Tick.Marker = plot.TimeTicks{Format: "2006-01"}
	var active, fresh, orders plotter.XYs
	actual := map[cohort.Month]float64{}
	for _, k := range t.KPIs {
		x := float64(k.Month.Start().Unix())
		active = append(active, plotter.XY{X: x, Y: float64(k.Active)})
		fresh = append(fresh, plotter.XY{X: x, Y: float64(k.New)})
		orders = append(orders, plotter.XY{X: x, Y: float64(k.Orders)})
		actual[k.Month] = float64(k.Orders)
	}
	fc, lo, hi := res.forecastMonths(actual, func(p Period) (float64, float64, float64) {
		if iv := p.Interval; iv != nil {
			return p.Purchases, iv.Purchases.Low, iv.Purchases.High
		}
		return p.Purchases, 0, 0
	})
	if lo != nil {
		if err := addBandPlot(p, fc, lo, hi); err != nil {
			return nil, err
		}
	}
	for _, l := range []struct {
		name   string
		pts    plotter.XYs
		c      color.Color
		dashed bool
	}{{"active customers", active, color.RGBA{R: 31, G: 119, B: 180, A: 255}, false},
		{"new customers", fresh, color.RGBA{R: 44, G: 160, B: 44, A: 255}, false},
		{"orders (customer-days)", orders, color.RGBA{R: 214, G: 39, B: 40, A: 255}, false},
		{"orders expected by " + ModelTitle(res.Choice.Name), fc, color.RGBA{R: 255, G: 127, B: 14, A: 255}, true}} {
		if len(l.pts) == 0 {
			continue
		}
		ln, err := plotter.NewLine(l.pts)
		if err != nil {
			return nil, err
		}
		ln.Color = l.c
		if l.dashed {
			ln.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(ln)
		p.Legend.Add(l.name, ln)
	}
	p.Legend.Top = true
	return p, nil
}

// revenueLines draws the monthly revenue of the log and the revenue the
// models expect per month after it (with the interval's band).
func (res *Result) revenueLines() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Revenue by month"
	p.X.Label.Text = "month"
	p.Y.Label.Text = "revenue"
	p.X.Tick.Marker = plot.TimeTicks{Format: "2006-01"}
	var rev plotter.XYs
	actual := map[cohort.Month]float64{}
	for _, k := range res.Cohorts.KPIs {
		rev = append(rev, plotter.XY{X: float64(k.Month.Start().Unix()), Y: k.Revenue})
		actual[k.Month] = k.Revenue
	}
	fc, lo, hi := res.forecastMonths(actual, func(p Period) (float64, float64, float64) {
		if iv := p.Interval; iv != nil {
			return p.Revenue, iv.Revenue.Low, iv.Revenue.High
		}
		return p.Revenue, 0, 0
	})
	if lo != nil {
		if err := addBandPlot(p, fc, lo, hi); err != nil {
			return nil, err
		}
	}
	a, err := plotter.NewLine(rev)
	if err != nil {
		return nil, err
	}
	a.Color = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	f, err := plotter.NewLine(fc)
	if err != nil {
		return nil, err
	}
	f.Color = color.RGBA{R: 255, G: 127, B: 14, A: 255}
	f.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(a, f)
	p.Legend.Add("revenue", a)
	p.Legend.Add("expected by "+ModelTitle(res.Choice.Name)+" and Gamma-Gamma", f)
	p.Legend.Top = true
	return p, nil
}

// addBandPlot shades the interval between lo and hi at the x of pts.
func addBandPlot(p *plot.Plot, pts plotter.XYs, lo, hi []float64) error {
	poly := make(plotter.XYs, 0, 2*len(pts))
	for i, pt := range pts {
		poly = append(poly, plotter.XY{X: pt.X, Y: lo[i]})
	}
	for i := len(pts) - 1; i >= 0; i-- {
		poly = append(poly, plotter.XY{X: pts[i].X, Y: hi[i]})
	}
	band, err := plotter.NewPolygon(poly)
	if err != nil {
		return err
	}
	band.Color = plots.BandColor
	band.LineStyle.Width = 0
	p.Add(band)
	p.Legend.Add("model interval", band)
	return nil
}

// cohortFigures are the report's makers of the cohort heat map and the
// KPI lines, none without a cohort table (summaries as input).
func (res *Result) cohortFigures() []maker {
	if res.Cohorts == nil || len(res.Cohorts.Cohorts) == 0 {
		return nil
	}
	ms := []maker{
		{"cohorts.png", "Cohorts by month of first order: the share of each cohort's customers with an order in each month since (cohorts.csv).",
			func(r *Result) (*plot.Plot, error) { return cohortHeatmap(r.Cohorts) }},
		{"kpis.png", "Active and new customers and orders (customer-days) by month (kpis.csv), and after the end of observation the orders the model expects per month (periods.csv; the month of the end: its orders so far plus those expected in the rest of it).",
			func(r *Result) (*plot.Plot, error) { return r.kpiLines() }},
	}
	if res.Spend != nil {
		ms = append(ms, maker{"revenue.png", "Revenue by month (kpis.csv), and after the end of observation the revenue the models expect per month (periods.csv).",
			func(r *Result) (*plot.Plot, error) { return r.revenueLines() }})
	}
	return ms
}
