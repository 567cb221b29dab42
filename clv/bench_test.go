package clv_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// synthLog returns n transactions of about n/10 customers, in time order
// (customers interleaved), one every 10 seconds from 2020-01-01. The
// customer ids are "c0", "c1", ...
func synthLog(n int) []clv.Transaction { return synthLogIDs(n, "c") }

// synthLogIDs is synthLog with ids prefix + number.
func synthLogIDs(n int, prefix string) []clv.Transaction {
	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]string, max(n/10, 1))
	for i := range ids {
		ids[i] = prefix + strconv.Itoa(i)
	}
	start := date(2020, 1, 1)
	ts := make([]clv.Transaction, n)
	for i := range ts {
		ts[i] = clv.Transaction{
			CustomerID: ids[rng.IntN(len(ids))],
			Time:       start.Add(time.Duration(i) * 10 * time.Second),
			Amount:     float64(rng.IntN(10000)) / 100,
		}
	}
	return ts
}

// summarizeEach adds ts to a new Summarizer, in weeks, in one AddBatch
// call or one by one with Add, and returns the Summarizer and its summary.
func summarizeEach(b *testing.B, ts []clv.Transaction, end time.Time, batch bool) (*clv.Summarizer, *clv.Summary) {
	s, err := clv.NewSummarizer(clv.SummaryOptions{End: end, Unit: 7 * 24 * time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	if batch {
		if _, err := s.AddBatch(ts); err != nil {
			b.Fatal(err)
		}
	} else {
		for i := range ts {
			if err := s.Add(ts[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
	sum, err := s.Summary()
	if err != nil {
		b.Fatal(err)
	}
	return s, sum
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// BenchmarkSummarizer10M measures the summarizing step alone: 10 million
// transactions of 1 million customers in random interleaving (the worst
// case for memory access) through Summarizer.AddBatch, on one core. It
// reports transactions per second and the summarizer's memory. The ids
// ("c123456") are at most 7 bytes, which the Summarizer holds inline.
func BenchmarkSummarizer10M(b *testing.B) { benchmarkSummarizer(b, "c", true) }

// BenchmarkSummarizerLongIDs10M is BenchmarkSummarizer10M with ids of 36
// bytes, the length of a UUID, which the Summarizer stores apart.
func BenchmarkSummarizerLongIDs10M(b *testing.B) {
	benchmarkSummarizer(b, "2f1c9a7e-55d1-4c3b-9e0a-00000", true)
}

// BenchmarkSummarizerAdd10M is BenchmarkSummarizer10M through Add, one
// transaction at a time.
func BenchmarkSummarizerAdd10M(b *testing.B) { benchmarkSummarizer(b, "c", false) }

func benchmarkSummarizer(b *testing.B, prefix string, batch bool) {
	ts := synthLogIDs(10_000_000, prefix)
	end := ts[len(ts)-1].Time
	b.ResetTimer()
	var mem uint64
	for b.Loop() {
		b.StopTimer()
		before := heapInUse() // a full collection: not timed
		b.StartTimer()
		s, sum := summarizeEach(b, ts, end, batch)
		b.StopTimer()
		mem = heapInUse() - before
		runtime.KeepAlive(s)
		runtime.KeepAlive(sum)
		b.StartTimer()
	}
	b.ReportMetric(float64(len(ts))*float64(b.N)/b.Elapsed().Seconds(), "tx/s")
	b.ReportMetric(float64(mem)/(1<<20), "MiB-state")
}

// BenchmarkSummarizerSorted10M is the same log sorted by customer (then
// time), as CDNOW's files are: consecutive transactions share a customer.
func BenchmarkSummarizerSorted10M(b *testing.B) {
	ts := synthLog(10_000_000)
	end := ts[len(ts)-1].Time
	slices.SortStableFunc(ts, func(x, y clv.Transaction) int { return strings.Compare(x.CustomerID, y.CustomerID) })
	b.ResetTimer()
	for b.Loop() {
		summarizeEach(b, ts, end, true)
	}
	b.ReportMetric(float64(len(ts))*float64(b.N)/b.Elapsed().Seconds(), "tx/s")
}

// BenchmarkSummarizeCSV measures reading and summarizing a CSV log of 10
// million rows (1 million customers in random interleaving) held in
// memory, in one pass. It reports rows per second and the bytes allocated
// per pass, which bound the memory the pass adds at its peak.
func BenchmarkSummarizeCSV(b *testing.B) {
	ts := synthLog(10_000_000)
	buf := []byte("customer_id,date,amount\n")
	for _, t := range ts {
		buf = append(buf, t.CustomerID...)
		buf = append(buf, ',')
		buf = t.Time.AppendFormat(buf, "2006-01-02 15:04:05")
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, t.Amount, 'f', 2, 64)
		buf = append(buf, '\n')
	}
	end := ts[len(ts)-1].Time
	ts = nil
	b.SetBytes(int64(len(buf)))
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	alloc := ms.TotalAlloc
	b.ResetTimer()
	for b.Loop() {
		_, err := csvio.Summarize(bytes.NewReader(buf), csvio.Options{Amount: "amount"}, clv.SummaryOptions{End: end})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(10_000_000)*float64(b.N)/b.Elapsed().Seconds(), "tx/s")
	b.ReportMetric(float64(ms.TotalAlloc-alloc)/float64(b.N)/(1<<20), "MiB-alloc/op")
}

// BenchmarkSummarizeCSVSimulated measures csvio.Summarize on the log of
// `go run ./examples/simulate -customers 1000000` (2.46 million rows,
// 61 MB), held in memory, whose path is in $CLVKIT_SIM_LOG (skipped when
// unset): the README's summarizing target.
func BenchmarkSummarizeCSVSimulated(b *testing.B) {
	path := os.Getenv("CLVKIT_SIM_LOG")
	if path == "" {
		b.Skip("CLVKIT_SIM_LOG is unset: generate the log with go run ./examples/simulate -customers 1000000 -out FILE")
	}
	buf, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if _, err := csvio.Summarize(bytes.NewReader(buf), csvio.Options{Amount: "amount"}, clv.SummaryOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
