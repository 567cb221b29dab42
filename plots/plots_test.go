package plots_test

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"reflect"
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

func render(t *testing.T, p *plot.Plot, err error) image.Image {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if p.Title.Text == "" || p.X.Label.Text == "" || p.Y.Label.Text == "" {
		t.Errorf("unlabelled plot: %q, %q, %q", p.Title.Text, p.X.Label.Text, p.Y.Label.Text)
	}
	w, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil || img.Bounds().Dx() < 400 {
		t.Fatalf("png: %v", err)
	}
	return img
}

// bandPixels counts the pixels of img shaded by a band (plots.BandColor
// over white).
func bandPixels(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			near := func(v uint32, want int) bool { return math.Abs(float64(v>>8)-float64(want)) <= 4 }
			if near(r, 255) && near(g, 223) && near(bl, 195) {
				n++
			}
		}
	}
	return n
}

var params = bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}

func customers(t *testing.T) []clv.Customer {
	t.Helper()
	T := make([]float64, 2000)
	for i := range T {
		T[i] = float64(26 + i%27)
	}
	cs, err := params.Simulate(rand.NewPCG(1, 2), T)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestPlots(t *testing.T) {
	m, _ := bgnbd.New(params)
	cs := customers(t)
	p, err := plots.CalibrationFit(m, cs, 7, "BG/NBD")
	render(t, p, err)

	hold := make([]clv.Holdout, len(cs))
	for i := range hold {
		hold[i].Duration = 26
	}
	ev, err := assess.EvaluateHoldout(m, cs, hold, 7)
	if err != nil {
		t.Fatal(err)
	}
	// Pixels of the band's colour: a few where the model's line is
	// anti-aliased; many more with a band.
	p, err = plots.HoldoutByFrequency(ev, nil)
	none := bandPixels(render(t, p, err))
	band := make([]interval.Interval, len(ev.Groups))
	for k, g := range ev.Groups {
		band[k] = interval.Interval{Low: 0.5 * g.Predicted, High: 1.5 * g.Predicted}
	}
	p, err = plots.HoldoutByFrequency(ev, band)
	if n := bandPixels(render(t, p, err)); n < 10*(none+100) {
		t.Errorf("holdout plot: %d band pixels with a band of ±50%%, %d without", n, none)
	}
	if _, err := plots.HoldoutByFrequency(ev, band[1:]); err == nil {
		t.Error("short band accepted")
	}

	first := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	repeats := []clv.DayCount{{Day: first.AddDate(0, 0, 10), Count: 3}, {Day: first.AddDate(0, 0, 100), Count: 5}}
	// Draws of the same parameters give a band of width 0; draws around
	// them, a visible one.
	same := []clv.NewCustomerModel{m, m, m}
	var spread []clv.NewCustomerModel
	for _, f := range []float64{0.7, 0.85, 1, 1.15, 1.3} {
		d, _ := bgnbd.New(bgnbd.Params{R: params.R * f, Alpha: params.Alpha, A: params.A, B: params.B})
		spread = append(spread, d)
	}
	for _, inc := range []bool{false, true} {
		opts := plots.TrackingOptions{CalibrationEnd: first.AddDate(0, 0, 26*7), Incremental: inc, Level: 0.9}
		p, err = plots.Tracking(m, cs, repeats, first, first.AddDate(0, 0, 52*7), 7*24*time.Hour, 52, opts)
		render(t, p, err)
		opts.Draws = same
		p, err = plots.Tracking(m, cs, repeats, first, first.AddDate(0, 0, 52*7), 7*24*time.Hour, 52, opts)
		thin := bandPixels(render(t, p, err))
		opts.Draws = spread
		p, err = plots.Tracking(m, cs, repeats, first, first.AddDate(0, 0, 52*7), 7*24*time.Hour, 52, opts)
		wide := render(t, p, err)
		if n := bandPixels(wide); n < 10*thin {
			t.Errorf("incremental %v: %d band pixels for draws ±30%% in r, %d for identical draws", inc, n, thin)
		}
		// The values computed once draw the same plot.
		td, err := plots.NewTrackingData(m, cs, repeats, first, first.AddDate(0, 0, 52*7), 7*24*time.Hour, 52, spread)
		if err != nil {
			t.Fatal(err)
		}
		if len(td.At) != 53 || td.At[52] != 52 || td.Actual[52] != 8 || len(td.Draws) != len(spread) {
			t.Errorf("tracking data: %d times to %v, %v actual repeats, %d draws", len(td.At), td.At[len(td.At)-1], td.Actual[len(td.Actual)-1], len(td.Draws))
		}
		p, err = plots.TrackingPlot(td, opts)
		if again := render(t, p, err); !reflect.DeepEqual(again, wide) {
			t.Errorf("incremental %v: TrackingPlot of NewTrackingData draws another image than Tracking", inc)
		}
	}

	// The matrix evaluates the function at every frequency and recency
	// of the customer observed for T.
	calls := 0
	p, err = plots.FrequencyRecency("P(alive)", 5, 52, "weeks", func(c clv.Customer) float64 {
		calls++
		if c.T != 52 || c.Recency > 52 || (c.Frequency == 0 && c.Recency != 0) {
			t.Fatalf("evaluated at %+v", c)
		}
		return m.ProbabilityAlive(c)
	})
	render(t, p, err)
	if calls != 6*40 {
		t.Errorf("%d evaluations, want 240", calls)
	}

	// P(alive) history equals bgnbd's own.
	purchases := []float64{0, 3, 5, 20}
	at := []float64{0, 1, 4, 10, 30, 60}
	want, _ := m.ProbabilityAliveHistory(purchases, at)
	rec := &recorder{m: m}
	p, err = plots.AliveHistory(rec, purchases, at, "weeks")
	render(t, p, err)
	for i, v := range rec.got {
		if math.Abs(v-want[i]) > 1e-15 {
			t.Errorf("P(alive) at %v = %v, want %v", at[i], v, want[i])
		}
	}

	p, err = plots.CLVDistribution([]float64{1, 2, 3, math.NaN(), 100, 5}, "CLV")
	render(t, p, err)
	p, err = plots.SegmentSizes([]segment.Group{{Key: "Champions", Customers: 10}, {Key: "Lost", Customers: 30}}, "Segments")
	render(t, p, err)
}

type recorder struct {
	m   *bgnbd.Model
	got []float64
}

func (r *recorder) ProbabilityAlive(c clv.Customer) float64 {
	v := r.m.ProbabilityAlive(c)
	r.got = append(r.got, v)
	return v
}
func (r *recorder) ConditionalExpectedPurchases(c clv.Customer, t float64) float64 {
	return r.m.ConditionalExpectedPurchases(c, t)
}

func TestBadArguments(t *testing.T) {
	m, _ := bgnbd.New(params)
	now := time.Now()
	for name, err := range map[string]error{
		"calibration nil": func() error { _, err := plots.CalibrationFit(nil, nil, 7, ""); return err }(),
		"calibration k":   func() error { _, err := plots.CalibrationFit(m, nil, 0, ""); return err }(),
		"holdout":         func() error { _, err := plots.HoldoutByFrequency(assess.Evaluation{}, nil); return err }(),
		"tracking": func() error {
			_, err := plots.Tracking(m, nil, nil, now, now, time.Hour, 10, plots.TrackingOptions{})
			return err
		}(),
		"tracking band": func() error {
			_, err := plots.Tracking(m, nil, nil, now, now.Add(time.Hour), time.Hour, 10, plots.TrackingOptions{Draws: []clv.NewCustomerModel{m}})
			return err
		}(),
		"tracking band level": func() error {
			_, err := plots.Tracking(m, nil, nil, now, now.Add(time.Hour), time.Hour, 10, plots.TrackingOptions{Draws: []clv.NewCustomerModel{m, m}})
			return err
		}(),
		"tracking data": func() error {
			_, err := plots.TrackingPlot(plots.TrackingData{Unit: time.Hour, At: []float64{0, 1}, Actual: []float64{0, 1}, Expected: []float64{0}}, plots.TrackingOptions{})
			return err
		}(),
		"tracking data band": func() error {
			_, err := plots.TrackingPlot(plots.TrackingData{Unit: time.Hour, At: []float64{0, 1}, Actual: []float64{0, 1}, Expected: []float64{0, 1},
				Draws: [][]float64{{0, 1}, {0, 1}}}, plots.TrackingOptions{})
			return err
		}(),
		"calibration counts": func() error {
			_, err := plots.CalibrationFitCounts(plots.FrequencyCounts{Observed: []float64{1, 2}, Expected: []float64{1}}, "")
			return err
		}(),
		"matrix":   func() error { _, err := plots.FrequencyRecency("", 5, 0, "", nil); return err }(),
		"history":  func() error { _, err := plots.AliveHistory(m, nil, nil, ""); return err }(),
		"clv":      func() error { _, err := plots.CLVDistribution([]float64{math.NaN()}, ""); return err }(),
		"segments": func() error { _, err := plots.SegmentSizes(nil, ""); return err }(),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
