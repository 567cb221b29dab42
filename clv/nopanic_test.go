package clv_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
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

// TestNoPanicNilModels: every function of clv that takes a model returns
// an error wrapping ErrNilModel for a nil interface and for a nil pointer
// in an interface (a typed nil), never a panic.
func TestNoPanicNilModels(t *testing.T) {
	cs := []clv.Customer{{ID: "a", Frequency: 2, Recency: 30, T: 39, MonetaryValue: 20}}
	hold := []clv.Holdout{{Frequency: 1, Duration: 39}}
	vo := predict.ValueOptions{Periods: 12, PeriodLength: 4, DiscountRate: 0.01, Margin: 1}
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
		if tc.pm != bg {
			calls["EvaluateHoldout"] = func() error { _, err := assess.EvaluateHoldout(tc.pm, cs, hold, 7); return err }
		}
		switch pm := tc.pm.(type) {
		case *bgnbd.Model:
			if pm != nil {
				break
			}
			calls["ExpectedCumulativeRepeats"] = func() error { _, err := assess.ExpectedCumulativeRepeats(pm, cs, []float64{1}); return err }
			calls["ExpectedFrequencyCounts"] = func() error { _, err := assess.ExpectedFrequencyCounts(pm, cs, 3); return err }
			calls["NewCustomerValue"] = func() error { _, err := predict.NewCustomerValue(pm, tc.sm.(*gammagamma.Model), 0, vo); return err }
			calls["CompareModels"] = func() error {
				_, err := assess.CompareModels([]assess.Candidate{{Name: "x", Model: pm}}, cs, hold, 7)
				return err
			}
		case nil:
			calls["ExpectedCumulativeRepeats"] = func() error { _, err := assess.ExpectedCumulativeRepeats(nil, cs, []float64{1}); return err }
			calls["ExpectedFrequencyCounts"] = func() error { _, err := assess.ExpectedFrequencyCounts(nil, cs, 3); return err }
			calls["NewCustomerValue"] = func() error { _, err := predict.NewCustomerValue(nil, nil, 0, vo); return err }
			calls["CompareModels"] = func() error {
				_, err := assess.CompareModels([]assess.Candidate{{Name: "x"}}, cs, hold, 7)
				return err
			}
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

// TestNoPanicZeroArguments calls the exported functions and methods of clv
// with nil, zero, empty, NaN and infinite arguments, and nil or zero
// receivers: each returns (an error, or a documented value) and none
// panics.
func TestNoPanicZeroArguments(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	bad := []clv.Customer{{ID: "nan", Frequency: nan, Recency: nan, T: nan, MonetaryValue: nan}}
	var nilHist, nilHist2 *clv.Histogram
	var nilState *clv.CustomerState
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
		"Histogram nil Merge nil":   func() { mustErr("nil.Merge", nilHist.Merge(nilHist2)) },
		"Histogram Merge nil":       func() { var h clv.Histogram; _ = h.Merge(nil); _ = h.Merge(&clv.Histogram{}) },
		"Histogram nil Add":         func() { mustErr("nil.Add", nilHist.Add(clv.Customer{T: 1}, 1)) },
		"Histogram nil reads":       func() { _ = nilHist.Len(); _ = nilHist.Rows(); nilHist.Customers(); _, _ = nilHist.MarshalBinary() },
		"Histogram nil Unmarshal":   func() { mustErr("nil.UnmarshalBinary", nilHist.UnmarshalBinary(nil)) },
		"Histogram Add NaN":         func() { var h clv.Histogram; mustErr("Add NaN", h.Add(bad[0], nan)) },
		"Histogram Unmarshal empty": func() { var h clv.Histogram; mustErr("UnmarshalBinary", h.UnmarshalBinary(nil)) },
		"State nil Merge":           func() { mustErr("nil.Merge", nilState.Merge(&clv.CustomerState{})) },
		"State Merge nil":           func() { var s clv.CustomerState; _ = s.Merge(nil) },
		"State nil methods": func() {
			mustErr("nil.Add", nilState.Add(clv.Transaction{}, clv.SummaryOptions{}))
			_, _, err := nilState.Summary(clv.SummaryOptions{End: time.Now()})
			mustErr("nil.Summary", err)
			_, err = nilState.MarshalBinary()
			mustErr("nil.MarshalBinary", err)
			mustErr("nil.UnmarshalBinary", nilState.UnmarshalBinary(nil))
		},
		"State zero": func() {
			var s clv.CustomerState
			_, _, err := s.Summary(clv.SummaryOptions{})
			mustErr("zero.Summary", err)
			mustErr("UnmarshalBinary", s.UnmarshalBinary([]byte{0xff}))
			mustErr("Add NaN", s.Add(clv.Transaction{Amount: nan}, clv.SummaryOptions{}))
		},
		"Summarize": func() {
			_, err := clv.Summarize(nil, clv.SummaryOptions{})
			mustErr("Summarize(nil)", err)
			_, err = clv.Summarize([]clv.Transaction{{CustomerID: "a", Amount: nan}}, clv.SummaryOptions{})
			mustErr("Summarize(NaN)", err)
			_, err = clv.Summarize([]clv.Transaction{{CustomerID: "a", Amount: 1}}, clv.SummaryOptions{Unit: -1})
			mustErr("Summarize(Unit -1)", err)
		},
		"SummarizeCSV nil reader": func() {
			_, err := clv.SummarizeCSV(strings.NewReader(""), clv.CSVOptions{}, clv.SummaryOptions{})
			mustErr("SummarizeCSV empty", err)
		},
		"NewReader empty": func() {
			r, err := clv.NewReader(strings.NewReader(""), clv.CSVOptions{})
			if err == nil {
				_, err = r.ReadAll()
			}
			_ = err
		},
		"nil readers": func() {
			_, err := clv.NewReader(nil, clv.CSVOptions{})
			mustErr("NewReader(nil)", err)
			_, err = clv.SummarizeCSV(nil, clv.CSVOptions{}, clv.SummaryOptions{})
			mustErr("SummarizeCSV(nil)", err)
			_, _, err = clv.ReadSummaries(nil, clv.SummariesOptions{})
			mustErr("ReadSummaries(nil)", err)
			var r *clv.Reader
			_, err = r.Read()
			mustErr("nil Reader.Read", err)
			_, err = r.ReadAll()
			mustErr("nil Reader.ReadAll", err)
			_ = r.Header()
			_ = r.Stats()
		},
		"ReadSummaries empty": func() {
			_, _, err := clv.ReadSummaries(strings.NewReader(""), clv.SummariesOptions{})
			mustErr("ReadSummaries", err)
		},
		"ValidateAll": func() {
			mustErr("ValidateAll(nil)", clv.ValidateAll(nil))
			mustErr("ValidateAll(NaN)", clv.ValidateAll(bad))
		},
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
		"EvaluateHoldout": func() {
			_, err := assess.EvaluateHoldout(bg, nil, nil, 0)
			mustErr("EvaluateHoldout(nil)", err)
			_, err = assess.EvaluateHoldout(bg, bad, []clv.Holdout{{Frequency: nan, Duration: nan}}, 7)
			mustErr("EvaluateHoldout(NaN)", err)
		},
		"CompareModels": func() {
			_, err := assess.CompareModels(nil, nil, nil, 0)
			mustErr("CompareModels(nil)", err)
		},
		"ExpectedFrequencyCounts": func() {
			_, err := assess.ExpectedFrequencyCounts(bg, nil, 0)
			mustErr("ExpectedFrequencyCounts(nil)", err)
		},
		"ExpectedCumulativeRepeats": func() {
			_, err := assess.ExpectedCumulativeRepeats(bg, nil, []float64{nan})
			mustErr("ExpectedCumulativeRepeats", err)
			_, err = assess.ExpectedCumulativeRepeatsAll(nil, nil, nil)
			_ = err
		},
		"NewCustomerValue": func() {
			_, err := predict.NewCustomerValue(bg, gg, nan, predict.ValueOptions{PeriodLength: 4})
			mustErr("NewCustomerValue", err)
			_, err = predict.NewCustomerValue(&zeroBG, &zeroGG, 0, predict.ValueOptions{PeriodLength: 4})
			mustErr("NewCustomerValue(zero models)", err)
		},
		"Summarizer zero": func() {
			var s clv.Summarizer
			mustErr("zero Summarizer Add", s.Add(clv.Transaction{}))
			_, err := s.AddBatch(nil)
			mustErr("zero Summarizer AddBatch", err)
			_, err = s.Summary()
			mustErr("zero Summarizer Summary", err)
			var nilS *clv.Summarizer
			mustErr("nil Summarizer Add", nilS.Add(clv.Transaction{}))
		},
		"FitInfo": func() { _ = clv.FitInfo{}.Check(); _ = clv.FitInfo{LogLikelihood: nan}.AIC() },
		"Stats":   func() { _ = clv.Stats{}.String() },
		"Period":  func() { _ = clv.Period(-7).String() },
		"ParseError": func() {
			_ = (&clv.ParseError{}).Error()
		},
	} {
		noPanic(t, name, f)
	}
}
