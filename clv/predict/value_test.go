package predict_test

import (
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/internal/reftest"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestLifetimeValueCDNOW reproduces the lifetimes package's CLV: 12
// months, 1% a month, weeks, with the BG/NBD and gamma-gamma parameters of
// the reference.
func TestLifetimeValueCDNOW(t *testing.T) {
	ref := reftest.Load(t)
	b, g := ref.GammaGamma.BGNBD, ref.GammaGamma.Params
	pm, err := bgnbd.New(bgnbd.Params{R: b["r"], Alpha: b["alpha"], A: b["a"], B: b["b"]})
	if err != nil {
		t.Fatal(err)
	}
	sm, err := gammagamma.New(gammagamma.Params{P: g["p"], Q: g["q"], Gamma: g["v"]})
	if err != nil {
		t.Fatal(err)
	}
	opts := predict.ValueOptions{Periods: 12, PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01}
	var cs []clv.Customer
	for _, pr := range ref.GammaGamma.Predictions {
		c := clv.Customer{Frequency: pr.X, Recency: pr.Tx, T: pr.T, MonetaryValue: pr.Zbar}
		cs = append(cs, c)
		got, err := predict.LifetimeValue(pm, sm, c, opts)
		if err != nil {
			t.Fatal(err)
		}
		if e := math.Abs(got-pr.CLV) / pr.CLV; e > 1e-6 {
			t.Errorf("customer %d: CLV %.10g, reference %.10g (rel. error %.2g)", pr.ID, got, pr.CLV, e)
		}
	}
	all, err := predict.LifetimeValues(pm, sm, cs, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		v, _ := predict.LifetimeValue(pm, sm, c, opts)
		if all[i] != v {
			t.Errorf("batch %d: %v, single %v", i, all[i], v)
		}
	}
	// Continuous discounting at the equivalent rate is close to the
	// end-of-period convention and a little higher (purchases are
	// discounted from mid-period, not the end).
	opts.Continuous = true
	for i, c := range cs {
		v, err := predict.LifetimeValue(pm, sm, c, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !(v >= all[i] && v <= all[i]*1.01) {
			t.Errorf("customer %d: continuous %v, discrete %v", i, v, all[i])
		}
	}
	// Without discounting, CLV is value × E[Y(12 months)].
	opts = predict.ValueOptions{PeriodLength: predict.MonthInWeeks, Margin: 0.25}
	c := cs[0]
	v, _ := predict.LifetimeValue(pm, sm, c, opts)
	want := 0.25 * sm.ConditionalExpectedValue(c) * pm.ConditionalExpectedPurchases(c, 12*predict.MonthInWeeks)
	if math.Abs(v-want) > 1e-12*want {
		t.Errorf("undiscounted: %v, want %v", v, want)
	}
	for _, bad := range []predict.ValueOptions{{}, {PeriodLength: 1, Periods: -1}, {PeriodLength: 1, DiscountRate: -1}, {PeriodLength: 1, Margin: 2}} {
		if _, err := predict.LifetimeValue(pm, sm, c, bad); !errors.Is(err, predict.ErrBadValueOptions) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

func TestSummarizeValues(t *testing.T) {
	v := make([]float64, 100)
	for i := range v {
		v[i] = float64(i + 1)
	}
	d, err := predict.SummarizeValues(v)
	if err != nil {
		t.Fatal(err)
	}
	if d.N != 100 || d.Total != 5050 || d.Mean != 50.5 || d.Quantiles[0.5] != 50 || d.Quantiles[1] != 100 || d.Quantiles[0] != 1 {
		t.Errorf("%+v", d)
	}
	if want := (91.0 + 100) * 10 / 2 / 5050; math.Abs(d.TopShare-want) > 1e-15 {
		t.Errorf("top share %v, want %v", d.TopShare, want)
	}
	if _, err := predict.SummarizeValues([]float64{math.NaN()}); err == nil {
		t.Error("NaN accepted")
	}
}

// TestNewCustomerValue: the value of a new customer is the first order
// plus the discounted expected repeat purchases times the population mean
// spend, times the margin.
func TestNewCustomerValue(t *testing.T) {
	pm, _ := paretonbd.New(paretonbd.Params{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67})
	sm, _ := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	opts := predict.ValueOptions{PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01, Margin: 0.3, Periods: 24}
	got, err := predict.NewCustomerValue(pm, sm, 35, opts)
	if err != nil {
		t.Fatal(err)
	}
	want, prev := 35.0, 0.0
	for i := 1; i <= 24; i++ {
		e := pm.ExpectedPurchases(float64(i) * predict.MonthInWeeks)
		want += sm.PopulationMean() * (e - prev) / math.Pow(1.01, float64(i))
		prev = e
	}
	want *= 0.3
	if math.Abs(got-want) > 1e-12*want {
		t.Errorf("value %.12g, want %.12g", got, want)
	}
	heavy, _ := gammagamma.New(gammagamma.Params{P: 6, Q: 0.9, Gamma: 15})
	if _, err := predict.NewCustomerValue(pm, heavy, 0, opts); err == nil {
		t.Error("infinite mean spend accepted")
	}
	if _, err := predict.NewCustomerValue(pm, sm, -1, opts); err == nil {
		t.Error("negative first order accepted")
	}
	if _, err := predict.NewCustomerValue(nil, sm, 0, opts); err == nil {
		t.Error("nil model accepted")
	}
}
