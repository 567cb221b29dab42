package segment_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/segment"
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
		series.New([]string{"a", "b"}, series.String, segment.ColID),
		series.New([]float64{nan, 1}, series.Float, segment.ColFrequency),
		series.New([]float64{inf, 0}, series.Float, segment.ColRecency),
		series.New([]float64{-1, 2}, series.Float, segment.ColT),
		series.New([]float64{nan, 0}, series.Float, segment.ColMonetaryValue),
	)
	vo := clv.ValueOptions{PeriodLength: 4}
	mustErr := map[string]func() error{
		"ScoreCustomers(nil)":     func() error { _, err := segment.ScoreCustomers(nil, segment.ScoreOptions{}); return err },
		"ScoreCustomers(NaN)":     func() error { _, err := segment.ScoreCustomers(bad, segment.ScoreOptions{}); return err },
		"ScoreCustomers(bins -1)": func() error { _, err := segment.ScoreCustomers(good, segment.ScoreOptions{Bins: -1}); return err },
		"ScoreCustomers(NaN edge)": func() error {
			_, err := segment.ScoreCustomers(good, segment.ScoreOptions{RecencyEdges: []float64{nan, inf}})
			return err
		},
		"TierCustomers(NaN)": func() error {
			_, err := segment.TierCustomers([]float64{nan}, []float64{inf}, segment.TierOptions{})
			return err
		},
		"TierCustomers(lengths)": func() error { _, err := segment.TierCustomers([]float64{0.5}, nil, segment.TierOptions{}); return err },
		"TierCustomers(options)": func() error {
			_, err := segment.TierCustomers([]float64{0.5}, []float64{1}, segment.TierOptions{Active: nan, Lost: inf, TopShares: []float64{nan}})
			return err
		},
		"SummarizeGroups(lengths)": func() error { _, err := segment.SummarizeGroups([]string{"x"}, nil, nil, nil); return err },
		"ToCustomers(zero)":        func() error { _, err := segment.ToCustomers(zeroDF, segment.Columns{}); return err },
		"ToCustomers(NaN)":         func() error { _, err := segment.ToCustomers(nanDF, segment.Columns{}); return err },
		"Score(zero)":              func() error { _, err := segment.Score(zeroDF, segment.ScoreOptions{}); return err },
		"Score(NaN)":               func() error { _, err := segment.Score(nanDF, segment.ScoreOptions{}); return err },
		"Summarize(zero)":          func() error { _, err := segment.Summarize(zeroDF, "", segment.Columns{}); return err },
		"Summarize(no column)": func() error {
			_, err := segment.Summarize(segment.FromCustomers(good), "nope", segment.Columns{})
			return err
		},
		"Tiers(zero)": func() error { _, err := segment.Tiers(zeroDF, bg, gg, segment.TierOptions{Value: vo}); return err },
		"Tiers(nil)": func() error {
			_, err := segment.Tiers(segment.FromCustomers(good), nil, nil, segment.TierOptions{Value: vo})
			return err
		},
		"Tiers(typed nil)": func() error {
			_, err := segment.Tiers(segment.FromCustomers(good), nilBG, nilGG, segment.TierOptions{Value: vo})
			return err
		},
		"Tiers(typed nil spend)": func() error {
			_, err := segment.Tiers(segment.FromCustomers(good), bg, nilGG, segment.TierOptions{Value: vo})
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
		_ = segment.Edges(nil, 0)
		_ = segment.Edges([]float64{nan, inf, -inf}, 3)
		_ = segment.Edges([]float64{1, 2}, -5)
		_ = segment.FromCustomers(nil)
		_ = segment.FromCustomers(bad)
		_ = segment.DefaultAction("", "", -1)
		_ = segment.RFM{R: -100, F: 100, M: 127}.Code()
		_, _ = segment.SummarizeGroups(nil, nil, nil, nil)
		_, _ = segment.SummarizeGroups([]string{"x"}, bad, []float64{nan}, []float64{inf})
	}()
}
