package plots_test

import (
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/plots"
	"github.com/clvkit/clvkit/segment"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// constModel is a purchase model whose every answer is v.
type constModel struct{ v float64 }

func (m constModel) ProbabilityAlive(clv.Customer) float64                      { return m.v }
func (m constModel) ConditionalExpectedPurchases(clv.Customer, float64) float64 { return m.v }
func (m constModel) ExpectedPurchases(float64) float64                          { return m.v }
func (m constModel) ExpectedFrequencyCounts(cs []clv.Customer, k int) ([]float64, error) {
	out := make([]float64, k+1)
	for i := range out {
		out[i] = m.v
	}
	return out, nil
}

// saveAll renders p in every format gonum/plot writes, as Save would.
func saveAll(p *plot.Plot) error {
	for _, f := range []string{"png", "svg", "pdf"} {
		w, err := p.WriterTo(4*vg.Inch, 3*vg.Inch, f)
		if err != nil {
			return err
		}
		if _, err := w.WriteTo(io.Discard); err != nil {
			return err
		}
	}
	return nil
}

// TestNoPanic calls every function of plots with NaN, ±Inf, huge, tiny,
// constant, empty and nil inputs and renders what it returns: each
// returns an error or a plot that renders, never a panic (a heat map of
// NaN once panicked in Save).
func TestNoPanic(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	var nilBG *bgnbd.Model
	cs := []clv.Customer{{ID: "a", Frequency: 2, Recency: 30, T: 39}, {ID: "b", T: 20}}
	first := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	end := first.AddDate(0, 6, 0)
	rep := []clv.DayCount{{Day: first.AddDate(0, 1, 0), Count: 3}}
	values := [][]float64{{nan}, {inf, -inf}, {1e308, -1e308}, {5, 5, 5}, {0}, {1e-320}, {nan, 1, inf, 2}, nil}
	type call struct {
		name string
		f    func() (*plot.Plot, error)
	}
	var calls []call
	add := func(name string, f func() (*plot.Plot, error)) { calls = append(calls, call{name, f}) }
	for _, v := range []float64{nan, inf, -inf, 1e308, -1, 0, 0.5} {
		m := constModel{v}
		add(fmt.Sprintf("FrequencyRecency(f=%v)", v), func() (*plot.Plot, error) {
			return plots.FrequencyRecency("t", 5, 39, "weeks", func(clv.Customer) float64 { return v })
		})
		add(fmt.Sprintf("FrequencyRecency(T=%v)", v), func() (*plot.Plot, error) {
			return plots.FrequencyRecency("t", 5, v, "weeks", func(c clv.Customer) float64 { return c.Recency })
		})
		add(fmt.Sprintf("CalibrationFit(%v)", v), func() (*plot.Plot, error) { return plots.CalibrationFit(m, cs, 3, "m") })
		add(fmt.Sprintf("Tracking(%v)", v), func() (*plot.Plot, error) {
			return plots.Tracking(m, cs, rep, first, end, 7*24*time.Hour, 10, plots.TrackingOptions{CalibrationEnd: first.AddDate(0, 3, 0)})
		})
		add(fmt.Sprintf("Tracking band(%v)", v), func() (*plot.Plot, error) {
			return plots.Tracking(constModel{1}, cs, rep, first, end, 7*24*time.Hour, 10, plots.TrackingOptions{Draws: []clv.NewCustomerModel{m, constModel{2}}, Level: 0.9})
		})
		add(fmt.Sprintf("CalibrationFitCounts(%v)", v), func() (*plot.Plot, error) {
			return plots.CalibrationFitCounts(plots.FrequencyCounts{Observed: []float64{v, 1, 2}, Expected: []float64{1, v, 0}}, "m")
		})
		for k := range 4 { // v in each of the tracking data's slices
			add(fmt.Sprintf("TrackingPlot(%v in slice %d)", v, k), func() (*plot.Plot, error) {
				at, act, exp, d := []float64{0, 1, 2}, []float64{0, 1, 3}, []float64{0, 1.5, 2.5}, []float64{0, 1, 2}
				[][]float64{at, act, exp, d}[k][1+k%2] = v
				td := plots.TrackingData{Unit: 24 * time.Hour, At: at, Actual: act, Expected: exp, Draws: [][]float64{d, {0, 2, 4}}}
				return plots.TrackingPlot(td, plots.TrackingOptions{Incremental: k%2 == 1, CalibrationEnd: first.AddDate(0, 0, 1), Level: 0.9})
			})
		}
		add(fmt.Sprintf("AliveHistory(%v)", v), func() (*plot.Plot, error) {
			return plots.AliveHistory(m, []float64{0, 3, 5}, []float64{0, 1, 2, 3, 4, 5, 6}, "weeks")
		})
		add(fmt.Sprintf("AliveHistory(times %v)", v), func() (*plot.Plot, error) {
			return plots.AliveHistory(constModel{0.5}, []float64{0, v}, []float64{v, 1}, "weeks")
		})
		add(fmt.Sprintf("HoldoutByFrequency(%v)", v), func() (*plot.Plot, error) {
			ev := assess.Evaluation{Groups: []assess.HoldoutGroup{{Frequency: 0, Customers: 3, Actual: v, Predicted: 1}, {Frequency: 1, Customers: 2, Actual: 1, Predicted: v}}}
			return plots.HoldoutByFrequency(ev, []interval.Interval{{Low: v, High: 1}, {Low: 0, High: v}})
		})
		add(fmt.Sprintf("SegmentSizes(%v)", v), func() (*plot.Plot, error) {
			return plots.SegmentSizes([]segment.Group{{Key: "x", Customers: int(math.Min(math.Max(v, 0), 1e6))}, {Key: ""}}, "t")
		})
	}
	for _, vs := range values {
		add(fmt.Sprintf("CLVDistribution(%v)", vs), func() (*plot.Plot, error) { return plots.CLVDistribution(vs, "t") })
	}
	add("nil models", func() (*plot.Plot, error) {
		for _, f := range []func() (*plot.Plot, error){
			func() (*plot.Plot, error) { return plots.CalibrationFit(nilBG, cs, 3, "m") },
			func() (*plot.Plot, error) { return plots.CalibrationFit(nil, cs, 3, "m") },
			func() (*plot.Plot, error) {
				return plots.Tracking(nilBG, cs, rep, first, end, 24*time.Hour, 10, plots.TrackingOptions{})
			},
			func() (*plot.Plot, error) {
				return plots.Tracking(constModel{1}, cs, rep, first, end, 24*time.Hour, 10, plots.TrackingOptions{Draws: []clv.NewCustomerModel{nilBG, nilBG}, Level: 0.9})
			},
			func() (*plot.Plot, error) { return plots.AliveHistory(nilBG, []float64{0}, []float64{1}, "") },
			func() (*plot.Plot, error) { return plots.FrequencyRecency("", 3, 1, "", nil) },
		} {
			if _, err := f(); err == nil {
				return nil, fmt.Errorf("no error")
			}
		}
		return nil, fmt.Errorf("ok")
	})
	add("empty", func() (*plot.Plot, error) {
		if _, err := plots.HoldoutByFrequency(assess.Evaluation{}, nil); err == nil {
			return nil, fmt.Errorf("no error")
		}
		if _, err := plots.SegmentSizes(nil, ""); err == nil {
			return nil, fmt.Errorf("no error")
		}
		if _, err := plots.CalibrationFit(constModel{1}, nil, 3, ""); err == nil {
			return nil, fmt.Errorf("no error")
		}
		return plots.Tracking(constModel{1}, nil, nil, first, end, 24*time.Hour, 10, plots.TrackingOptions{})
	})
	for _, c := range calls {
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s panicked: %v", c.name, r)
				}
			}()
			p, err := c.f()
			if err != nil {
				if c.name == "nil models" && err.Error() != "ok" {
					t.Errorf("%s: %v", c.name, err)
				}
				return
			}
			if err := saveAll(p); err != nil {
				t.Errorf("%s: saving: %v", c.name, err)
			}
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: no answer in 20 s", c.name) // gonum/plot's ticks loop forever on a NaN or infinite axis range
		}
	}
}

// TestFrequencyRecencyNaN: cells where f is not a finite number are drawn
// in NaNColor and named in the legend; a map of no finite value is an
// error.
func TestFrequencyRecencyNaN(t *testing.T) {
	if _, err := plots.FrequencyRecency("t", 5, 39, "weeks", func(clv.Customer) float64 { return math.NaN() }); err == nil {
		t.Error("all NaN: no error")
	}
	p, err := plots.FrequencyRecency("t", 5, 39, "weeks", func(c clv.Customer) float64 {
		if c.Frequency == 0 {
			return math.Inf(1)
		}
		return c.Recency / c.T
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := saveAll(p); err != nil {
		t.Fatal(err)
	}
	w, err := p.WriterTo(4*vg.Inch, 3*vg.Inch, "svg")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	w.WriteTo(&b)
	if !strings.Contains(b.String(), "not a finite number") {
		t.Error("no legend entry for the cells without a number")
	}
}

// repeater is a CumulativeRepeater whose methods read its receiver.
type repeater struct{ scale float64 }

func (r *repeater) ExpectedPurchases(t float64) float64 { return r.scale * t }
func (r *repeater) ExpectedCumulativeRepeats(cs []clv.Customer, at []float64) ([]float64, error) {
	out := make([]float64, len(at))
	for i, t := range at {
		out[i] = r.scale * t * float64(len(cs))
	}
	return out, nil
}

// TestTrackingNilDraw: a nil draw in the band, typed or not, is an error
// naming it rather than a call on a nil receiver; a band of
// CumulativeRepeaters is their own curves.
func TestTrackingNilDraw(t *testing.T) {
	first := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	cs := []clv.Customer{{T: 10}, {T: 4}}
	pm := &repeater{1}
	for _, draws := range [][]clv.NewCustomerModel{{pm, (*repeater)(nil)}, {pm, nil}} {
		_, err := plots.NewTrackingData(pm, cs, nil, first, first.AddDate(0, 0, 70), 7*24*time.Hour, 10, draws)
		if err == nil || !strings.Contains(err.Error(), "draws[1] is nil") {
			t.Errorf("a nil draw: %v", err)
		}
	}
	td, err := plots.NewTrackingData(pm, cs, nil, first, first.AddDate(0, 0, 70), 7*24*time.Hour, 10, []clv.NewCustomerModel{pm, &repeater{2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(td.Draws) != 2 || td.Draws[1][10] != 2*10*2 || td.Expected[10] != 10*2 {
		t.Errorf("draws %v, expected %v", td.Draws, td.Expected)
	}
}
