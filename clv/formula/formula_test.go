package formula_test

import (
	"errors"
	"fmt"
	"log"
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv/formula"
	"github.com/clvkit/clvkit/clv/predict"
)

func TestSimpleFormulas(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
	tests := []struct {
		name string
		f    func() (float64, error)
		want float64
	}{
		{"30€ × 4/year × 3 years", func() (float64, error) { return formula.SimpleValue(30, 4, 3) }, 360},
		{"50€ × 5/year × 10 years", func() (float64, error) { return formula.SimpleValue(50, 5, 10) }, 2500},
		{"360€ at 20% margin", func() (float64, error) { return formula.SimpleProfit(30, 4, 3, 0.2) }, 72},
		{"retention, infinite", func() (float64, error) { return formula.RetentionValue(100, 0.8, 0.1, 0) }, 800.0 / 3},
		{"retention, 3 periods", func() (float64, error) { return formula.RetentionValue(100, 0.8, 0.1, 3) }, 100 * (0.8/1.1 + 0.64/1.21 + 0.512/1.331)},
		{"retention 1, no discount, 5 periods", func() (float64, error) { return formula.RetentionValue(10, 1, 0, 5) }, 50},
		{"lifetime from 20% churn", func() (float64, error) { return formula.LifetimeFromChurn(0.2) }, 5},
	}
	for _, tt := range tests {
		got, err := tt.f()
		if err != nil || !near(got, tt.want) {
			t.Errorf("%s: %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	a, err := formula.CompareAcquisition(360, 120, 10)
	if err != nil || a.Ratio != 3 || a.PaybackPeriods != 12 {
		t.Errorf("CompareAcquisition: %+v, %v", a, err)
	}
	errs := []func() error{
		func() error { _, err := formula.SimpleValue(-30, 4, 3); return err },
		func() error { _, err := formula.SimpleValue(30, math.NaN(), 3); return err },
		func() error { _, err := formula.SimpleProfit(30, 4, 3, 1.2); return err },
		func() error { _, err := formula.RetentionValue(100, 1, 0, 0); return err }, // r ≥ 1+d: diverges
		func() error { _, err := formula.RetentionValue(100, 1.2, 0.5, 0); return err },
		func() error { _, err := formula.RetentionValue(100, 0.8, -0.1, 3); return err },
		func() error { _, err := formula.RetentionValue(100, 0.8, 0.1, -1); return err },
		func() error { _, err := formula.LifetimeFromChurn(0); return err },
		func() error { _, err := formula.LifetimeFromChurn(1.5); return err },
		func() error { _, err := formula.CompareAcquisition(100, 0, 1); return err },
	}
	for i, f := range errs {
		if err := f(); !errors.Is(err, predict.ErrBadValueOptions) {
			t.Errorf("error case %d: %v", i, err)
		}
	}
}

// TestNoPanic: arguments no formula can take give errors, never a panic
// or a number.
func TestNoPanic(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for name, f := range map[string]func() (float64, error){
		"SimpleValue":       func() (float64, error) { return formula.SimpleValue(nan, inf, -1) },
		"SimpleProfit":      func() (float64, error) { return formula.SimpleProfit(nan, 1, 1, 1) },
		"RetentionValue":    func() (float64, error) { return formula.RetentionValue(1, nan, 0, -1) },
		"LifetimeFromChurn": func() (float64, error) { return formula.LifetimeFromChurn(nan) },
		"CompareAcquisition": func() (float64, error) {
			a, err := formula.CompareAcquisition(nan, 0, 0)
			return a.Ratio, err
		},
	} {
		if _, err := f(); !errors.Is(err, predict.ErrBadValueOptions) {
			t.Errorf("%s: %v, want an error wrapping predict.ErrBadValueOptions", name, err)
		}
	}
}

func ExampleSimpleValue() {
	v, err := formula.SimpleValue(30, 4, 3) // 30 € four times a year for 3 years
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)
	// Output: 360
}

func ExampleSimpleProfit() {
	v, err := formula.SimpleProfit(50, 5, 10, 0.2) // 2,500 € of revenue at a 20% margin
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v)
	// Output: 500
}

func ExampleRetentionValue() {
	forever, _ := formula.RetentionValue(100, 0.8, 0.1, 0)
	three, _ := formula.RetentionValue(100, 0.8, 0.1, 3)
	fmt.Printf("%.2f %.2f\n", forever, three)
	// Output: 266.67 164.09
}

func ExampleLifetimeFromChurn() {
	years, _ := formula.LifetimeFromChurn(0.2)
	fmt.Println(years)
	// Output: 5
}

func ExampleCompareAcquisition() {
	a, _ := formula.CompareAcquisition(360, 120, 10)
	fmt.Printf("CLV/CAC %.1f, payback %.0f months\n", a.Ratio, a.PaybackPeriods)
	// Output: CLV/CAC 3.0, payback 12 months
}

// FuzzSimpleFormulas: the simple formulas either return a non-negative
// value (+Inf only when absurd inputs overflow) or an error wrapping
// ErrBadValueOptions; never NaN, never a panic. RetentionValue over n periods is below the infinite sum.
func FuzzSimpleFormulas(f *testing.F) {
	f.Add(100.0, 0.8, 0.1, 3)
	f.Add(30.0, 1.0, 0.0, 0)
	f.Add(-1.0, 2.0, -0.5, -4)
	f.Fuzz(func(t *testing.T, m, r, d float64, n int) {
		n %= 1000
		check := func(name string, v float64, err error) {
			if err != nil {
				if !errors.Is(err, predict.ErrBadValueOptions) {
					t.Fatalf("%s: error %v does not wrap ErrBadValueOptions", name, err)
				}
				return
			}
			if math.IsNaN(v) || v < 0 {
				t.Fatalf("%s(%v, %v, %v, %v) = %v", name, m, r, d, n, v)
			}
		}
		fin, err := formula.RetentionValue(m, r, d, n)
		check("RetentionValue", fin, err)
		inf, err2 := formula.RetentionValue(m, r, d, 0)
		check("RetentionValue∞", inf, err2)
		if err == nil && err2 == nil && n > 0 && fin > inf*(1+1e-12)+1e-300 {
			t.Fatalf("finite sum %v above the infinite sum %v", fin, inf)
		}
		v, err := formula.SimpleProfit(m, r, d, math.Abs(r)/(1+math.Abs(r)))
		check("SimpleProfit", v, err)
		v, err = formula.LifetimeFromChurn(r)
		check("LifetimeFromChurn", v, err)
	})
}
