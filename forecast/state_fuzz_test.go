package forecast

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"slices"
	"testing"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
)

// frame wraps a state's body in the magic, the version and the checksum,
// so that the fuzzer reaches the body's decoder.
func frame(body []byte) []byte {
	b := append([]byte(stateMagic), StateVersion)
	b = append(b, body...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
}

// FuzzLoadState: any bytes, raw or framed with a valid checksum, either
// load, and then save and load again to the same bytes, or are an error
// wrapping ErrStateCorrupt or ErrStateVersion; never a panic.
func FuzzLoadState(f *testing.F) {
	// A state of three customers, without the job (the fuzzer's workers
	// each run this).
	st := &State{Records: 5, Model: "bgnbd", purchase: map[string][]float64{"bgnbd": {0.25, 4.2, 0.79, 2.5}},
		spend: &gammagamma.Params{P: 5.9, Q: 4, Gamma: 15}}
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	st.First, st.Last, st.End = day(1), day(20), day(21)
	for i, tx := range []clv.Transaction{{CustomerID: "a", Time: day(1), Amount: 10}, {CustomerID: "b", Time: day(2), Amount: 5}, {CustomerID: "a", Time: day(9), Amount: 7.5}, {CustomerID: "c", Time: day(3), Amount: 1}, {CustomerID: "b", Time: day(20), Amount: 3}} {
		k := slices.IndexFunc(st.customers, func(c clv.CustomerState) bool { return c.ID == tx.CustomerID })
		if k < 0 {
			k = len(st.customers)
			st.customers = append(st.customers, clv.CustomerState{})
		}
		if err := st.customers[k].Add(tx, clv.SummaryOptions{}); err != nil {
			f.Fatal(i, err)
		}
	}
	var buf bytes.Buffer
	if err := st.Save(&buf); err != nil {
		f.Fatal(err)
	}
	saved := buf.Bytes()
	f.Add(saved, false)
	f.Add(saved[len(stateMagic)+1:len(saved)-4], true)
	f.Add([]byte{}, true)
	f.Fuzz(func(t *testing.T, b []byte, framed bool) {
		if framed {
			b = frame(b)
		}
		st, err := LoadState(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrStateCorrupt) && !errors.Is(err, ErrStateVersion) {
				t.Fatalf("error %v wraps neither ErrStateCorrupt nor ErrStateVersion", err)
			}
			return
		}
		var once, twice bytes.Buffer
		if err := st.Save(&once); err != nil {
			t.Fatal(err)
		}
		st2, err := LoadState(bytes.NewReader(once.Bytes()))
		if err != nil {
			t.Fatalf("a saved state does not load: %v", err)
		}
		if err := st2.Save(&twice); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once.Bytes(), twice.Bytes()) {
			t.Fatal("save, load, save changed the state")
		}
	})
}
