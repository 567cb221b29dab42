package forecast

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/paretonbd"
)

// rowCustomers returns n customers observed in whole days, so that many
// share their (x, t_x, T), with a few distinct amounts.
func rowCustomers(n int) []clv.Customer {
	rng := rand.New(rand.NewPCG(7, 11))
	cs := make([]clv.Customer, n)
	for i := range cs {
		T := float64(301+rng.IntN(4)) / 7
		x := float64(rng.IntN(6))
		rec := 0.0
		if x > 0 {
			rec = float64(rng.IntN(43) + 1) // whole weeks, below T
		}
		cs[i] = clv.Customer{ID: "c", Frequency: x, Recency: rec, T: T, MonetaryValue: float64(10 + rng.IntN(5))}
	}
	return cs
}

func sameBits(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("%s[%d] = %v, want %v bit for bit", what, i, got[i], want[i])
		}
	}
}

// TestRowScores checks that scoring once per distinct row gives each
// customer's numbers bit for bit, for the three models, and that the
// periods' months add up the same curves.
func TestRowScores(t *testing.T) {
	cs := rowCustomers(30_000)
	g, err := clv.GroupCustomers(cs)
	if err != nil {
		t.Fatal(err)
	}
	bg, _ := bgnbd.New(bgnbd.Params{R: 0.25, Alpha: 4.2, A: 0.79, B: 2.5})
	mbg, _ := bgnbd.NewVariant(bgnbd.MBGNBD, bgnbd.Params{R: 0.48, Alpha: 5.7, A: 0.98, B: 2.3})
	pnbd, _ := paretonbd.New(paretonbd.Params{R: 0.53, Alpha: 9.9, S: 0.92, Beta: 27.7})
	end := time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC)
	for _, pm := range []PurchaseModel{bg, mbg, pnbd} {
		j := newJob(Config{Months: 12, Discount: 0.01, Unit: 7 * 24 * time.Hour})
		d := j.distinctRows(cs, g, pm)
		if d == nil || len(d.reps) != g.Distinct() || len(d.reps) >= len(cs)/2 {
			t.Fatalf("%v: distinct rows %v of %d customers, want %d", pm, d, len(cs), g.Distinct())
		}
		pa, exp, err := rowScores(cs, g, d, pm, 52)
		if err != nil {
			t.Fatal(err)
		}
		pa0, exp0, err := rowScores(cs, g, nil, pm, 52)
		if err != nil {
			t.Fatal(err)
		}
		sameBits(t, pm.String()+" P(alive)", pa, pa0)
		sameBits(t, pm.String()+" expected purchases", exp, exp0)

		fcs := make([]Forecast, len(cs))
		for i := range fcs {
			fcs[i].ExpectedValue = cs[i].MonetaryValue
		}
		ps, err := j.periods(context.Background(), end, pm, cs, g, fcs)
		if err != nil {
			t.Fatal(err)
		}
		// Each customer's curve, added up as before the distinct rows.
		ts := monthEdges(end, periodEnds(end, 12), 7*24*time.Hour)
		k := len(ts)
		purchases, revenue := make([]float64, k), make([]float64, k)
		err = curves(context.Background(), pm, cs, g, ts, func(lo, hi int, out []float64) {
			for i := lo; i < hi; i++ {
				prev := 0.0
				for m := range k {
					cum := max(out[(i-lo)*k+m], prev)
					purchases[m] += cum - prev
					revenue[m] += (cum - prev) * fcs[i].ExpectedValue
					prev = cum
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		for m := range k {
			if ps[m].Purchases != purchases[m] || ps[m].Revenue != revenue[m] {
				t.Errorf("%v month %d: %v purchases, %v revenue; per customer %v, %v", pm, m, ps[m].Purchases, ps[m].Revenue, purchases[m], revenue[m])
			}
		}
	}
	// A model with more than the row (here: no grouping given) scores each customer.
	if d := newJob(Config{}).distinctRows(cs, nil, bg); d != nil {
		t.Errorf("distinct rows without a grouping")
	}
	if d := newJob(Config{}).distinctRows(cs[:10], g, bg); d != nil {
		t.Errorf("distinct rows of another slice than the grouping's")
	}
}

// TestSelectTop checks the selection against a sort, with ties.
func TestSelectTop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 5, 17, 100, 1000, 10_000} {
		a := make([]float64, n)
		for i := range a {
			a[i] = float64(rng.IntN(max(1, n/4))) // many ties
			if i%7 == 0 {
				a[i] = 0
			}
		}
		want := slices.Sorted(slices.Values(a))
		for _, k := range []int{0, n / 10, n / 2, n - n/10, n} {
			b := slices.Clone(a)
			selectTop(b, k)
			top := slices.Clone(b[k:])
			slices.Sort(top)
			if !slices.Equal(top, want[k:]) {
				t.Fatalf("n %d k %d: top %v, want %v", n, k, top, want[k:])
			}
			if k > 0 && k < n && slices.Max(b[:k]) > slices.Min(b[k:]) {
				t.Fatalf("n %d k %d: the rest holds a larger value", n, k)
			}
		}
	}
}
