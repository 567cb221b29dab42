package campaign_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/campaign"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/interval"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// small returns a campaign of 6 customers, a fitted-looking BG/NBD model
// and a spend model.
func small(t *testing.T) (clv.PurchaseModel, clv.SpendModel, campaign.Input) {
	t.Helper()
	pm, err := bgnbd.New(bgnbd.Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426})
	if err != nil {
		t.Fatal(err)
	}
	sm, err := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	if err != nil {
		t.Fatal(err)
	}
	in := campaign.Input{
		Customers: []clv.Customer{
			{ID: "a", Frequency: 2, Recency: 20, T: 30, MonetaryValue: 40},
			{ID: "b", T: 25},
			{ID: "c", Frequency: 5, Recency: 28, T: 30, MonetaryValue: 20},
			{ID: "d", T: 12},
			{ID: "e", Frequency: 1, Recency: 3, T: 35, MonetaryValue: 10},
			{ID: "f", Frequency: 2, Recency: 20, T: 30, MonetaryValue: 40},
		},
		Outcomes:  []campaign.Outcome{{1, 30}, {0, 0}, {3, 70}, {1, 25}, {0, 0}, {2, 80}},
		Contacted: []string{"a", "b", "c"},
		Control:   []string{"d", "e", "f"},
		Labels:    []string{"x", "y", "x", "y", "x", "y"},
	}
	return pm, sm, in
}

// noPMF is a purchase model without a distribution of purchases.
type noPMF struct{}

func (noPMF) ProbabilityAlive(clv.Customer) float64                      { return 1 }
func (noPMF) ConditionalExpectedPurchases(clv.Customer, float64) float64 { return 1 }

// TestBadInput: every invalid argument is an error, none a panic.
func TestBadInput(t *testing.T) {
	pm, sm, good := small(t)
	opts := campaign.Options{Window: 13}
	edit := func(f func(in *campaign.Input)) campaign.Input {
		in := good
		in.Customers = append([]clv.Customer(nil), good.Customers...)
		in.Outcomes = append([]campaign.Outcome(nil), good.Outcomes...)
		f(&in)
		return in
	}
	var nilModel *bgnbd.Model
	cases := []struct {
		name string
		pm   clv.PurchaseModel
		in   campaign.Input
		opts campaign.Options
		is   error  // the error wraps it, if not nil
		says string // and contains it
	}{
		{"nil model", nil, good, opts, clv.ErrNilModel, ""},
		{"nil pointer model", nilModel, good, opts, clv.ErrNilModel, ""},
		{"zero model", &bgnbd.Model{}, good, opts, nil, "not a number"},
		{"no distribution", noPMF{}, good, opts, campaign.ErrNoDistribution, "noPMF"},
		{"unknown ids", pm, edit(func(in *campaign.Input) {
			in.Contacted = []string{"a", "zz", "y1", "y2", "y3", "y4", "y5"}
		}), opts, campaign.ErrUnknownCustomer, `6 contacted or control ids are not customers at the campaign date: "zz", "y1", "y2", "y3", "y4" and 1 more`},
		{"unknown control", pm, edit(func(in *campaign.Input) { in.Control = []string{"q"} }), opts, campaign.ErrUnknownCustomer, `"q"`},
		{"no contacted", pm, edit(func(in *campaign.Input) { in.Contacted = nil }), opts, campaign.ErrBadGroups, "no contacted"},
		{"twice", pm, edit(func(in *campaign.Input) { in.Contacted = []string{"a", "a"} }), opts, campaign.ErrBadGroups, `"a" given twice`},
		{"both", pm, edit(func(in *campaign.Input) { in.Control = []string{"a"} }), opts, campaign.ErrBadGroups, "both"},
		{"control twice", pm, edit(func(in *campaign.Input) { in.Control = []string{"d", "d"} }), opts, campaign.ErrBadGroups, "control id"},
		{"no customers", pm, edit(func(in *campaign.Input) { in.Customers, in.Outcomes, in.Labels = nil, nil, nil }), opts, campaign.ErrUnknownCustomer, ""},
		{"duplicate customer", pm, edit(func(in *campaign.Input) { in.Customers[1].ID = "a" }), opts, nil, "appears twice"},
		{"invalid customer", pm, edit(func(in *campaign.Input) { in.Customers[0].Recency = 40 }), opts, clv.ErrInvalidCustomer, "customers[0]"},
		{"NaN customer", pm, edit(func(in *campaign.Input) { in.Customers[2].T = math.NaN() }), opts, clv.ErrInvalidCustomer, "customers[2]"},
		{"fractional outcome", pm, edit(func(in *campaign.Input) { in.Outcomes[0].Purchases = 1.5 }), opts, nil, "outcomes[0]"},
		{"NaN revenue", pm, edit(func(in *campaign.Input) { in.Outcomes[1].Revenue = math.NaN() }), opts, nil, "outcomes[1]"},
		{"outcomes short", pm, edit(func(in *campaign.Input) { in.Outcomes = in.Outcomes[:2] }), opts, nil, "2 outcomes for 6"},
		{"labels short", pm, edit(func(in *campaign.Input) { in.Labels = in.Labels[:1] }), opts, nil, "1 labels for 6"},
		{"ids and indices", pm, edit(func(in *campaign.Input) { in.ContactedAt = []int{0} }), opts, campaign.ErrBadGroups, "ids and by indices"},
		{"index out of range", pm, edit(func(in *campaign.Input) { in.Contacted, in.Control, in.ContactedAt = nil, nil, []int{0, 6} }), opts, campaign.ErrBadGroups, "contacted index 6"},
		{"negative index", pm, edit(func(in *campaign.Input) {
			in.Contacted, in.Control, in.ControlAt, in.ContactedAt = nil, nil, []int{-1}, []int{0}
		}), opts, campaign.ErrBadGroups, "control index -1"},
		{"index twice", pm, edit(func(in *campaign.Input) { in.Contacted, in.Control, in.ContactedAt = nil, nil, []int{2, 2} }), opts, campaign.ErrBadGroups, `contacted index 2 ("c") given twice`},
		{"index in both", pm, edit(func(in *campaign.Input) {
			in.Contacted, in.Control, in.ContactedAt, in.ControlAt = nil, nil, []int{2}, []int{2}
		}), opts, campaign.ErrBadGroups, "both"},
		{"control index twice", pm, edit(func(in *campaign.Input) {
			in.Contacted, in.Control, in.ContactedAt, in.ControlAt = nil, nil, []int{0}, []int{3, 3}
		}), opts, campaign.ErrBadGroups, "control index 3"},
		{"no contacted index", pm, edit(func(in *campaign.Input) { in.Contacted, in.Control, in.ControlAt = nil, nil, []int{3} }), opts, campaign.ErrBadGroups, "no contacted"},
		{"window 0", pm, good, campaign.Options{}, nil, "window"},
		{"window NaN", pm, good, campaign.Options{Window: math.NaN()}, nil, "window"},
		{"window Inf", pm, good, campaign.Options{Window: math.Inf(1)}, nil, "window"},
		{"level 1", pm, good, campaign.Options{Window: 1, Level: 1}, nil, "level"},
		{"margin 2", pm, good, campaign.Options{Window: 1, Margin: 2}, nil, "margin"},
		{"cost NaN", pm, good, campaign.Options{Window: 1, CostPerContact: math.NaN()}, nil, "cost"},
		{"cost < 0", pm, good, campaign.Options{Window: 1, CostPerContact: -1}, nil, "cost"},
		{"one draw", pm, good, campaign.Options{Window: 1, Draws: []clv.PurchaseModel{pm}}, nil, "1 draws"},
		{"nil draw", pm, good, campaign.Options{Window: 1, Draws: []clv.PurchaseModel{pm, nilModel}}, clv.ErrNilModel, "draw 1"},
		{"zero draw", pm, good, campaign.Options{Window: 1, Draws: []clv.PurchaseModel{pm, &bgnbd.Model{}}}, nil, "draw 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := campaign.Measure(context.Background(), tc.pm, sm, tc.in, tc.opts)
			if err == nil {
				t.Fatalf("no error; result %+v", res)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q does not wrap %q", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
		})
	}
	// Too many labels.
	many := campaign.Input{Outcomes: make([]campaign.Outcome, campaign.MaxLabels+1)}
	for i := range campaign.MaxLabels + 1 {
		id := strconv.Itoa(i)
		many.Customers = append(many.Customers, clv.Customer{ID: id, T: 10})
		many.Contacted = append(many.Contacted, id)
		many.Labels = append(many.Labels, id)
	}
	if _, err := campaign.Measure(context.Background(), pm, sm, many, opts); err == nil || !strings.Contains(err.Error(), "distinct labels") {
		t.Errorf("%d labels: %v", campaign.MaxLabels+1, err)
	}
	// A spend model that gives no value.
	var nilSpend *gammagamma.Model
	if _, err := campaign.Measure(context.Background(), pm, nilSpend, good, opts); err != nil {
		t.Errorf("a nil spend model: %v, want revenue expected to be zero", err)
	}
	zeroSpend := &gammagamma.Model{}
	if _, err := campaign.Measure(context.Background(), pm, zeroSpend, good, opts); err == nil || !strings.Contains(err.Error(), "expected value per purchase") {
		t.Errorf("a zero spend model: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := campaign.Measure(ctx, pm, sm, good, opts); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestRandomInputNoPanic: random summaries, outcomes and groups give a
// result or an error, never a panic.
func TestRandomInputNoPanic(t *testing.T) {
	pm, sm, _ := small(t)
	rng := rand.New(rand.NewPCG(5, 5))
	vals := []float64{0, 1, 2.5, -1, math.NaN(), math.Inf(1), 1e300, 3, 52}
	pick := func() float64 { return vals[rng.IntN(len(vals))] }
	for range 500 {
		n := rng.IntN(6)
		var in campaign.Input
		for i := range n {
			id := string(rune('a' + rng.IntN(8)))
			_ = i
			in.Customers = append(in.Customers, clv.Customer{ID: id, Frequency: pick(), Recency: pick(), T: pick(), MonetaryValue: pick()})
			in.Outcomes = append(in.Outcomes, campaign.Outcome{Purchases: pick(), Revenue: pick()})
			if rng.IntN(2) == 0 {
				in.Contacted = append(in.Contacted, id)
			} else {
				in.Control = append(in.Control, id)
			}
		}
		if rng.IntN(2) == 0 {
			in.Labels = make([]string, n)
		}
		_, _ = campaign.Measure(context.Background(), pm, sm, in, campaign.Options{Window: pick(), Level: pick() / 10, CostPerContact: pick(), Margin: pick() / 3})
	}
}

// TestAgainstPredictiveTotal: without draws, the expected purchases and
// their interval are interval.PredictiveTotal's (the process noise, a
// normal approximation with the variance from the model's distribution).
func TestAgainstPredictiveTotal(t *testing.T) {
	for _, pm := range []clv.PurchaseModel{
		must(bgnbd.New(bgnbd.Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426})),
		must(paretonbd.New(paretonbd.Params{R: 0.553, Alpha: 10.578, S: 0.606, Beta: 11.669})),
	} {
		T := make([]float64, 400)
		for i := range T {
			T[i] = 20 + float64(i%30)
		}
		cs, err := bgnbd.Params{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}.Simulate(rand.NewPCG(1, 1), T)
		if err != nil {
			t.Fatal(err)
		}
		in := campaign.Input{Customers: cs, Outcomes: make([]campaign.Outcome, len(cs))}
		for i := range cs {
			in.Contacted = append(in.Contacted, cs[i].ID)
			in.Outcomes[i].Purchases = float64(i % 2)
		}
		res, err := campaign.Measure(context.Background(), pm, nil, in, campaign.Options{Window: 13})
		if err != nil {
			t.Fatal(err)
		}
		mean, lo, hi, err := interval.PredictiveTotal(pm.(interval.ConditionalPMF), cs, 13, 0.9, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := res.Total.Purchases
		const tol = 1e-6 // Pareto/NBD: the closed-form variance against the quadrature's distribution
		for _, x := range [][2]float64{{e.Expected.Value, mean}, {e.Expected.Low, lo}, {e.Expected.High, hi}} {
			if math.Abs(x[0]-x[1]) > tol*x[1] {
				t.Errorf("%v: expected purchases %v, PredictiveTotal's %v", pm, e.Expected, [3]float64{mean, lo, hi})
			}
		}
		if e.Actual != 200 || math.Abs(e.Incremental.Value-(200-e.Expected.Value)) > 1e-9 || math.Abs(e.Incremental.Low-(200-e.Expected.High)) > 1e-9 {
			t.Errorf("%v: actual %v, incremental %+v, expected %+v", pm, e.Actual, e.Incremental, e.Expected)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestArithmetic: groups add up to the total, and the profit, ROI,
// difference-in-differences and difference in means are what their
// definitions say.
func TestArithmetic(t *testing.T) {
	pm, sm, in := small(t)
	draws := []clv.PurchaseModel{
		must(bgnbd.New(bgnbd.Params{R: 0.25, Alpha: 4.3, A: 0.8, B: 2.4})),
		must(bgnbd.New(bgnbd.Params{R: 0.23, Alpha: 4.5, A: 0.78, B: 2.5})),
		must(bgnbd.New(bgnbd.Params{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.43})),
	}
	res, err := campaign.Measure(context.Background(), pm, sm, in, campaign.Options{Window: 13, Draws: draws, CostPerContact: 2, Margin: 0.4})
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-12
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %v, want %v", what, got, want)
		}
	}
	tot := res.Total
	if len(res.Groups) != 2 || res.Groups[0].Label != "x" || res.Groups[1].Label != "y" || res.Draws != 3 || res.Level != 0.9 {
		t.Fatalf("groups %+v, draws %d, level %v", res.Groups, res.Draws, res.Level)
	}
	if tot.Contacted != 3 || tot.Control != 3 || res.Groups[0].Contacted != 2 || res.Groups[0].Control != 1 {
		t.Errorf("counts %d/%d, x %d/%d", tot.Contacted, tot.Control, res.Groups[0].Contacted, res.Groups[0].Control)
	}
	near("actual purchases", tot.Purchases.Actual, 4)
	near("actual revenue", tot.Revenue.Actual, 100)
	near("control actual", tot.ControlPurchases.Actual, 3)
	g0, g1 := res.Groups[0], res.Groups[1]
	near("expected purchases by group", g0.Purchases.Expected.Value+g1.Purchases.Expected.Value, tot.Purchases.Expected.Value)
	near("expected revenue by group", g0.Revenue.Expected.Value+g1.Revenue.Expected.Value, tot.Revenue.Expected.Value)
	// The expected purchases are the model's, customer by customer.
	want := 0.0
	for _, c := range in.Customers[:3] {
		want += pm.ConditionalExpectedPurchases(c, 13)
	}
	near("expected purchases", tot.Purchases.Expected.Value, want)
	wantRev := 0.0
	for _, c := range in.Customers[:3] {
		wantRev += pm.ConditionalExpectedPurchases(c, 13) * sm.ConditionalExpectedValue(c)
	}
	near("expected revenue", tot.Revenue.Expected.Value, wantRev)
	inc := tot.Revenue.Incremental
	near("profit", tot.Profit.Value, 0.4*inc.Value-6)
	near("profit low", tot.Profit.Low, 0.4*inc.Low-6)
	near("ROI", tot.ROI.Value, (0.4*inc.Value-6)/6)
	near("DiD", tot.DiDPurchases.Value, tot.Purchases.Incremental.Value-tot.ControlPurchases.Incremental.Value)
	near("difference", tot.DiffPurchases.Value, 1)
	// Control outcomes 1, 0, 2: s² = 1; (n + r²m)s² = 6.
	near("difference's half-width", tot.DiffPurchases.High-tot.DiffPurchases.Value, 1.6448536269514722*math.Sqrt(6))
	for _, e := range []campaign.Estimate{tot.Purchases.Incremental, tot.Revenue.Incremental, tot.DiDPurchases, tot.DiDRevenue, tot.Purchases.Expected} {
		if !(e.Low <= e.Value && e.Value <= e.High) {
			t.Errorf("%+v: the value is not inside its interval", e)
		}
	}
	// Without a control group and a cost: NaN.
	in.Control = nil
	res, err = campaign.Measure(context.Background(), pm, sm, in, campaign.Options{Window: 13})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(res.Total.DiDPurchases.Value) || !math.IsNaN(res.Total.ROI.Value) || !math.IsNaN(res.Total.ControlPurchases.Actual) {
		t.Errorf("without control and cost: DiD %+v, ROI %+v", res.Total.DiDPurchases, res.Total.ROI)
	}
}

// TestFromSummary: a log summarized with the campaign date as the
// calibration end gives the customers at the date and their window.
func TestFromSummary(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	ts := []clv.Transaction{
		{CustomerID: "a", Time: day(0), Amount: 10},
		{CustomerID: "a", Time: day(10), Amount: 20},
		{CustomerID: "b", Time: day(5), Amount: 5},
		{CustomerID: "a", Time: day(40), Amount: 30},
		{CustomerID: "a", Time: day(45), Amount: 50},
		{CustomerID: "c", Time: day(41), Amount: 9}, // first bought in the window
	}
	s, err := clv.Summarize(ts, clv.SummaryOptions{CalibrationEnd: day(30), End: day(60), Unit: 7 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	cs, out, w, err := campaign.FromSummary(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].ID != "a" || cs[0].Frequency != 1 || out[0] != (campaign.Outcome{Purchases: 2, Revenue: 80}) || out[1] != (campaign.Outcome{}) || math.Abs(w-30.0/7) > 1e-12 {
		t.Errorf("customers %+v, outcomes %+v, window %v", cs, out, w)
	}
	whole, err := clv.Summarize(ts, clv.SummaryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := campaign.FromSummary(whole); err == nil {
		t.Error("a summary without a holdout period: no error")
	}
	if _, _, _, err := campaign.FromSummary(nil); !errors.Is(err, clv.ErrNoCustomers) {
		t.Errorf("nil summary: %v", err)
	}
	// A campaign date after the log's end is Summarize's error.
	if _, err := clv.Summarize(ts, clv.SummaryOptions{CalibrationEnd: day(90), End: day(60)}); err == nil {
		t.Error("calibration end after the end: no error")
	}
}

// TestIndices: the groups by their indices into Customers give the same
// result as by ids.
func TestIndices(t *testing.T) {
	pm, sm, in := small(t)
	draws := []clv.PurchaseModel{pm, pm}
	opts := campaign.Options{Window: 13, Draws: draws, CostPerContact: 1}
	want, err := campaign.Measure(context.Background(), pm, sm, in, opts)
	if err != nil {
		t.Fatal(err)
	}
	at := in
	at.Contacted, at.Control, at.ContactedAt, at.ControlAt = nil, nil, []int{0, 1, 2}, []int{3, 4, 5}
	got, err := campaign.Measure(context.Background(), pm, sm, at, opts)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := fmt.Sprintf("%+v", *got), fmt.Sprintf("%+v", *want); g != w {
		t.Errorf("by indices %s\nby ids     %s", g, w)
	}
}
