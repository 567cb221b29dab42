package sbg_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/sbg"
)

// TestNoPanic calls the exported functions and methods with nil, zero,
// NaN, infinite and extreme arguments and on a zero Model: errors or NaN,
// no panic.
func TestNoPanic(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	m, _ := sbg.New(sbg.Params{Alpha: 0.7, Beta: 1.2, C: 1})
	var zero sbg.Model
	errs := map[string]func() error{
		"Fit(nil)": func() error { _, err := sbg.Fit(nil, sbg.FitOptions{}); return err },
		"Fit(NaN)": func() error {
			_, err := sbg.Fit([]sbg.Record{{Renewals: -1, Count: nan}}, sbg.FitOptions{})
			return err
		},
		"Fit(huge renewals)": func() error {
			_, err := sbg.Fit([]sbg.Record{{Renewals: math.MaxInt, Count: 1}}, sbg.FitOptions{})
			return err
		},
		"Fit(NaN options)": func() error {
			_, err := sbg.Fit([]sbg.Record{{Count: 1, Churned: true}}, sbg.FitOptions{Penalizer: nan, GradTol: nan})
			return err
		},
		"FitContext(nil ctx)":   func() error { _, err := sbg.FitContext(nil, nil, sbg.FitOptions{}); return err }, //nolint:staticcheck // a nil context must not panic
		"CohortRecords(nil)":    func() error { _, err := sbg.CohortRecords(nil); return err },
		"CohortRecords(NaN)":    func() error { _, err := sbg.CohortRecords([]float64{nan, inf, 1}); return err },
		"New(NaN)":              func() error { _, err := sbg.New(sbg.Params{Alpha: nan}); return err },
		"ProjectSurvivors(NaN)": func() error { _, err := m.ProjectSurvivors(nan, -1); return err },
		"ProjectSurvivors(huge)": func() error {
			_, err := m.ProjectSurvivors(1, math.MaxInt)
			return err
		},
		"LifetimeValue(NaN)":      func() error { _, err := m.LifetimeValue(nan, inf, -1); return err },
		"ProjectionError(nil)":    func() error { _, err := m.ProjectionError(nil, -1); return err },
		"ProjectionError(NaN)":    func() error { _, err := m.ProjectionError([]float64{nan, 1}, 0); return err },
		"zero.ProjectSurvivors":   func() error { _, err := zero.ProjectSurvivors(100, 3); return err },
		"zero.LifetimeValue":      func() error { _, err := zero.LifetimeValue(1, 0.1, 0); return err },
		"zero.ProjectionError":    func() error { _, err := zero.ProjectionError([]float64{100, 80, 70}, 1); return err },
		"zero.MarshalJSON":        func() error { _, err := zero.MarshalJSON(); return err },
		"zero.SampleParams":       func() error { _, err := zero.SampleParams(rand.NewPCG(1, 2), 3); return err },
		"SampleParams(nil src)":   func() error { _, err := m.SampleParams(nil, 3); return err },
		"zero.ParamIntervals":     func() error { _, _, err := zero.ParamIntervals(0.9); return err },
		"UnmarshalJSON(nil)":      func() error { var z sbg.Model; return z.UnmarshalJSON(nil) },
		"SimulateCohort(nil src)": func() error { _, err := m.Params().SimulateCohort(nil, 10, 3); return err },
		"SimulateCohort(NaN)":     func() error { _, err := sbg.Params{Alpha: nan}.SimulateCohort(rand.NewPCG(1, 2), 10, 3); return err },
		"SimulateCohort(-1)":      func() error { _, err := m.Params().SimulateCohort(rand.NewPCG(1, 2), -1, -1); return err },
		"ReadSubscriptions(nil)":  func() error { _, err := sbg.ReadSubscriptions(nil, sbg.ReadOptions{}); return err },
		"ReadSubscriptions(empty)": func() error {
			_, err := sbg.ReadSubscriptions(strings.NewReader(""), sbg.ReadOptions{})
			return err
		},
	}
	for name, f := range errs {
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
		"zero.Survival":      func() float64 { return zero.Survival(3) },
		"zero.RetentionRate": func() float64 { return zero.RetentionRate(3) },
		"zero.ChurnNext":     func() float64 { return zero.ChurnNext(3) },
		"zero.DEL":           func() float64 { return zero.DEL(0.1) },
		"zero.DERL":          func() float64 { return zero.DERL(0.1, 2) },
		"Survival(-1)":       func() float64 { return m.Survival(-1) },
		"RetentionRate(0)":   func() float64 { return m.RetentionRate(0) },
		"DEL(NaN)":           func() float64 { return m.DEL(nan) },
		"DERL(-1, -1)":       func() float64 { return m.DERL(-1, -1) },
		"ChurnNext(-5)":      func() float64 { return m.ChurnNext(-5) },
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
				t.Errorf("accessors panicked: %v", r)
			}
		}()
		_, _ = zero.Name(), zero.String()
		_ = m.Survival(math.MaxInt)
		_ = m.DERL(0.1, math.MaxInt)
		var s *sbg.Subscriptions
		_ = s.Records()
	}()
}
