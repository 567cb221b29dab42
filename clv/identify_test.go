package clv_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestNotIdentified: on data that do not determine the parameters (nobody
// with a repeat purchase; everyone buying up to the end, no dropout) every
// purchase model says so, with the reason and the status, instead of
// reporting parameters of 1e7 as a success. A penalizer keeps the
// parameters from running off toward infinity (not toward 0: the L2
// penalty pulls toward 0).
func TestNotIdentified(t *testing.T) {
	var none, alive []clv.Customer
	for i := range 50 {
		none = append(none, clv.Customer{T: float64(10 + i)})
	}
	for i := range 200 {
		alive = append(alive, clv.Customer{Frequency: float64(1 + i%5), Recency: 40, T: 40})
	}
	fits := map[string]func([]clv.Customer, float64) (clv.FittedModel, error){
		"bgnbd": func(cs []clv.Customer, pen float64) (clv.FittedModel, error) {
			return bgnbd.Fit(cs, bgnbd.FitOptions{Penalizer: pen})
		},
		"mbgnbd": func(cs []clv.Customer, pen float64) (clv.FittedModel, error) {
			return bgnbd.Fit(cs, bgnbd.FitOptions{Penalizer: pen, Variant: bgnbd.MBGNBD})
		},
		"paretonbd": func(cs []clv.Customer, pen float64) (clv.FittedModel, error) {
			return paretonbd.Fit(cs, paretonbd.FitOptions{Penalizer: pen})
		},
	}
	for name, fit := range fits {
		for data, cs := range map[string][]clv.Customer{"no repeat purchases": none, "no dropout": alive} {
			m, err := fit(cs, 0)
			if !errors.Is(err, clv.ErrNotIdentified) || m.FitInfo().Status != clv.NotIdentified || m.FitInfo().Reason == "" {
				t.Errorf("%s, %s: err %v, fit %+v", name, data, err, m.FitInfo())
				continue
			}
			m, _ = fit(cs, 0.01)
			if strings.Contains(m.FitInfo().Reason, "infinity") {
				t.Errorf("%s, %s, penalized: %+v", name, data, m.FitInfo())
			}
		}
	}
}
