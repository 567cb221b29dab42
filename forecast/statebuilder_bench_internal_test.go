package forecast

import (
	"math/rand/v2"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// BenchmarkStateBuilder: the first -state run's Observer building the
// states of 10⁶ customers from 2.5·10⁶ transactions over two years,
// interleaved as in a log in time order, in the summarizer's batches of
// 32. It reports CPU seconds per operation (the machine is shared).
func BenchmarkStateBuilder(b *testing.B) {
	const n, m = 1_000_000, 2_500_000
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	ks := make([]int32, m)
	ts := make([]clv.Transaction, m)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "customer-" + strconv.Itoa(i)
	}
	next := int32(0)
	for i := range ks {
		// A new customer, or one seen before.
		if next < n && (rng.IntN(5) < 2 || next == 0) {
			ks[i] = next
			next++
		} else {
			ks[i] = rng.Int32N(next)
		}
		ts[i] = clv.Transaction{CustomerID: ids[ks[i]], Time: start.Add(time.Duration(i) * 25 * time.Second), Amount: 10}
	}
	var ru syscall.Rusage
	cpu := func() float64 {
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	b.ResetTimer()
	cpu0 := cpu()
	for b.Loop() {
		sb := &stateBuilder{}
		sb.reset()
		for lo := 0; lo < m; lo += 32 {
			hi := min(lo+32, m)
			sb.Observe(ks[lo:hi], ts[lo:hi])
		}
		if sb.err != nil {
			b.Fatal(sb.err)
		}
	}
	b.ReportMetric((cpu()-cpu0)/float64(b.N), "cpu-s/op")
}
