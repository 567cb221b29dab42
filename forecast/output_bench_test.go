package forecast_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/clvkit/clvkit/forecast"
)

// The job on the log that CLVKIT_LOG1E6 names, run once per test binary
// for the output benchmarks.
var big struct {
	once sync.Once
	res  *forecast.Result
	err  error
}

// bigResult returns the job's result on the log CLVKIT_LOG1E6 names (made
// by go run ./examples/simulate -customers 1000000: 2.46 million rows of
// 10⁶ customers), with the default settings of examples/forecast; it skips
// the benchmark without it.
func bigResult(b *testing.B) *forecast.Result {
	path := os.Getenv("CLVKIT_LOG1E6")
	if path == "" {
		b.Skip("CLVKIT_LOG1E6 not set: no log of 10⁶ customers to write the outputs of")
	}
	big.once.Do(func() {
		f, err := os.Open(path)
		if err != nil {
			big.err = err
			return
		}
		defer f.Close()
		big.res, big.err = forecast.Run(context.Background(), f, forecast.Config{Name: filepath.Base(path), Discount: 0.01})
	})
	if big.err != nil {
		b.Fatal(big.err)
	}
	return big.res
}

// cpuSeconds returns the process's user and system CPU time in seconds.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// measure runs f b.N times and reports its CPU seconds per operation
// (user and system, all goroutines): on a shared machine the wall time
// also counts others' load.
func measure(b *testing.B, f func() error) {
	b.Helper()
	cpu := cpuSeconds()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu)/float64(b.N), "cpu-s/op")
}

// BenchmarkWriteForecastCSV1e6 writes forecast.csv of 10⁶ customers
// (CLVKIT_LOG1E6, see bigResult; 235 MB): "format" into io.Discard (the
// rows' formatting alone), "file" into a file (as WriteFiles does).
func BenchmarkWriteForecastCSV1e6(b *testing.B) {
	res := bigResult(b)
	n := countingWriter{w: io.Discard}
	if err := res.WriteForecastCSV(&n); err != nil {
		b.Fatal(err)
	}
	b.Run("format", func(b *testing.B) {
		b.SetBytes(n.n)
		measure(b, func() error { return res.WriteForecastCSV(io.Discard) })
	})
	b.Run("file", func(b *testing.B) {
		b.SetBytes(n.n)
		path := filepath.Join(b.TempDir(), "forecast.csv")
		measure(b, func() error {
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			if err := res.WriteForecastCSV(f); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		})
	})
}

// BenchmarkReport1e6 renders the report's plots of 10⁶ customers
// (CLVKIT_LOG1E6, see bigResult) and writes report.html with them
// inlined; "files" writes every output into a directory (WriteFiles).
func BenchmarkReport1e6(b *testing.B) {
	res := bigResult(b)
	figs, err := res.Figures()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("figures", func(b *testing.B) {
		measure(b, func() error { _, err := res.Figures(); return err })
	})
	b.Run("html", func(b *testing.B) {
		measure(b, func() error { return res.WriteReport(io.Discard, figs) })
	})
	b.Run("figures+html", func(b *testing.B) {
		measure(b, func() error {
			figs, err := res.Figures()
			if err != nil {
				return err
			}
			return res.WriteReport(io.Discard, figs)
		})
	})
	b.Run("files", func(b *testing.B) {
		dir := b.TempDir()
		measure(b, func() error { _, err := res.WriteFiles(dir); return err })
	})
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
