package ingest

import (
	"bytes"
	"testing"
	"unsafe"
)

// TestStatePeriods checks the periods a State lists: a period before or
// after the others (or on the holdout side) in order, a merge with itself
// doubles, and the encoding round-trips; and that a period is 48 bytes.
func TestStatePeriods(t *testing.T) {
	type add struct {
		holdout bool
		p       int64
	}
	for _, tc := range []struct {
		adds []add
		want []add
	}{
		{[]add{{false, 5}}, []add{{false, 5}}},
		{[]add{{false, 5}, {false, 5}}, []add{{false, 5}}},
		{[]add{{false, 5}, {false, 3}}, []add{{false, 3}, {false, 5}}},
		{[]add{{false, 5}, {false, 7}}, []add{{false, 5}, {false, 7}}},
		{[]add{{true, 2}, {false, 7}}, []add{{false, 7}, {true, 2}}},
		{[]add{{false, 5}, {false, 7}, {false, 6}, {true, 1}}, []add{{false, 5}, {false, 6}, {false, 7}, {true, 1}}},
	} {
		var st State
		for i, a := range tc.adds {
			st.Add(a.holdout, a.p, float64(a.p), float64(a.p), float64(i+1))
		}
		ps := st.periods
		if len(ps) != len(tc.want) {
			t.Fatalf("%v: %d periods, want %v", tc.adds, len(ps), tc.want)
		}
		for i, w := range tc.want {
			if ps[i].holdout != w.holdout || ps[i].p != w.p {
				t.Errorf("%v: period %d is (%v, %d), want %v", tc.adds, i, ps[i].holdout, ps[i].p, w)
			}
		}
		b := st.AppendBinary(nil)
		d, ok := DecodeState(b)
		if !ok || !bytes.Equal(d.AppendBinary(nil), b) {
			t.Errorf("%v: encoding does not round-trip", tc.adds)
		}
		var n int32
		for _, e := range ps {
			n += e.n
		}
		st.Merge(&st)
		var m int32
		for _, e := range st.periods {
			m += e.n
		}
		if m != 2*n || len(st.periods) != len(tc.want) {
			t.Errorf("%v: merged with itself: %d transactions in %d periods, want %d in %d", tc.adds, m, len(st.periods), 2*n, len(tc.want))
		}
	}
	if n := unsafe.Sizeof(statePeriod{}); n != 48 {
		t.Errorf("statePeriod is %d bytes, want 48", n)
	}
	var empty State
	if !empty.Empty() || len(empty.AppendBinary(nil)) != 1 {
		t.Error("the zero State is not empty")
	}
}
