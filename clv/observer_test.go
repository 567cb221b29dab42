package clv_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/clv/csvio"
)

// recorder is an Observer that keeps what it is shown.
type recorder struct {
	seen []string // "customer index/time/amount", −1 for skipped
}

func (r *recorder) Observe(ks []int32, ts []clv.Transaction) {
	if len(ks) != len(ts) || len(ts) == 0 || len(ts) > 1024 {
		r.seen = append(r.seen, fmt.Sprintf("bad group: %d indexes, %d transactions", len(ks), len(ts)))
	}
	for i, k := range ks {
		r.seen = append(r.seen, fmt.Sprintf("%d/%s/%v", k, ts[i].Time.Format(time.DateOnly), ts[i].Amount))
	}
}

// TestObserver: the Observer sees every transaction added, in the order
// added, with its customer's index in Summary.Customers (Whole with a
// calibration end), −1 for one skipped after the end, and not one that is
// refused; from csvio.Summarize, csvio.SummarizeAnyOrder, Summarize and AddBatch.
func TestObserver(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	end := day.AddDate(0, 0, 200)
	var txs []clv.Transaction
	for i := range 3000 {
		id := fmt.Sprintf("c%d", rng.IntN(400))
		txs = append(txs, clv.Transaction{CustomerID: id, Time: day.AddDate(0, 0, i/14), Amount: float64(rng.IntN(50))})
	}
	// The expected sequence: customers indexed by first appearance; after
	// the end, −1.
	want := func(txs []clv.Transaction) []string {
		index := map[string]int{}
		var w []string
		for _, tx := range txs {
			k := -1
			if !tx.Time.After(end) {
				if _, ok := index[tx.CustomerID]; !ok {
					index[tx.CustomerID] = len(index)
				}
				k = index[tx.CustomerID]
			}
			w = append(w, fmt.Sprintf("%d/%s/%v", k, tx.Time.Format(time.DateOnly), tx.Amount))
		}
		return w
	}
	opts := func(o clv.Observer) clv.SummaryOptions {
		return clv.SummaryOptions{End: end, SkipAfterEnd: true, CalibrationEnd: day.AddDate(0, 0, 90), Observer: o}
	}
	var r recorder
	sum, err := clv.Summarize(txs, opts(&r))
	if err != nil {
		t.Fatal(err)
	}
	if w := want(txs); !slices.Equal(r.seen, w) {
		t.Fatalf("Summarize: observed %d, want %d; first %q, want %q", len(r.seen), len(w), r.seen[:3], w[:3])
	}
	// The indexes are those of Summary.Whole.
	for i, tx := range txs {
		var k int
		if _, err := fmt.Sscanf(r.seen[i], "%d/", &k); err != nil {
			t.Fatal(err)
		}
		if k >= 0 && sum.Whole[k].ID != tx.CustomerID {
			t.Fatalf("customer %q observed as %d, Whole[%d] is %q", tx.CustomerID, k, k, sum.Whole[k].ID)
		}
	}

	// From a CSV, with a refused record (a negative amount, skipped by
	// SkipInvalid): the same, without it.
	var csv strings.Builder
	csv.WriteString("customer_id,date,amount\n")
	for i, tx := range txs {
		fmt.Fprintf(&csv, "%s,%s,%v\n", tx.CustomerID, tx.Time.Format(time.DateOnly), tx.Amount)
		if i == 1000 {
			csv.WriteString("zz,2024-02-01,-3\n")
		}
	}
	r = recorder{}
	if _, err := csvio.Summarize(strings.NewReader(csv.String()), csvio.Options{Amount: "amount", SkipInvalid: true}, opts(&r)); err != nil {
		t.Fatal(err)
	}
	if w := want(txs); !slices.Equal(r.seen, w) {
		t.Fatalf("csvio.Summarize: observed %d, want %d", len(r.seen), len(w))
	}

	// A log in reverse: csvio.SummarizeAnyOrder shows it in time order.
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	slices.Reverse(lines[1:])
	r = recorder{}
	if _, err := csvio.SummarizeAnyOrder(strings.NewReader(strings.Join(lines, "\n")), csvio.Options{Amount: "amount", SkipInvalid: true}, opts(&r)); err != nil {
		t.Fatal(err)
	}
	sorted := slices.Clone(txs)
	slices.Reverse(sorted)
	slices.SortStableFunc(sorted, func(a, b clv.Transaction) int { return a.Time.Compare(b.Time) })
	if w := want(sorted); !slices.Equal(r.seen, w) {
		t.Fatalf("csvio.SummarizeAnyOrder: observed %d, want %d", len(r.seen), len(w))
	}

	// Add one by one.
	r = recorder{}
	s, err := clv.NewSummarizer(opts(&r))
	if err != nil {
		t.Fatal(err)
	}
	for _, tx := range txs[:50] {
		if err := s.Add(tx); err != nil {
			t.Fatal(err)
		}
	}
	if w := want(txs[:50]); !slices.Equal(r.seen, w) {
		t.Fatalf("Add: observed %q, want %q", r.seen, w)
	}
}
