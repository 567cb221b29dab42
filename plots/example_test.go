package plots_test

import (
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/plots"
	"github.com/clvkit/clvkit/segment"
)

// The probability-alive matrix of the CDNOW BG/NBD model for customers
// observed 39 weeks; p.Save("p_alive.png") or p.Save("p_alive.svg") writes
// it.
func ExampleFrequencyRecency() {
	m, err := bgnbd.New(bgnbd.Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426})
	if err != nil {
		log.Fatal(err)
	}
	p, err := plots.FrequencyRecency("P(alive) by frequency and recency", 20, 39, "weeks", m.ProbabilityAlive)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Title.Text)
	fmt.Println(p.X.Label.Text)
	fmt.Println(m.ProbabilityAlive(clv.Customer{Frequency: 20, Recency: 10, T: 39}) < 0.01)
	// Output:
	// P(alive) by frequency and recency
	// recency (weeks from first to last purchase), T = 39.0
	// true
}

// exampleCustomers simulates 2,000 CDNOW-like customers observed 39 weeks.
func exampleCustomers() (*bgnbd.Model, []clv.Customer) {
	p := bgnbd.Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	m, err := bgnbd.New(p)
	if err != nil {
		log.Fatal(err)
	}
	T := make([]float64, 2000)
	for i := range T {
		T[i] = 39
	}
	cs, err := p.Simulate(rand.NewPCG(1, 2), T)
	if err != nil {
		log.Fatal(err)
	}
	return m, cs
}

// The calibration fit: customers by number of repeat purchases, actual
// and expected by the model.
func ExampleCalibrationFit() {
	m, cs := exampleCustomers()
	p, err := plots.CalibrationFit(m, cs, 7, "BG/NBD")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Title.Text)
	// Output:
	// Customers by number of repeat purchases: observed vs BG/NBD
}

// The holdout check with a band: mean holdout purchases by calibration
// frequency, actual and predicted, and an interval around the prediction
// (here ±10%; the forecast job takes it from parameter draws with
// interval.Forecast).
func ExampleHoldoutByFrequency() {
	m, cs := exampleCustomers()
	hold := make([]clv.Holdout, len(cs))
	for i := range hold {
		hold[i] = clv.Holdout{Duration: 39, Frequency: math.Round(m.ConditionalExpectedPurchases(cs[i], 39))}
	}
	ev, err := assess.EvaluateHoldout(m, cs, hold, 7)
	if err != nil {
		log.Fatal(err)
	}
	band := make([]interval.Interval, len(ev.Groups))
	for k, g := range ev.Groups {
		band[k] = interval.Interval{Low: 0.9 * g.Predicted, High: 1.1 * g.Predicted}
	}
	p, err := plots.HoldoutByFrequency(ev, band)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Title.Text)
	fmt.Println(p.Y.Label.Text)
	// Output:
	// Holdout purchases by calibration frequency: actual vs predicted
	// mean purchases in the holdout
}

// The tracking plot: cumulative repeat purchases by week, actual (from a
// summary's Repeats) and expected, with the calibration end marked.
func ExampleTracking() {
	m, cs := exampleCustomers()
	first := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	repeats := []clv.DayCount{{Day: first.AddDate(0, 0, 30), Count: 120}, {Day: first.AddDate(0, 0, 200), Count: 300}}
	week := 7 * 24 * time.Hour
	p, err := plots.Tracking(m, cs, repeats, first, first.AddDate(0, 0, 39*7), week, 39,
		plots.TrackingOptions{CalibrationEnd: first.AddDate(0, 0, 26*7)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Title.Text)
	fmt.Println(p.X.Label.Text)
	// Output:
	// Cumulative repeat purchases: actual vs model
	// weeks since the first transaction (calibration ends at 26.0)
}

// One customer's P(alive) over time: it drops between purchases and jumps
// at each.
func ExampleAliveHistory() {
	m, _ := exampleCustomers()
	p, err := plots.AliveHistory(m, []float64{2, 5, 9}, []float64{0, 5, 10, 20, 30, 39}, "weeks")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Title.Text)
	// Output:
	// P(alive) over time
}

// The distribution of lifetime values over a customer base.
func ExampleCLVDistribution() {
	values := make([]float64, 1000)
	for i := range values {
		values[i] = float64(i%100) * 1.5
	}
	p, err := plots.CLVDistribution(values, "12-month CLV")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Title.Text, "/", p.X.Label.Text, "/", p.Y.Label.Text)
	// Output:
	// 12-month CLV / CLV / customers
}

// Segment sizes from segment.SummarizeGroups.
func ExampleSegmentSizes() {
	_, cs := exampleCustomers()
	rfm, err := segment.ScoreCustomers(cs, segment.ScoreOptions{})
	if err != nil {
		log.Fatal(err)
	}
	keys := make([]string, len(rfm))
	for i, s := range rfm {
		keys[i] = s.Segment
	}
	groups, err := segment.SummarizeGroups(keys, cs, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	p, err := plots.SegmentSizes(groups, "Customers by RFM segment")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Title.Text)
	// Output:
	// Customers by RFM segment
}

// UnitName names the models' time unit in axis labels.
func ExampleUnitName() {
	fmt.Println(plots.UnitName(7*24*time.Hour), plots.UnitName(24*time.Hour))
	// Output:
	// weeks days
}
