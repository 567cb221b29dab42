package segment_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/segment"
)

// TestNoPanic calls the exported functions with nil, empty, zero, NaN and
// infinite arguments: errors or documented values, no panic.
func TestNoPanic(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	bad := []clv.Customer{{ID: "a", Frequency: nan, Recency: inf, T: -1, MonetaryValue: nan}}
	good := []clv.Customer{{ID: "a", Frequency: 2, Recency: 3, T: 5, MonetaryValue: 10}, {ID: "b", T: 4}}
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
		_ = segment.DefaultAction("", "", -1)
		_ = segment.RFM{R: -100, F: 100, M: 127}.Code()
		_, _ = segment.SummarizeGroups(nil, nil, nil, nil)
		_, _ = segment.SummarizeGroups([]string{"x"}, bad, []float64{nan}, []float64{inf})
	}()
}
