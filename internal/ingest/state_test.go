package ingest

import (
	"bytes"
	"testing"
)

// TestStateInline checks the State's single period held inline against the
// periods it must list: a second period before or after the first (or on
// the holdout side) moves both to rest in order, a merge with itself
// doubles, and the encoding round-trips either form.
func TestStateInline(t *testing.T) {
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
		ps := st.list()
		if len(ps) != len(tc.want) || st.single != (len(tc.want) == 1) {
			t.Fatalf("%v: %d periods (single %v), want %v", tc.adds, len(ps), st.single, tc.want)
		}
		for i, w := range tc.want {
			if ps[i].holdout != w.holdout || ps[i].p != w.p {
				t.Errorf("%v: period %d is (%v, %d), want %v", tc.adds, i, ps[i].holdout, ps[i].p, w)
			}
		}
		b := st.AppendBinary(nil)
		d, ok := DecodeState(b)
		if !ok || !bytes.Equal(d.AppendBinary(nil), b) || d.single != st.single {
			t.Errorf("%v: encoding does not round-trip", tc.adds)
		}
		var n int32
		for _, e := range ps {
			n += e.n
		}
		st.Merge(&st)
		var m int32
		for _, e := range st.list() {
			m += e.n
		}
		if m != 2*n || len(st.list()) != len(tc.want) {
			t.Errorf("%v: merged with itself: %d transactions in %d periods, want %d in %d", tc.adds, m, len(st.list()), 2*n, len(tc.want))
		}
	}
	var empty State
	if !empty.Empty() || len(empty.AppendBinary(nil)) != 1 {
		t.Error("the zero State is not empty")
	}
}
