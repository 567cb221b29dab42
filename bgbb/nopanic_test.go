package bgbb_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clvkit/clvkit/bgbb"
	"github.com/clvkit/clvkit/clv"
)

// TestNoPanic calls the exported functions and methods with nil, zero,
// NaN, infinite and extreme arguments and on a zero Model: errors or NaN,
// no panic.
func TestNoPanic(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	m, _ := bgbb.New(bgbb.Params{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78})
	var zero bgbb.Model
	row := bgbb.Row{X: 2, Recency: 4, N: 6, Count: 1}
	for name, f := range map[string]func() error{
		"Fit(nil)": func() error { _, err := bgbb.Fit(nil, bgbb.FitOptions{}); return err },
		"Fit(bad rows)": func() error {
			_, err := bgbb.Fit([]bgbb.Row{{X: -1, N: math.MaxInt, Count: nan}}, bgbb.FitOptions{})
			return err
		},
		"Fit(inf count)": func() error {
			_, err := bgbb.Fit([]bgbb.Row{{X: 1, Recency: 1, N: 2, Count: inf}}, bgbb.FitOptions{})
			return err
		},
		"FitContext(nil ctx)": func() error { _, err := bgbb.FitContext(nil, nil, bgbb.FitOptions{}); return err }, //nolint:staticcheck // a nil context must not panic
		"New(NaN)":            func() error { _, err := bgbb.New(bgbb.Params{Alpha: nan}); return err },
		"RowsFromCustomers(NaN)": func() error {
			_, err := bgbb.RowsFromCustomers([]clv.Customer{{Frequency: nan, Recency: inf, T: 1e300}})
			return err
		},
		"RowsFromCustomers(nil)":  func() error { _, err := bgbb.RowsFromCustomers(nil); return err },
		"ExpectedCounts(NaN)":     func() error { _, err := m.ExpectedCounts(nan, -1); return err },
		"ExpectedCounts(huge n)":  func() error { _, err := m.ExpectedCounts(1, math.MaxInt); return err },
		"zero.ExpectedCounts":     func() error { _, err := zero.ExpectedCounts(10, 3); return err },
		"zero.MarshalJSON":        func() error { _, err := zero.MarshalJSON(); return err },
		"zero.SampleParams":       func() error { _, err := zero.SampleParams(rand.NewPCG(1, 2), 3); return err },
		"SampleParams(nil src)":   func() error { _, err := m.SampleParams(nil, 3); return err },
		"zero.ParamIntervals":     func() error { _, _, err := zero.ParamIntervals(0.9); return err },
		"UnmarshalJSON(nil)":      func() error { var z bgbb.Model; return z.UnmarshalJSON(nil) },
		"Simulate(nil src)":       func() error { _, err := m.Params().Simulate(nil, 10, 3); return err },
		"Simulate(NaN params)":    func() error { _, err := bgbb.Params{Alpha: nan}.Simulate(rand.NewPCG(1, 2), 10, 3); return err },
		"Simulate(-1 customers)":  func() error { _, err := m.Params().Simulate(rand.NewPCG(1, 2), -1, -1); return err },
		"Simulate(huge occasion)": func() error { _, err := m.Params().Simulate(rand.NewPCG(1, 2), 1, math.MaxInt); return err },
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
		"zero.ProbabilityAlive":                func() float64 { return zero.ProbabilityAlive(row, 0) },
		"zero.ConditionalExpectedTransactions": func() float64 { return zero.ConditionalExpectedTransactions(row, 3) },
		"zero.DERT":                            func() float64 { return zero.DERT(row, 0.1) },
		"zero.ProbabilityOfTransactions":       func() float64 { return zero.ProbabilityOfTransactions(1, 3) },
		"ProbabilityAlive(bad row)":            func() float64 { return m.ProbabilityAlive(bgbb.Row{X: 5, Recency: 2, N: 1}, -1) },
		"ConditionalExpectedTransactions(-1)":  func() float64 { return m.ConditionalExpectedTransactions(row, -1) },
		"DERT(NaN)":                            func() float64 { return m.DERT(row, nan) },
		"ProbabilityOfTransactions(-1, -1)":    func() float64 { return m.ProbabilityOfTransactions(-1, -1) },
		"ProbabilityAlive(huge N)":             func() float64 { return m.ProbabilityAlive(bgbb.Row{X: 1, Recency: 1, N: math.MaxInt}, 0) },
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
		_ = zero.String()
		_ = m.ConditionalExpectedTransactions(row, math.MaxInt)
		_ = m.ProbabilityAlive(row, math.MaxInt)
	}()
}
