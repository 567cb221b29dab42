//go:build unix

package paretonbd

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"

	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/internal/model"
)

// BenchmarkLimitFit times the whole fit of the shipped log observed to
// 2025-01-15 (the general fit to s = 10⁴, then the limit model's), the
// limit model fitted on its closed-form likelihood ("closed", the default)
// or on the general likelihood at s = 10⁶ ("general", the former fit), in
// CPU seconds per fit.
func BenchmarkLimitFit(b *testing.B) {
	f, err := os.Open("../testdata/transactions.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sum, err := csvio.Summarize(f, csvio.Options{Amount: "amount"}, clv.SummaryOptions{Unit: 7 * 24 * time.Hour,
		End: time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC), EndOfDay: true})
	if err != nil {
		b.Fatal(err)
	}
	cpu := func() float64 {
		var ru syscall.Rusage
		if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
			return 0
		}
		return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	general := spec
	general.LimitLogLik = nil
	for name, sp := range map[string]model.RowModel[Params]{"closed": spec, "general": general} {
		b.Run(name, func(b *testing.B) {
			c0 := cpu()
			for range b.N {
				if _, err := model.FitRows(context.Background(), sp, sum.Customers, model.RowOptions[Params]{},
					func(b model.Base[Params]) *Model { return &Model{base: b} }); err == nil {
					b.Fatal("no boundary")
				}
			}
			b.ReportMetric((cpu()-c0)/float64(b.N), "cpu-s/op")
		})
	}
}
