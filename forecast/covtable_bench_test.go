package forecast_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/forecast"
)

// BenchmarkCovariateTable reads a covariates file of 10⁶ customers with a
// run's encoding (a categorical Channel and a numeric Age: 5 values, 15
// profiles; or a value per customer, a profile each) and reports the
// table's retained heap per customer.
func BenchmarkCovariateTable(b *testing.B) {
	g := genCovLog(b, 300, 3)
	res, err := forecast.Run(context.Background(), strings.NewReader(g.log), forecast.Config{
		Model: "paretonbd-cov", Covariates: strings.NewReader(g.covs)})
	if err != nil {
		b.Fatal(err)
	}
	var js strings.Builder
	if err := res.WriteModelJSON(&js); err != nil {
		b.Fatal(err)
	}
	sc, err := forecast.LoadModels(strings.NewReader(js.String()), forecast.ScorerOptions{})
	if err != nil {
		b.Fatal(err)
	}
	const n = 1000000
	for _, numeric := range []bool{false, true} {
		rng := rand.New(rand.NewPCG(1, 2))
		var f strings.Builder
		f.WriteString("customer_id,Channel,Age\n")
		for i := range n {
			age := float64(rng.IntN(5)-2) / 2
			if numeric {
				age = rng.NormFloat64()
			}
			fmt.Fprintf(&f, "c%07d,%s,%g\n", i, []string{"shop", "online", "phone"}[rng.IntN(3)], age)
		}
		text := f.String()
		b.Run(fmt.Sprintf("numeric=%v", numeric), func(b *testing.B) {
			var before, after runtime.MemStats
			for range b.N {
				runtime.GC()
				runtime.ReadMemStats(&before)
				tab, err := sc.Covariates.ReadTable(strings.NewReader(text), "f.csv")
				if err != nil || tab.Len() != n {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				if _, ok := tab.Customer("c0012345"); !ok {
					b.Fatal("c0012345 missing")
				}
				b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/customer")
			}
		})
	}
}
