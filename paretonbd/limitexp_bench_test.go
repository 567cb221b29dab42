package paretonbd_test

import (
	"testing"

	"github.com/clvkit/clvkit/paretonbd"
)

// BenchmarkAliveLimit: P(alive) of 3,000 customers (one core) for a limit
// model (s = 10⁶, closed forms) and just short of the switch (s = 10⁶ −
// 10⁻³, the general code's series and quadrature), μ = s/β = 0.025.
func BenchmarkAliveLimit(b *testing.B) {
	cs := benchCustomers(b, 3000)
	for _, c := range []struct {
		name string
		s    float64
	}{{"limit", 1e6}, {"general", 1e6 - 1e-3}} {
		m, err := paretonbd.New(paretonbd.Params{R: 0.5, Alpha: 10, S: c.s, Beta: c.s / 0.025})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for _, cu := range cs {
					m.ProbabilityAlive(cu)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(cs)), "ns/row")
		})
	}
}
