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

// phases times the phases of a benchmark's pipeline: wall and CPU
// seconds (the process's, all goroutines; on a loaded machine the measure
// of work).
type phases struct {
	names     []string
	wall, cpu []float64
	t         time.Time
	c         float64
	i         int
}

func (p *phases) start() { p.t, p.c, p.i = time.Now(), cpuSeconds(), 0 }

func (p *phases) done(name string) {
	t, c := time.Now(), cpuSeconds()
	if p.i == len(p.names) {
		p.names, p.wall, p.cpu = append(p.names, name), append(p.wall, 0), append(p.cpu, 0)
	}
	p.wall[p.i] += t.Sub(p.t).Seconds()
	p.cpu[p.i] += c - p.c
	p.t, p.c = t, c
	p.i++
}

func (p *phases) report(b *testing.B) {
	n := float64(b.N)
	var cpu float64
	for i, name := range p.names {
		b.ReportMetric(p.wall[i]/n, name+"-s")
		b.ReportMetric(p.cpu[i]/n, name+"-cpu-s")
		cpu += p.cpu[i]
	}
	b.ReportMetric(cpu/n, "cpu-s")
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
	var p phases
	b.ResetTimer()
	for b.Loop() {
		p.start()
		var a crosssell.Accumulator
		if err := a.AddBatch(cust, prod); err != nil {
			b.Fatal(err)
		}
		p.done("add")
		bs := a.Baskets()
		p.done("baskets")
		fitSuggest(b, bs, &p)
	}
	p.report(b)
	b.ReportMetric(float64(len(l.cust))*float64(b.N)/b.Elapsed().Seconds(), "purchases/s")
}

// BenchmarkCrossSell1e6Numbers is BenchmarkCrossSell1e6 from customers and
// products already numbered (NewBaskets), as the forecast job has them:
// the baskets, the co-occurrence counts and the suggestions, without a
// table of the ids.
func BenchmarkCrossSell1e6Numbers(b *testing.B) {
	l := newBenchLog(1_000_000, 10_000)
	var p phases
	b.ResetTimer()
	for b.Loop() {
		p.start()
		bs, err := crosssell.NewBaskets(l.ids, l.products, l.cust, l.prod)
		if err != nil {
			b.Fatal(err)
		}
		p.done("baskets")
		fitSuggest(b, bs, &p)
	}
	p.report(b)
}

func fitSuggest(b *testing.B, bs *crosssell.Baskets, p *phases) {
	m, err := crosssell.Fit(bs, crosssell.Options{})
	if err != nil {
		b.Fatal(err)
	}
	p.done("fit")
	s, err := m.SuggestAll(bs, 5)
	if err != nil {
		b.Fatal(err)
	}
	p.done("suggest")
	if s.Len() != 1_000_000 {
		b.Fatal(s.Len())
	}
}
