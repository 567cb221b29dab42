// Package plots draws the charts users of customer-base models know (from
// the lifetimes package and the papers) with gonum/plot. Every function
// returns a *plot.Plot, so callers save it as PNG, SVG or PDF at the size
// they like (p.Save), or add to it. The data come from the models and
// summaries of clvkit; nothing here fits or reads files.
package plots

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"math/bits"
	"slices"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/internal/nilmodel"
	"github.com/clvkit/clvkit/segment"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Colors of the actual and model series.
var (
	ActualColor = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	ModelColor  = color.RGBA{R: 255, G: 127, B: 14, A: 255}
)

// FrequencyCounter is a purchase model that gives the expected number of
// customers by number of repeat purchases (bgnbd.Model, paretonbd.Model).
type FrequencyCounter interface {
	ExpectedFrequencyCounts(cs []clv.Customer, k int) ([]float64, error)
}

// FrequencyCounts are the customers by number of repeat purchases, 0, 1,
// ..., k−1 and k or more (k+1 counts each): observed, and expected by a
// model. CalibrationFitCounts draws them.
type FrequencyCounts struct {
	Observed, Expected []float64
}

// CountFrequencies returns the observed counts of cs by number of repeat
// purchases, 0 to k or more, and m's expected counts
// (m.ExpectedFrequencyCounts).
func CountFrequencies(m FrequencyCounter, cs []clv.Customer, k int) (FrequencyCounts, error) {
	if nilmodel.Is(m) || k < 1 || k > 100 {
		return FrequencyCounts{}, fmt.Errorf("plots: CalibrationFit: model %v, %d bins (want 1 to 100)", m, k)
	}
	obs := make([]float64, k+1)
	for _, c := range cs {
		obs[min(int(c.Frequency), k)]++
	}
	exp, err := m.ExpectedFrequencyCounts(cs, k)
	if err != nil {
		return FrequencyCounts{}, err
	}
	return FrequencyCounts{Observed: obs, Expected: exp}, nil
}

// CalibrationFit compares the number of customers with 0, 1, ..., k−1 and
// k or more repeat purchases in the calibration period with the model's
// expectation (Fader, Hardie & Lee 2005, Figure 2; lifetimes'
// plot_period_transactions). name labels the model. It is
// CountFrequencies, then CalibrationFitCounts.
func CalibrationFit(m FrequencyCounter, cs []clv.Customer, k int, name string) (*plot.Plot, error) {
	fc, err := CountFrequencies(m, cs, k)
	if err != nil {
		return nil, err
	}
	return CalibrationFitCounts(fc, name)
}

// CalibrationFitCounts draws the counts of CalibrationFit, computed
// beforehand (CountFrequencies): Observed and Expected of equal length, 2
// to 101 (the last bin: that many or more).
func CalibrationFitCounts(fc FrequencyCounts, name string) (*plot.Plot, error) {
	obs, exp := fc.Observed, fc.Expected
	if len(obs) < 2 || len(obs) > 101 || len(exp) != len(obs) {
		return nil, fmt.Errorf("plots: CalibrationFit: %d observed and %d expected counts (want as many, 2 to 101)", len(obs), len(exp))
	}
	k := len(obs) - 1
	if err := checkValues("CalibrationFit", "observed counts", obs...); err != nil {
		return nil, err
	}
	if err := checkValues("CalibrationFit", "expected counts", exp...); err != nil {
		return nil, err
	}
	p := plot.New()
	p.Title.Text = "Customers by number of repeat purchases: observed vs " + name
	p.Y.Label.Text = "customers"
	p.X.Label.Text = "repeat purchases in the calibration period"
	a, err := bars(obs, ActualColor, -vg.Points(6))
	if err != nil {
		return nil, err
	}
	b, err := bars(exp, ModelColor, vg.Points(6))
	if err != nil {
		return nil, err
	}
	p.Add(a, b)
	p.Legend.Add("observed", a)
	p.Legend.Add(name, b)
	p.Legend.Top = true
	labels := make([]string, k+1)
	for i := range k {
		labels[i] = fmt.Sprint(i)
	}
	labels[k] = fmt.Sprintf("%d+", k)
	p.NominalX(labels...)
	return p, nil
}

// HoldoutByFrequency shows the mean holdout purchases by calibration
// frequency, actual and predicted (Fader, Hardie & Lee 2005, Figure 4;
// lifetimes' plot_calibration_purchases_vs_holdout_purchases). band, if
// not nil, is parallel to ev.Groups: an interval of each group's mean
// predicted purchases (e.g. from interval.Forecast with Groups),
// drawn as a shaded band around the model's line.
func HoldoutByFrequency(ev assess.Evaluation, band []interval.Interval) (*plot.Plot, error) {
	if len(ev.Groups) == 0 {
		return nil, errors.New("plots: HoldoutByFrequency: no groups")
	}
	if band != nil && len(band) != len(ev.Groups) {
		return nil, fmt.Errorf("plots: HoldoutByFrequency: %d band intervals for %d groups", len(band), len(ev.Groups))
	}
	p := plot.New()
	p.Title.Text = "Holdout purchases by calibration frequency: actual vs predicted"
	p.X.Label.Text = fmt.Sprintf("repeat purchases in the calibration period (%d = %d or more)", len(ev.Groups)-1, len(ev.Groups)-1)
	p.Y.Label.Text = "mean purchases in the holdout"
	var act, pred plotter.XYs
	var lo, hi []float64
	for k, g := range ev.Groups {
		if err := checkValues("HoldoutByFrequency", fmt.Sprintf("group %d: actual and predicted", k), g.Actual, g.Predicted); err != nil {
			return nil, err
		}
		if band != nil {
			if err := checkValues("HoldoutByFrequency", fmt.Sprintf("band %d", k), band[k].Low, band[k].High); err != nil {
				return nil, err
			}
		}
		if g.Customers > 0 {
			act = append(act, plotter.XY{X: float64(g.Frequency), Y: g.Actual})
			pred = append(pred, plotter.XY{X: float64(g.Frequency), Y: g.Predicted})
			if band != nil {
				lo, hi = append(lo, band[k].Low), append(hi, band[k].High)
			}
		}
	}
	if band != nil {
		if err := addBand(p, pred, lo, hi); err != nil {
			return nil, err
		}
	}
	if err := addLines(p, "actual", act, ActualColor, "model", pred, ModelColor); err != nil {
		return nil, err
	}
	return p, nil
}

// TrackingOptions are the optional parts of a tracking plot. The zero
// value draws the running total without a calibration mark or band.
type TrackingOptions struct {
	// CalibrationEnd, if not zero, is marked by a vertical line.
	CalibrationEnd time.Time
	// Incremental plots the purchases of each step instead of the running
	// total.
	Incremental bool
	// Draws, if not empty, are the model with drawn parameters (e.g. from
	// SampleParams), at least 2: Tracking computes their curves
	// (TrackingData.Draws) for a band. TrackingPlot ignores Draws: its
	// TrackingData holds their curves.
	Draws []clv.NewCustomerModel
	// Level is the level of the band, in (0, 1) (e.g. 0.9), required with
	// a band: a shaded band shows, at each step, the interval between the
	// (1−Level)/2 and (1+Level)/2 quantiles of the drawn curves
	// (interval.FromDraws), how far the model's curve is uncertain.
	Level float64
}

// TrackingData are the values a tracking plot draws: the actual and the
// expected cumulative repeat purchases at times At, in the model's time
// unit since the first transaction, and the expected ones under parameter
// draws for a band. NewTrackingData computes them.
type TrackingData struct {
	First time.Time     // the first transaction: time 0
	Unit  time.Duration // the unit of At
	// At are the times, ascending, from 0 to the end of the plot.
	At []float64
	// Actual and Expected are parallel to At: the repeat purchases made
	// by then (a purchase counts from the end of its day), and expected
	// by the model.
	Actual, Expected []float64
	// Draws, if not nil, are the expected curves under each parameter
	// draw, each parallel to At (at least 2 of them): the band.
	Draws [][]float64
}

// NewTrackingData computes the values of a tracking plot: the repeat
// purchases of cs, actual (repeats, as clv.Summary.Repeats counts them by
// day) and expected by pm (assess.ExpectedCumulativeRepeats over cs), from
// the first day (first) to end in steps of the model's time unit; and,
// with draws (at least 2), each drawn model's expected curve. Its cost is
// one pass over cs per model and time; TrackingPlot then draws in time
// independent of the customers.
func NewTrackingData(pm clv.NewCustomerModel, cs []clv.Customer, repeats []clv.DayCount, first, end time.Time,
	unit time.Duration, steps int, draws []clv.NewCustomerModel) (TrackingData, error) {
	if nilmodel.Is(pm) || !end.After(first) || unit <= 0 || steps < 1 || steps > 10000 {
		return TrackingData{}, fmt.Errorf("plots: Tracking: first %v, end %v, unit %v, %d steps", first, end, unit, steps)
	}
	if len(draws) == 1 || len(draws) > interval.MaxDraws {
		return TrackingData{}, fmt.Errorf("plots: Tracking: band of %d draws (want none, or 2 to %d)", len(draws), interval.MaxDraws)
	}
	since := func(t time.Time) float64 { return float64(t.Sub(first)) / float64(unit) }
	horizon := since(end)
	td := TrackingData{First: first, Unit: unit, At: make([]float64, steps+1), Actual: make([]float64, steps+1)}
	for i := range td.At {
		td.At[i] = horizon * float64(i) / float64(steps)
	}
	var err error
	if td.Expected, err = expectedRepeats(pm, cs, td.At); err != nil {
		return TrackingData{}, err
	}
	k, n := 0, 0
	for i, tm := range td.At {
		// A repeat purchase counts from the end of its day.
		for k < len(repeats) && since(repeats[k].Day.Add(24*time.Hour)) <= tm+1e-9 {
			n += repeats[k].Count
			k++
		}
		td.Actual[i] = float64(n)
	}
	for d, dm := range draws {
		if nilmodel.Is(dm) {
			return TrackingData{}, fmt.Errorf("plots: Tracking: band: draws[%d] is nil", d)
		}
	}
	if len(draws) > 0 {
		if _, ok := draws[0].(CumulativeRepeater); !ok {
			td.Draws, err = assess.ExpectedCumulativeRepeatsAll(draws, cs, td.At)
		} else {
			td.Draws = make([][]float64, len(draws))
			for d, dm := range draws {
				if td.Draws[d], err = expectedRepeats(dm, cs, td.At); err != nil {
					break
				}
			}
		}
		if err != nil {
			return TrackingData{}, fmt.Errorf("plots: Tracking: band: %w", err)
		}
	}
	return td, nil
}

// A CumulativeRepeater is a model whose customers' expectations depend
// on more than their first-purchase times (each customer's time-varying
// covariates): it computes the tracking curve itself, the expected
// cumulative repeat purchases of cs at the times at, since the earliest
// first purchase among cs, as assess.ExpectedCumulativeRepeats. The
// tracking plot uses it in place of assess.ExpectedCumulativeRepeats.
type CumulativeRepeater interface {
	ExpectedCumulativeRepeats(cs []clv.Customer, at []float64) ([]float64, error)
}

// expectedRepeats is pm's tracking curve: its own if it is a
// CumulativeRepeater, else assess.ExpectedCumulativeRepeats.
func expectedRepeats(pm clv.NewCustomerModel, cs []clv.Customer, at []float64) ([]float64, error) {
	if cr, ok := pm.(CumulativeRepeater); ok {
		return cr.ExpectedCumulativeRepeats(cs, at)
	}
	return assess.ExpectedCumulativeRepeats(pm, cs, at)
}

// Tracking shows the repeat purchases over time, actual (repeats, as
// clv.Summary.Repeats counts them by day) and expected by the model
// (assess.ExpectedCumulativeRepeats over cs), from the first day (first) to
// end in the model's time unit, in steps (lifetimes'
// plot_cumulative_transactions and plot_incremental_transactions); opts
// adds the calibration end and a band. It is NewTrackingData (with
// opts.Draws), then TrackingPlot.
func Tracking(pm clv.NewCustomerModel, cs []clv.Customer, repeats []clv.DayCount, first, end time.Time,
	unit time.Duration, steps int, opts TrackingOptions) (*plot.Plot, error) {
	if len(opts.Draws) > 0 && !(opts.Level > 0 && opts.Level < 1) {
		return nil, fmt.Errorf("plots: Tracking: band of %d draws at level %v (want a level in (0, 1))", len(opts.Draws), opts.Level)
	}
	td, err := NewTrackingData(pm, cs, repeats, first, end, unit, steps, opts.Draws)
	if err != nil {
		return nil, err
	}
	return TrackingPlot(td, opts)
}

// TrackingPlot draws a tracking plot from its values, computed beforehand
// (NewTrackingData); with td.Draws, opts.Level is required.
func TrackingPlot(td TrackingData, opts TrackingOptions) (*plot.Plot, error) {
	steps := len(td.At) - 1
	if td.Unit <= 0 || steps < 1 || steps > 10000 || len(td.Actual) != len(td.At) || len(td.Expected) != len(td.At) ||
		!drawable(td.At[steps]) || !(td.At[steps] > 0) {
		return nil, fmt.Errorf("plots: Tracking: unit %v, %d times, %d actual and %d expected values", td.Unit, len(td.At), len(td.Actual), len(td.Expected))
	}
	level := opts.Level
	if len(td.Draws) == 1 || len(td.Draws) > interval.MaxDraws || len(td.Draws) > 0 && !(level > 0 && level < 1) {
		return nil, fmt.Errorf("plots: Tracking: band of %d draws at level %v (want none, or 2 to %d at a level in (0, 1))", len(td.Draws), opts.Level, interval.MaxDraws)
	}
	for d, c := range td.Draws {
		if len(c) != len(td.At) {
			return nil, fmt.Errorf("plots: Tracking: band: draw %d has %d values for %d times", d, len(c), len(td.At))
		}
	}
	if err := checkValues("Tracking", "times", td.At...); err != nil {
		return nil, err
	}
	if err := checkValues("Tracking", "expected repeats", td.Expected...); err != nil {
		return nil, err
	}
	if err := checkValues("Tracking", "actual repeats", td.Actual...); err != nil {
		return nil, err
	}
	incremental, calEnd, unit := opts.Incremental, opts.CalibrationEnd, td.Unit
	horizon := td.At[steps]
	var act, mod plotter.XYs
	prevA, prevM := 0.0, 0.0
	for i, tm := range td.At {
		a, m := td.Actual[i], td.Expected[i]
		if incremental {
			if i == 0 {
				prevA, prevM = a, m
				continue
			}
			a, m, prevA, prevM = a-prevA, m-prevM, a, m
		}
		act = append(act, plotter.XY{X: tm, Y: a})
		mod = append(mod, plotter.XY{X: tm, Y: m})
	}
	var lo, hi []float64
	if len(td.Draws) > 0 {
		vals := make([]float64, len(td.Draws))
		for i := range td.At {
			if incremental && i == 0 {
				continue
			}
			for d, c := range td.Draws {
				vals[d] = c[i]
				if incremental {
					vals[d] -= c[i-1]
				}
			}
			if err := checkValues("Tracking", "band: drawn expected repeats", vals...); err != nil {
				return nil, err
			}
			iv := interval.FromDraws(vals, level)
			lo, hi = append(lo, iv.Low), append(hi, iv.High)
		}
	}
	p := plot.New()
	what := "Cumulative repeat purchases"
	p.Y.Label.Text = "repeat purchases"
	if incremental {
		what = "Repeat purchases per step"
		p.Y.Label.Text = fmt.Sprintf("repeat purchases per %.3g %s", horizon/float64(steps), UnitName(unit))
	}
	p.Title.Text = what + ": actual vs model"
	p.X.Label.Text = UnitName(unit) + " since the first transaction"
	if !calEnd.IsZero() {
		c := float64(calEnd.Sub(td.First)) / float64(unit)
		p.X.Label.Text += fmt.Sprintf(" (calibration ends at %.1f)", c)
		top := 0.0
		for i := range act {
			top = math.Max(top, math.Max(act[i].Y, mod[i].Y))
			if hi != nil {
				top = math.Max(top, hi[i])
			}
		}
		line, err := plotter.NewLine(plotter.XYs{{X: c, Y: 0}, {X: c, Y: top}})
		if err != nil {
			return nil, err
		}
		line.Color = color.Gray{Y: 128}
		line.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(line)
	}
	if lo != nil {
		if err := addBand(p, mod, lo, hi); err != nil {
			return nil, err
		}
	}
	if err := addLines(p, "actual", act, ActualColor, "model", mod, ModelColor); err != nil {
		return nil, err
	}
	return p, nil
}

// UnitName names a time unit in plural: "weeks", "days", or the duration.
func UnitName(u time.Duration) string {
	switch u {
	case 7 * 24 * time.Hour:
		return "weeks"
	case 24 * time.Hour:
		return "days"
	}
	return "units of " + u.String()
}

// maxValue bounds the magnitude of what a plot draws: beyond it, gonum/plot
// computes axis ranges and cell edges that overflow to ±Inf and NaN, and
// its tick labelling then never returns.
const maxValue = 1e300

// drawable reports whether v is a number a plot can place: finite and of
// magnitude at most maxValue.
func drawable(v float64) bool { return math.Abs(v) <= maxValue }

// checkValues returns an error naming fn, what and the first value of vs
// that is not drawable.
func checkValues(fn, what string, vs ...float64) error {
	for i, v := range vs {
		if !drawable(v) {
			return fmt.Errorf("plots: %s: %s[%d] is %v, want a finite number of magnitude ≤ %g", fn, what, i, v, maxValue)
		}
	}
	return nil
}

// grid is a frequency × recency matrix for plotter.HeatMap.
type grid struct {
	xs, ys   []float64
	z        [][]float64 // z[row=frequency][col=recency]; NaN: not drawable
	min, max float64     // over the drawable values
}

func (g grid) Dims() (c, r int)   { return len(g.xs), len(g.ys) }
func (g grid) Z(c, r int) float64 { return g.z[r][c] }
func (g grid) X(c int) float64    { return g.xs[c] }
func (g grid) Y(r int) float64    { return g.ys[r] }
func (g grid) Min() float64       { return g.min }
func (g grid) Max() float64       { return g.max }

// NaNColor fills the cells of a heat map whose value is NaN, infinite or
// beyond ±1e300.
var NaNColor = color.Gray{Y: 160}

// FrequencyRecency maps f(frequency, recency) for a customer observed for
// T, frequencies 0..maxX and 40 recencies from 0 to T (lifetimes'
// plot_frequency_recency_matrix and plot_probability_alive_matrix). unit
// names the time unit in the axis label. A value of f that is NaN, infinite
// or beyond ±1e300 is drawn in NaNColor (and named in the legend); if no
// value is finite, it is an error.
func FrequencyRecency(title string, maxX int, T float64, unit string, f func(c clv.Customer) float64) (*plot.Plot, error) {
	if f == nil || maxX < 0 || maxX > 1000 || !(T > 0) || !drawable(T) {
		return nil, fmt.Errorf("plots: FrequencyRecency: function %v, max frequency %d (want 0 to 1000), T %v (want a finite number > 0, ≤ %g)", f != nil, maxX, T, maxValue)
	}
	g := grid{min: math.Inf(1), max: math.Inf(-1)}
	undrawn := 0
	for x := 0; x <= maxX; x++ {
		g.ys = append(g.ys, float64(x))
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
			v := f(clv.Customer{Frequency: x, Recency: tx, T: T})
			if !drawable(v) {
				v = math.NaN()
				undrawn++
			} else {
				g.min, g.max = math.Min(g.min, v), math.Max(g.max, v)
			}
			row[j] = v
		}
		g.z = append(g.z, row)
	}
	if g.min > g.max {
		return nil, fmt.Errorf("plots: FrequencyRecency: no finite value of f (f(x=0, recency=0, T=%v) = %v)", T, f(clv.Customer{T: T}))
	}
	pal := moreland.SmoothBlueRed().Palette(64)
	h := plotter.NewHeatMap(g, pal)
	h.NaN = NaNColor
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = fmt.Sprintf("recency (%s from first to last purchase), T = %.1f", unit, T)
	p.Y.Label.Text = "frequency (repeat purchases)"
	p.Add(h)
	lo, hi := h.Min, h.Max
	p.Legend.Add(fmt.Sprintf("%.3g", hi), colorThumb(pal.Colors()[len(pal.Colors())-1]))
	p.Legend.Add(fmt.Sprintf("%.3g", (lo+hi)/2), colorThumb(pal.Colors()[len(pal.Colors())/2]))
	p.Legend.Add(fmt.Sprintf("%.3g", lo), colorThumb(pal.Colors()[0]))
	if undrawn > 0 {
		p.Legend.Add("not a finite number", colorThumb(NaNColor))
	}
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

// AliveHistory shows how P(alive) of one customer evolved: at each time of
// at, the customer summarized up to then (purchases, the first included,
// in any order, in the model's unit) (lifetimes'
// plot_history_alive). Purchases are marked on the time axis.
func AliveHistory(pm clv.PurchaseModel, purchases, at []float64, unit string) (*plot.Plot, error) {
	if nilmodel.Is(pm) || len(purchases) == 0 || len(at) == 0 {
		return nil, errors.New("plots: AliveHistory: need a model, purchases and times")
	}
	ps := slices.Clone(purchases)
	slices.Sort(ps)
	if math.IsNaN(ps[0]) || math.IsInf(ps[0], 0) || math.IsInf(ps[len(ps)-1], 0) {
		return nil, fmt.Errorf("plots: AliveHistory: purchase times %v", purchases)
	}
	var xy plotter.XYs
	for _, tau := range at {
		if !(tau >= ps[0]) || math.IsInf(tau, 0) {
			continue
		}
		k, _ := slices.BinarySearch(ps, math.Nextafter(tau, math.Inf(1)))
		c := clv.Customer{Frequency: float64(k - 1), Recency: ps[k-1] - ps[0], T: tau - ps[0]}
		pa := pm.ProbabilityAlive(c)
		if !(pa >= 0 && pa <= 1) || !drawable(tau) {
			return nil, fmt.Errorf("plots: AliveHistory: P(alive) at %v is %v, want a probability", tau, pa)
		}
		xy = append(xy, plotter.XY{X: tau, Y: pa})
	}
	if len(xy) == 0 {
		return nil, errors.New("plots: AliveHistory: no time at or after the first purchase")
	}
	p := plot.New()
	p.Title.Text = "P(alive) over time"
	p.X.Label.Text = unit
	p.Y.Label.Text = "P(alive)"
	p.Y.Min, p.Y.Max = 0, 1
	l, err := plotter.NewLine(xy)
	if err != nil {
		return nil, err
	}
	l.Color = ModelColor
	var marks plotter.XYs
	for _, t := range ps {
		marks = append(marks, plotter.XY{X: t, Y: 0.02})
	}
	s, err := plotter.NewScatter(marks)
	if err != nil {
		return nil, err
	}
	s.Color = ActualColor
	p.Add(l, s)
	p.Legend.Add("P(alive)", l)
	p.Legend.Add("purchases", s)
	return p, nil
}

// CLVDistribution is a histogram of lifetime values up to their 99th
// percentile (a few very large values would hide the rest).
func CLVDistribution(values []float64, title string) (*plot.Plot, error) {
	n := 0 // the finite values
	for _, x := range values {
		if finite(x) {
			n++
		}
	}
	if n == 0 {
		return nil, errors.New("plots: CLVDistribution: no finite values")
	}
	cut := nthFinite(values, n, min(n-1, int(0.99*float64(n))))
	h := histogram(values, cut, 40)
	h.FillColor, h.LineStyle.Width = ActualColor, 0
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "CLV"
	p.Y.Label.Text = "customers"
	p.Add(h)
	return p, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// nthSample is the size of the sample from which nthFinite bounds the
// k-th smallest value from below.
const nthSample = 4096

// nthFinite returns the k-th smallest of the n finite values of v (0 ≤ k
// < n), nth of them, without reordering v. Of many values it takes the
// (k/n − 1%) quantile L of an evenly strided sample of them; if at most k
// values are below L (c of them: nearly always, the sample being far
// larger than the margin needs), the answer is the (k − c)-th smallest of
// the values from L up, about 1% of them near the top (the 99th
// percentile), found by nth on their copy; otherwise nth of a copy of
// every finite value.
func nthFinite(v []float64, n, k int) float64 {
	if n >= 4*nthSample {
		stride := len(v) / nthSample
		sample := make([]float64, 0, nthSample)
		for i := 0; i < len(v); i += stride {
			if finite(v[i]) {
				sample = append(sample, v[i])
			}
		}
		if r := int((float64(k)/float64(n) - 0.01) * float64(len(sample))); len(sample) > 0 && r >= 0 && r < len(sample) {
			lo := nth(sample, r)
			c := 0
			var tail []float64
			for _, x := range v {
				switch {
				case !finite(x):
				case x < lo:
					c++
				default:
					tail = append(tail, x)
				}
			}
			if c <= k { // c + len(tail) = n > k
				return nth(tail, k-c)
			}
		}
	}
	all := make([]float64, 0, n)
	for _, x := range v {
		if finite(x) {
			all = append(all, x)
		}
	}
	return nth(all, k)
}

// nth returns the k-th smallest of v (0 ≤ k < len(v); no NaNs),
// slices.Sort(v)'s v[k], reordering v: quickselect with a three-way
// partition around the median of three, which falls back to sorting the
// part left after 2·log₂(len(v)) rounds, so it takes O(n log n) at worst.
func nth(v []float64, k int) float64 {
	lo, hi := 0, len(v)
	for rounds := 2 * bits.Len(uint(len(v))); hi-lo > 16; rounds-- {
		if rounds == 0 {
			slices.Sort(v[lo:hi])
			return v[k]
		}
		a, b, c := v[lo], v[lo+(hi-lo)/2], v[hi-1]
		p := max(min(a, b), min(max(a, b), c)) // the median of a, b, c
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch x := v[i]; {
			case x < p:
				v[lt], v[i] = x, v[lt]
				lt++
				i++
			case x > p:
				gt--
				v[gt], v[i] = x, v[gt]
			default:
				i++
			}
		}
		// v[lo:lt] < p, v[lt:gt] == p, v[gt:hi] > p.
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return p
		}
	}
	slices.Sort(v[lo:hi])
	return v[k]
}

// histogram returns the histogram of n bins of the finite values of v at
// most cut, the one plotter.NewHist(those values, n) returns (the same
// bins, as the tests check), without collecting them: bins of equal width
// from their least to their greatest (one bin if those are equal), each
// value counted in bin ⌊(x − min)/width⌋, the greatest in the last. NaN
// and ±Inf are left out.
func histogram(v []float64, cut float64, n int) *plotter.Histogram {
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if x <= cut && x > math.Inf(-1) { // NaN and +Inf fail the first
			xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
		}
	}
	if n < 1 || xmax <= xmin {
		n = 1
	}
	bins := make([]plotter.HistogramBin, n)
	w := (xmax - xmin) / float64(n)
	if w == 0 {
		w = 1
	}
	for i := range bins {
		bins[i].Min = xmin + float64(i)*w
		bins[i].Max = xmin + float64(i+1)*w
	}
	for _, x := range v {
		if x <= cut && x > math.Inf(-1) {
			bin := min(int((x-xmin)/w), n-1)
			if x == xmax {
				bin = n - 1
			}
			bins[bin].Weight++
		}
	}
	return &plotter.Histogram{Bins: bins, Width: w, FillColor: color.Gray{128}, LineStyle: plotter.DefaultLineStyle}
}

// SegmentSizes is a bar chart of the customers in each segment or tier,
// in the order of groups (segment.SummarizeGroups sorts by size).
func SegmentSizes(groups []segment.Group, title string) (*plot.Plot, error) {
	if len(groups) == 0 {
		return nil, errors.New("plots: SegmentSizes: no groups")
	}
	names := make([]string, len(groups))
	counts := make([]float64, len(groups))
	for i, g := range groups {
		names[i], counts[i] = g.Key, float64(g.Customers)
	}
	b, err := bars(counts, ActualColor, 0)
	if err != nil {
		return nil, err
	}
	b.Width = vg.Points(20)
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "segment"
	p.Y.Label.Text = "customers"
	p.Add(b)
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = math.Pi / 6
	p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = -1, -0.5
	return p, nil
}

func bars(vals []float64, c color.Color, offset vg.Length) (*plotter.BarChart, error) {
	b, err := plotter.NewBarChart(plotter.Values(vals), vg.Points(12))
	if err != nil {
		return nil, err
	}
	b.Color, b.LineStyle.Width, b.Offset = c, 0, offset
	return b, nil
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

// BandColor fills the bands of model intervals.
var BandColor = color.NRGBA{R: 255, G: 127, B: 14, A: 64}

// addBand shades the area between lo and hi at the x of pts, and names it
// in the legend.
func addBand(p *plot.Plot, pts plotter.XYs, lo, hi []float64) error {
	poly := make(plotter.XYs, 0, 2*len(pts))
	for i, pt := range pts {
		poly = append(poly, plotter.XY{X: pt.X, Y: lo[i]})
	}
	for i := len(pts) - 1; i >= 0; i-- {
		poly = append(poly, plotter.XY{X: pts[i].X, Y: hi[i]})
	}
	band, err := plotter.NewPolygon(poly)
	if err != nil {
		return fmt.Errorf("plots: band: %w", err)
	}
	band.Color = BandColor
	band.LineStyle.Width = 0
	p.Add(band)
	p.Legend.Add("model interval", band)
	return nil
}

func colorThumb(c color.Color) plot.Thumbnailer {
	b, _ := plotter.NewBarChart(plotter.Values{1}, 1)
	b.Color, b.LineStyle.Width = c, 0
	return b
}
