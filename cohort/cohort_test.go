package cohort_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/cohort"
)

type rec struct {
	k   int
	t   time.Time
	amt float64
}

// randomLog returns a log of n customers over about months months, each
// customer's transactions in time order, the customers interleaved at
// random, with same-day repeats; amounts are multiples of 1/4, so that
// every sum is exact in any order.
func randomLog(rng *rand.Rand, n, months int) []rec {
	start := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	span := start.AddDate(0, months, 0).Sub(start)
	per := make([][]rec, n)
	for k := range per {
		first := time.Duration(rng.Int64N(int64(span)))
		t := start.Add(first)
		for range 1 + rng.IntN(6) {
			per[k] = append(per[k], rec{k, t, float64(rng.IntN(400)) / 4})
			switch rng.IntN(4) {
			case 0: // same day
				t = t.Add(time.Duration(rng.IntN(3600)) * time.Second)
			default:
				t = t.Add(time.Duration(rng.Int64N(int64(span / 3))))
			}
		}
	}
	// Interleave: repeatedly take the next transaction of a random
	// customer that has one left.
	var log []rec
	left := make([]int, 0, n)
	for k := range per {
		left = append(left, k)
	}
	for len(left) > 0 {
		i := rng.IntN(len(left))
		k := left[i]
		log = append(log, per[k][0])
		if per[k] = per[k][1:]; len(per[k]) == 0 {
			left = slices.Delete(left, i, i+1)
		}
	}
	return log
}

// naive recomputes the table from the raw records, straight from the
// package's definitions.
func naive(log []rec) cohort.Table {
	type km struct {
		k int
		m cohort.Month
	}
	days := map[km]map[int]bool{}
	rev := map[km]float64{}
	first := map[int]cohort.Month{}
	lo, hi := cohort.Month(math.MaxInt32), cohort.Month(math.MinInt32)
	for _, r := range log {
		m := cohort.MonthOf(r.t)
		key := km{r.k, m}
		if days[key] == nil {
			days[key] = map[int]bool{}
		}
		days[key][r.t.Day()] = true
		rev[key] += r.amt
		if f, ok := first[r.k]; !ok || m < f {
			first[r.k] = m
		}
		lo, hi = min(lo, m), max(hi, m)
	}
	var t cohort.Table
	if len(log) == 0 {
		return t
	}
	for c := lo; c <= hi; c++ {
		co := cohort.Cohort{Month: c, Months: make([]cohort.Cell, hi-c+1)}
		for k, f := range first {
			if f != c {
				continue
			}
			co.Size++
			for m := c; m <= hi; m++ {
				if d := days[km{k, m}]; d != nil {
					cell := &co.Months[m-c]
					cell.Customers++
					cell.Orders += len(d)
					cell.Revenue += rev[km{k, m}]
				}
			}
		}
		if co.Size > 0 {
			t.Cohorts = append(t.Cohorts, co)
		}
	}
	for m := lo; m <= hi; m++ {
		kpi := cohort.KPI{Month: m, AverageOrderValue: math.NaN(), RepeatPurchaseRate: math.NaN(), Retention12: math.NaN()}
		activeBefore := 0
		for k, f := range first {
			d := days[km{k, m}]
			if d != nil {
				kpi.Active++
				kpi.Orders += len(d)
				kpi.Revenue += rev[km{k, m}]
				if f == m {
					kpi.New++
				} else {
					kpi.Returning++
				}
				if days[km{k, m - 12}] != nil {
					kpi.Retained12++
				}
			}
			if days[km{k, m - 12}] != nil {
				activeBefore++
			}
			if f <= m {
				kpi.Customers++
				orders := 0
				for x := f; x <= m; x++ {
					orders += len(days[km{k, x}])
				}
				if orders >= 2 {
					kpi.Repeat++
				}
			}
		}
		if kpi.Orders > 0 {
			kpi.AverageOrderValue = kpi.Revenue / float64(kpi.Orders)
		}
		if kpi.Customers > 0 {
			kpi.RepeatPurchaseRate = float64(kpi.Repeat) / float64(kpi.Customers)
		}
		if m-12 >= lo && activeBefore > 0 {
			kpi.Retention12 = float64(kpi.Retained12) / float64(activeBefore)
		}
		t.KPIs = append(t.KPIs, kpi)
	}
	return t
}

// equal compares tables exactly, NaN equal to NaN.
func equal(t *testing.T, got, want cohort.Table) {
	t.Helper()
	if !reflect.DeepEqual(got.Cohorts, want.Cohorts) {
		t.Fatalf("cohorts differ:\ngot  %+v\nwant %+v", got.Cohorts, want.Cohorts)
	}
	if len(got.KPIs) != len(want.KPIs) {
		t.Fatalf("%d KPI months, want %d", len(got.KPIs), len(want.KPIs))
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for i, g := range got.KPIs {
		w := want.KPIs[i]
		if g.Month != w.Month || g.Active != w.Active || g.New != w.New || g.Returning != w.Returning || g.Orders != w.Orders ||
			g.Revenue != w.Revenue || !same(g.AverageOrderValue, w.AverageOrderValue) || g.Customers != w.Customers ||
			g.Repeat != w.Repeat || !same(g.RepeatPurchaseRate, w.RepeatPurchaseRate) || g.Retained12 != w.Retained12 ||
			!same(g.Retention12, w.Retention12) {
			t.Fatalf("KPI %v:\ngot  %+v\nwant %+v", g.Month, g, w)
		}
	}
}

// TestBruteForce: on random logs, the accumulator's table equals a naive
// recount from the raw records, exactly (amounts in quarters: every sum
// exact), and merging chunks of the log in order gives the same table.
func TestBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 60 {
		n, months := 1+rng.IntN(80), 1+rng.IntN(40)
		log := randomLog(rng, n, months)
		want := naive(log)
		a := cohort.New()
		for _, r := range log {
			if err := a.Add(r.k, r.t, r.amt); err != nil {
				t.Fatal(err)
			}
		}
		equal(t, a.Table(), want)
		// The Accumulator may be fed further after Table.
		equal(t, a.Table(), want)

		// Chunks of random sizes, merged in order.
		m := cohort.New()
		for lo := 0; lo < len(log); {
			hi := min(len(log), lo+1+rng.IntN(len(log)/3+1))
			c := cohort.NewChunk()
			for _, r := range log[lo:hi] {
				if err := c.Add(r.k, r.t, r.amt); err != nil {
					t.Fatal(err)
				}
			}
			if trial == 0 && lo == 0 {
				equal(t, c.Table(), naive(log[lo:hi]))
			}
			if err := m.Merge(c); err != nil {
				t.Fatal(err)
			}
			lo = hi
		}
		equal(t, m.Table(), want)
	}
}

// TestTotals: the cohort table's orders are each customer's customer-days,
// its sizes the customers, and the last month's repeat customers those
// with two customer-days or more.
func TestTotals(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	log := randomLog(rng, 500, 30)
	a := cohort.New()
	days := map[int]map[string]bool{}
	for _, r := range log {
		a.Observe([]int32{int32(r.k), -1}, []clv.Transaction{{Time: r.t, Amount: r.amt}, {}})
		if days[r.k] == nil {
			days[r.k] = map[string]bool{}
		}
		days[r.k][r.t.Format(time.DateOnly)] = true
	}
	if a.Err() != nil {
		t.Fatal(a.Err())
	}
	tab := a.Table()
	orders, size := 0, 0
	for _, c := range tab.Cohorts {
		size += c.Size
		for _, cell := range c.Months {
			orders += cell.Orders
		}
	}
	wantOrders, repeat := 0, 0
	for _, d := range days {
		wantOrders += len(d)
		if len(d) >= 2 {
			repeat++
		}
	}
	last := tab.KPIs[len(tab.KPIs)-1]
	if size != 500 || orders != wantOrders || last.Customers != 500 || last.Repeat != repeat {
		t.Errorf("size %d orders %d (want %d) customers %d repeat %d (want %d)", size, orders, wantOrders, last.Customers, last.Repeat, repeat)
	}
}

func TestErrors(t *testing.T) {
	day := time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC)
	a := cohort.New()
	for _, c := range []struct {
		k    int
		t    time.Time
		amt  float64
		want error
	}{
		{-1, day, 1, cohort.ErrCustomer},
		{cohort.MaxCustomers, day, 1, cohort.ErrCustomer},
		{0, time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), 1, cohort.ErrTime},
		{0, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 1, cohort.ErrTime},
		{0, day, math.NaN(), cohort.ErrAmount},
		{0, day, math.Inf(-1), cohort.ErrAmount},
	} {
		if err := a.Add(c.k, c.t, c.amt); !errors.Is(err, c.want) {
			t.Errorf("Add(%d, %v, %v) = %v, want %v", c.k, c.t, c.amt, err, c.want)
		}
	}
	if !errors.Is(a.Err(), cohort.ErrCustomer) {
		t.Errorf("Err = %v, want the first error", a.Err())
	}
	if tab := a.Table(); len(tab.Cohorts) != 0 || len(tab.KPIs) != 0 {
		t.Errorf("refused transactions tabulated: %+v", tab)
	}
	// Within a month any order; an earlier month is refused and changes nothing.
	b := cohort.New()
	for _, d := range []int{20, 3, 20} {
		if err := b.Add(7, time.Date(2024, 6, d, 0, 0, 0, 0, time.UTC), 1); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Add(7, day, 1); !errors.Is(err, cohort.ErrOutOfOrder) {
		t.Errorf("earlier month: %v", err)
	}
	tab := b.Table()
	if len(tab.Cohorts) != 1 || tab.Cohorts[0].Months[0] != (cohort.Cell{Customers: 1, Orders: 2, Revenue: 3}) {
		t.Errorf("table %+v", tab)
	}
	if err := b.Merge(cohort.New()); !errors.Is(err, cohort.ErrMerge) {
		t.Errorf("Merge of a non-chunk: %v", err)
	}
	if c := cohort.NewChunk(); !errors.Is(c.Merge(c), cohort.ErrMerge) {
		t.Error("Merge into itself")
	}
	if err := b.Merge(nil); !errors.Is(err, cohort.ErrMerge) {
		t.Errorf("Merge(nil): %v", err)
	}
	// The largest customer number costs one block, not 2³¹ states.
	big := cohort.New()
	if err := big.Add(cohort.MaxCustomers-1, day, 1); err != nil || big.Table().Cohorts[0].Size != 1 {
		t.Errorf("largest customer: %v", err)
	}
	big.Observe([]int32{math.MaxInt32, -5}, []clv.Transaction{{Time: day}, {Time: day}})
	if !errors.Is(big.Err(), cohort.ErrCustomer) || big.Table().Cohorts[0].Size != 1 {
		t.Errorf("Observe of customer 2³¹−1: %v", big.Err())
	}
	var zero cohort.Accumulator // the zero value is ready
	if err := zero.Add(0, day, 2); err != nil || zero.Table().KPIs[0].Orders != 1 {
		t.Errorf("zero value: %v", err)
	}
}

// TestLocation: months and days are those of each time's location.
func TestLocation(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	a := cohort.New()
	// 2024-01-31 20:00 UTC is 2024-02-01 05:00 in Tokyo.
	u := time.Date(2024, 1, 31, 20, 0, 0, 0, time.UTC)
	a.Observe([]int32{0, 1}, []clv.Transaction{{Time: u, Amount: 1}, {Time: u.In(tokyo), Amount: 1}})
	tab := a.Table()
	if len(tab.Cohorts) != 2 || tab.Cohorts[0].Month.String() != "2024-01" || tab.Cohorts[1].Month.String() != "2024-02" {
		t.Errorf("cohorts %+v", tab.Cohorts)
	}
}

func TestMonth(t *testing.T) {
	m := cohort.MonthOf(time.Date(2023, 12, 31, 23, 0, 0, 0, time.UTC))
	if m.Year() != 2023 || m.Month() != time.December || m.String() != "2023-12" || (m+1).String() != "2024-01" ||
		!m.Start().Equal(time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("%v %v %v %v", m.Year(), m.Month(), m, m.Start())
	}
	c := cohort.Cohort{Size: 4, Months: []cohort.Cell{{Revenue: 4}, {Revenue: 2}, {Revenue: 6}}}
	for s, want := range map[int]float64{-1: 0, 0: 1, 1: 1.5, 2: 3, 9: 3} {
		if got := c.CumulativeRevenuePerCustomer(s); got != want {
			t.Errorf("CumulativeRevenuePerCustomer(%d) = %v, want %v", s, got, want)
		}
	}
}

// BenchmarkObserve feeds 2.46 million transactions of 10⁶ customers,
// interleaved as a log in time order is (the README's simulated log has
// that shape), and tabulates them.
func BenchmarkObserve(b *testing.B) {
	const n, records = 1_000_000, 2_460_000
	rng := rand.New(rand.NewPCG(5, 6))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	ks := make([]int32, records)
	txs := make([]clv.Transaction, records)
	for i := range ks {
		// Customers first appear in order over the first quarter, then
		// come back at random; times increase through the year.
		if i < n {
			ks[i] = int32(i)
		} else {
			ks[i] = rng.Int32N(n)
		}
		txs[i] = clv.Transaction{Time: start.Add(time.Duration(float64(i) / records * float64(365*24*time.Hour))), Amount: 10}
	}
	b.ResetTimer()
	for b.Loop() {
		a := cohort.New()
		for lo := 0; lo < records; lo += 32 {
			a.Observe(ks[lo:min(lo+32, records)], txs[lo:min(lo+32, records)])
		}
		if a.Err() != nil {
			b.Fatal(a.Err())
		}
		_ = a.Table()
	}
	b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// FuzzAccumulator: any log, each customer's transactions put in time
// order, tabulates as the naive recount does, exactly; fed in chunks and
// merged in order, the same.
func FuzzAccumulator(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte{1, 200, 1, 7, 1, 200, 2, 9, 3, 0, 255, 1, 1, 100, 3, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Date(2022, 11, 20, 0, 0, 0, 0, time.UTC)
		var log []rec
		for len(data) >= 4 && len(log) < 500 {
			// customer, day (two bytes: up to about 6 years), amount in quarters
			log = append(log, rec{int(data[0] % 16), start.AddDate(0, 0, int(data[1])<<3|int(data[2]>>5)).Add(time.Duration(data[2]&31) * time.Hour),
				float64(data[3]) / 4})
			data = data[4:]
		}
		slices.SortStableFunc(log, func(a, b rec) int { return a.t.Compare(b.t) })
		want := naive(log)
		a, m, c := cohort.New(), cohort.New(), cohort.NewChunk()
		for i, r := range log {
			if err := a.Add(r.k, r.t, r.amt); err != nil {
				t.Fatal(err)
			}
			if err := c.Add(r.k, r.t, r.amt); err != nil {
				t.Fatal(err)
			}
			if i%7 == 6 {
				if err := m.Merge(c); err != nil {
					t.Fatal(err)
				}
				c = cohort.NewChunk()
			}
		}
		if err := m.Merge(c); err != nil {
			t.Fatal(err)
		}
		equal(t, a.Table(), want)
		equal(t, m.Table(), want)
	})
}
