package plots_test

import (
	"bytes"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/plots"
	"github.com/clvkit/clvkit/segment"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

func render(t *testing.T, p *plot.Plot, err error) {
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
	if cfg, err := png.DecodeConfig(&buf); err != nil || cfg.Width < 400 {
		t.Errorf("png: %v %+v", err, cfg)
	}
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

	ev, err := clv.EvaluateHoldout(m, cs, make([]clv.Holdout, len(cs)), 7)
	if err != nil {
		t.Fatal(err)
	}
	p, err = plots.HoldoutByFrequency(ev)
	render(t, p, err)

	first := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	repeats := []clv.DayCount{{Day: first.AddDate(0, 0, 10), Count: 3}, {Day: first.AddDate(0, 0, 100), Count: 5}}
	for _, inc := range []bool{false, true} {
		p, err = plots.Tracking(m, cs, repeats, first, first.AddDate(0, 0, 52*7), first.AddDate(0, 0, 26*7), 7*24*time.Hour, 52, inc)
		render(t, p, err)
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
		"holdout":         func() error { _, err := plots.HoldoutByFrequency(clv.Evaluation{}); return err }(),
		"tracking": func() error {
			_, err := plots.Tracking(m, nil, nil, now, now, time.Time{}, time.Hour, 10, false)
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
