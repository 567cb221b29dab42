package assess_test

import (
	"math"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/assess"
)

// TestEvaluateHoldoutSameT: customers who all started on the same day
// (one T, collinear with the baseline's intercept, as in CLVTools' apparel
// data) get a baseline on the remaining columns, not a panic: the least
// squares retry with fewer columns once sized its solution for more.
func TestEvaluateHoldoutSameT(t *testing.T) {
	m, err := bgnbd.New(bgnbd.Params{R: 0.5, Alpha: 10, A: 0.8, B: 3})
	if err != nil {
		t.Fatal(err)
	}
	var cal []clv.Customer
	var hold []clv.Holdout
	for i := range 40 {
		x := float64(i % 5)
		r := 0.0
		if x > 0 {
			r = float64(10 + i%30)
		}
		cal = append(cal, clv.Customer{ID: string(rune('a' + i)), Frequency: x, Recency: r, T: 52})
		hold = append(hold, clv.Holdout{Frequency: float64(i % 3), Duration: 26})
	}
	ev, err := assess.EvaluateHoldout(m, cal, hold, 7)
	if err != nil {
		t.Fatal(err)
	}
	if b := ev.Baseline.MAE; !(b > 0 && b < 2) || math.IsNaN(ev.Baseline.RMSE) {
		t.Errorf("baseline MAE %v RMSE %v, want a finite fit", b, ev.Baseline.RMSE)
	}
}
