package model_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// countGroupings is rows.CountGroupings in builds with the tag
// clvkit_countgroupings (count_test.go); otherwise it counts nothing and
// returns −1.
var countGroupings = func(int) int64 { return -1 }

// TestFitRowsGrouped: a fit given the customers' grouping
// (FitOptions.Grouping) takes its rows from it without grouping the
// customers again (counted in builds with the tag clvkit_countgroupings),
// and fits exactly what it fits grouping them itself, penalized fits too
// (Pareto/NBD's penalty is scaled by the number of customers, not of
// rows); given the grouping of a copy of the customers, it fails with
// clv.ErrGroupingMismatch; with weights, it groups the weighted customers
// as without the grouping.
func TestFitRowsGrouped(t *testing.T) {
	truth := bgnbd.Params{R: 0.25, Alpha: 4, A: 0.8, B: 2.5}
	rng := rand.New(rand.NewPCG(5, 6))
	T := make([]float64, 4000)
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	cs, err := truth.Simulate(rand.NewPCG(7, 8), T)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cs {
		cs[i].Recency = math.Round(cs[i].Recency*7) / 7
	}
	fits := map[string]func(cs []clv.Customer, g *clv.Grouping, w []float64) (fmt.Stringer, error){
		"bgnbd": func(cs []clv.Customer, g *clv.Grouping, w []float64) (fmt.Stringer, error) {
			return bgnbd.Fit(cs, bgnbd.FitOptions{Grouping: g, Weights: w})
		},
		"paretonbd, penalized": func(cs []clv.Customer, g *clv.Grouping, w []float64) (fmt.Stringer, error) {
			return paretonbd.Fit(cs, paretonbd.FitOptions{Penalizer: 0.01, Grouping: g, Weights: w})
		},
	}
	g, err := clv.GroupCustomers(cs)
	if err != nil {
		t.Fatal(err)
	}
	w := make([]float64, len(cs))
	for i := range w {
		w[i] = float64(i % 3)
	}
	for name, fit := range fits {
		want, err := fit(cs, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		countGroupings(len(cs))
		got, err := fit(cs, g, nil)
		if n := countGroupings(0); n > 0 {
			t.Errorf("%s: %d groupings of the customers given their grouping", name, n)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fit(slices.Clone(cs), g, nil); !errors.Is(err, clv.ErrGroupingMismatch) {
			t.Errorf("%s given the grouping of other customers: %v, want %v", name, err, clv.ErrGroupingMismatch)
		}
		ww, err := fit(cs, nil, w)
		if err != nil {
			t.Fatal(err)
		}
		gw, err := fit(cs, g, w)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := fmt.Sprint(gw), fmt.Sprint(ww); a != b || !strings.Contains(a, "r") {
			t.Errorf("%s, weighted: given the grouping %s, without %s", name, a, b)
		}
		// The JSON holds the parameters, their standard errors and the
		// fit's figures in the shortest text that round-trips: equal text,
		// equal fits.
		gj, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		wj, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(wj), `"alpha"`) {
			t.Fatalf("%s: JSON without the parameters: %s", name, wj)
		}
		if string(gj) != string(wj) {
			t.Errorf("%s: given the grouping\n%s\nwithout\n%s", name, gj, wj)
		}
	}
}
