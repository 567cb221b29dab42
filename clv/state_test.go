package clv_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// FuzzMergeState: a random log, each customer's transactions split into
// random shards (in random order), summarized per shard and merged along a
// random tree, gives exactly what Summarize gives, under both time
// conventions, with and without a calibration split. Amounts are
// multiples of 0.25, so their sums are exact in any order (cents are not:
// 0.01 has no exact binary form, and sums in another order differ in the
// last bit).
func FuzzMergeState(f *testing.F) {
	f.Add(uint64(1), uint8(3), false, false)
	f.Add(uint64(2), uint8(1), true, true)
	f.Add(uint64(7), uint8(9), true, false)
	f.Add(uint64(9), uint8(4), false, true)
	f.Fuzz(func(t *testing.T, seed uint64, shards uint8, calendar, split bool) {
		rng := rand.New(rand.NewPCG(seed, 3))
		start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
		end := start.AddDate(1, 0, 0)
		opts := clv.SummaryOptions{End: end, Calendar: calendar, Period: clv.Period(rng.IntN(4)), AllowNegative: rng.IntN(2) == 0}
		if !calendar {
			opts.Unit = 7 * 24 * time.Hour
		}
		if split {
			opts.CalibrationEnd = start.AddDate(0, 6, rng.IntN(20))
		}
		var txs []clv.Transaction
		for c := range 1 + rng.IntN(30) {
			id := string(rune('a' + c%26))
			if c >= 26 {
				id += "x"
			}
			for range 1 + rng.IntN(12) {
				amt := float64(rng.IntN(80000)) / 4 // quarters: sums exact in float64
				if opts.AllowNegative && rng.IntN(5) == 0 {
					amt = -amt
				}
				// Times on whole hours, some on the same day.
				txs = append(txs, clv.Transaction{CustomerID: id, Time: start.Add(time.Duration(rng.IntN(24*364)) * time.Hour), Amount: amt})
			}
		}
		want, err := clv.Summarize(txs, opts)
		if err != nil {
			return // e.g. every customer first seen in the holdout
		}
		// Shard each customer's transactions, build a state per shard, merge.
		k := 1 + int(shards)%8
		byID := map[string][][]clv.Transaction{}
		for _, tx := range txs {
			if byID[tx.CustomerID] == nil {
				byID[tx.CustomerID] = make([][]clv.Transaction, k)
			}
			s := rng.IntN(k)
			byID[tx.CustomerID][s] = append(byID[tx.CustomerID][s], tx)
		}
		got := map[string]clv.Customer{}
		gotH := map[string]clv.Holdout{}
		for id, parts := range byID {
			var states []*clv.CustomerState
			for _, part := range parts {
				st := &clv.CustomerState{}
				rng.Shuffle(len(part), func(i, j int) { part[i], part[j] = part[j], part[i] })
				for _, tx := range part {
					if err := st.Add(tx, opts); err != nil {
						t.Fatal(err)
					}
				}
				states = append(states, st)
			}
			for i, st := range states { // through the binary encoding, as between machines
				b, _ := st.MarshalBinary()
				var back clv.CustomerState
				if err := back.UnmarshalBinary(b); err != nil {
					t.Fatal(err)
				}
				states[i] = &back
			}
			for len(states) > 1 { // a random merge tree
				i := rng.IntN(len(states) - 1)
				if err := states[i].Merge(states[i+1]); err != nil {
					t.Fatal(err)
				}
				states = append(states[:i+1], states[i+2:]...)
			}
			c, h, err := states[0].Summary(opts)
			if err == clv.ErrHoldoutOnly {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			got[id], gotH[id] = c, h
		}
		if len(got) != len(want.Customers) {
			t.Fatalf("%d customers, want %d", len(got), len(want.Customers))
		}
		for i, c := range want.Customers {
			if got[c.ID] != c {
				t.Fatalf("%q: %+v, want %+v (opts %+v)", c.ID, got[c.ID], c, opts)
			}
			if split && gotH[c.ID] != want.Holdout[i] {
				t.Fatalf("%q holdout: %+v, want %+v", c.ID, gotH[c.ID], want.Holdout[i])
			}
		}
	})
}
