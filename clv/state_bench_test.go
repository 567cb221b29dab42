package clv_test

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// BenchmarkCustomerStates10e6 measures building the CustomerState of each
// of a million customers from 2.5 million transactions over two years (a
// customer buys 1 + a geometric number of times with mean 1.5), in time
// order, as the forecast job's first -state run does: one slice of states
// indexed by customer number. It reports the live heap the states hold.
func BenchmarkCustomerStates10e6(b *testing.B) {
	const customers = 1_000_000
	rng := rand.New(rand.NewPCG(3, 4))
	start := date(2022, 1, 1)
	type row struct {
		k int32
		t clv.Transaction
	}
	var rows []row
	for k := range customers {
		id := "c" + strconv.Itoa(k)
		for {
			t := start.Add(time.Duration(rng.IntN(730*86400)) * time.Second)
			rows = append(rows, row{int32(k), clv.Transaction{CustomerID: id, Time: t, Amount: float64(rng.IntN(10000)) / 100}})
			if rng.Float64() < 0.4 {
				break
			}
		}
	}
	slices.SortFunc(rows, func(x, y row) int { return x.t.Time.Compare(y.t.Time) })
	num := make([]int32, customers) // by first appearance
	for i := range num {
		num[i] = -1
	}
	n := int32(0)
	for i := range rows {
		if num[rows[i].k] < 0 {
			num[rows[i].k] = n
			n++
		}
		rows[i].k = num[rows[i].k]
	}
	opts := clv.SummaryOptions{Period: clv.Day}
	b.ReportAllocs()
	b.ResetTimer()
	var mem uint64
	for b.Loop() {
		b.StopTimer()
		before := heapInUse()
		b.StartTimer()
		states := make([]clv.CustomerState, 0, 1024)
		for i := range rows {
			k := rows[i].k
			if int(k) == len(states) {
				states = append(states, clv.CustomerState{ID: rows[i].t.CustomerID})
			}
			if err := states[k].Add(rows[i].t, opts); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		mem = heapInUse() - before
		runtime.KeepAlive(states)
		b.StartTimer()
	}
	b.ReportMetric(float64(len(rows)), "tx")
	b.ReportMetric(float64(mem)/(1<<20), "MiB-states")
}
