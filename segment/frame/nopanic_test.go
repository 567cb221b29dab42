package frame_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/segment"
	"github.com/clvkit/clvkit/segment/frame"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// TestNoPanic calls the exported functions with nil, empty, zero, NaN and
// infinite arguments, zero DataFrames and typed nil models: errors or
// documented values, no panic.
func TestNoPanic(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	bad := []clv.Customer{{ID: "a", Frequency: nan, Recency: inf, T: -1, MonetaryValue: nan}}
	good := []clv.Customer{{ID: "a", Frequency: 2, Recency: 3, T: 5, MonetaryValue: 10}, {ID: "b", T: 4}}
	var nilBG *bgnbd.Model
	var nilGG *gammagamma.Model
	bg, _ := bgnbd.New(bgnbd.Params{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4})
	gg, _ := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	var zeroDF dataframe.DataFrame
	nanDF := dataframe.New(
		series.New([]string{"a", "b"}, series.String, frame.ColID),
		series.New([]float64{nan, 1}, series.Float, frame.ColFrequency),
		series.New([]float64{inf, 0}, series.Float, frame.ColRecency),
		series.New([]float64{-1, 2}, series.Float, frame.ColT),
		series.New([]float64{nan, 0}, series.Float, frame.ColMonetaryValue),
	)
	vo := predict.ValueOptions{PeriodLength: 4}
	mustErr := map[string]func() error{
		"ToCustomers(zero)": func() error { _, err := frame.ToCustomers(zeroDF, frame.Columns{}); return err },
		"ToCustomers(NaN)":  func() error { _, err := frame.ToCustomers(nanDF, frame.Columns{}); return err },
		"Score(zero)":       func() error { _, err := frame.Score(zeroDF, segment.ScoreOptions{}, frame.Columns{}); return err },
		"Score(NaN)":        func() error { _, err := frame.Score(nanDF, segment.ScoreOptions{}, frame.Columns{}); return err },
		"Score(bins -1)": func() error {
			_, err := frame.Score(frame.FromCustomers(good), segment.ScoreOptions{Bins: -1}, frame.Columns{})
			return err
		},
		"Summarize(zero)": func() error { _, err := frame.Summarize(zeroDF, "", frame.Columns{}); return err },
		"Summarize(no column)": func() error {
			_, err := frame.Summarize(frame.FromCustomers(good), "nope", frame.Columns{})
			return err
		},
		"Tiers(zero)": func() error {
			_, err := frame.Tiers(zeroDF, bg, gg, segment.TierOptions{Value: vo}, frame.Columns{})
			return err
		},
		"Tiers(nil)": func() error {
			_, err := frame.Tiers(frame.FromCustomers(good), nil, nil, segment.TierOptions{Value: vo}, frame.Columns{})
			return err
		},
		"Tiers(typed nil)": func() error {
			_, err := frame.Tiers(frame.FromCustomers(good), nilBG, nilGG, segment.TierOptions{Value: vo}, frame.Columns{})
			return err
		},
		"Tiers(typed nil spend)": func() error {
			_, err := frame.Tiers(frame.FromCustomers(good), bg, nilGG, segment.TierOptions{Value: vo}, frame.Columns{})
			return err
		},
		"Tiers(NaN options)": func() error {
			_, err := frame.Tiers(frame.FromCustomers(good), bg, gg, segment.TierOptions{Value: vo, Active: nan}, frame.Columns{})
			return err
		},
	}
	for name, f := range mustErr {
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
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("panicked: %v", r)
			}
		}()
		_ = frame.FromCustomers(nil)
		_ = frame.FromCustomers(bad)
	}()
}
