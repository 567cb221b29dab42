package model_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/internal/rows"
	"github.com/clvkit/clvkit/paretonbd"
)

// TestFitRowsShared: a fit of customers whose grouping a job shares
// (rows.Share) takes its rows from that grouping without grouping the
// customers again, and fits exactly what it fits grouping them itself,
// penalized fits too (Pareto/NBD's penalty is scaled by the number of
// customers, not of rows).
func TestFitRowsShared(t *testing.T) {
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
	fits := map[string]func() (fmt.Stringer, error){
		"bgnbd": func() (fmt.Stringer, error) { return bgnbd.Fit(cs, bgnbd.FitOptions{}) },
		"paretonbd, penalized": func() (fmt.Stringer, error) {
			return paretonbd.Fit(cs, paretonbd.FitOptions{Penalizer: 0.01})
		},
	}
	g := rows.Group(len(cs), func(i int) (rows.Key, bool) {
		return rows.Key{A: cs[i].Frequency, B: cs[i].Recency, C: cs[i].T}, true
	})
	for name, fit := range fits {
		want, err := fit()
		if err != nil {
			t.Fatal(err)
		}
		unshare := rows.Share(cs, g)
		rows.CountGroupings(len(cs))
		got, err := fit()
		n := rows.CountGroupings(0)
		unshare()
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %d groupings of the customers with their grouping shared", name, n)
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
			t.Errorf("%s: with the grouping shared\n%s\nwithout\n%s", name, gj, wj)
		}
	}
}
