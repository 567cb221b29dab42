package cohort_test

import (
	"bytes"
	"os"
	"syscall"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
	"github.com/clvkit/clvkit/cohort"
)

// BenchmarkSummarizeCSV A/Bs the one read of a log with and without the
// cohort accumulator riding along (clv.SummaryOptions.Observer), the
// table included. The log is CLVKIT_BENCH_LOG, e.g. the README's 10⁶
// customers from go run ./examples/simulate -customers 1000000; without
// it the benchmark is skipped.
func BenchmarkSummarizeCSV(b *testing.B) {
	path := os.Getenv("CLVKIT_BENCH_LOG")
	if path == "" {
		b.Skip("set CLVKIT_BENCH_LOG to a transaction log (go run ./examples/simulate -customers 1000000 -out ...)")
	}
	log, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, observe bool) {
		cpu0 := cpuSeconds()
		for b.Loop() {
			opts := clv.SummaryOptions{TrackRepeats: true}
			var acc *cohort.Accumulator
			if observe {
				acc = cohort.New()
				opts.Observer = acc
			}
			if _, err := csvio.Summarize(bytes.NewReader(log), csvio.Options{Amount: "amount"}, opts); err != nil {
				b.Fatal(err)
			}
			if observe {
				if acc.Err() != nil {
					b.Fatal(acc.Err())
				}
				_ = acc.Table()
			}
		}
		// CPU time of the process (both the parser's and the summarizer's
		// goroutines): steadier than wall time on a shared machine.
		b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	}
	b.Run("without", func(b *testing.B) { run(b, false) })
	b.Run("with", func(b *testing.B) { run(b, true) })
}

// cpuSeconds returns the user and system CPU time of the process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
