package predict_test

import (
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// noPanic calls f and fails the test if it panics.
func noPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panicked: %v", name, r)
		}
	}()
	f()
}

// TestNoPanicNilModels: every function of predict that takes a model
// returns an error wrapping clv.ErrNilModel for a nil interface and for a
// nil pointer in an interface (a typed nil), never a panic.
func TestNoPanicNilModels(t *testing.T) {
	cs := []clv.Customer{{ID: "a", Frequency: 2, Recency: 30, T: 39, MonetaryValue: 20}}
	vo := predict.ValueOptions{Periods: 12, PeriodLength: 4, DiscountRate: 0.01, Margin: 1}
	oo := clv.OutlookOptions{Window: 4, Horizon: 52}
	var nilBG *bgnbd.Model
	var nilGG *gammagamma.Model
	var nilPN *paretonbd.Model
	bg, _ := bgnbd.New(bgnbd.Params{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4})
	gg, _ := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	for _, tc := range []struct {
		name string
		pm   clv.PurchaseModel
		sm   clv.SpendModel
	}{
		{"nil interfaces", nil, nil},
		{"typed nil purchase model", nilBG, gg},
		{"typed nil spend model", bg, nilGG},
		{"typed nil Pareto/NBD", nilPN, gg},
	} {
		calls := map[string]func() error{
			"LifetimeValue":  func() error { _, err := predict.LifetimeValue(tc.pm, tc.sm, cs[0], vo); return err },
			"LifetimeValues": func() error { _, err := predict.LifetimeValues(tc.pm, tc.sm, cs, vo); return err },
		}
		switch pm := tc.pm.(type) {
		case *bgnbd.Model:
			if pm != nil {
				break
			}
			calls["NewCustomerValue"] = func() error { _, err := predict.NewCustomerValue(pm, tc.sm.(*gammagamma.Model), 0, vo); return err }
			calls["OutlookAll"] = func() error { _, err := predict.OutlookAll(pm, cs, oo); return err }
		case *paretonbd.Model:
			calls["OutlookAll"] = func() error { _, err := predict.OutlookAll(pm, cs, oo); return err }
		case nil:
			calls["NewCustomerValue"] = func() error { _, err := predict.NewCustomerValue(nil, nil, 0, vo); return err }
			calls["OutlookAll"] = func() error { _, err := predict.OutlookAll(nil, cs, oo); return err }
		}
		for name, call := range calls {
			noPanic(t, tc.name+": "+name, func() {
				err := call()
				if !errors.Is(err, clv.ErrNilModel) {
					t.Errorf("%s: %s: %v, want ErrNilModel", tc.name, name, err)
				}
			})
		}
	}
}

// TestNoPanicZeroArguments calls the exported functions of predict with
// nil, zero, empty, NaN and infinite arguments and zero models: each
// returns an error and none panics.
func TestNoPanicZeroArguments(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	bad := []clv.Customer{{ID: "nan", Frequency: nan, Recency: nan, T: nan, MonetaryValue: nan}}
	bg, _ := bgnbd.New(bgnbd.Params{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4})
	gg, _ := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	var zeroBG bgnbd.Model
	var zeroGG gammagamma.Model
	mustErr := func(name string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for name, f := range map[string]func(){
		"LifetimeValue NaN": func() {
			_, err := predict.LifetimeValue(bg, gg, bad[0], predict.ValueOptions{PeriodLength: 4})
			mustErr("LifetimeValue NaN customer", err)
			_, err = predict.LifetimeValue(bg, gg, clv.Customer{T: 1}, predict.ValueOptions{PeriodLength: nan})
			mustErr("LifetimeValue NaN options", err)
			_, err = predict.LifetimeValues(bg, gg, nil, predict.ValueOptions{PeriodLength: 4})
			mustErr("LifetimeValues(nil)", err)
			_, err = predict.LifetimeValues(&zeroBG, &zeroGG, []clv.Customer{{T: 1}}, predict.ValueOptions{PeriodLength: 4})
			mustErr("LifetimeValues(zero models)", err)
		},
		"SummarizeValues": func() {
			_, err := predict.SummarizeValues(nil)
			mustErr("SummarizeValues(nil)", err)
			_, err = predict.SummarizeValues([]float64{nan, inf})
			mustErr("SummarizeValues(NaN)", err)
		},
		"NewCustomerValue": func() {
			_, err := predict.NewCustomerValue(bg, gg, nan, predict.ValueOptions{PeriodLength: 4})
			mustErr("NewCustomerValue", err)
			_, err = predict.NewCustomerValue(&zeroBG, &zeroGG, 0, predict.ValueOptions{PeriodLength: 4})
			mustErr("NewCustomerValue(zero models)", err)
		},
		"OutlookAll": func() {
			_, err := predict.OutlookAll(bg, nil, clv.OutlookOptions{Window: 4, Horizon: 52})
			mustErr("OutlookAll(nil)", err)
			_, err = predict.OutlookAll(bg, bad, clv.OutlookOptions{Window: 4, Horizon: 52})
			mustErr("OutlookAll(NaN customer)", err)
			_, err = predict.OutlookAll(bg, []clv.Customer{{T: 1}}, clv.OutlookOptions{Window: nan, Horizon: inf})
			mustErr("OutlookAll(NaN options)", err)
			var o *predict.Outlooks = predict.OutlooksOf(nil)
			_, _, _ = o.At(-1), o.Row(3), o.Index(0)
		},
	} {
		noPanic(t, name, f)
	}
}

// TestNilOutlooks: a nil *Outlooks (forecast.Result.Outlooks of a model
// without a next-purchase distribution) holds no customers.
func TestNilOutlooks(t *testing.T) {
	var o *predict.Outlooks
	if o.Len() != 0 || o.Distinct() != 0 || o.Index(0) != -1 || o.At(0) != (clv.Outlook{}) || o.Row(0) != (clv.Outlook{}) {
		t.Error("a nil *Outlooks is not empty")
	}
}
