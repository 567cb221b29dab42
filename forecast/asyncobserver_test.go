package forecast

import (
	"slices"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// recorder keeps every group it is shown, copied.
type recorder struct {
	groups [][]int32
	times  []time.Time
	amount []float64
}

func (r *recorder) Observe(ks []int32, ts []clv.Transaction) {
	r.groups = append(r.groups, slices.Clone(ks))
	for _, t := range ts {
		r.times = append(r.times, t.Time)
		r.amount = append(r.amount, t.Amount)
	}
}

// TestAsyncObserverSameGroups checks that an asyncObserver shows its
// observer the groups it was shown, whole and in order, with their times
// and amounts, though the caller reuses its slices, across many batches
// and a last partial one.
func TestAsyncObserverSameGroups(t *testing.T) {
	var direct, behind recorder
	a := newAsyncObserver(&behind)
	ks := make([]int32, 0, 64)
	ts := make([]clv.Transaction, 0, 64)
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	next := int32(0)
	for g := range 5000 {
		n := 1 + (g*7)%40 // groups of 1 to 40
		ks, ts = ks[:0], ts[:0]
		for range n {
			ks = append(ks, next%977)
			ts = append(ts, clv.Transaction{CustomerID: "x", Time: day.Add(time.Duration(next) * time.Minute), Amount: float64(next) / 4})
			next++
		}
		direct.Observe(ks, ts)
		a.Observe(ks, ts)
		for i := range ks { // the caller reuses its slices
			ks[i], ts[i] = -7, clv.Transaction{}
		}
	}
	a.close()
	a.close() // a second close does nothing
	if len(behind.groups) != len(direct.groups) {
		t.Fatalf("%d groups shown, want %d", len(behind.groups), len(direct.groups))
	}
	for i := range direct.groups {
		if !slices.Equal(behind.groups[i], direct.groups[i]) {
			t.Fatalf("group %d: %v, want %v", i, behind.groups[i], direct.groups[i])
		}
	}
	if !slices.Equal(behind.amount, direct.amount) || !slices.EqualFunc(behind.times, direct.times, time.Time.Equal) {
		t.Fatal("the records' times or amounts differ")
	}
	if int(next) != len(behind.amount) || next < 10*asyncBatch {
		t.Fatalf("%d records shown of %d; want more than %d batches", len(behind.amount), next, 10)
	}
}

// TestAsyncObserverEmpty checks that closing an asyncObserver that was
// shown nothing ends its goroutine without showing anything.
func TestAsyncObserverEmpty(t *testing.T) {
	var r recorder
	a := newAsyncObserver(&r)
	a.close()
	if len(r.groups) != 0 {
		t.Fatalf("%d groups shown, want 0", len(r.groups))
	}
}
