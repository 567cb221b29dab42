package assess_test

import (
	"errors"
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
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

// TestNoPanicNilModels: every function of assess that takes a model
// returns an error wrapping clv.ErrNilModel for a nil interface and for a
// nil pointer in an interface (a typed nil), never a panic.
func TestNoPanicNilModels(t *testing.T) {
	cs := []clv.Customer{{ID: "a", Frequency: 2, Recency: 30, T: 39, MonetaryValue: 20}}
	hold := []clv.Holdout{{Frequency: 1, Duration: 39}}
	var nilBG *bgnbd.Model
	var nilPN *paretonbd.Model
	for _, tc := range []struct {
		name string
		pm   clv.PurchaseModel
	}{
		{"nil interface", nil},
		{"typed nil BG/NBD", nilBG},
		{"typed nil Pareto/NBD", nilPN},
	} {
		calls := map[string]func() error{
			"EvaluateHoldout": func() error { _, err := assess.EvaluateHoldout(tc.pm, cs, hold, 7); return err },
		}
		switch pm := tc.pm.(type) {
		case *bgnbd.Model:
			calls["ExpectedCumulativeRepeats"] = func() error { _, err := assess.ExpectedCumulativeRepeats(pm, cs, []float64{1}); return err }
			calls["ExpectedFrequencyCounts"] = func() error { _, err := assess.ExpectedFrequencyCounts(pm, cs, 3); return err }
			calls["CompareModels"] = func() error {
				_, err := assess.CompareModels([]assess.Candidate{{Name: "x", Model: pm}}, cs, hold, 7)
				return err
			}
		case nil:
			calls["ExpectedCumulativeRepeats"] = func() error { _, err := assess.ExpectedCumulativeRepeats(nil, cs, []float64{1}); return err }
			calls["ExpectedFrequencyCounts"] = func() error { _, err := assess.ExpectedFrequencyCounts(nil, cs, 3); return err }
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

// TestNoPanicZeroArguments calls the exported functions of assess with
// nil, zero, empty and NaN arguments: each returns an error (or, where
// documented, a value) and none panics.
func TestNoPanicZeroArguments(t *testing.T) {
	nan := math.NaN()
	bad := []clv.Customer{{ID: "nan", Frequency: nan, Recency: nan, T: nan, MonetaryValue: nan}}
	bg, _ := bgnbd.New(bgnbd.Params{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4})
	mustErr := func(name string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for name, f := range map[string]func(){
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
	} {
		noPanic(t, name, f)
	}
}
