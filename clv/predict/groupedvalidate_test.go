package predict_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/predict"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestGroupedNotRevalidated: LifetimeValues and OutlookAll given the
// customers' grouping do not validate them again (clv.GroupCustomers
// did; on 10⁶ customers a pass over them each): a customer changed after
// the grouping, against its contract, to recency > T goes unseen, and
// the answers are those of the customers as grouped, bit for bit; without
// the grouping the same customers are an error wrapping
// clv.ErrInvalidCustomer that names the customer.
func TestGroupedNotRevalidated(t *testing.T) {
	sim := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	pm, err := paretonbd.New(paretonbd.Params{R: 0.25, Alpha: 4, S: 0.5, Beta: 10})
	if err != nil {
		t.Fatal(err)
	}
	sm, err := gammagamma.New(gammagamma.Params{P: 6, Q: 4, Gamma: 15})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	T := make([]float64, 500)
	for i := range T {
		T[i] = float64(rng.IntN(52) + 1)
	}
	cs, err := sim.Simulate(rand.NewPCG(3, 4), T)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		cs[i].MonetaryValue = 10 + float64(i%7)
	}
	g, err := clv.GroupCustomers(cs)
	if err != nil {
		t.Fatal(err)
	}
	vopts := predict.ValueOptions{Periods: 12, PeriodLength: predict.MonthInWeeks, DiscountRate: 0.01}
	oopts := clv.OutlookOptions{Window: 4, Horizon: 52}
	values := func(g *clv.Grouping) ([]float64, error) {
		o := vopts
		o.Grouping = g
		return predict.LifetimeValues(pm, sm, cs, o)
	}
	outlooks := func(g *clv.Grouping) ([]clv.Outlook, error) {
		o := oopts
		o.Grouping = g
		all, err := predict.OutlookAll(pm, cs, o)
		if err != nil {
			return nil, err
		}
		out := make([]clv.Outlook, len(cs))
		for i := range out {
			out[i] = all.At(i)
		}
		return out, nil
	}
	wantV, err := values(nil)
	if err != nil {
		t.Fatal(err)
	}
	wantO, err := outlooks(nil)
	if err != nil {
		t.Fatal(err)
	}
	const k = 17
	cs[k].Recency = cs[k].T + 1 // after the grouping: invalid
	gotV, err := values(g)
	if err != nil || !slices.Equal(gotV, wantV) {
		t.Errorf("LifetimeValues given the grouping: %v; want the values of the customers as grouped", err)
	}
	gotO, err := outlooks(g)
	if err != nil || fmt.Sprint(gotO) != fmt.Sprint(wantO) { // NaN: no next order

		t.Errorf("OutlookAll given the grouping: %v; want the outlooks of the customers as grouped", err)
	}
	if _, err := values(nil); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("LifetimeValues without the grouping: %v; want %v", err, clv.ErrInvalidCustomer)
	}
	if _, err := outlooks(nil); !errors.Is(err, clv.ErrInvalidCustomer) {
		t.Errorf("OutlookAll without the grouping: %v; want %v", err, clv.ErrInvalidCustomer)
	}
}
