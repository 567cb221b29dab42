package crosssell_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/clvkit/clvkit/crosssell"
)

// benchLog draws customers buying 1 to 8 times from products in families
// of 100 (a main family, skewed within it, and 10% from anywhere), as
// customer and product numbers into shared id strings, customers
// interleaved at random.
type benchLog struct {
	ids, products []string
	cust, prod    []int32
}

func newBenchLog(customers, products int) *benchLog {
	rng := rand.New(rand.NewPCG(1, 2))
	l := &benchLog{ids: make([]string, customers), products: make([]string, products)}
	for i := range l.ids {
		l.ids[i] = fmt.Sprintf("C%07d", i)
	}
	for i := range l.products {
		l.products[i] = fmt.Sprintf("P%05d", i)
	}
	families := max(products/100, 1)
	for c := range customers {
		fam := rng.IntN(families)
		for range 1 + rng.IntN(8) {
			p := rng.IntN(products)
			if rng.Float64() >= 0.1 {
				u := rng.Float64()
				p = min(fam*100+int(100*u*u), products-1)
			}
			l.cust = append(l.cust, int32(c))
			l.prod = append(l.prod, int32(p))
		}
	}
	// Logs come in time order: customers interleave.
	rng.Shuffle(len(l.cust), func(i, j int) {
		l.cust[i], l.cust[j] = l.cust[j], l.cust[i]
		l.prod[i], l.prod[j] = l.prod[j], l.prod[i]
	})
	return l
}

// BenchmarkCrossSell1e6 accumulates (AddBatch) 4.5 million purchases of 10⁶ customers
// and 10⁴ products, fits (counts and neighbours) and suggests 5 products
// to every customer.
func BenchmarkCrossSell1e6(b *testing.B) {
	l := newBenchLog(1_000_000, 10_000)
	cust, prod := make([]string, len(l.cust)), make([]string, len(l.cust))
	for i, c := range l.cust {
		cust[i], prod[i] = l.ids[c], l.products[l.prod[i]]
	}
	b.ResetTimer()
	var add, bask, fit, sugg time.Duration
	for b.Loop() {
		t0 := time.Now()
		var a crosssell.Accumulator
		if err := a.AddBatch(cust, prod); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		bs := a.Baskets()
		t2 := time.Now()
		m, err := crosssell.Fit(bs, crosssell.Options{})
		if err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		s, err := m.SuggestAll(bs, 5)
		if err != nil {
			b.Fatal(err)
		}
		t4 := time.Now()
		if s.Len() != 1_000_000 {
			b.Fatal(s.Len())
		}
		add, bask, fit, sugg = add+t1.Sub(t0), bask+t2.Sub(t1), fit+t3.Sub(t2), sugg+t4.Sub(t3)
	}
	n := float64(b.N)
	b.ReportMetric(add.Seconds()/n, "add-s")
	b.ReportMetric(bask.Seconds()/n, "baskets-s")
	b.ReportMetric(fit.Seconds()/n, "fit-s")
	b.ReportMetric(sugg.Seconds()/n, "suggest-s")
	b.ReportMetric(float64(len(l.cust))*n/b.Elapsed().Seconds(), "purchases/s")
}
