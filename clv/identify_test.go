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
// with a repeat purchase; everyone buying up to the end, no dropout; three
// customers) every purchase model says so, with the reason and the status,
// instead of reporting parameters of 1e7 as a success (Pareto/NBD on the
// no-dropout data names the limit it reaches, a boundary). A penalizer keeps
// the parameters finite, but the data still do not determine them: the
// penalized fits say so too (judged on the likelihood without the
// penalty), the three customers at c = 0.001 (which the forecast job used
// to suggest, and whose fits were reported as converged) and 0.01.
func TestNotIdentified(t *testing.T) {
	var none, alive []clv.Customer
	for i := range 50 {
		none = append(none, clv.Customer{T: float64(10 + i)})
	}
	for i := range 200 {
		alive = append(alive, clv.Customer{Frequency: float64(1 + i%5), Recency: 40, T: 40})
	}
	three := []clv.Customer{{Frequency: 1, Recency: 5, T: 20}, {T: 15}, {Frequency: 2, Recency: 10, T: 30}}
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
	data := []struct {
		what string
		cs   []clv.Customer
		pens []float64 // without a penalty the three do not converge
	}{{"no repeat purchases", none, []float64{0, 0.01}}, {"no dropout", alive, []float64{0, 0.01}}, {"three customers", three, []float64{0.001, 0.01}}}
	for name, fit := range fits {
		for _, d := range data {
			what := d.what
			for _, pen := range d.pens {
				m, err := fit(d.cs, pen)
				info := m.FitInfo()
				if what == "no repeat purchases" && pen > 0 && errors.Is(err, bgnbd.ErrNotConverged) && info.Status == clv.NotConverged {
					// The penalty pulls r toward 0, where the optimizer
					// may stop short: a failure too, said as such.
					continue
				}
				if name == "paretonbd" && what == "no dropout" && pen == 0 {
					// Pareto/NBD names both edges it runs to: a Poisson
					// rate (r, α → ∞ with r/α = 0.075 fixed) and no
					// dropout (s → 0); that limit is determined.
					if !errors.Is(err, clv.ErrBoundary) || info.Status != clv.AtBoundary ||
						!strings.Contains(info.Reason, "purchase heterogeneity vanishes") || !strings.Contains(info.Reason, "dropout vanishes") {
						t.Errorf("%s, %s: err %v, fit %+v, want the boundary with both edges named", name, what, err, info)
					}
					continue
				}
				if !errors.Is(err, clv.ErrNotIdentified) || info.Status != clv.NotIdentified || info.Reason == "" || info.Penalizer != pen {
					t.Errorf("%s, %s, penalizer %v: err %v, fit %+v", name, what, pen, err, info)
					continue
				}
				// The penalty keeps the estimate itself finite.
				if pen > 0 && strings.Contains(info.Reason, "infinity") && !strings.HasPrefix(info.Reason, "without the penalty") {
					t.Errorf("%s, %s, penalizer %v: %s", name, what, pen, info.Reason)
				}
			}
		}
	}
}
