package clv_test

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/clvkit/clvkit/clv"
)

// TestAddInIsAdd: states built with AddIn in one arena, from transactions
// whose ids are views of a buffer overwritten after each, encode exactly
// as states built with Add, and their summaries are the same; AddIn
// refuses what Add refuses (a non-finite or negative amount, a bad
// period; not another customer's transaction, which it does not check)
// and a nil state, leaving the state as it was.
func TestAddInIsAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 0)
	opts := clv.SummaryOptions{CalibrationEnd: start.AddDate(0, 9, 0)}
	const n = 500
	var a clv.StateArena
	byAdd, byAddIn := make([]clv.CustomerState, n), make([]clv.CustomerState, n)
	buf := make([]byte, 0, 16)
	for range 5000 {
		c := rng.IntN(n)
		id := "customer-" + strconv.Itoa(c)
		tx := clv.Transaction{CustomerID: id, Time: start.Add(time.Duration(rng.IntN(365*24)) * time.Hour), Amount: float64(rng.IntN(400)) / 4}
		if err := byAdd[c].Add(tx, opts); err != nil {
			t.Fatal(err)
		}
		buf = append(buf[:0], id...)
		tx.CustomerID = unsafe.String(&buf[0], len(buf)) // a view of the buffer
		if err := byAddIn[c].AddIn(&a, tx, opts); err != nil {
			t.Fatal(err)
		}
		clear(buf) // overwritten, as a reader reuses its buffer
	}
	sopts := opts
	sopts.End = end
	for c := range byAdd {
		if byAdd[c].ID == "" {
			continue
		}
		if byAddIn[c].ID != byAdd[c].ID {
			t.Fatalf("customer %d: id %q, want %q", c, byAddIn[c].ID, byAdd[c].ID)
		}
		got, _ := byAddIn[c].MarshalBinary()
		want, _ := byAdd[c].MarshalBinary()
		if !bytes.Equal(got, want) {
			t.Fatalf("customer %d: AddIn's state encodes differently from Add's", c)
		}
		gc, gh, gerr := byAddIn[c].Summary(sopts)
		wc, wh, werr := byAdd[c].Summary(sopts)
		if gc != wc || gh != wh || (gerr == nil) != (werr == nil) {
			t.Fatalf("customer %d: summary %v %v %v, Add's %v %v %v", c, gc, gh, gerr, wc, wh, werr)
		}
	}
	s := &byAddIn[0]
	for _, tc := range []struct {
		tx   clv.Transaction
		opts clv.SummaryOptions
		want error
	}{
		{clv.Transaction{CustomerID: s.ID, Time: start, Amount: math.Inf(1)}, opts, clv.ErrNonFinite},
		{clv.Transaction{CustomerID: s.ID, Time: start, Amount: -1}, opts, clv.ErrNegativeAmount},
		{clv.Transaction{CustomerID: s.ID, Time: start}, clv.SummaryOptions{Period: clv.Year + 1}, clv.ErrBadOption},
	} {
		before, _ := s.MarshalBinary()
		err := s.AddIn(&a, tc.tx, tc.opts)
		if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("AddIn(%v): error %v, want %v", tc.tx, err, tc.want)
		}
		if after, _ := s.MarshalBinary(); !bytes.Equal(before, after) {
			t.Errorf("AddIn(%v) changed the state on error", tc.tx)
		}
	}
	var nilState *clv.CustomerState
	if err := nilState.AddIn(&a, clv.Transaction{CustomerID: "x", Time: start}, opts); err == nil {
		t.Error("AddIn on a nil state: no error")
	}
	// A nil arena is the heap; the id is still copied.
	var h clv.CustomerState
	buf = append(buf[:0], "heap"...)
	if err := h.AddIn(nil, clv.Transaction{CustomerID: unsafe.String(&buf[0], 4), Time: start}, opts); err != nil || (func() bool { clear(buf); return h.ID != "heap" })() {
		t.Errorf("AddIn with a nil arena: %v, id %q", err, h.ID)
	}
}

// TestAddInKeepsID: AddIn takes the first transaction's id and then never
// compares ids, as documented (Add refuses another customer's).
func TestAddInKeepsID(t *testing.T) {
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	var s clv.CustomerState
	var a clv.StateArena
	for i, id := range []string{"a", "b", ""} {
		if err := s.AddIn(&a, clv.Transaction{CustomerID: id, Time: day.AddDate(0, 0, i), Amount: 1}, clv.SummaryOptions{}); err != nil {
			t.Fatalf("AddIn of %q: %v", id, err)
		}
	}
	if s.ID != "a" {
		t.Errorf("ID %q, want a", s.ID)
	}
	var h clv.CustomerState
	if err := h.Add(clv.Transaction{CustomerID: "a", Time: day, Amount: 1}, clv.SummaryOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := h.Add(clv.Transaction{CustomerID: "b", Time: day, Amount: 1}, clv.SummaryOptions{}); err == nil {
		t.Error("Add of another customer's transaction: no error")
	}
}
