package gammagamma_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// TestNoPanic calls the exported functions and methods with nil, zero,
// NaN and infinite arguments and on a zero Model: errors or NaN, no panic.
func TestNoPanic(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	bad := []clv.Customer{{Frequency: nan, MonetaryValue: inf}, {Frequency: 2, MonetaryValue: -1}}
	m, _ := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	var zero gammagamma.Model
	for name, f := range map[string]func() error{
		"Fit(nil)": func() error { _, err := gammagamma.Fit(nil, gammagamma.FitOptions{}); return err },
		"Fit(NaN)": func() error { _, err := gammagamma.Fit(bad, gammagamma.FitOptions{}); return err },
		"Fit(NaN weights)": func() error {
			_, err := gammagamma.Fit(bad[1:], gammagamma.FitOptions{Weights: []float64{nan, 1}})
			return err
		},
		"Fit(NaN options)": func() error {
			_, err := gammagamma.Fit(bad, gammagamma.FitOptions{Penalizer: nan, GradTol: -1, MaxIter: -1, Start: &gammagamma.Params{}})
			return err
		},
		"FitContext(nil ctx)": func() error { _, err := gammagamma.FitContext(nil, nil, gammagamma.FitOptions{}); return err }, //nolint:staticcheck // a nil context must not panic
		"New(NaN)":            func() error { _, err := gammagamma.New(gammagamma.Params{P: nan}); return err },
		"FrequencyValueCorrelation": func() error {
			_, err := gammagamma.FrequencyValueCorrelation(bad)
			return err
		},
		"FrequencyValueCorrelation(nil)": func() error { _, err := gammagamma.FrequencyValueCorrelation(nil); return err },
		"ConditionalExpectedValueAll":    func() error { _, err := m.ConditionalExpectedValueAll(bad); return err },
		"zero.ConditionalExpectedValueAll": func() error {
			_, err := zero.ConditionalExpectedValueAll([]clv.Customer{{Frequency: 1, MonetaryValue: 1, T: 1, Recency: 1}})
			return err
		},
		"zero.MarshalJSON":      func() error { _, err := zero.MarshalJSON(); return err },
		"zero.SampleParams":     func() error { _, err := zero.SampleParams(rand.NewPCG(1, 2), 3); return err },
		"SampleParams(nil src)": func() error { _, err := m.SampleParams(nil, 3); return err },
		"zero.ParamIntervals":   func() error { _, _, err := zero.ParamIntervals(nan); return err },
		"UnmarshalJSON(nil)":    func() error { var z gammagamma.Model; return z.UnmarshalJSON(nil) },
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s panicked: %v", name, r)
				}
			}()
			if err := f(); err == nil {
				t.Errorf("%s: no error", name)
			}
		}()
	}
	for name, v := range map[string]func() float64{
		"zero.ConditionalExpectedValue": func() float64 { return zero.ConditionalExpectedValue(clv.Customer{Frequency: 1, MonetaryValue: 1}) },
		"zero.PopulationMean":           func() float64 { return zero.PopulationMean() },
		"ConditionalExpectedValue(NaN)": func() float64 { return m.ConditionalExpectedValue(bad[0]) },
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s panicked: %v", name, r)
				}
			}()
			if x := v(); !math.IsNaN(x) {
				t.Errorf("%s = %v, want NaN", name, x)
			}
		}()
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("zero Model accessors panicked: %v", r)
			}
		}()
		_ = zero.String()
		_ = zero.Params()
		_, _ = zero.StdErrors()
		_, _ = zero.LogCovariance()
		_ = zero.FitInfo()
		_ = gammagamma.Params{P: nan}.SimulateValues(nil, -1)
		_ = gammagamma.Params{P: 1, Q: 2, Gamma: 3}.SimulateValues(rand.NewPCG(1, 2), 0)
	}()
}
