package paretonbd

import (
	"context"
	"math"
	"sync/atomic"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

// doneAfter is a context whose Err is nil for its first n calls and
// context.Canceled from then on: cancellation at every point of a pass.
type doneAfter struct {
	context.Context
	n, calls atomic.Int64
}

func (c *doneAfter) Err() error {
	if c.calls.Add(1) > c.n.Load() {
		return context.Canceled
	}
	return nil
}

// TestPoisLimitLogLikCancelled: cancelled after any number of checks of
// its context, poisLimitLogLik returns the full log-likelihood or NaN,
// never a finite wrong value (a cancelled fill of the t_x terms used to
// leave c₀ = 0, and a row then took ln A alone).
func TestPoisLimitLogLikCancelled(t *testing.T) {
	// Customers whose rows all have U < 30, where a row without c₀ took A.
	d := poisTestRows(t, []clv.Customer{poisTestCustomers[1], poisTestCustomers[3]})
	for _, p := range []Params{poisParams(0.2, 0.5, 10), poisParams(1.3, 2.2, 0.4)} {
		var sc poisScratch
		want := poisLimitLogLik(d, p, nil, &sc)
		if math.IsNaN(want) {
			t.Fatalf("%+v: NaN uncancelled", p)
		}
		sawNaN := false
		for n := range int64(64) {
			ctx := &doneAfter{Context: context.Background()}
			ctx.n.Store(n)
			sc := poisScratch{ctx: ctx}
			g := make([]float64, 4)
			got := poisLimitLogLik(d, p, g, &sc)
			if math.IsNaN(got) {
				sawNaN = true
				continue
			}
			if got != want {
				t.Errorf("%+v, done after %d checks: %v, uncancelled %v", p, n, got, want)
			}
		}
		if !sawNaN {
			t.Errorf("%+v: never NaN once done", p)
		}
	}
}
